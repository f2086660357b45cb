"""The deadline clock: one sweep per tick in its own transaction, in a process or a thread."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from drafting.db import commit
from drafting.extensions import db
from drafting.jobs import clock
from drafting.jobs import deadlines as deadline_jobs
from drafting.models import Amendment
from drafting.services import amendments
from drafting.services.deadlines import authority

COSIGN_BY = datetime(2023, 3, 15, 17, 0, tzinfo=UTC)


def _open_amendment_past_its_cosign_by(people, bill) -> int:
    authority.set_group_deadlines(people["claire"], bill.id, "ECOS", None, COSIGN_BY, COSIGN_BY)
    data = amendments.Draft(bill.id, amendments.PositionInput("article", "7"), "Supprimer.", "")
    created = amendments.create_amendment(people["regol"], data, COSIGN_BY)
    created.state = "open"
    commit()
    return int(created.id)


def test_a_tick_sweeps_and_commits(app, people, bill):
    amendment_id = _open_amendment_past_its_cosign_by(people, bill)
    report = clock.tick(app, datetime(2023, 3, 16, tzinfo=UTC))
    assert report is not None and report.closed == (amendment_id,)
    db.session.expire_all()
    assert db.session.get(Amendment, amendment_id).state == "ready"


def test_a_failing_tick_is_logged_and_the_clock_goes_on(app, monkeypatch, caplog):
    def broken(now):
        raise RuntimeError("database away")

    monkeypatch.setattr(clock, "run_sweep", broken)
    assert clock.tick(app) is None
    assert "deadline sweep failed" in caplog.text
    assert clock.run_forever(app, interval=0, ticks=2) == 2


def test_run_forever_stops_when_asked(app):
    stop = threading.Event()
    stop.set()
    assert clock.run_forever(app, interval=60, stop=stop) == 0


def test_the_in_process_clock_starts_only_when_embedded(app, monkeypatch):
    started = []
    monkeypatch.setattr(clock, "run_forever", lambda a: started.append(a))
    monkeypatch.setitem(app.config, "LIASSE_EMBEDDED_CLOCK", False)
    assert clock.start_in_process(app) is None
    monkeypatch.setitem(app.config, "LIASSE_EMBEDDED_CLOCK", True)
    thread = clock.start_in_process(app)
    assert thread is not None and thread.daemon
    thread.join(timeout=5)
    assert started == [app]
    app.extensions.pop("liasse_clock", None)


def test_the_clock_command_runs_the_sweep_until_stopped(app, people, bill):
    amendment_id = _open_amendment_past_its_cosign_by(people, bill)
    result = app.test_cli_runner().invoke(args=["clock", "--ticks", "1", "--interval", "0"])
    assert result.exit_code == 0, result.output
    assert "1 balayage" in result.output
    db.session.expire_all()
    assert db.session.get(Amendment, amendment_id).state == "ready"


def test_the_sweep_job_lets_a_scheduler_run_the_same_sweep(app, people, bill):
    _open_amendment_past_its_cosign_by(people, bill)
    assert deadline_jobs.sweep_deadlines() == (
        "Balayage des échéances : 1 amendement(s) clos, 0 rappel(s) envoyé(s)."
    )
