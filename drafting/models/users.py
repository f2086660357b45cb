"""People who use Liasse, their API tokens, web sessions and login failures."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Protocol

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from drafting.extensions import db
from drafting.models.groups import Group
from drafting.models.types import UTCDateTime, utcnow


class Role(StrEnum):
    """What a user is in the group's organisation."""

    ADMIN = "admin"
    SECRETARIAT = "secretariat"
    DEPUTY = "deputy"
    ASSISTANT = "assistant"


CIVILITIES = ("M.", "Mme")


class Person(Protocol):
    """What code may read of a user without the ORM: a mapped `User`, or the plain row carried
    by an API request (`services.accounts.Caller`, read on every signature without the ORM)."""

    @property
    def id(self) -> int: ...
    @property
    def email(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def civility(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def group_id(self) -> int | None: ...
    @property
    def group_code(self) -> str | None: ...
    @property
    def deputy_id(self) -> int | None: ...
    @property
    def totp_secret(self) -> str | None: ...
    @property
    def totp_enabled_at(self) -> datetime | None: ...
    @property
    def display_name(self) -> str: ...


class User(db.Model):  # type: ignore[name-defined,misc]
    """A deputy, an assistant, a group secretariat member or an admin."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    first_name: Mapped[str] = mapped_column(String(200), default="")
    last_name: Mapped[str] = mapped_column(String(200), default="")
    civility: Mapped[str] = mapped_column(String(8))
    role: Mapped[str] = mapped_column(String(16), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"), index=True)
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # An enrolment in progress (the active secret stays valid until the new one is confirmed).
    totp_pending_secret: Mapped[str | None] = mapped_column(String(64))
    # The last accepted TOTP time-step: a code is never accepted twice (replay protection).
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # How notifications reach the user by e-mail: "each" event, a daily "digest", or "none".
    email_notifications: Mapped[str] = mapped_column(
        String(8), default="each", server_default="each"
    )
    # The Assembly's actor id ("PA841701"), set by the people import.
    assembly_id: Mapped[str | None] = mapped_column(String(16), unique=True)

    group: Mapped[Group | None] = relationship(lazy="joined")
    deputy: Mapped[User | None] = relationship(remote_side=[id])

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        """Always true for a loaded user."""
        return True

    @property
    def is_active(self) -> bool:
        """Deactivated accounts cannot log in."""
        return self.active

    @property
    def is_anonymous(self) -> bool:
        """A loaded user is never anonymous."""
        return False

    def get_id(self) -> str:
        """Session identifier (the user id; the web session row is checked separately)."""
        return str(self.id)

    @property
    def group_code(self) -> str | None:
        """The code of the user's group, if any."""
        return self.group.code if self.group else None

    @property
    def display_name(self) -> str:
        """Civility and full name, with a no-break space ("Mme Sandra Regol")."""
        return f"{self.civility}\u00a0{self.name}"


class AccountInvitation(db.Model):  # type: ignore[name-defined,misc]
    """An invitation to choose one's password (accounts created by an import have none). The
    link's token is made when the e-mail is sent; only its SHA-256 is kept, used once."""

    __tablename__ = "account_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class ApiToken(db.Model):  # type: ignore[name-defined,misc]
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100), default="api")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    second_factor_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")


class WebSession(db.Model):  # type: ignore[name-defined,misc]
    """A server-side record of a browser session, so sessions can be listed and revoked."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    address: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    second_factor_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginFailure(db.Model):  # type: ignore[name-defined,misc]
    """One failed login, kept briefly to throttle guessing per account and per address."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecoveryCode(db.Model):  # type: ignore[name-defined,misc]
    """A one-time second-factor recovery code (hashed)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


__all__ = [
    "CIVILITIES",
    "AccountInvitation",
    "ApiToken",
    "LoginFailure",
    "Person",
    "RecoveryCode",
    "Role",
    "User",
]
