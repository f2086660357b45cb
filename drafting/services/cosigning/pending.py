"""The deputy's "À signer" list: what waits for their signature, and why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, false, or_, select
from sqlalchemy.orm import joinedload

from drafting.extensions import db
from drafting.models import Amendment, Invitation, Role, Signature, User
from drafting.permissions import can_sign, in_group
from workflows.review import State


@dataclass(frozen=True)
class Pending:
    """One line of a deputy's "À signer" list and why it is there."""

    amendment: Amendment
    reason: str  # "group" | "invited" | "stale"


def _candidates(deputy: User) -> Select[*tuple[Any, ...]]:
    """The open amendments the deputy could have to sign (their group's, those they are invited
    to, those they signed), with the deputy's invitation and signature: one query."""
    invitation = and_(Invitation.amendment_id == Amendment.id, Invitation.deputy_id == deputy.id)
    signature = and_(Signature.amendment_id == Amendment.id, Signature.deputy_id == deputy.id)
    same_group = Amendment.group_id == deputy.group_id if deputy.group_id else false()
    return (
        select(
            Amendment.id,
            Amendment.author_id,
            Amendment.group_id,
            Amendment.state,
            Amendment.content_hash,
            Invitation.id.label("invitation_id"),
            Invitation.declined_at,
            Signature.id.label("signature_id"),
            Signature.content_hash.label("signed_hash"),
            (Signature.withdrawn_at.is_not(None) | Signature.voided_at.is_not(None)).label("ended"),
        )
        .outerjoin(Invitation, invitation)
        .outerjoin(Signature, signature)
        .where(
            Amendment.state == State.OPEN.value,
            or_(same_group, Invitation.id.is_not(None), Signature.id.is_not(None)),
        )
    )


def _reason(deputy: User, row: Any) -> str | None:
    """Why the amendment of `row` waits for the deputy, if it does and they may sign it."""
    invitation = row if row.invitation_id is not None else None
    if not can_sign(deputy, row, invitation):
        return None
    if row.signature_id is not None:
        stale = not row.ended and row.signed_hash != row.content_hash
        return "stale" if stale else None
    return "group" if in_group(deputy, row.group_id) else "invited"


def _pending_reasons(deputy: User) -> dict[int, str]:
    """{amendment_id: reason} of what waits for the deputy's signature: one query, each row
    admitted by the co-signing rule (`permissions.can_sign`)."""
    if deputy.role != Role.DEPUTY:
        return {}
    reasons = {row.id: _reason(deputy, row) for row in db.session.execute(_candidates(deputy))}
    return {amendment_id: r for amendment_id, r in reasons.items() if r is not None}


def pending_ids(deputy: User) -> list[int]:
    """The ids of what waits for the deputy's signature (the list's `to_sign=me`)."""
    return sorted(_pending_reasons(deputy))


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
