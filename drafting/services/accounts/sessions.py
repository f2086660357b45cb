"""Browser sessions recorded server-side so they can be listed and revoked."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
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


STAMP_EVERY = timedelta(minutes=5)


def _expired(record: WebSession, now: datetime) -> bool:
    """Idle for longer than LIASSE_SESSION_IDLE_HOURS, or older than LIASSE_SESSION_MAX_HOURS."""
    idle = timedelta(hours=current_app.config["LIASSE_SESSION_IDLE_HOURS"])
    lifetime = timedelta(hours=current_app.config["LIASSE_SESSION_MAX_HOURS"])
    return now - record.last_seen_at > idle or now - record.created_at > lifetime


def live_session(key: str | None, user_id: int, now: datetime) -> WebSession | None:
    """The session with this key if it is the user's, not revoked and not expired (an expired
    one is revoked on the spot). Its last use is stamped every few minutes (`stamped`: the
    caller commits it, so that reading pages keep a session alive)."""
    if not key:
        return None
    record = db.session.scalar(select(WebSession).where(WebSession.key == key))
    if record is None or record.user_id != user_id or record.revoked_at is not None:
        return None
    if _expired(record, now):
        record.revoked_at = now
        return None
    if now - record.last_seen_at > STAMP_EVERY:
        record.last_seen_at = now
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
