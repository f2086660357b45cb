"""Who has not signed yet: per amendment (the author's group and the invited deputies), per
deputy (what each member of a group still has to sign on a text), and a reminder in one action.

A reminder is a notification (and, by each deputy's choice, an e-mail); it is sent at most once
a day per deputy and amendment (or text), so pressing « Relancer » twice nags no one twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, func, not_, or_, select

from drafting.errors import Conflict, Forbidden
from drafting.extensions import db
from drafting.models import Amendment, Invitation, Role, Signature, User
from drafting.permissions import can_follow_group_signatures, can_follow_signatures
from drafting.services import amendments, notifications, texts
from drafting.services.workflow.notices import amendment_label
from workflows.deadlines import PARIS
from workflows.review import State


def non_signatories(amendment: Amendment) -> list[User]:
    """The deputies who may co-sign and have not (or no longer, the text having changed):
    active members of the author's group and invited deputies who did not decline, the author
    aside; by name. One query."""
    invited = exists(
        select(Invitation.id).where(
            Invitation.amendment_id == amendment.id,
            Invitation.deputy_id == User.id,
            Invitation.declined_at.is_(None),
        )
    )
    member = User.group_id == amendment.group_id if amendment.group_id else invited
    signed = exists(
        select(Signature.id).where(
            Signature.amendment_id == amendment.id,
            Signature.deputy_id == User.id,
            Signature.withdrawn_at.is_(None),
            Signature.voided_at.is_(None),
            Signature.content_hash == amendment.content_hash,
        )
    )
    query = select(User).where(
        User.role == Role.DEPUTY,
        User.active.is_(True),
        User.id != amendment.author_id,
        or_(member, invited),
        not_(signed),
    )
    return list(db.session.scalars(query.order_by(User.last_name, User.name)))


@dataclass(frozen=True)
class Backlog:
    """A deputy of the group and how many open amendments of the group on the text they have
    not signed (their own aside)."""

    deputy: User
    to_sign: int


def group_backlog(actor: User, text_id: int, group_id: int) -> list[Backlog]:
    """Each active deputy of the group with what they still have to sign on the text (group
    secretariat, admin): one query, the busiest first."""
    if not can_follow_group_signatures(actor, group_id):
        raise Forbidden("Seul le secrétariat du groupe suit les signatures de ses députés.")
    texts.get_text(text_id)
    pending = and_(
        Amendment.text_id == text_id,
        Amendment.group_id == group_id,
        Amendment.state == State.OPEN.value,
        Amendment.author_id != User.id,
        not_(
            exists(
                select(Signature.id).where(
                    Signature.amendment_id == Amendment.id,
                    Signature.deputy_id == User.id,
                    Signature.withdrawn_at.is_(None),
                    Signature.voided_at.is_(None),
                    Signature.content_hash == Amendment.content_hash,
                )
            )
        ),
    )
    query = (
        select(User, func.count(Amendment.id))
        .outerjoin(Amendment, pending)
        .where(User.role == Role.DEPUTY, User.group_id == group_id, User.active.is_(True))
        .group_by(User.id)
    )
    rows = [Backlog(user, count) for user, count in db.session.execute(query)]
    return sorted(rows, key=lambda b: (-b.to_sign, b.deputy.last_name, b.deputy.name))


def _day(now: datetime) -> str:
    return now.astimezone(PARIS).date().isoformat()


def remind_amendment(actor: User, amendment_id: int, now: datetime) -> list[User]:
    """Remind everyone who has not signed an open amendment (author, assistants, group
    secretariat); returns those reminded now (not those already reminded today)."""
    amendment = amendments.get_visible_amendment(actor, amendment_id)
    if not can_follow_signatures(actor, amendment):
        raise Forbidden("Seuls l'auteur, ses collaborateurs et le secrétariat relancent.")
    if amendment.state != State.OPEN:
        raise Conflict("L'amendement n'est pas ouvert à la cosignature.", code="invalid_state")
    label = amendment_label(amendment)
    waiting = non_signatories(amendment)
    sent = notifications.notify(
        waiting,
        "reminder",
        key=f"remind:{amendment.id}:{_day(now)}",
        message=f"{actor.display_name} vous rappelle que {label} attend votre signature.",
        now=now,
        amendment=amendment,
    )
    reached = {note.user_id for note in sent}
    return [user for user in waiting if user.id in reached]


def remind_deputies(
    actor: User, text_id: int, group_id: int, deputy_ids: list[int] | None, now: datetime
) -> list[User]:
    """Remind the group's deputies (those named, or every one with something to sign) of what
    they still have to sign on the text; returns those reminded now."""
    backlog = [b for b in group_backlog(actor, text_id, group_id) if b.to_sign]
    if deputy_ids is not None:
        wanted = set(deputy_ids)
        backlog = [b for b in backlog if b.deputy.id in wanted]
    text = texts.get_text(text_id)
    reminded = []
    for item in backlog:
        plural = "s" if item.to_sign > 1 else ""
        message = (
            f"{actor.display_name} vous rappelle que {item.to_sign} amendement{plural} du groupe "
            f"sur le texte n° {text.number} attend{'ent' if plural else ''} votre signature."
        )
        sent = notifications.notify(
            [item.deputy],
            "reminder",
            key=f"remind-text:{text_id}:{_day(now)}",
            message=message,
            now=now,
            text_id=text_id,
            count=item.to_sign,
        )
        if sent:
            reminded.append(item.deputy)
    return reminded
