"""The deadline clock: run the sweep every minute, in its own process or in a thread of the app.

Production runs `liasse clock` (the Procfile's `clock:` process); several clocks on several
machines are safe because the sweep is idempotent (SKIP LOCKED, unique reminder keys). The
embedded default (`make run`, LIASSE_EMBEDDED_CLOCK=1) runs the same loop in a daemon thread of
the app process. Each tick is one transaction; an error is logged and the next tick tries again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Flask

from drafting.db import commit, rollback
from drafting.extensions import db
from drafting.infra import sqlite
from drafting.services import notifications
from drafting.services.deadlines.sweep import run_sweep
from drafting.services.documents import jobs, reuse

log = logging.getLogger("liasse.clock")
INTERVAL_SECONDS = 60.0
_EXTENSION_KEY = "liasse_clock"


def tick(app: Flask, now: datetime | None = None) -> Any:
    """Run one sweep in its own transaction and app context; return its report (None on error)."""
    with app.app_context(), sqlite.immediate_transactions():
        try:
            report = run_sweep(now or datetime.now(UTC))
            commit()
        except Exception:
            rollback()
            log.exception("deadline sweep failed; the next tick will try again")
            return None
        finally:
            db.session.remove()
    if report.closed or report.reminders:
        log.info("%s", report)
    recover(app, now or datetime.now(UTC))
    prune(app, now or datetime.now(UTC))
    return report


def prune(app: Flask, now: datetime) -> int:
    """Forget old kept sheets (services/documents/reuse.py), in its own transaction."""
    with app.app_context(), sqlite.immediate_transactions():
        try:
            pruned = reuse.prune(now)
            commit()
        except Exception:
            rollback()
            log.exception("pruning kept sheets failed; the next tick will try again")
            return 0
        finally:
            db.session.remove()
    if pruned:
        log.info("forgot %d kept sheets", pruned)
    return pruned


def recover(app: Flask, now: datetime) -> list[str]:
    """Queue again what was left behind: jobs orphaned by a killed worker or never queued while
    Redis was down, and e-mails never sent. Its own transaction; an error is logged."""
    with app.app_context(), sqlite.immediate_transactions():
        try:
            recovered = jobs.recover_stalled(now) + notifications.resend_unsent(now)
            commit()
        except Exception:
            rollback()
            log.exception("job recovery failed; the next tick will try again")
            return []
        finally:
            db.session.remove()
    if recovered:
        log.warning("queued again after a worker or queue outage: %s", ", ".join(recovered))
    return recovered


def run_forever(
    app: Flask,
    *,
    interval: float = INTERVAL_SECONDS,
    stop: threading.Event | None = None,
    ticks: int | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Tick every `interval` seconds until `stop` is set (or `ticks` ran); return the tick count."""
    stop = stop or threading.Event()
    count = 0
    while not stop.is_set() and (ticks is None or count < ticks):
        started = clock()
        tick(app)
        count += 1
        if ticks is not None and count >= ticks:
            break
        stop.wait(max(0.0, interval - (clock() - started)))
    return count


def start_in_process(app: Flask) -> threading.Thread | None:
    """Start the clock in a daemon thread of this process once (when LIASSE_EMBEDDED_CLOCK)."""
    if not app.config.get("LIASSE_EMBEDDED_CLOCK"):
        return None
    running = app.extensions.get(_EXTENSION_KEY)
    if isinstance(running, threading.Thread) and running.is_alive():
        return running
    thread = threading.Thread(target=run_forever, args=(app,), name="liasse-clock", daemon=True)
    app.extensions[_EXTENSION_KEY] = thread
    thread.start()
    return thread
