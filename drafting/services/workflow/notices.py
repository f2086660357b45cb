"""Who hears about a workflow transition, and what they are told (one notice per event)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from drafting.extensions import db
from drafting.models import Amendment, Role, Signature, User
from drafting.services import notifications
from drafting.services.journal import NewEvent
from workflows.review import Action

POSITIONS = {"article": "art.", "before_article": "avant l'art.", "after_article": "après l'art."}


def amendment_label(amendment: Amendment) -> str:
    """ "l'amendement n° 27 (art. 7, texte n° 809)" or "#12" before filing."""
    name = f"n° {amendment.number}" if amendment.number else f"#{amendment.id}"
    where = f"{POSITIONS.get(amendment.position_kind, '')} {amendment.article.number}"
    return f"l'amendement {name} ({where}, texte n° {amendment.text.number})"


def _active(query_users: list[User]) -> list[User]:
    return [u for u in query_users if u.active]


def secretariat_of(amendment: Amendment) -> list[User]:
    """The active secretariat members of the amendment's group."""
    if amendment.group_id is None:
        return []
    query = select(User).where(User.role == Role.SECRETARIAT, User.group_id == amendment.group_id)
    return _active(list(db.session.scalars(query)))


def author_side(amendment: Amendment) -> list[User]:
    """The author and the author's assistants."""
    query = select(User).where(User.role == Role.ASSISTANT, User.deputy_id == amendment.author_id)
    return _active([amendment.author, *db.session.scalars(query)])


def co_signatories(amendment: Amendment) -> list[User]:
    """Deputies whose signature is neither withdrawn nor voided (stale ones included)."""
    query = (
        select(User)
        .join(Signature, Signature.deputy_id == User.id)
        .where(
            Signature.amendment_id == amendment.id,
            Signature.withdrawn_at.is_(None),
            Signature.voided_at.is_(None),
        )
    )
    return _active(list(db.session.scalars(query)))


def _message(action: Action, amendment: Amendment, event: NewEvent, actor: User | None) -> str:
    label = amendment_label(amendment)
    who = actor.display_name if actor else "Liasse"
    messages = {
        Action.SUBMIT: f"{who} soumet {label} à la relecture du secrétariat.",
        Action.REQUEST_CHANGES: f"Le secrétariat demande des modifications sur {label} : "
        f"{event.data.get('comment', '')}",
        Action.APPROVE: f"{label[0].upper()}{label[1:]} est approuvé : il est ouvert à la "
        "cosignature.",
        Action.CLOSE: f"La cosignature de {label} est close ({who}).",
        Action.FILE: f"{label[0].upper()}{label[1:]} est déposé.",
    }
    return messages[action]


def _recipients(action: Action, amendment: Amendment) -> list[User]:
    if action == Action.SUBMIT:
        return secretariat_of(amendment)
    if action in (Action.REQUEST_CHANGES, Action.APPROVE):
        return author_side(amendment)
    if action in (Action.CLOSE, Action.FILE):
        return author_side(amendment) + co_signatories(amendment)
    return []


KINDS = {
    Action.SUBMIT: "review_requested",
    Action.REQUEST_CHANGES: "changes_requested",
    Action.APPROVE: "approved",
    Action.CLOSE: "closed",
    Action.FILE: "filed",
}


def after_transition(
    action: Action, amendment: Amendment, event: NewEvent, actor: User | None, now: datetime
) -> None:
    """Notify the people concerned by this transition, never the actor, once per event."""
    if action not in KINDS:
        return
    users = [u for u in _recipients(action, amendment) if actor is None or u.id != actor.id]
    notifications.notify(
        users,
        KINDS[action],
        key=f"event:{event.id}",
        message=_message(action, amendment, event, actor),
        now=now,
        amendment=amendment,
    )
