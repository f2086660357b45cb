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
