"""My credentials (tokens, sessions, password), the second factor and who read a draft."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field

from drafting.api.schemas import Schema, Timestamp
from drafting.api.schemas.people import UserOut
from drafting.models import ApiToken, ReadRecord, WebSession


class TokenInfo(Schema):
    id: int
    label: str
    created_at: Timestamp
    expires_at: Timestamp
    last_used_at: Timestamp | None
    current: bool

    @classmethod
    def of(cls, token: ApiToken, current_id: int) -> Self:
        """One of my tokens; `current` for the one carrying this request (`current_id`)."""
        return cls(
            id=token.id,
            label=token.label,
            created_at=token.created_at,
            expires_at=token.expires_at,
            last_used_at=token.last_used_at,
            current=token.id == current_id,
        )


class TokenInfoList(Schema):
    items: list[TokenInfo]


class SessionInfo(Schema):
    id: int
    user_agent: str
    address: str
    created_at: Timestamp
    last_seen_at: Timestamp

    @classmethod
    def of(cls, record: WebSession) -> Self:
        """One of my open browser sessions."""
        return cls(
            id=record.id,
            user_agent=record.user_agent,
            address=record.address,
            created_at=record.created_at,
            last_seen_at=record.last_seen_at,
        )


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
    enrolled_at: Timestamp | None
    recovery_codes_left: int
    verified_at: Timestamp | None


class ReadOut(Schema):
    user: UserOut
    at: Timestamp
    channel: Literal["web", "api"]

    @classmethod
    def of(cls, record: ReadRecord) -> Self:
        """Who read the draft, when, and through which door."""
        user = UserOut.of(record.user)
        # `channel` is a str to mypy; pydantic checks it is one of the two.
        return cls(user=user, at=record.at, channel=record.channel)  # type: ignore[arg-type]


class ReadList(Schema):
    items: list[ReadOut]
