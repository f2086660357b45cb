"""My sessions and API tokens: list, revoke, change the password; my calendar feed token."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select, update

from drafting.errors import Invalid, NotFound
from drafting.extensions import db
from drafting.models import ApiToken, User, WebSession
from drafting.services.accounts import passwords


def live_sessions(user: User) -> list[WebSession]:
    """The user's browser sessions that are not revoked, most recent first."""
    query = (
        select(WebSession)
        .where(WebSession.user_id == user.id, WebSession.revoked_at.is_(None))
        .order_by(WebSession.created_at.desc(), WebSession.id.desc())
    )
    return list(db.session.scalars(query))


def live_tokens(user: User, now: datetime) -> list[ApiToken]:
    """The user's API tokens that are neither revoked nor expired, most recent first."""
    query = (
        select(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .where(ApiToken.expires_at > now)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return list(db.session.scalars(query))


def revoke_session(user: User, session_id: int, now: datetime) -> None:
    """Revoke one of my browser sessions (404 for anyone else's)."""
    record = db.session.get(WebSession, session_id)
    if record is None or record.user_id != user.id or record.revoked_at is not None:
        raise NotFound("Session inconnue.")
    record.revoked_at = now
    db.session.flush()


def revoke_token(user: User, token_id: int, now: datetime) -> None:
    """Revoke one of my API tokens (404 for anyone else's)."""
    record = db.session.get(ApiToken, token_id)
    if record is None or record.user_id != user.id or record.revoked_at is not None:
        raise NotFound("Jeton inconnu.")
    record.revoked_at = now
    db.session.flush()


def revoke_others(
    user: User,
    now: datetime,
    *,
    keep_session_key: str | None = None,
    keep_token_id: int | None = None,
) -> None:
    """Revoke every session and token of the user except the one making the request."""
    sessions = update(WebSession).where(
        WebSession.user_id == user.id, WebSession.revoked_at.is_(None)
    )
    if keep_session_key:
        sessions = sessions.where(WebSession.key != keep_session_key)
    tokens = update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    if keep_token_id is not None:
        tokens = tokens.where(ApiToken.id != keep_token_id)
    db.session.execute(sessions.values(revoked_at=now))
    db.session.execute(tokens.values(revoked_at=now))


def change_password(
    user: User,
    old: str,
    new: str,
    now: datetime,
    *,
    keep_session_key: str | None = None,
    keep_token_id: int | None = None,
) -> None:
    """Check the old password and the new one's strength, then sign out everywhere else."""
    if not passwords.verify_password(user, old):
        raise Invalid("Mot de passe actuel incorrect.", fields={"old_password": "incorrect"})
    if new == old:
        raise Invalid("Choisissez un nouveau mot de passe.", fields={"new_password": "inchangé"})
    try:
        passwords.check_password_strength(new)
    except Invalid as exc:
        raise Invalid(exc.message, fields={"new_password": exc.fields["password"]}) from exc
    user.password_hash = passwords.hash_password(new)
    user.password_changed_at = now
    revoke_others(user, now, keep_session_key=keep_session_key, keep_token_id=keep_token_id)
    db.session.flush()


def regenerate_calendar_token(user: User) -> str:
    """Give the user a new secret calendar-feed token (the old feed URL stops working)."""
    user.calendar_token = secrets.token_urlsafe(32)
    db.session.flush()
    return user.calendar_token


def assistants_of(user: User) -> list[User]:
    """A deputy's assistants (whom they may delegate to), by name."""
    query = select(User).where(User.deputy_id == user.id, User.active.is_(True))
    return list(db.session.scalars(query.order_by(User.last_name, User.first_name)))
