"""The append-only event journal, hash-chained per amendment (or per text)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Required, TypedDict, Unpack

from sqlalchemy import Insert, bindparam, insert, select, update

from drafting.extensions import db
from drafting.models import Amendment, Event, Person, User
from drafting.models.amendments import JOURNAL_GENESIS
from drafting.models.event_kinds import EventKind

GENESIS = JOURNAL_GENESIS
ROW_COLUMNS = (
    "amendment_id",
    "text_id",
    "seq",
    "at",
    "actor_id",
    "on_behalf_of_id",
    "action",
    "from_state",
    "to_state",
    "data",
    "prev_hash",
    "hash",
)


@dataclass(slots=True)
class NewEvent:
    """An event as the journal writes it: the row's values, with the users it names. Events are
    never changed once written, so a plain object, not a mapped `Event` (cheaper on every
    signature); queries read the written rows back as `Event`."""

    amendment_id: int | None
    text_id: int | None
    seq: int
    at: datetime
    actor_id: int | None
    on_behalf_of_id: int | None
    action: str
    from_state: str | None
    to_state: str | None
    data: dict[str, Any]
    prev_hash: str
    hash: str = ""
    id: int = 0  # set by `write`
    actor: Person | None = None
    on_behalf_of: User | None = None


def _canonical(event: Event | NewEvent) -> str:
    payload = {
        "amendment_id": event.amendment_id,
        "text_id": event.text_id,
        "seq": event.seq,
        "at": event.at.astimezone(UTC).isoformat(),
        "actor_id": event.actor_id,
        "on_behalf_of_id": event.on_behalf_of_id,
        "action": event.action,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "data": event.data,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def event_hash(event: Event | NewEvent) -> str:
    """The chained hash of one event: SHA-256 of the previous hash and the canonical row."""
    return hashlib.sha256((event.prev_hash + _canonical(event)).encode("utf-8")).hexdigest()


_EVENTS, _AMENDMENTS = Event.__table__, Amendment.__table__
# Built once: a chain head is read on every signature, and a prebuilt statement skips the
# construction and cache-key work SQLAlchemy otherwise repeats on each call.
# An amendment's head is stored on its row (written with each event, read under its lock).
_AMENDMENT_HEAD = select(_AMENDMENTS.c.journal_seq, _AMENDMENTS.c.journal_hash).where(
    _AMENDMENTS.c.id == bindparam("amendment_id")
)
_HEAD = select(Event.seq, Event.hash).order_by(Event.seq.desc()).limit(1)
_TEXT_HEAD = _HEAD.where(Event.amendment_id.is_(None), Event.text_id == bindparam("text_id"))
_GLOBAL_HEAD = _HEAD.where(Event.amendment_id.is_(None), Event.text_id.is_(None))
# Events are only ever inserted, never changed or deleted: a plain INSERT (no unit of work, no
# identity map) writes them, which costs a third of what a session flush does on this path.
_INSERT = insert(_EVENTS).returning(_EVENTS.c.id)
_PARAMS = {c: bindparam(f"e_{c}", type_=_EVENTS.c[c].type) for c in ROW_COLUMNS}
_MOVE_HEAD = (
    update(_AMENDMENTS)
    .where(_AMENDMENTS.c.id == _PARAMS["amendment_id"])
    .values(journal_seq=_PARAMS["seq"], journal_hash=_PARAMS["hash"])
)


def appending(*ctes: Any) -> Insert:
    """The INSERT of one amendment event that also moves the chain head on the amendment's row,
    as a data-modifying CTE (PostgreSQL only): one statement, one round trip. Parameters are
    `append_params(event)`; `ctes` are further statements to run with it (the caller's row)."""
    head = _MOVE_HEAD.returning(_AMENDMENTS.c.id).cte("journal_head")
    return insert(_EVENTS).values(_PARAMS).add_cte(head, *ctes)


_APPEND = appending().returning(_EVENTS.c.id)


def append_params(event: NewEvent) -> dict[str, Any]:
    """The parameters of an `appending()` statement for `event`."""
    return {f"e_{column}": value for column, value in event_row(event).items()}


def _chain_head(amendment_id: int | None, text_id: int | None) -> tuple[int, str]:
    """(seq, hash) of the chain's last event, (0, GENESIS) for an empty chain. The caller holds
    the amendment's (or text's) row lock. Every append writes its event at once, so no
    autoflush is needed: the signature or edit that goes with the event is written at the next
    flush."""
    if amendment_id is not None:
        query, params = _AMENDMENT_HEAD, {"amendment_id": amendment_id}
    elif text_id is not None:
        query, params = _TEXT_HEAD, {"text_id": text_id}
    else:  # events about no amendment and no text (accounts, say) form one chain
        query, params = _GLOBAL_HEAD, {}
    head = db.session.connection().execute(query, params).first()  # Core: no ORM, no autoflush
    return (head[0], head[1]) if head is not None else (0, GENESIS)


class EventFields(TypedDict, total=False):
    """The keywords of `next_event` (and `record`): who, when, about what, what changed."""

    now: Required[datetime]
    actor: Required[User | None]
    amendment_id: int | None
    text_id: int | None
    on_behalf_of: User | None
    from_state: str | None
    to_state: str | None
    data: dict[str, Any] | None


def record(action: EventKind, **fields: Unpack[EventFields]) -> NewEvent:
    """Append one event; the caller holds the amendment's (or text's) row lock."""
    return write(next_event(action, **fields))


def write(event: NewEvent) -> NewEvent:
    """Insert an event made by `next_event` (it is not in the session: queries read it) and,
    for an amendment's event, move the chain head on the amendment's row."""
    connection = db.session.connection()
    if event.amendment_id is None:
        event.id = connection.execute(_INSERT, event_row(event)).scalar_one()
    elif connection.dialect.name == "postgresql":
        event.id = connection.execute(_APPEND, append_params(event)).scalar_one()
    else:  # SQLite: no UPDATE in a WITH clause
        event.id = connection.execute(_INSERT, event_row(event)).scalar_one()
        connection.execute(_MOVE_HEAD, append_params(event))
    return event


def next_event(
    action: EventKind,
    *,
    now: datetime,
    actor: Person | None,
    amendment_id: int | None = None,
    text_id: int | None = None,
    on_behalf_of: User | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    data: dict[str, Any] | None = None,
    head: tuple[int, str] | None = None,
) -> NewEvent:
    """The next event of the chain, sequenced and hashed, not yet written (`record` writes it;
    a caller writing it along with another row uses `appending()`). `head` is the chain's
    (seq, hash) when the caller read it with the row lock (else it is read here)."""
    seq, prev_hash = head if head is not None else _chain_head(amendment_id, text_id)
    event = NewEvent(
        amendment_id=amendment_id,
        text_id=text_id,
        seq=seq + 1,
        at=now.astimezone(UTC),
        actor_id=actor.id if actor else None,
        on_behalf_of_id=on_behalf_of.id if on_behalf_of else None,
        action=action,
        from_state=from_state,
        to_state=to_state,
        data=json.loads(json.dumps(data or {}, default=str)),
        prev_hash=prev_hash,
        actor=actor,  # for the caller, who may show the event at once
        on_behalf_of=on_behalf_of,
    )
    event.hash = event_hash(event)
    return event


def event_row(event: NewEvent) -> dict[str, Any]:
    """The column values of an event (ROW_COLUMNS), for an INSERT into `events`."""
    return {column: getattr(event, column) for column in ROW_COLUMNS}


@dataclass(frozen=True)
class Breach:
    """An event whose stored hash or chain link does not match its content."""

    event_id: int
    amendment_id: int | None
    text_id: int | None
    seq: int
    reason: str


def verify_chain(events: list[Event]) -> list[Breach]:
    """Check one chain (events of one amendment or text, in seq order)."""
    breaches: list[Breach] = []
    prev = GENESIS
    for expected_seq, event in enumerate(events, start=1):
        reason = None
        if event.seq != expected_seq:
            reason = f"sequence {event.seq} where {expected_seq} was expected"
        elif event.prev_hash != prev:
            reason = "link to the previous event broken"
        elif event_hash(event) != event.hash:
            reason = "content altered after the fact"
        if reason:
            breaches.append(Breach(event.id, event.amendment_id, event.text_id, event.seq, reason))
        prev = event.hash
    return breaches


_HEADS = select(_AMENDMENTS.c.id, _AMENDMENTS.c.journal_seq, _AMENDMENTS.c.journal_hash)


def verify_heads(chains: dict[tuple[int | None, int | None], list[Event]]) -> list[Breach]:
    """Check each amendment's stored chain head against its last event: an event deleted from
    the end of a chain, which no hash can show, breaks this."""
    breaches: list[Breach] = []
    for amendment_id, seq, head_hash in db.session.execute(_HEADS):
        chain = chains.get((amendment_id, None), [])
        last_id, last_seq, last_hash = (
            (chain[-1].id, chain[-1].seq, chain[-1].hash) if chain else (0, 0, GENESIS)
        )
        if (seq, head_hash) != (last_seq, last_hash):
            reason = (
                f"the amendment's chain head (seq {seq}) does not match its last event "
                f"(seq {last_seq}): events removed or written outside the journal"
            )
            breaches.append(Breach(last_id, amendment_id, None, last_seq, reason))
    return breaches


def verify_all() -> list[Breach]:
    """Verify every chain in the journal, and every amendment's chain head."""
    rows = db.session.scalars(
        select(Event).order_by(Event.amendment_id, Event.text_id, Event.seq)
    ).all()
    chains: dict[tuple[int | None, int | None], list[Event]] = {}
    for event in rows:
        key = (event.amendment_id, None if event.amendment_id else event.text_id)
        chains.setdefault(key, []).append(event)
    breaches = [breach for chain in chains.values() for breach in verify_chain(chain)]
    return breaches + verify_heads(chains)
