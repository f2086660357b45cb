"""Every journal event is one of the named kinds and records only the data keys its kind names."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from drafting.extensions import db
from drafting.models import Event
from drafting.models.event_kinds import EventKind
from drafting.services import demo


def test_the_demo_journal_uses_only_named_kinds_and_their_data_keys(app):
    demo.load_demo(datetime(2023, 3, 20, 9, 0, tzinfo=UTC))
    events = db.session.scalars(select(Event)).all()
    assert len({event.action for event in events}) > 5
    for event in events:
        kind = EventKind.named(event.action)
        assert kind is not None, event.action
        assert set(event.data) <= kind.data_keys, (event.action, set(event.data))


def test_a_kind_is_its_stored_string_with_a_label():
    assert EventKind.SIGNED == "signed" and f"{EventKind.FILED}" == "filed"
    assert EventKind.named("outcome_recorded") is EventKind.OUTCOME_RECORDED
    assert EventKind.named("no such thing") is None
    assert all(str(kind.label) for kind in EventKind)
    assert len({kind.value for kind in EventKind}) == len(EventKind)


def test_the_demo_passes_the_whole_audit(app):
    from drafting.services import audit

    demo.load_demo(datetime(2023, 3, 20, 9, 0, tzinfo=UTC))
    assert audit.verify_everything() == ([], [])
