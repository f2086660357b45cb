"""Request and response schemas of the security API (sessions, tokens, second factor, reads)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from drafting.api.schemas import Schema, UserOut


class TokenInfo(Schema):
    id: int
    label: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    current: bool


class TokenInfoList(Schema):
    items: list[TokenInfo]


class SessionInfo(Schema):
    id: int
    user_agent: str
    address: str
    created_at: datetime
    last_seen_at: datetime


class SessionInfoList(Schema):
    items: list[SessionInfo]


class PasswordChange(Schema):
    old_password: str = Field(max_length=1024)
    new_password: str = Field(max_length=1024)


class OtpIn(Schema):
    otp: str = Field(min_length=1, max_length=32)


class SecondFactorOut(Schema):
    required: bool
    enrolled: bool
    enrolled_at: datetime | None
    recovery_codes_left: int
    verified_at: datetime | None


class ReadOut(Schema):
    user: UserOut
    at: datetime
    channel: Literal["web", "api"]


class ReadList(Schema):
    items: list[ReadOut]
