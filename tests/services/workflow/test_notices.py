"""Who is notified of each transition, once per event, never the actor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from drafting.db import commit
from drafting.extensions import db
from drafting.models import Notification, Signature, User
from drafting.services import amendments
from drafting.services.workflow import transitions
from tests.conftest import NOW, make_user

BEFORE_DEADLINE = datetime(2023, 3, 15, 10, 0, tzinfo=UTC)  # filing closes 16 March, 17:00


def make(people, bill, state="draft"):
    data = amendments.Draft(
        bill.id,
        amendments.PositionInput("article", "7"),
        "Supprimer cet article.",
        "Exposé sommaire.",
    )
    amendment = amendments.create_amendment(people["regol"], data, NOW)
    amendment.state = state
    commit()
    return amendment


def inbox() -> list[tuple[str, str]]:
    """(kind, message) of every notification, in creation order."""
    notes = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    return [(n.kind, n.message) for n in notes]


def recipients(kind: str) -> set[str]:
    """Names of the users who received a notification of this kind."""
    query = (
        select(User.name)
        .join(Notification, Notification.user_id == User.id)
        .where(Notification.kind == kind)
    )
    return set(db.session.scalars(query))


def sign(amendment, deputy, **extra):
    db.session.add(
        Signature(
            amendment_id=amendment.id,
            deputy_id=deputy.id,
            version=1,
            content_hash=amendment.content_hash,
            first_signed_at=NOW,
            signed_at=NOW,
            **extra,
        )
    )
    commit()


def test_review_requested_goes_to_the_group_s_secretariat_only(people, bill):
    colleague = make_user("Nina Roussel", "secretariat", "ECOS", civility="Mme")
    amendment = make(people, bill)
    transitions.transition(people["lea"], amendment.id, "submit", now=NOW)
    commit()
    assert recipients("review_requested") == {"Claire Dupont", colleague.name}


def test_changes_requested_reach_the_author_and_assistants_with_the_comment(people, bill):
    amendment = make(people, bill, "in_review")
    transitions.transition(
        people["claire"], amendment.id, "request_changes", now=NOW, comment="Visez l'alinéa 3."
    )
    commit()
    assert recipients("changes_requested") == {"Sandra Regol", "Léa Moreau"}
    note = db.session.scalars(select(Notification)).first()
    assert note.message.endswith("Visez l'alinéa 3.") and note.amendment_id == amendment.id


def test_approval_reaches_the_author_and_assistants(people, bill):
    amendment = make(people, bill, "in_review")
    transitions.transition(people["claire"], amendment.id, "approve", now=NOW)
    commit()
    assert recipients("approved") == {"Sandra Regol", "Léa Moreau"}


def test_closing_reaches_current_co_signatories_but_not_the_actor(people, bill):
    amendment = make(people, bill, "open")
    sign(amendment, people["lucas"])
    sign(amendment, people["bayou"], withdrawn_at=NOW)
    sign(amendment, people["peu"], voided_at=NOW, voided_by_id=people["claire"].id)
    transitions.transition(people["regol"], amendment.id, "close", now=NOW)
    commit()
    assert recipients("closed") == {"Léa Moreau", "Benjamin Lucas-Lundy"}


def test_filing_reaches_author_assistants_and_co_signatories_with_the_number(people, bill):
    amendment = make(people, bill, "ready")
    sign(amendment, people["lucas"])
    transitions.transition(people["claire"], amendment.id, "file", now=BEFORE_DEADLINE, number="27")
    commit()
    assert recipients("filed") == {"Sandra Regol", "Léa Moreau", "Benjamin Lucas-Lundy"}
    assert all("n° 27" in message for _, message in inbox())


def test_the_system_close_is_announced_to_the_author(people, bill):
    amendment = make(people, bill, "open")
    transitions.system_close(amendment.id, NOW)
    commit()
    assert recipients("closed") == {"Sandra Regol", "Léa Moreau"}


def test_each_event_notifies_once_and_a_new_event_notifies_again(people, bill):
    amendment = make(people, bill)
    transitions.transition(people["regol"], amendment.id, "submit", now=NOW)
    transitions.transition(
        people["claire"], amendment.id, "request_changes", now=NOW, comment="Non."
    )
    transitions.transition(people["regol"], amendment.id, "submit", now=NOW + timedelta(minutes=5))
    commit()
    kinds = [kind for kind, _ in inbox()]
    assert kinds.count("review_requested") == 2
    pairs = db.session.execute(select(Notification.user_id, Notification.key)).all()
    assert len(pairs) == len(set(pairs))


def test_reopen_record_outcome_and_abandon_notify_nobody(people, bill):
    ready, filed, draft = (
        make(people, bill, "ready"),
        make(people, bill, "filed"),
        make(people, bill),
    )
    transitions.transition(people["claire"], ready.id, "reopen", now=NOW)
    sitting = NOW + timedelta(hours=7)  # the examination began at 15:00
    transitions.transition(
        people["claire"], filed.id, "record_outcome", now=sitting, outcome="adopte"
    )
    transitions.transition(people["regol"], draft.id, "abandon", now=NOW)
    commit()
    assert inbox() == []
