"""Co-signatures: consent, withdrawal, invitations, voiding and the "À signer" list."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field

from drafting.api.schemas import Schema, Timestamp
from drafting.api.schemas.amendments import AmendmentOut
from drafting.api.schemas.people import UserOut
from drafting.models import Invitation
from drafting.services.cosigning.bulk import MAX_ITEMS, Outcome
from drafting.services.cosigning.missing import Backlog
from drafting.services.cosigning.pending import Pending
from drafting.services.cosigning.signatures import AnySignature


class SignIn(Schema):
    otp: str | None = Field(
        default=None,
        max_length=32,
        description="A TOTP or recovery code, unless this token passed a check in the last 10 "
        "minutes (POST /auth/second-factor/verify).",
    )
    content_hash: str | None = Field(
        default=None,
        max_length=64,
        description="The hash of the text you read: 409 stale_version if it changed since.",
    )


class WithdrawIn(Schema):
    otp: str | None = Field(default=None, max_length=32)


class SignatureOut(Schema):
    deputy: UserOut
    version: int
    content_hash: str
    first_signed_at: Timestamp
    signed_at: Timestamp
    current: bool
    withdrawn_at: Timestamp | None
    voided_at: Timestamp | None
    void_reason: str | None

    @classmethod
    def of(cls, signature: AnySignature, current: bool) -> Self:
        """One signature, the row or the one just written (hot: the signing path builds it from
        the request's `Caller`, no ORM); `current` when counted."""
        return cls(
            deputy=UserOut.of(signature.deputy),
            version=signature.version,
            content_hash=signature.content_hash,
            first_signed_at=signature.first_signed_at,
            signed_at=signature.signed_at,
            current=current,
            withdrawn_at=signature.withdrawn_at,
            voided_at=signature.voided_at,
            void_reason=signature.void_reason,
        )


class SignatureList(Schema):
    items: list[SignatureOut]
    current_count: int = Field(description="Current co-signatories (the author not included).")

    @classmethod
    def of(cls, items: list[SignatureOut]) -> Self:
        """The signatures in signing order, with how many count."""
        return cls(items=items, current_count=sum(1 for item in items if item.current))


class InvitationIn(Schema):
    deputy_ids: list[int] = Field(min_length=1, max_length=1_000)


class InvitationOut(Schema):
    deputy: UserOut
    invited_at: Timestamp
    declined_at: Timestamp | None

    @classmethod
    def of(cls, invitation: Invitation) -> Self:
        """One invitation to co-sign."""
        return cls(
            deputy=UserOut.of(invitation.deputy),
            invited_at=invitation.invited_at,
            declined_at=invitation.declined_at,
        )


class InvitationList(Schema):
    items: list[InvitationOut]


class VoidIn(Schema):
    reason: str = Field(max_length=2_000)


class PendingOut(Schema):
    amendment: AmendmentOut
    reason: Literal["group", "invited", "stale"]

    @classmethod
    def of(cls, pending: Pending) -> Self:
        """One line of the "À signer" list and why it is there."""
        amendment = AmendmentOut.of(pending.amendment)
        # `reason` is a str to mypy; pydantic checks it is one of the three.
        return cls(amendment=amendment, reason=pending.reason)  # type: ignore[arg-type]


class PendingList(Schema):
    items: list[PendingOut]


class ConsentIn(Schema):
    amendment_id: int
    content_hash: str = Field(
        min_length=64,
        max_length=64,
        pattern="^[0-9a-f]{64}$",
        description="The hash of the text you were shown: refused (stale_version) if it changed.",
    )


class SignManyIn(Schema):
    items: list[ConsentIn] = Field(min_length=1, max_length=MAX_ITEMS)
    otp: str | None = Field(
        default=None,
        max_length=32,
        description="One TOTP or recovery code for the whole batch, unless this token passed a "
        "check in the last 10 minutes.",
    )


class SignError(Schema):
    code: str
    message: str


class SignedOut(Schema):
    amendment_id: int
    status: Literal["signed", "refused"]
    error: SignError | None

    @classmethod
    def of(cls, outcome: Outcome) -> Self:
        """One amendment's outcome: signed, or refused with the single signature's error."""
        error = None
        if not outcome.signed:
            error = SignError(code=outcome.code or "", message=outcome.message or "")
        return cls(amendment_id=outcome.amendment_id, status=outcome.status, error=error)  # type: ignore[arg-type]


class SignManyOut(Schema):
    items: list[SignedOut]
    signed: int
    refused: int

    @classmethod
    def of(cls, outcomes: list[Outcome]) -> Self:
        """Each consent's outcome, in the request's order, and the counts."""
        signed = sum(1 for o in outcomes if o.signed)
        items = [SignedOut.of(o) for o in outcomes]
        return cls(items=items, signed=signed, refused=len(outcomes) - signed)


class DeputyList(Schema):
    items: list[UserOut]


class ReminderOut(Schema):
    reminded: list[UserOut] = Field(
        description="Those reminded now (a deputy is reminded at most once a day)."
    )


class BacklogOut(Schema):
    deputy: UserOut
    to_sign: int

    @classmethod
    def of(cls, backlog: Backlog) -> Self:
        """A deputy and how many open amendments of the group they have not signed."""
        return cls(deputy=UserOut.of(backlog.deputy), to_sign=backlog.to_sign)


class BacklogList(Schema):
    items: list[BacklogOut]


class BacklogQuery(Schema):
    group: str | None = Field(default=None, max_length=32, description="Admins: the group.")


class GroupReminderIn(Schema):
    group: str | None = Field(default=None, max_length=32, description="Admins: the group.")
    deputy_ids: list[int] | None = Field(
        default=None,
        max_length=1_000,
        description="Whom to remind (default: every deputy with something to sign).",
    )
