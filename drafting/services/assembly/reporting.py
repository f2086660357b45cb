"""Reporting the Assembly's facts on one of our amendments: a `ready` one the Assembly
published is filed; a filed one gets its number, rectification and outcome; each change is
journalled (`assembly_synced`, and `filed` for the state). A draft is never touched."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from drafting.extensions import db
from drafting.models import Amendment, User
from drafting.models.event_kinds import EventKind
from drafting.services import journal
from drafting.services.amendments import lock_amendment
from drafting.services.assembly.amendment_records import AssemblyAmendment
from drafting.services.assembly.published import TRACKED, record_uid, row_values
from workflows.deadlines import PARIS
from workflows.numbering import number_label
from workflows.review import Outcome, State


def update_ours(
    actor: User | None,
    amendment_id: int,
    record: AssemblyAmendment,
    old: dict[str, Any] | None,
    now: datetime,
) -> bool:
    """Report the Assembly's facts on one of ours (filed by the Assembly if it was ready)."""
    amendment = lock_amendment(amendment_id)
    if amendment is None or amendment.state not in (State.READY, State.FILED):
        return False  # a draft is never overwritten
    changes = _record_changes(record, old)
    number = number_label(record.number, record.rectification)
    if amendment.state == State.READY:
        _file(actor, amendment, number, record, now)
        changes["state"] = [State.READY.value, State.FILED.value]
    if amendment.number != number:
        changes["amendment.number"] = [amendment.number, number]
        amendment.number = number
    outcome = record.outcome if record.outcome in {o.value for o in Outcome} else None
    if outcome and amendment.outcome != outcome:
        changes["amendment.outcome"] = [amendment.outcome, outcome]
        amendment.outcome = outcome
    if not changes:
        return False
    amendment.updated_at = now
    db.session.flush()
    journal.record(
        EventKind.ASSEMBLY_SYNCED,
        now=now,
        actor=actor,
        amendment_id=amendment.id,
        data={"uid": record_uid(record), "changes": changes},
    )
    return True


def _file(
    actor: User | None, amendment: Amendment, number: str, record: AssemblyAmendment, now: datetime
) -> None:
    """The Assembly published a `ready` amendment of ours: it was filed (journalled as such)."""
    filed_on = record.filed_on
    amendment.state, amendment.number = State.FILED.value, number
    amendment.filed_at = (
        datetime.combine(filed_on, time(12), tzinfo=PARIS) if filed_on is not None else now
    )
    db.session.flush()
    journal.record(
        EventKind.FILED,
        now=now,
        actor=actor,
        amendment_id=amendment.id,
        from_state=State.READY.value,
        to_state=State.FILED.value,
        data={"version": amendment.version, "number": number, "by": "assembly"},
    )


def _record_changes(record: AssemblyAmendment, old: dict[str, Any] | None) -> dict[str, list[Any]]:
    new = row_values(record, authors={}, groups={}, order_key=record.order_key)
    changes: dict[str, list[Any]] = {}
    for column in TRACKED:
        before = old.get(column) if old else None
        after = new.get(column)
        if before != after and not (old is None and after in (None, 0)):
            changes[column] = [_json(before), _json(after)]
    return changes


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value
