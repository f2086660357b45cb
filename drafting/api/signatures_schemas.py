"""Request and response schemas of the co-signature endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from drafting.api.schemas import AmendmentOut, Schema, UserOut


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
    first_signed_at: datetime
    signed_at: datetime
    current: bool
    withdrawn_at: datetime | None
    voided_at: datetime | None
    void_reason: str | None


class SignatureList(Schema):
    items: list[SignatureOut]
    current_count: int = Field(description="Current co-signatories (the author not included).")


class InvitationIn(Schema):
    deputy_ids: list[int] = Field(min_length=1, max_length=1_000)


class InvitationOut(Schema):
    deputy: UserOut
    invited_at: datetime
    declined_at: datetime | None


class InvitationList(Schema):
    items: list[InvitationOut]


class VoidIn(Schema):
    reason: str = Field(max_length=2_000)


class PendingOut(Schema):
    amendment: AmendmentOut
    reason: Literal["group", "invited", "stale"]


class PendingList(Schema):
    items: list[PendingOut]
