"""What every page shares: the request's clock and the logged-in user's loading."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import g, session
from flask_login import current_user

from drafting.extensions import db, login_manager
from drafting.models import User, WebSession
from drafting.services.accounts.sessions import live_session


def now() -> datetime:
    """The request's clock."""
    if "now" not in g:
        g.now = datetime.now(UTC)
    return g.now  # type: ignore[no-any-return]


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.active:
        return None
    record = live_session(session.get("sid"), user.id)
    if record is None:
        return None
    g.web_session = record
    return user


def current_credential() -> WebSession | None:
    """The browser session carrying the request (where a passed second-factor check is
    remembered), read when the user was loaded."""
    current_user.is_authenticated  # noqa: B018  (loads the user, and with it the session)
    return g.get("web_session")


login_manager.login_view = "auth.login"
login_manager.login_message = "Connectez-vous pour accéder à cette page."
