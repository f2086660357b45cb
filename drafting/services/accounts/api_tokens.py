"""API bearer tokens: issued for credentials, read on every API request, revoked at logout."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, select, update

from drafting.extensions import db
from drafting.infra.direct import DirectStatement
from drafting.models import ApiToken, Group, Person, User


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(user: User, now: datetime, *, label: str = "api") -> tuple[str, ApiToken]:
    """A new bearer token (returned once in clear) and its stored record."""
    token = secrets.token_urlsafe(32)
    hours = current_app.config["LIASSE_TOKEN_TTL_HOURS"]
    record = ApiToken(
        user_id=user.id,
        token_hash=_digest(token),
        label=label,
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    db.session.add(record)
    db.session.flush()
    return token, record


@dataclass(frozen=True, slots=True)
class Caller:
    """The user carrying an API request, as the token lookup reads it: plain columns (a
    `Person`), not a mapped `User`, whose loading with its group weighed on every signature
    (docs/PERFORMANCE.md). Signing reads only these; other views take the mapped user
    (`mapped`, loaded on first use)."""

    id: int
    email: str
    name: str
    civility: str
    role: str
    group_id: int | None
    deputy_id: int | None
    totp_secret: str | None
    totp_enabled_at: datetime | None
    group_code: str | None

    @property
    def display_name(self) -> str:
        """Civility and full name, as `User.display_name`."""
        return f"{self.civility}\u00a0{self.name}"


@dataclass(slots=True)
class BearerToken:
    """The live API token carrying a request: what requests need of its row, with its user.
    Read on every API call, so a plain row, not ORM objects; written through
    `mark_token_verified` and `revoke_bearer`."""

    id: int
    caller: Caller
    second_factor_at: datetime | None
    stamped: bool = False  # its last use was just written (`token_record`), not yet committed

    @property
    def user_id(self) -> int:
        """The id of the token's user."""
        return self.caller.id


def mapped(person: Person) -> User:
    """The mapped user of `person` (itself if mapped, else loaded: once per session)."""
    return person if isinstance(person, User) else db.session.get_one(User, person.id)


_TOKENS, _USERS, _GROUPS = ApiToken.__table__, User.__table__, Group.__table__
_CALLER_FIELDS = tuple(field.name for field in fields(Caller))
# One round trip on the driver's cursor (drafting.infra.direct): the token, its user and the
# user's group code, each column named as the token's check or `Caller` reads it.
_TOKEN_BY_DIGEST = DirectStatement(
    select(
        _TOKENS.c.id.label("token_id"),
        _TOKENS.c.expires_at,
        _TOKENS.c.revoked_at,
        _TOKENS.c.last_used_at,
        _TOKENS.c.second_factor_at,
        _USERS.c.active,
        *(_USERS.c[name] for name in _CALLER_FIELDS if name != "group_code"),
        _GROUPS.c.code.label("group_code"),
    )
    .select_from(
        _TOKENS.join(_USERS, _USERS.c.id == _TOKENS.c.user_id).outerjoin(
            _GROUPS, _GROUPS.c.id == _USERS.c.group_id
        )
    )
    .where(_TOKENS.c.token_hash == bindparam("digest"))
)
_UPDATE_TOKEN = update(_TOKENS).where(_TOKENS.c.id == bindparam("token_id"))


def token_record(token: str, now: datetime) -> BearerToken | None:
    """The live token for a bearer token, or None if unknown, expired or revoked. Its last use
    is written when the stored one is more than five minutes old (`stamped`: the caller commits
    it at once, so that requests which only read, or fail, record it too)."""
    row = _TOKEN_BY_DIGEST.first(db.session.connection(), {"digest": _digest(token)})
    if row is None:
        return None
    if row.revoked_at is not None or row.expires_at <= now or not row.active:
        return None
    stamped = row.last_used_at is None or now - row.last_used_at > timedelta(minutes=5)
    if stamped:
        db.session.execute(_UPDATE_TOKEN, {"token_id": row.token_id, "last_used_at": now})
    values = row._asdict()
    caller = Caller(**{name: values[name] for name in _CALLER_FIELDS})
    return BearerToken(row.token_id, caller, row.second_factor_at, stamped)


def mark_token_verified(token: BearerToken, now: datetime) -> None:
    """Record that the request's token just passed a second-factor check."""
    db.session.execute(_UPDATE_TOKEN, {"token_id": token.id, "second_factor_at": now})
    token.second_factor_at = now


def revoke_bearer(token: BearerToken, now: datetime) -> None:
    """Revoke the token carrying this request (logout)."""
    db.session.execute(_UPDATE_TOKEN, {"token_id": token.id, "revoked_at": now})
