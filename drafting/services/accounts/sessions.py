"""Browser sessions recorded server-side so they can be listed and revoked."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select, update

from drafting.extensions import db
from drafting.models import ApiToken, User, WebSession


def open_session(user: User, now: datetime, *, user_agent: str, address: str) -> WebSession:
    """Record a new browser session for `user`."""
    record = WebSession(
        user_id=user.id,
        key=secrets.token_urlsafe(32),
        user_agent=user_agent[:300],
        address=address[:64],
        created_at=now,
        last_seen_at=now,
    )
    db.session.add(record)
    db.session.flush()
    return record


def live_session(key: str | None, user_id: int) -> WebSession | None:
    """The session with this key if it belongs to the user and is not revoked."""
    if not key:
        return None
    record = db.session.scalar(select(WebSession).where(WebSession.key == key))
    if record is None or record.user_id != user_id or record.revoked_at is not None:
        return None
    return record


def close_session(key: str | None, now: datetime) -> None:
    """Revoke one session (logout)."""
    if key:
        db.session.execute(
            update(WebSession)
            .where(WebSession.key == key, WebSession.revoked_at.is_(None))
            .values(revoked_at=now)
        )


def revoke_everything(user: User, now: datetime, *, keep_key: str | None = None) -> None:
    """Logout everywhere: every session (but `keep_key`) and every API token."""
    query = update(WebSession).where(WebSession.user_id == user.id, WebSession.revoked_at.is_(None))
    if keep_key:
        query = query.where(WebSession.key != keep_key)
    db.session.execute(query.values(revoked_at=now))
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
