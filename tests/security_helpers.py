"""Shared fixtures of the security test modules (the route × role matrix, the API fuzzing)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event

from drafting.extensions import db


@pytest.fixture
def quick_commits(app: Flask) -> Iterator[None]:
    """~1,500 requests commit here: skip the disk flush of each commit (test data only)."""
    sqlite = db.engine.dialect.name == "sqlite"
    pragmas = (
        ("PRAGMA synchronous=OFF", "PRAGMA journal_mode=MEMORY")
        if sqlite
        else ("SET synchronous_commit TO OFF",)
    )

    def configure(dbapi_connection: Any, *_: Any) -> None:
        cursor = dbapi_connection.cursor()
        for pragma in pragmas:
            cursor.execute(pragma)
        cursor.close()

    db.session.remove()
    db.engine.dispose()  # new connections get the settings
    event.listen(db.engine, "connect", configure)
    yield
    event.remove(db.engine, "connect", configure)
    db.session.remove()
    db.engine.dispose()
