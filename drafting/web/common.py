"""What every page shares: the request's clock, the logged-in user's loading, safe redirects."""

from __future__ import annotations

import string
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import g, session
from flask_login import current_user

from drafting.extensions import db, login_manager
from drafting.infra.request_info import parse_id
from drafting.models import User, WebSession
from drafting.services.accounts.sessions import live_session


def now() -> datetime:
    """The request's clock."""
    if "now" not in g:
        g.now = datetime.now(UTC)
    return g.now  # type: ignore[no-any-return]


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    number = parse_id(user_id)
    user = db.session.get(User, number) if number is not None else None
    if user is None or not user.active:
        return None
    record = live_session(session.get("sid"), user.id, now())
    if db.session.dirty:
        db.session.commit()  # the session's last use, or its expiry: kept even by reading pages
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


_UNSAFE = set(string.whitespace) | {"\\"} | {chr(c) for c in range(0x20)} | {"\x7f"}


def local_path(target: str | None) -> str | None:
    """`target` if it is a path of this site ("/textes?x=1"), else None: no scheme, no host,
    no "//" or "/\\" that a browser reads as another host, no space or control character that
    a browser strips before reading it so ("/%09/evil.example", decoded)."""
    if not target or not target.startswith("/") or _UNSAFE & set(target):
        return None
    if target.startswith("//"):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None
