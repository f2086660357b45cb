"""The deadline sweep: close co-signature when a group's deadline passes, send due reminders.

Idempotent and safe to run at the same time on several machines (PostgreSQL): the amendments to
close are taken with SELECT … FOR UPDATE SKIP LOCKED, so two sweeps never close the same one, and
each reminder is claimed by inserting its unique key (INSERT … ON CONFLICT DO NOTHING) before it
is sent, so it goes out once. The database is the source of truth: nothing waits in Redis.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, select
from sqlalchemy.dialects import postgresql, sqlite

from drafting.errors import DomainError
from drafting.extensions import db
from drafting.models import (
    Amendment,
    GroupDeadline,
    Invitation,
    LegislativeText,
    Role,
    SentReminder,
    Signature,
    User,
)
from drafting.services import notifications
from drafting.services.workflow import transitions
from workflows.deadlines import (
    COSIGN_REMINDER_OFFSETS,
    FILING_REMINDER_OFFSETS,
    REVIEW_REMINDER_OFFSETS,
    due_reminder_offsets,
    format_paris,
)
from workflows.review import State

log = logging.getLogger(__name__)
UNFILED = (State.DRAFT, State.IN_REVIEW, State.OPEN, State.READY)


@dataclass(frozen=True)
class SweepReport:
    """What one sweep did: the amendments it closed and the keys of the reminders it sent."""

    closed: tuple[int, ...] = ()
    reminders: tuple[str, ...] = ()

    def __str__(self) -> str:
        """A one-line French summary for the command line."""
        return (
            f"Balayage des échéances : {len(self.closed)} amendement(s) clos, "
            f"{len(self.reminders)} rappel(s) envoyé(s)."
        )


@dataclass(frozen=True)
class Reminder:
    """One reminder to one person about one deadline (sent once per key)."""

    key: str
    kind: str
    user_id: int
    message: str
    text_id: int


def run_sweep(now: datetime) -> SweepReport:
    """Close what is overdue, then send the reminders now due; flushes, the caller commits."""
    closed = close_expired(now)
    sent = send_reminders(due_reminders(now), now)
    return SweepReport(tuple(closed), tuple(sent))


# ----- closing -----


def _expired_open_amendments(now: datetime) -> list[int]:
    """Open amendments whose group's cosign_by has passed, locked; rows locked elsewhere skipped."""
    query = (
        select(Amendment.id)
        .join(
            GroupDeadline,
            and_(
                GroupDeadline.text_id == Amendment.text_id,
                GroupDeadline.group_id == Amendment.group_id,
            ),
        )
        .where(Amendment.state == State.OPEN, GroupDeadline.cosign_by < now)
        .order_by(Amendment.id)
        .with_for_update(skip_locked=True, of=Amendment)
    )
    return list(db.session.scalars(query))


def close_expired(now: datetime) -> list[int]:
    """Move each overdue open amendment to ready, journalled as done by the system."""
    closed = []
    for amendment_id in _expired_open_amendments(now):
        try:
            with db.session.begin_nested():
                transitions.system_close(amendment_id, now)
        except DomainError as exc:  # changed since it was selected: nothing to close
            log.info("sweep: amendment %s not closed: %s", amendment_id, exc.message)
            continue
        closed.append(amendment_id)
    return closed


# ----- reminders -----


def _offset_due(deadline: datetime, offsets: Iterable[timedelta], now: datetime) -> int | None:
    """The most urgent reminder due now, in hours (a late sweep sends only that one)."""
    due = due_reminder_offsets(deadline, offsets, now)
    return int(min(due).total_seconds() // 3600) if due else None


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


@dataclass(frozen=True)
class Due:
    """A deadline whose reminder is due now: which text, which group, when, which offset."""

    kind: str
    text: LegislativeText
    group_id: int
    at: datetime
    hours: int
    unfiled: int = 0  # filing reminders: how many of the group's amendments are not filed

    def key(self, user_id: int) -> str:
        """The reminder's unique key; the deadline is in it, so a moved deadline is reminded."""
        stamp = f"{self.at:%Y%m%d%H%M}"
        return f"{self.kind}:{self.text.id}:{self.group_id}:{stamp}:{self.hours}:{user_id}"


def _due_group_deadlines(now: datetime, kind: str, offsets: tuple[timedelta, ...]) -> list[Due]:
    """The group deadlines of one kind ("review", "cosign") with a reminder due now."""
    column = GroupDeadline.review_by if kind == "review" else GroupDeadline.cosign_by
    query = (
        select(GroupDeadline, LegislativeText)
        .join(LegislativeText, LegislativeText.id == GroupDeadline.text_id)
        .where(column > now, column <= now + max(offsets))
    )
    found = []
    for row, text in ((r[0], r[1]) for r in db.session.execute(query)):
        at = row.review_by if kind == "review" else row.cosign_by
        hours = _offset_due(at, offsets, now) if at is not None else None
        if at is not None and hours is not None:
            found.append(Due(kind, text, row.group_id, at, hours))
    return found


def _amendments(text_id: int, group_id: int | None, states: Iterable[str]) -> list[Amendment]:
    query = select(Amendment).where(
        Amendment.text_id == text_id,
        Amendment.group_id == group_id,
        Amendment.state.in_(list(states)),
    )
    return list(db.session.scalars(query))


def _draft_authors(due: Due) -> tuple[Counter[int], list[tuple[int, int]]]:
    """Drafts per author, and (recipient, author) pairs: each author and their assistants."""
    drafts = Counter(a.author_id for a in _amendments(due.text.id, due.group_id, [State.DRAFT]))
    assistants = select(User).where(
        User.role == Role.ASSISTANT, User.deputy_id.in_(list(drafts)), User.active.is_(True)
    )
    recipients = [(author_id, author_id) for author_id in drafts]
    recipients += [(a.id, a.deputy_id or 0) for a in db.session.scalars(assistants)]
    return drafts, recipients


def _review_reminders(now: datetime) -> list[Reminder]:
    """Authors (and their assistants) of drafts not yet submitted, 24 h and 2 h before review_by."""
    found = []
    for due in _due_group_deadlines(now, "review", REVIEW_REMINDER_OFFSETS):
        drafts, recipients = _draft_authors(due)
        for user_id, author_id in recipients:
            message = (
                f"Relecture : {_plural(drafts[author_id], 'brouillon')} sur le texte "
                f"n° {due.text.number} à soumettre avant le {format_paris(due.at)}."
            )
            found.append(
                Reminder(due.key(user_id), "deadline_review", user_id, message, due.text.id)
            )
    return found


def _pending_cosigners(amendments: list[Amendment]) -> Counter[int]:
    """Invited deputies who have not answered, and signatories whose signature is stale."""
    ids = [a.id for a in amendments]
    hashes = {a.id: a.content_hash for a in amendments}
    signatures = list(db.session.scalars(select(Signature).where(Signature.amendment_id.in_(ids))))
    signed = {(s.amendment_id, s.deputy_id) for s in signatures}
    pending: Counter[int] = Counter(
        s.deputy_id for s in signatures if s.is_active and s.content_hash != hashes[s.amendment_id]
    )
    invitations = select(Invitation).where(
        Invitation.amendment_id.in_(ids), Invitation.declined_at.is_(None)
    )
    for invitation in db.session.scalars(invitations):
        if (invitation.amendment_id, invitation.deputy_id) not in signed:
            pending[invitation.deputy_id] += 1
    return pending


def _cosign_reminders(now: datetime) -> list[Reminder]:
    """Invitees who have not answered and stale signatories, 24 h and 2 h before cosign_by."""
    found = []
    for due in _due_group_deadlines(now, "cosign", COSIGN_REMINDER_OFFSETS):
        pending = _pending_cosigners(_amendments(due.text.id, due.group_id, [State.OPEN]))
        for user_id, count in pending.items():
            message = (
                f"Cosignature : {_plural(count, 'amendement')} du texte n° {due.text.number} "
                f"attend{'ent' if count > 1 else ''} votre réponse avant le "
                f"{format_paris(due.at)}."
            )
            found.append(
                Reminder(due.key(user_id), "deadline_cosign", user_id, message, due.text.id)
            )
    return found


def _unfiled_by_group(text_id: int) -> dict[int, int]:
    counts: Counter[int] = Counter()
    query = select(Amendment.group_id).where(
        Amendment.text_id == text_id,
        Amendment.state.in_(list(UNFILED)),
        Amendment.parent_id.is_(None),
        Amendment.group_id.is_not(None),
    )
    for group_id in db.session.scalars(query):
        if group_id is not None:
            counts[group_id] += 1
    return dict(counts)


def _secretariats(group_ids: Iterable[int]) -> list[User]:
    query = select(User).where(
        User.role == Role.SECRETARIAT, User.group_id.in_(list(group_ids)), User.active.is_(True)
    )
    return list(db.session.scalars(query))


def _due_filing_deadlines(now: datetime) -> list[Due]:
    """One Due per (text, group with unfiled amendments) whose filing reminder is due now."""
    query = select(LegislativeText).where(
        LegislativeText.filing_deadline > now,
        LegislativeText.filing_deadline <= now + max(FILING_REMINDER_OFFSETS),
    )
    found = []
    for text in db.session.scalars(query):
        assert text.filing_deadline is not None
        hours = _offset_due(text.filing_deadline, FILING_REMINDER_OFFSETS, now)
        if hours is not None:
            found += [
                Due("filing", text, group_id, text.filing_deadline, hours, count)
                for group_id, count in _unfiled_by_group(text.id).items()
            ]
    return found


def _filing_reminders(now: datetime) -> list[Reminder]:
    """The group secretariat about amendments not yet filed, 24 h before the filing deadline."""
    found = []
    for due in _due_filing_deadlines(now):
        count = due.unfiled
        message = (
            f"Délai de dépôt du texte n° {due.text.number} le {format_paris(due.at)} : "
            f"{_plural(count, 'amendement')} du groupe non encore déposé{'s' if count > 1 else ''}."
        )
        found += [
            Reminder(due.key(user.id), "deadline_filing", user.id, message, due.text.id)
            for user in _secretariats([due.group_id])
        ]
    return found


def due_reminders(now: datetime) -> list[Reminder]:
    """Every reminder due at `now`, sent or not, in key order (so concurrent sweeps agree)."""
    found = _review_reminders(now) + _cosign_reminders(now) + _filing_reminders(now)
    return sorted(found, key=lambda r: r.key)


def _claim(key: str, now: datetime) -> bool:
    """Insert the reminder's key; False when another sweep (or an earlier one) already has."""
    dialect = sqlite if db.engine.dialect.name == "sqlite" else postgresql
    statement = (
        dialect.insert(SentReminder)
        .values(key=key, sent_at=now)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(SentReminder.id)
    )
    return db.session.execute(statement).first() is not None


def _already_sent(keys: list[str]) -> set[str]:
    """The keys among these already recorded (a cheap read that spares most claim attempts)."""
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found.update(
            db.session.scalars(select(SentReminder.key).where(SentReminder.key.in_(chunk)))
        )
    return found


def send_reminders(reminders: list[Reminder], now: datetime) -> list[str]:
    """Send each reminder whose key this sweep claims; return the keys sent."""
    sent: list[str] = []
    done = _already_sent([r.key for r in reminders])
    reminders = [r for r in reminders if r.key not in done]
    users = {u.id: u for u in _users({r.user_id for r in reminders})}
    for reminder in reminders:
        user = users.get(reminder.user_id)
        if user is None or not user.active or not _claim(reminder.key, now):
            continue
        notifications.notify(
            [user],
            reminder.kind,
            key=f"reminder:{reminder.key}",
            message=reminder.message,
            now=now,
            text_id=reminder.text_id,
        )
        sent.append(reminder.key)
    return sent


def _users(ids: set[int]) -> list[User]:
    if not ids:
        return []
    return list(db.session.scalars(select(User).where(User.id.in_(ids))))
