"""RQ job functions: they take ids, load what they need and run inside the Flask app."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, has_app_context

F = TypeVar("F", bound=Callable[..., Any])
_APP: Flask | None = None
_APP_PID: int | None = None


def use_app(app: Flask) -> None:
    """Give the worker's app to jobs (called before the worker forks, so children inherit it)."""
    global _APP, _APP_PID
    _APP, _APP_PID = app, os.getpid()


def _app() -> Flask:
    global _APP
    if _APP is None:
        from drafting import create_app

        use_app(create_app())
    assert _APP is not None
    return _APP


def in_app(func: F) -> F:
    """Run the job inside an app context; after a fork, drop the parent's DB connections."""

    @functools.wraps(func)
    def wrapper(*args: Any) -> Any:
        if has_app_context():
            return func(*args)
        app = _app()
        with app.app_context():
            if _APP_PID != os.getpid():
                from drafting.extensions import db

                db.engine.dispose(close=False)
            return func(*args)

    return wrapper  # type: ignore[return-value]


@in_app
def ping(value: str) -> str:
    """A trivial job, used to check the queue end to end."""
    return value


def preload() -> None:
    """Import the heavy renderers once, before the worker forks (children inherit them)."""
    import importlib

    for name in ("drafting.documents.docx", "drafting.documents.pdf"):
        try:
            importlib.import_module(name)
        except ImportError:
            continue


@in_app
def send_notification_email(notification_id: int) -> None:
    """E-mail one notification when SMTP_URL is set; log it otherwise. Sent once."""
    import logging
    import smtplib
    from datetime import UTC, datetime
    from email.message import EmailMessage
    from urllib.parse import urlparse

    from flask import current_app

    from drafting.db import commit
    from drafting.extensions import db
    from drafting.models import Notification, User

    note = db.session.get(Notification, notification_id)
    if note is None or note.emailed_at is not None:
        return
    user = db.session.get(User, note.user_id)
    assert user is not None
    smtp_url = current_app.config.get("SMTP_URL")
    if smtp_url:
        parsed = urlparse(smtp_url)
        message = EmailMessage()
        message["From"] = current_app.config["LIASSE_MAIL_FROM"]
        message["To"] = user.email
        message["Subject"] = f"[Liasse] {note.message[:80]}"
        message.set_content(note.message)
        with smtplib.SMTP(parsed.hostname or "localhost", parsed.port or 25, timeout=10) as smtp:
            smtp.send_message(message)
    else:
        logging.getLogger("liasse.mail").info("mail to %s: %s", user.email, note.message)
    note.emailed_at = datetime.now(UTC)
    commit()
