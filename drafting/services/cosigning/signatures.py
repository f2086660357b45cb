"""Co-signatures: sign, re-confirm, withdraw, void; signing order; staleness.

A signature is one deputy's consent to one exact text (version and content hash); when the text
changes it becomes stale (kept, not counted, to re-confirm). Every act takes the amendment's row
lock: concurrent signers serialise and the journal stays chained.
Invitations to co-sign live in `services/invitations.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, insert, select
from sqlalchemy.orm import joinedload

from drafting.errors import Conflict, Forbidden, Invalid, NotFound
from drafting.extensions import db
from drafting.infra.direct import DirectStatement
from drafting.models import (
    Amendment,
    Event,
    GroupDeadline,
    Invitation,
    Person,
    Role,
    Signature,
    User,
)
from drafting.permissions import can_void_signature, in_group
from drafting.services import amendments, journal, notifications
from drafting.services.accounts import api_tokens, second_factor
from drafting.services.content import clean_text
from drafting.services.deadlines import binding
from drafting.services.workflow.notices import amendment_label
from drafting.services.workflow.transitions import STATE_NAMES
from workflows.review import State

MAX_REASON_CHARS = 2_000
VOIDABLE_STATES = (State.OPEN, State.READY)


@dataclass(slots=True)
class NewSignature:
    """A first signature as just written: the row's values with the deputy, not a mapped
    `Signature` (building one cost 3 % of a signature; queries read the row back as one).
    A new signature is on the current text, neither withdrawn nor voided."""

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


AnySignature = Signature | NewSignature


def state_name(amendment: Amendment) -> str:
    """The amendment's state as the pages name it."""
    return STATE_NAMES.get(amendment.state, amendment.state)


def require_deputy(user: Person) -> None:
    """Only deputies sign, decline or withdraw, each for themselves (403 otherwise)."""
    if user.role != Role.DEPUTY:
        raise Forbidden("Seuls les députés cosignent, chacun pour lui-même.")


def _require_open(amendment: Amendment) -> None:
    if amendment.state != State.OPEN:
        raise Conflict(
            "L'amendement n'est pas ouvert à la cosignature : il est à l'état "
            f"« {state_name(amendment)} ».",
            code="invalid_state",
        )


# Built once (signing is the hot path): no statement construction or cache key per call.
_SIGNATURE = (
    select(Signature)
    .where(
        Signature.amendment_id == bindparam("amendment_id"),
        Signature.deputy_id == bindparam("deputy_id"),
    )
    .execution_options(populate_existing=True)  # read after taking the amendment's row lock
)
_INVITATION = select(Invitation).where(
    Invitation.amendment_id == bindparam("amendment_id"),
    Invitation.deputy_id == bindparam("deputy_id"),
)


@dataclass(frozen=True, slots=True)
class Locked:
    """An amendment as signing reads it under its row lock, with the deputy's signature row (if
    any) and the group's co-signature deadline on the text: plain columns, not ORM objects. This
    is the busiest statement of the application, and loading three mapped objects made a
    signature cost 12 % more instructions (docs/PERFORMANCE.md); the mapped amendment is loaded
    only when the deputy signs as anything but a member of the author's group, to refuse or
    admit them."""

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

    def open_to_member(self, deputy: Person) -> bool:
        """Open, and `deputy` is of the author's group without being the author: visible to
        them and theirs to sign, with no further query (every other case goes through
        `_admit`)."""
        member = in_group(deputy, self.group_id)
        return self.state == State.OPEN and member and deputy.id != self.author_id


_AMENDMENTS, _DEADLINES = Amendment.__table__, GroupDeadline.__table__
_SIGNATURES = Signature.__table__


def _locking_statement() -> Any:
    """One round trip: the amendment (row-locked) with its journal head, the deputy's signature,
    the group deadline."""
    amendment, signature, deadline = _AMENDMENTS.c, _SIGNATURES.c, _DEADLINES.c
    joined = _AMENDMENTS.outerjoin(
        _SIGNATURES,
        and_(signature.amendment_id == amendment.id, signature.deputy_id == bindparam("deputy_id")),
    ).outerjoin(
        _DEADLINES,
        and_(deadline.text_id == amendment.text_id, deadline.group_id == amendment.group_id),
    )
    columns = [amendment[name] for name in ("id", "text_id", "author_id", "group_id", "state")]
    columns += [amendment.version, amendment.content_hash]
    columns += [signature.id.label("signature_id"), deadline.cosign_by]
    columns += [amendment.journal_seq, amendment.journal_hash]
    return (
        select(*columns)
        .select_from(joined)
        .where(amendment.id == bindparam("amendment_id"))
        .with_for_update(of=_AMENDMENTS)
    )


# The two statements of a first signature run on the driver's cursor on PostgreSQL (−11 % of
# a signature's instructions; drafting.infra.direct).
_LOCK_FOR_SIGNING = DirectStatement(_locking_statement())


def _lock_for_signing(deputy: Person, amendment_id: int) -> Locked | None:
    """Lock the amendment's row and read what signing needs (None: no such amendment)."""
    params = {"amendment_id": amendment_id, "deputy_id": deputy.id}
    row = _LOCK_FOR_SIGNING.first(db.session.connection(), params)
    return Locked(*row) if row is not None else None


def _mapped(amendment_id: int) -> Amendment:
    """The mapped amendment, whose row lock this transaction already holds, fresh."""
    return db.session.get_one(Amendment, amendment_id, populate_existing=True)


def _admit(deputy: Person, amendment_id: int) -> None:
    """Anyone but a member of the author's group signing an open amendment: 404 unless they
    see it, 409 for the author or a closed amendment, 403 unless invited (and not declined)."""
    amendment = amendments.visible_or_404(api_tokens.mapped(deputy), _mapped(amendment_id))
    if amendment.author_id == deputy.id:
        raise Conflict(
            "Vous êtes l'auteur de cet amendement : premier signataire de droit, "
            "vous n'avez pas à le cosigner.",
            code="author_signs_by_right",
        )
    _require_open(amendment)
    same_group = in_group(deputy, amendment.group_id)
    invitation = None if same_group else invitation_of(amendment.id, deputy.id)
    reason = refusal(deputy, amendment, invitation)
    if reason is not None:
        raise Forbidden(reason)


def signature_of(amendment_id: int, deputy_id: int) -> Signature | None:
    """The deputy's signature row on this amendment (current, stale, withdrawn or voided)."""
    return db.session.scalar(_SIGNATURE, {"amendment_id": amendment_id, "deputy_id": deputy_id})


def invitation_of(amendment_id: int, deputy_id: int) -> Invitation | None:
    """The deputy's invitation to co-sign this amendment, declined or not."""
    return db.session.scalar(_INVITATION, {"amendment_id": amendment_id, "deputy_id": deputy_id})


def refusal(deputy: Person, amendment: Amendment, invitation: Invitation | None) -> str | None:
    """Why `deputy` may not sign `amendment` now (None when they may); no query."""
    if deputy.role != Role.DEPUTY:
        return "Seuls les députés cosignent, chacun pour lui-même."
    if deputy.id == amendment.author_id:
        return "Vous êtes l'auteur : premier signataire de droit, vous n'avez pas à cosigner."
    if amendment.state != State.OPEN:
        return f"L'amendement n'est pas ouvert à la cosignature ({state_name(amendment)})."
    same_group = in_group(deputy, amendment.group_id)
    if same_group or (invitation is not None and invitation.declined_at is None):
        return None
    if invitation is not None:
        return "Vous avez décliné l'invitation à cosigner cet amendement."
    return "Seuls les députés du groupe de l'auteur et les députés invités cosignent."


def _event(
    action: str,
    actor: Person,
    amendment_id: int,
    signature: AnySignature,
    now: datetime,
    head: tuple[int, str] | None = None,
    **extra: Any,
) -> journal.NewEvent:
    """The journal event of an act on a signature, sequenced and hashed, not yet written. Acts
    on signatures are never on someone's behalf: deputies sign and withdraw for themselves, the
    secretariat voids in its own name. `head`: the chain head, if read with the row lock."""
    data: dict[str, Any] = {"deputy_id": signature.deputy_id, "version": signature.version}
    data |= {"content_hash": signature.content_hash, **extra}
    return journal.next_event(
        action, now=now, actor=actor, amendment_id=amendment_id, data=data, head=head
    )


def _journal(
    action: str,
    actor: Person,
    amendment_id: int,
    signature: Signature,
    now: datetime,
    head: tuple[int, str] | None = None,
    **extra: Any,
) -> None:
    journal.write(_event(action, actor, amendment_id, signature, now, head, **extra))


def _assert_seen(amendment: Locked, seen_hash: str | None) -> None:
    """Consent is never assumed: refuse if the text changed since the deputy read it."""
    if seen_hash and seen_hash != amendment.content_hash:
        raise Conflict(
            "Le texte a changé depuis que vous l'avez lu : relisez la nouvelle version "
            f"(version {amendment.version}) avant de signer.",
            code="stale_version",
        )


def sign(
    deputy: Person,
    amendment_id: int,
    now: datetime,
    *,
    otp: str | None = None,
    seen_hash: str | None = None,
) -> tuple[AnySignature, bool]:
    """Co-sign (or re-confirm) the current text; (signature, False) when already signed on it."""
    require_deputy(deputy)
    locked = _lock_for_signing(deputy, amendment_id)
    if locked is None:
        raise NotFound("Amendement inconnu.")
    if not locked.open_to_member(deputy):
        _admit(deputy, locked.id)
    _assert_seen(locked, seen_hash)
    signature = signature_of(locked.id, deputy.id) if locked.signature_id is not None else None
    if signature is not None and signature.is_current(locked.content_hash):
        return signature, False
    if signature is not None and signature.voided_at is not None:
        raise Forbidden(
            "Votre signature a été annulée par le secrétariat du groupe "
            f"(motif : {signature.void_reason}) ; adressez-vous à lui."
        )
    if binding.cosign_closed(locked.cosign_by, now):
        binding.assert_can_cosign(_mapped(locked.id), now)  # raises, naming the group
    second_factor.require_recent_second_factor(deputy, now, otp)
    if signature is None:
        return _first_signature(deputy, locked, now), True
    return _record_consent(deputy, locked, signature, now), True


def _first_signature(deputy: Person, amendment: Locked, now: datetime) -> NewSignature:
    """The deputy's first consent to this amendment: the row and its event, written at once."""
    signature = NewSignature(amendment.id, deputy, amendment.version, amendment.content_hash, now)
    event = _event("signed", deputy, amendment.id, signature, now, amendment.journal_head)
    _insert_with_event(signature, event)
    return signature


def _record_consent(
    deputy: Person, amendment: Locked, signature: Signature, now: datetime
) -> Signature:
    """A re-signature after a withdrawal, or a re-confirmation of a stale signature."""
    extra: dict[str, Any] = {}
    action = "signed"
    if signature.withdrawn_at is not None:
        # A withdrawal ended the first consent: signing again is a new consent, so the deputy
        # goes to the END of the signing order (the printed order), not back to their old place.
        signature.withdrawn_at, signature.first_signed_at = None, now
        extra["after_withdrawal"] = True
    else:
        action = "reconfirmed"  # stale: keeps first_signed_at, hence its place in the order
        extra = {
            "previous_version": signature.version,
            "previous_content_hash": signature.content_hash,
        }
    signature.version, signature.content_hash = amendment.version, amendment.content_hash
    signature.signed_at = now
    _journal(action, deputy, amendment.id, signature, now, amendment.journal_head, **extra)
    return signature


# A first signature is the busiest write of the application: plain INSERTs, not a session flush
# (the unit of work costs more than the statements), and on PostgreSQL the signature, its
# journal event and the chain head in one statement, one round trip. The rows are read back by
# queries.
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
    INSERT as a data-modifying CTE (PostgreSQL); RETURNING both ids. Parameters: s_<column> for
    the signature, `journal.append_params` for the event."""
    signature = (
        insert(_SIGNATURES)
        .values({c: bindparam(f"s_{c}", type_=_SIGNATURES.c[c].type) for c in _SIGNATURE_ROW})
        .returning(_SIGNATURES.c.id)
        .cte("new_signature")
    )
    events = Event.__table__
    return journal.appending(signature).returning(
        events.c.id, select(signature.c.id).scalar_subquery()
    )


_INSERT_WITH_EVENT = DirectStatement(_with_event_statement())


def _insert_with_event(signature: NewSignature, event: journal.NewEvent) -> None:
    row = {column: getattr(signature, column) for column in _SIGNATURE_ROW}
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":  # SQLite: no INSERT in a WITH clause
        signature.id = connection.execute(_INSERT, row).scalar_one()
        journal.write(event)
        return
    params = {f"s_{k}": v for k, v in row.items()} | journal.append_params(event)
    written = _INSERT_WITH_EVENT.first(connection, params)
    assert written is not None  # RETURNING: one row
    event.id, signature.id = written


def withdraw(deputy: User, amendment_id: int, now: datetime, *, otp: str | None = None) -> None:
    """Withdraw one's co-signature while the amendment is open (a dated act, the row is kept)."""
    require_deputy(deputy)
    amendment = amendments.get_visible_amendment(deputy, amendment_id, lock=True)
    signature = signature_of(amendment.id, deputy.id)
    if signature is None:
        raise NotFound("Vous n'avez pas cosigné cet amendement.")
    if signature.withdrawn_at is not None:
        return  # withdrawing twice is harmless
    if signature.voided_at is not None:
        raise Conflict("Votre signature a déjà été annulée par le secrétariat.", code="voided")
    _require_open(amendment)
    second_factor.require_recent_second_factor(deputy, now, otp)
    signature.withdrawn_at = now
    _journal("withdrawn", deputy, amendment.id, signature, now)


def void(
    secretariat: User, amendment_id: int, deputy_id: int, reason: str | None, now: datetime
) -> Signature:
    """The group secretariat voids a signature added in error, with a reason (journalled)."""
    amendment = amendments.get_visible_amendment(secretariat, amendment_id, lock=True)
    if not can_void_signature(secretariat, amendment):
        raise Forbidden("Seul le secrétariat du groupe de l'auteur annule une signature.")
    if amendment.state not in VOIDABLE_STATES:
        raise Conflict(
            f"Signature non annulable : l'amendement est à l'état « {state_name(amendment)} ».",
            code="invalid_state",
        )
    cleaned = clean_text(reason or "", field="reason", max_chars=MAX_REASON_CHARS)
    if not cleaned:
        raise Invalid("Indiquez le motif de l'annulation.", fields={"reason": "obligatoire"})
    signature = signature_of(amendment.id, deputy_id)
    if signature is None:
        raise NotFound("Ce député n'a pas cosigné cet amendement.")
    if signature.voided_at is not None:
        raise Conflict("Cette signature est déjà annulée.", code="already_voided")
    signature.voided_at, signature.voided_by_id = now, secretariat.id
    signature.void_reason = cleaned
    _journal("voided", secretariat, amendment.id, signature, now, reason=cleaned)
    notifications.notify(
        [signature.deputy],
        "signature_voided",
        key=f"voided:{amendment.id}:{deputy_id}",
        message=f"Le secrétariat a annulé votre signature de {amendment_label(amendment)} : "
        f"{cleaned}",
        now=now,
        amendment=amendment,
    )
    return signature


def signatures_of(amendment: Amendment) -> list[Signature]:
    """Every signature row in signing order (first_signed_at, id), deputies loaded: one query."""
    query = (
        select(Signature)
        .where(Signature.amendment_id == amendment.id)
        .options(joinedload(Signature.deputy))
        .order_by(Signature.first_signed_at, Signature.id)
    )
    return list(db.session.scalars(query))


def current_cosignatories(amendment: Amendment) -> list[Signature]:
    """The counted (and printed) signatures: active and on the current text, in signing order."""
    return [s for s in signatures_of(amendment) if s.is_current(amendment.content_hash)]
