"""Logging in with a password, and the throttling of failed attempts."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from drafting.errors import Throttled, Unauthorized
from drafting.extensions import db
from drafting.models import LoginFailure, User
from drafting.services.accounts.passwords import spend_equal_time, verify_password


def _failure_key(email: str, device: str | None) -> str:
    """Where failures are counted: the known browser's own count when the attempt comes from a
    browser this account logged in from before, the account's otherwise. An attacker who fails
    on purpose locks the account to strangers, never to its owner's browser."""
    return f"device:{device}" if device else f"email:{email.strip().lower()}"


def check_throttle(email: str, device: str | None, now: datetime) -> None:
    """Refuse (429) when this account (or this known browser of it) failed too often lately."""
    window = timedelta(minutes=current_app.config["LIASSE_LOGIN_WINDOW_MINUTES"])
    limit = current_app.config["LIASSE_LOGIN_MAX_FAILURES"]
    count = db.session.scalar(
        select(func.count(LoginFailure.id)).where(
            LoginFailure.key == _failure_key(email, device), LoginFailure.at > now - window
        )
    )
    if (count or 0) >= limit:
        raise Throttled(
            "Trop de tentatives de connexion. Réessayez dans quelques minutes.",
            code="throttled",
            retry_after=60,
        )


def authenticate(email: str, password: str, now: datetime, *, device: str | None = None) -> User:
    """The user for these credentials, recording failures; raises 401 or 429. `device`: the id
    of a browser this account logged in from before (the view checked its signed cookie). The
    answer takes as long whether the account exists or not."""
    check_throttle(email, device, now)
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        spend_equal_time(password)
    if user is None or not user.active or not verify_password(user, password):
        db.session.add(LoginFailure(key=_failure_key(email, device), at=now))
        db.session.flush()
        raise Unauthorized("Adresse ou mot de passe incorrect.", code="bad_credentials")
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == _failure_key(email, device)))
    return user
