"""Logging in with a password, and the throttling of failed attempts."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from drafting.errors import Throttled, Unauthorized
from drafting.extensions import db
from drafting.models import LoginFailure, User
from drafting.services.accounts.passwords import verify_password


def _failure_keys(email: str, address: str) -> list[str]:
    return [f"email:{email.strip().lower()}", f"ip:{address}"]


def check_throttle(email: str, address: str, now: datetime) -> None:
    """Refuse (429) when the account or the address has failed too often recently."""
    window = timedelta(minutes=current_app.config["LIASSE_LOGIN_WINDOW_MINUTES"])
    limit = current_app.config["LIASSE_LOGIN_MAX_FAILURES"]
    for key in _failure_keys(email, address):
        count = db.session.scalar(
            select(func.count(LoginFailure.id)).where(
                LoginFailure.key == key, LoginFailure.at > now - window
            )
        )
        if (count or 0) >= limit:
            raise Throttled(
                "Trop de tentatives de connexion. Réessayez dans quelques minutes.",
                code="throttled",
            )


def authenticate(email: str, password: str, address: str, now: datetime) -> User:
    """The user for these credentials, recording failures; raises 401 or 429."""
    check_throttle(email, address, now)
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active or not verify_password(user, password):
        for key in _failure_keys(email, address):
            db.session.add(LoginFailure(key=key, at=now))
        db.session.flush()
        raise Unauthorized("Adresse ou mot de passe incorrect.", code="bad_credentials")
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == _failure_keys(email, "")[0]))
    return user
