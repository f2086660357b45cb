"""Transaction boundary helpers: views commit through here so queued jobs follow the commit."""

from __future__ import annotations

from drafting.extensions import db
from drafting.infra import queue


def commit() -> None:
    """Commit the unit of work, then dispatch the jobs it queued (never before)."""
    db.session.commit()
    queue.dispatch_committed(db.session())


def rollback() -> None:
    """Abandon the unit of work and the jobs it queued."""
    db.session.rollback()
