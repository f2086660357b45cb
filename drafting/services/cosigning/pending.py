"""The deputy's "À signer" list: what waits for their signature, and why."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, false, literal, select, union_all
from sqlalchemy.orm import joinedload

from drafting.extensions import db
from drafting.models import Amendment, Invitation, Role, Signature, User
from workflows.review import State


@dataclass(frozen=True)
class Pending:
    """One line of a deputy's "À signer" list and why it is there."""

    amendment: Amendment
    reason: str  # "group" | "invited" | "stale"


def _pending_reasons(deputy: User) -> dict[int, str]:
    """{amendment_id: reason} of what waits for the deputy's signature: one query."""
    if deputy.role != Role.DEPUTY:
        return {}
    mine = exists().where(Signature.amendment_id == Amendment.id, Signature.deputy_id == deputy.id)
    waiting = (Amendment.state == State.OPEN.value, Amendment.author_id != deputy.id)
    group = select(Amendment.id, literal("group")).where(
        *waiting, ~mine, Amendment.group_id == deputy.group_id if deputy.group_id else false()
    )
    invited = (
        select(Amendment.id, literal("invited"))
        .join(Invitation, Invitation.amendment_id == Amendment.id)
        .where(*waiting, ~mine, Invitation.deputy_id == deputy.id, Invitation.declined_at.is_(None))
    )
    stale = (
        select(Amendment.id, literal("stale"))
        .join(Signature, Signature.amendment_id == Amendment.id)
        .where(
            *waiting,
            Signature.deputy_id == deputy.id,
            Signature.withdrawn_at.is_(None),
            Signature.voided_at.is_(None),
            Signature.content_hash != Amendment.content_hash,
        )
    )
    rows = db.session.execute(union_all(group, invited, stale)).all()
    precedence = {"group": 0, "invited": 1, "stale": 2}  # an invited colleague reads "invited"
    reasons: dict[int, str] = {}
    for amendment_id, reason in sorted(rows, key=lambda row: precedence[row[1]]):
        reasons[amendment_id] = reason
    return reasons


def pending_count(deputy: User) -> int:
    """How many amendments wait for the deputy's signature (for the navigation badge)."""
    return len(_pending_reasons(deputy))


def pending_for(deputy: User) -> list[Pending]:
    """The deputy's "À signer" list: colleagues' open amendments not signed yet, invitations not
    declined and stale signatures, by text then amendment (two queries)."""
    reasons = _pending_reasons(deputy)
    if not reasons:
        return []
    query = (
        select(Amendment)
        .where(Amendment.id.in_(list(reasons)))
        .options(
            joinedload(Amendment.article),
            joinedload(Amendment.author),
            joinedload(Amendment.created_by),
            joinedload(Amendment.group),
            joinedload(Amendment.text),
        )
        .order_by(Amendment.text_id, Amendment.id)
    )
    return [Pending(a, reasons[a.id]) for a in db.session.scalars(query).unique()]
