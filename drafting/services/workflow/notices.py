"""Who hears about a workflow transition, and what they are told: one notice per event, or,
inside a bulk action (`batched`), one grouped notice per person, kind and text."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from drafting.extensions import db
from drafting.models import Amendment, LegislativeText, Role, Signature, User
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
        Action.RECTIFY: f"{who} ouvre la rectification de {label} : il sera redéposé sous le "
        f"n° {event.data.get('next_number', '')} une fois la version corrigée reconfirmée par "
        "ses cosignataires.",
    }
    return messages[action]


def _recipients(action: Action, amendment: Amendment) -> list[User]:
    if action == Action.SUBMIT:
        return secretariat_of(amendment)
    if action in (Action.REQUEST_CHANGES, Action.APPROVE):
        return author_side(amendment)
    if action in (Action.CLOSE, Action.FILE):
        return author_side(amendment) + co_signatories(amendment)
    if action == Action.RECTIFY:
        return secretariat_of(amendment) + author_side(amendment) + co_signatories(amendment)
    return []


KINDS = {
    Action.SUBMIT: "review_requested",
    Action.REQUEST_CHANGES: "changes_requested",
    Action.APPROVE: "approved",
    Action.CLOSE: "closed",
    Action.FILE: "filed",
    Action.RECTIFY: "rectification",
}


def after_transition(
    action: Action, amendment: Amendment, event: NewEvent, actor: User | None, now: datetime
) -> None:
    """Notify the people concerned by this transition, never the actor, once per event (in a
    bulk action, collected for one grouped notice per person)."""
    if action not in KINDS:
        return
    batch: Batch | None = db.session.info.get(BATCH)
    if batch is not None:
        batch.add(action, amendment, event, actor)
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


# ----- bulk actions: one notice per person, kind and text -----

BATCH = "liasse_notice_batch"
GROUPED = {
    Action.SUBMIT: "{n} amendements soumis à la relecture (texte n° {text}).",
    Action.REQUEST_CHANGES: "Modifications demandées sur {n} amendements (texte n° {text}).",
    Action.APPROVE: "{n} amendements approuvés, ouverts à la cosignature (texte n° {text}).",
    Action.CLOSE: "Cosignature close sur {n} amendements (texte n° {text}).",
    Action.FILE: "{n} amendements déposés (texte n° {text}).",
}


@dataclass(frozen=True)
class Done:
    """One transition of a bulk action waiting for its notice (ids only: a long batch does not
    keep its amendments in memory)."""

    action: Action
    amendment_id: int
    text_id: int
    group_id: int | None
    author_id: int
    event: NewEvent
    actor: User | None


@dataclass
class Batch:
    """The transitions of one bulk action; `send` notifies each person once per kind and text."""

    done: list[Done] = field(default_factory=list)

    def add(
        self, action: Action, amendment: Amendment, event: NewEvent, actor: User | None
    ) -> None:
        """Remember one transition to notify."""
        self.done.append(
            Done(
                action,
                amendment.id,
                amendment.text_id,
                amendment.group_id,
                amendment.author_id,
                event,
                actor,
            )
        )

    def mark(self) -> int:
        """A point to `forget` back to (before an amendment whose transition may be undone)."""
        return len(self.done)

    def forget(self, mark: int) -> None:
        """Drop what was added since `mark` (its savepoint was rolled back)."""
        del self.done[mark:]

    def send(self, now: datetime) -> None:
        """One notice per (person, kind, text): the usual one for a single amendment, a
        grouped one (« 12 amendements soumis à la relecture ») for several."""
        recipients = _Recipients(self.done)
        grouped: dict[tuple[int, Action, int], list[Done]] = {}
        for item in self.done:
            for user in recipients.of(item):
                if item.actor is None or user.id != item.actor.id:
                    grouped.setdefault((user.id, item.action, item.text_id), []).append(item)
        for (user_id, action, text_id), items in grouped.items():
            _send(recipients.people[user_id], action, text_id, items, now)


class _Recipients:
    """Who hears about each transition of a batch, each list read once (per group, author, or
    for every closed or filed amendment at once)."""

    def __init__(self, done: list[Done]) -> None:
        self.people: dict[int, User] = {}
        self._groups: dict[int | None, list[User]] = {}
        self._authors: dict[int, list[User]] = {}
        closing = [d.amendment_id for d in done if d.action in (Action.CLOSE, Action.FILE)]
        self._signers = _co_signatories_of(closing)

    def _keep(self, users: list[User]) -> list[User]:
        for user in users:
            self.people[user.id] = user
        return users

    def of(self, item: Done) -> list[User]:
        """The recipients of one transition (as `_recipients` for a single one)."""
        if item.action == Action.SUBMIT:
            if item.group_id not in self._groups:
                self._groups[item.group_id] = self._keep(_secretariat(item.group_id))
            return self._groups[item.group_id]
        if item.author_id not in self._authors:
            self._authors[item.author_id] = self._keep(_author_side(item.author_id))
        authors = self._authors[item.author_id]
        if item.action in (Action.REQUEST_CHANGES, Action.APPROVE):
            return authors
        if item.action in (Action.CLOSE, Action.FILE):
            return authors + self._keep(self._signers.get(item.amendment_id, []))
        return []


def _secretariat(group_id: int | None) -> list[User]:
    if group_id is None:
        return []
    query = select(User).where(User.role == Role.SECRETARIAT, User.group_id == group_id)
    return _active(list(db.session.scalars(query)))


def _author_side(author_id: int) -> list[User]:
    query = select(User).where(
        (User.id == author_id) | ((User.role == Role.ASSISTANT) & (User.deputy_id == author_id))
    )
    users = sorted(db.session.scalars(query), key=lambda u: u.id != author_id)
    return _active(users)


def _co_signatories_of(amendment_ids: list[int]) -> dict[int, list[User]]:
    """Active signatories (stale ones included) of several amendments, in one query per 5 000."""
    found: dict[int, list[User]] = {}
    for start in range(0, len(amendment_ids), 5_000):
        query = (
            select(Signature.amendment_id, User)
            .join(User, User.id == Signature.deputy_id)
            .where(
                Signature.amendment_id.in_(amendment_ids[start : start + 5_000]),
                Signature.withdrawn_at.is_(None),
                Signature.voided_at.is_(None),
            )
        )
        for amendment_id, user in db.session.execute(query):
            if user.active:
                found.setdefault(amendment_id, []).append(user)
    return found


def _send(user: User, action: Action, text_id: int, items: list[Done], now: datetime) -> None:
    first = items[0]
    if len(items) == 1:
        amendment = db.session.get_one(Amendment, first.amendment_id)
        message = _message(action, amendment, first.event, first.actor)
        key, target = f"event:{first.event.id}", amendment
    else:
        text = db.session.get_one(LegislativeText, text_id)
        message = GROUPED[action].format(n=len(items), text=text.number)
        key, target = f"bulk:{action.value}:{first.event.id}:{len(items)}", None
    notifications.notify(
        [user],
        KINDS[action],
        key=key,
        message=message,
        now=now,
        amendment=target,
        text_id=text_id,
        count=len(items),
    )


@contextmanager
def batched(now: datetime) -> Iterator[Batch]:
    """Inside: transitions collect their notices; on leaving without an error, one notice per
    person, kind and text is sent."""
    batch = Batch()
    previous = db.session.info.get(BATCH)
    db.session.info[BATCH] = batch
    try:
        yield batch
    finally:
        if previous is None:
            db.session.info.pop(BATCH, None)
        else:
            db.session.info[BATCH] = previous
    batch.send(now)
