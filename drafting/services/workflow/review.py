"""The secretariat's review queue, bulk approval and the amendment's history as one may see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from drafting.errors import Forbidden
from drafting.extensions import db
from drafting.models import Amendment, Article, Event, Person, Role, User
from drafting.models.event_kinds import EventKind
from drafting.permissions import is_insider
from drafting.services import amendments, journal
from drafting.services.bulk import actions, selection
from workflows.review import Action, State

MAX_QUEUE = 500
INTERNAL_EVENTS = frozenset({EventKind.COMMENTED})


@dataclass
class QueueFilter:
    """Filters of the review queue."""

    text_id: int | None = None
    article: str | None = None
    search: str | None = None


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _queue_query(user: User, filters: QueueFilter) -> Select[Amendment]:
    query = select(Amendment).where(
        Amendment.group_id == user.group_id, Amendment.state == State.IN_REVIEW.value
    )
    if filters.text_id is not None:
        query = query.where(Amendment.text_id == filters.text_id)
    if filters.article:
        query = query.join(Article, Article.id == Amendment.article_id).where(
            Article.number == filters.article
        )
    if filters.search:
        pattern = _like(filters.search)
        query = query.where(
            or_(
                Amendment.dispositif.ilike(pattern, escape="\\"),
                Amendment.expose.ilike(pattern, escape="\\"),
            )
        )
    return query


def review_queue(user: User, filters: QueueFilter) -> list[Amendment]:
    """Amendments of the secretariat's group waiting for review, oldest first."""
    if user.role != Role.SECRETARIAT or user.group_id is None:
        raise Forbidden("La file de relecture est réservée au secrétariat d'un groupe.")
    query = _queue_query(user, filters).options(
        joinedload(Amendment.article), joinedload(Amendment.author), joinedload(Amendment.text)
    )
    return list(db.session.scalars(query.order_by(Amendment.id).limit(MAX_QUEUE)).unique())


def queue_size(user: User, filters: QueueFilter) -> int:
    """How many amendments wait in the queue (the page shows the MAX_QUEUE oldest)."""
    query = _queue_query(user, filters).with_only_columns(func.count(Amendment.id))
    return db.session.scalar(query) or 0


@dataclass(frozen=True)
class BulkResult:
    """What happened to one amendment of a bulk approval."""

    amendment_id: int
    ok: bool
    message: str


APPROVED = "Approuvé : ouvert à la cosignature."


def approve_many(actor: User, amendment_ids: list[int], now: datetime) -> list[BulkResult]:
    """Approve each amendment in turn (a bulk action: no cap, one result per amendment,
    refusals do not stop the rest)."""
    if actor.role != Role.SECRETARIAT:
        raise Forbidden("L'approbation groupée est réservée au secrétariat.")
    chosen = selection.of_ids(amendment_ids)
    results = actions.run(actor, actions.BulkAction(Action.APPROVE.value), chosen.ids, now)
    return [
        BulkResult(i, results[i].done, APPROVED if results[i].done else results[i].message or "")
        for i in chosen.ids
    ]


@dataclass(frozen=True)
class Entry:
    """One event of the history as the reader may see it."""

    id: int
    at: datetime
    actor: Person | None
    on_behalf_of: Person | None
    action: str
    from_state: str | None
    to_state: str | None
    data: dict[str, Any]


def entry(event: Event | journal.NewEvent, insider: bool) -> Entry:
    """An event as a reader sees it; outsiders lose the internal review comment."""
    data = event.data if insider else {k: v for k, v in event.data.items() if k != "comment"}
    return Entry(
        event.id,
        event.at,
        event.actor,
        event.on_behalf_of,
        event.action,
        event.from_state,
        event.to_state,
        data,
    )


def history(user: User, amendment_id: int) -> tuple[Amendment, list[Entry]]:
    """The amendment's journal, oldest first; outsiders do not see the group's internal comments."""
    amendment = amendments.get_visible_amendment(user, amendment_id)
    query = (
        select(Event)
        .where(Event.amendment_id == amendment.id)
        .options(joinedload(Event.actor), joinedload(Event.on_behalf_of))
        .order_by(Event.seq)
    )
    insider = is_insider(user, amendment)
    entries = [entry(e, insider) for e in db.session.scalars(query).unique()]
    return amendment, [e for e in entries if insider or e.action not in INTERNAL_EVENTS]
