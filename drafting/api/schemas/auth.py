"""Bearer tokens: the credentials exchanged for one, and the token with its user."""

from __future__ import annotations

from typing import Self

from pydantic import Field

from drafting.api.schemas import Schema, Timestamp
from drafting.api.schemas.people import UserOut
from drafting.models import ApiToken, User


class TokenRequest(Schema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=1024)


class TokenOut(Schema):
    token: str
    expires_at: Timestamp
    user: UserOut

    @classmethod
    def of(cls, token: str, record: ApiToken, user: User) -> Self:
        """A token just issued: the secret (shown once), its expiry and its user."""
        return cls(token=token, expires_at=record.expires_at, user=UserOut.of(user))
