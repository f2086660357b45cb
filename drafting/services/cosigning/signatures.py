"""Co-signatures: sign, re-confirm, withdraw, void; signing order; staleness.

A signature is one deputy's consent to one exact text (version and content hash); when the text
changes it becomes stale (kept, not counted, to re-confirm). Every act takes the amendment's row
lock: concurrent signers serialise and the journal stays chained.
Invitations to co-sign live in `invitations.py`; what signing reads and writes fast, in
`fast_path.py`; who may sign is `permissions.signing_refusal`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from drafting.errors import Conflict, Forbidden, Invalid, NotFound
from drafting.extensions import db
from drafting.models import (
    Amendment,
    Invitation,
    Person,
    Role,
    Signature,
    User,
)
from drafting.models.event_kinds import EventKind
from drafting.permissions import CannotSign, can_void_signature, signing_refusal
from drafting.services import amendments, journal, notifications
from drafting.services.accounts import api_tokens, second_factor
from drafting.services.content import clean_text
from drafting.services.cosigning import fast_path
from drafting.services.deadlines import binding
from drafting.services.workflow.notices import amendment_label
from workflows.review import STATE_NAMES, State

MAX_REASON_CHARS = 2_000
VOIDABLE_STATES = (State.OPEN, State.READY)


AnySignature = Signature | fast_path.NewSignature


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


REFUSALS = {
    CannotSign.NOT_A_DEPUTY: "Seuls les députés cosignent, chacun pour lui-même.",
    CannotSign.AUTHOR: "Vous êtes l'auteur : premier signataire de droit, vous n'avez pas à "
    "cosigner.",
    CannotSign.NOT_OPEN: "L'amendement n'est pas ouvert à la cosignature ({state}).",
    CannotSign.DECLINED: "Vous avez décliné l'invitation à cosigner cet amendement.",
    CannotSign.NOT_INVITED: "Seuls les députés du groupe de l'auteur et les députés invités "
    "cosignent.",
}


def refusal(deputy: Person, amendment: Amendment, invitation: Invitation | None) -> str | None:
    """Why `deputy` may not sign `amendment` now, in words (None when they may); no query."""
    reason = signing_refusal(deputy, amendment, invitation)
    return None if reason is None else REFUSALS[reason].format(state=state_name(amendment))


def _admit(deputy: Person, amendment_id: int) -> None:
    """The rule refused with what the fast path read (no invitation): read the rest and ask it
    again. 404 unless the deputy sees the amendment, 409 for the author or a closed amendment,
    403 for anyone else the rule refuses."""
    amendment = amendments.visible_or_404(api_tokens.mapped(deputy), _mapped(amendment_id))
    invitation = invitation_of(amendment.id, deputy.id)
    reason = signing_refusal(deputy, amendment, invitation)
    if reason is None:
        return
    if reason is CannotSign.AUTHOR:
        raise Conflict(
            "Vous êtes l'auteur de cet amendement : premier signataire de droit, "
            "vous n'avez pas à le cosigner.",
            code="author_signs_by_right",
        )
    if reason is CannotSign.NOT_OPEN:
        _require_open(amendment)
    raise Forbidden(REFUSALS[reason])  # not NOT_OPEN: `_require_open` raised


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


def _mapped(amendment_id: int) -> Amendment:
    """The mapped amendment, whose row lock this transaction already holds, fresh."""
    return db.session.get_one(Amendment, amendment_id, populate_existing=True)


def signature_of(amendment_id: int, deputy_id: int) -> Signature | None:
    """The deputy's signature row on this amendment (current, stale, withdrawn or voided)."""
    return db.session.scalar(_SIGNATURE, {"amendment_id": amendment_id, "deputy_id": deputy_id})


def invitation_of(amendment_id: int, deputy_id: int) -> Invitation | None:
    """The deputy's invitation to co-sign this amendment, declined or not."""
    return db.session.scalar(_INVITATION, {"amendment_id": amendment_id, "deputy_id": deputy_id})


def _event(
    action: EventKind,
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
    action: EventKind,
    actor: Person,
    amendment_id: int,
    signature: Signature,
    now: datetime,
    head: tuple[int, str] | None = None,
    **extra: Any,
) -> None:
    journal.write(_event(action, actor, amendment_id, signature, now, head, **extra))


def _assert_seen(amendment: fast_path.LockedAmendment, seen_hash: str | None) -> None:
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
    credential: second_factor.Credential | None = None,
) -> tuple[AnySignature, bool]:
    """Co-sign (or re-confirm) the current text; (signature, False) when already signed on it."""
    require_deputy(deputy)
    locked = fast_path.lock_for_signing(deputy, amendment_id)
    if locked is None:
        raise NotFound("Amendement inconnu.")
    # The rule decides with what is loaded: a member of the author's group signing an open
    # amendment needs nothing more; anyone else has the rest read (`_admit`).
    if signing_refusal(deputy, locked, invitation=None) is not None:
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
    second_factor.require_recent_second_factor(deputy, now, otp, credential)
    if signature is None:
        return _first_signature(deputy, locked, now), True
    return _record_consent(deputy, locked, signature, now), True


def _first_signature(
    deputy: Person, amendment: fast_path.LockedAmendment, now: datetime
) -> fast_path.NewSignature:
    """The deputy's first consent to this amendment: the row and its event, written at once."""
    signature = fast_path.NewSignature(
        amendment.id, deputy, amendment.version, amendment.content_hash, now
    )
    event = _event(EventKind.SIGNED, deputy, amendment.id, signature, now, amendment.journal_head)
    fast_path.insert_first_signature(signature, event)
    return signature


def _record_consent(
    deputy: Person, amendment: fast_path.LockedAmendment, signature: Signature, now: datetime
) -> Signature:
    """A re-signature after a withdrawal, or a re-confirmation of a stale signature."""
    extra: dict[str, Any] = {}
    action = EventKind.SIGNED
    if signature.withdrawn_at is not None:
        # A withdrawal ended the first consent: signing again is a new consent, so the deputy
        # goes to the END of the signing order (the printed order), not back to their old place.
        signature.withdrawn_at, signature.first_signed_at = None, now
        extra["after_withdrawal"] = True
    else:
        action = EventKind.RECONFIRMED  # stale: keeps first_signed_at, hence its place in the order
        extra = {
            "previous_version": signature.version,
            "previous_content_hash": signature.content_hash,
        }
    signature.version, signature.content_hash = amendment.version, amendment.content_hash
    signature.signed_at = now
    _journal(action, deputy, amendment.id, signature, now, amendment.journal_head, **extra)
    return signature


def withdraw(
    deputy: User,
    amendment_id: int,
    now: datetime,
    *,
    otp: str | None = None,
    credential: second_factor.Credential | None = None,
) -> None:
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
    second_factor.require_recent_second_factor(deputy, now, otp, credential)
    signature.withdrawn_at = now
    _journal(EventKind.WITHDRAWN, deputy, amendment.id, signature, now)


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
    _journal(EventKind.VOIDED, secretariat, amendment.id, signature, now, reason=cleaned)
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
