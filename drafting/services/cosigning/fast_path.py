"""The co-signing fast path: what signing reads under the amendment's row lock, and how a first
signature is written.

Signing is the busiest act of the application (a deputy signs hundreds of amendments, 189
deputies may sign one), so it reads plain columns in one locked statement and writes a first
signature with its journal event in one more (docs/PERFORMANCE.md). This module decides only
*what is loaded and how it is written*, never *who may sign*: that is
`permissions.signing_refusal`, which `signatures.sign` asks of what this module reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, insert, select

from drafting.extensions import db
from drafting.infra.direct import DirectStatement
from drafting.models import Amendment, Event, GroupDeadline, Person, Signature
from drafting.services import journal

_AMENDMENTS, _DEADLINES = Amendment.__table__, GroupDeadline.__table__
_SIGNATURES, _EVENTS = Signature.__table__, Event.__table__


@dataclass(frozen=True, slots=True)
class LockedAmendment:
    """An amendment as signing reads it under its row lock: its state, content and journal head,
    the deputy's signature row id (if any) and the group's co-signature deadline. Plain columns,
    not mapped objects; it satisfies `permissions.Signable`."""

    id: int
    text_id: int
    author_id: int
    group_id: int | None
    state: str
    version: int
    content_hash: str
    signature_id: int | None
    cosign_by: datetime | None
    journal_seq: int
    journal_hash: str

    @property
    def journal_head(self) -> tuple[int, str]:
        """(seq, hash) of the amendment's last event, read with the row lock."""
        return self.journal_seq, self.journal_hash


def _locking_statement() -> Any:
    """One round trip: the amendment (row-locked) with its journal head, the deputy's signature,
    the group deadline; each column named as `LockedAmendment`'s field."""
    amendment, signature, deadline = _AMENDMENTS.c, _SIGNATURES.c, _DEADLINES.c
    joined = _AMENDMENTS.outerjoin(
        _SIGNATURES,
        and_(signature.amendment_id == amendment.id, signature.deputy_id == bindparam("deputy_id")),
    ).outerjoin(
        _DEADLINES,
        and_(deadline.text_id == amendment.text_id, deadline.group_id == amendment.group_id),
    )
    columns = [
        *(amendment[name] for name in ("id", "text_id", "author_id", "group_id", "state")),
        *(amendment[name] for name in ("version", "content_hash")),
        signature.id.label("signature_id"),
        deadline.cosign_by,
        *(amendment[name] for name in ("journal_seq", "journal_hash")),
    ]
    return (
        select(*columns)
        .select_from(joined)
        .where(amendment.id == bindparam("amendment_id"))
        .with_for_update(of=_AMENDMENTS)
    )


_LOCK_FOR_SIGNING = DirectStatement(_locking_statement())


def lock_for_signing(deputy: Person, amendment_id: int) -> LockedAmendment | None:
    """Lock the amendment's row and read what signing needs (None: no such amendment)."""
    params = {"amendment_id": amendment_id, "deputy_id": deputy.id}
    row = _LOCK_FOR_SIGNING.first(db.session.connection(), params)
    return LockedAmendment(**row._asdict()) if row is not None else None


@dataclass(slots=True)
class NewSignature:
    """A first signature as just written: the row's values with the deputy, not a mapped
    `Signature` (queries read the row back as one). A new signature is on the current text,
    neither withdrawn nor voided."""

    amendment_id: int
    deputy: Person
    version: int
    content_hash: str
    signed_at: datetime
    id: int = 0  # set once written
    withdrawn_at: None = None
    voided_at: None = None
    void_reason: None = None

    @property
    def deputy_id(self) -> int:
        """The signatory's id."""
        return self.deputy.id

    @property
    def first_signed_at(self) -> datetime:
        """A first signature: its place in the signing order is its time."""
        return self.signed_at

    def is_current(self, content_hash: str) -> bool:
        """On this text (a new signature is never withdrawn nor voided)."""
        return self.content_hash == content_hash


# The signature row's columns, written from `NewSignature`'s attributes of the same names.
_SIGNATURE_ROW = (
    "amendment_id",
    "deputy_id",
    "version",
    "content_hash",
    "first_signed_at",
    "signed_at",
)
_INSERT = insert(_SIGNATURES).returning(_SIGNATURES.c.id)


def _with_event_statement() -> Any:
    """The event's INSERT (moving the chain head, `journal.appending`) with the signature's
    INSERT as a data-modifying CTE (PostgreSQL); RETURNING both ids, named. Parameters:
    s_<column> for the signature, `journal.append_params` for the event."""
    signature = (
        insert(_SIGNATURES)
        .values({c: bindparam(f"s_{c}", type_=_SIGNATURES.c[c].type) for c in _SIGNATURE_ROW})
        .returning(_SIGNATURES.c.id)
        .cte("new_signature")
    )
    return journal.appending(signature).returning(
        _EVENTS.c.id.label("event_id"),
        select(signature.c.id).scalar_subquery().label("signature_id"),
    )


_INSERT_WITH_EVENT = DirectStatement(_with_event_statement())


def insert_first_signature(signature: NewSignature, event: journal.NewEvent) -> None:
    """Write a first signature and its journal event: one statement on PostgreSQL (no INSERT in
    a WITH clause on SQLite: three). Sets both ids."""
    row = {column: getattr(signature, column) for column in _SIGNATURE_ROW}
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        signature.id = connection.execute(_INSERT, row).scalar_one()
        journal.write(event)
        return
    params = {f"s_{k}": v for k, v in row.items()} | journal.append_params(event)
    written = _INSERT_WITH_EVENT.first(connection, params)
    assert written is not None  # RETURNING: one row
    event.id, signature.id = written.event_id, written.signature_id
