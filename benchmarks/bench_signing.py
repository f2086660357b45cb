"""Benchmark: co-signing under load through gunicorn and PostgreSQL (issue: review & co-signature).

Seeds its own PostgreSQL database (200 deputies of one group, each the author of one open
amendment, one API token each), starts gunicorn on 127.0.0.1, then 200 concurrent clients (threads,
each with a keep-alive libcurl handle, or an `http.client` connection with `--client http.client`)
each sign distinct amendments with `POST /api/v1/amendments/{id}/signatures`. After a short
warm-up (each client signs WARM_UP amendments, not measured: every worker thread opens its
connections and prepares its statements, as a server in service has long done, and each deputy
opens the keep-alive connection it keeps to the end; `--fresh-connections` opens new ones for
every phase instead), two phases, both bounded:

- paced: every client signs at the same steady pace so that the total offered load is `--rate`
  signatures/s; latency is measured from the moment each request was due (no coordinated omission);
- saturation: every client signs back to back; this gives the most signatures/s the machine
  sustains (latency then is mostly queueing: 200 clients for a few dozen server threads).

Reports signatures/s, p50/p95/p99 latency and errors, checks the database (one row per signature,
journal chains intact) and stops gunicorn. Rate limits stay on (each deputy signs at most 2 ×
`--per-client` times, under the 60 per minute limit); the second factor is off
(LIASSE_REQUIRE_2FA=0), since a TOTP code cannot be computed by a load generator.

Usage: python benchmarks/bench_signing.py [--clients 200] [--per-client 25] [--rate 310]
       [--client curl|http.client] [--workers 4] [--threads 4] [--timeline]
       [--fresh-connections] [--busy N]
`--busy N` runs N busy loops beside the server during the phases (same priority): the margin
the server keeps on a host shared with other tenants, or a slower one.
Environment: BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/liasse_sig_bench),
BENCH_REDIS_URL (default redis://127.0.0.1:6379/4), BENCH_PORT (default 8765).
"""

from __future__ import annotations

import argparse
import http.client
import io
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pycurl
from sqlalchemy import func, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from drafting import create_app  # noqa: E402
from drafting.db import commit  # noqa: E402
from drafting.extensions import db  # noqa: E402
from drafting.models import Signature  # noqa: E402
from drafting.services import amendments, journal, texts  # noqa: E402
from drafting.services.accounts import api_tokens, registration  # noqa: E402
from drafting.services.workflow import transitions  # noqa: E402

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/liasse_sig_bench"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
WARM_UP = 3  # signatures per client before the measured phases
PHASE_SECONDS = 120  # each phase stops by itself (requests not sent by then are counted)


@dataclass
class Results:
    """Latencies (s) of successful signatures and the errors seen, shared by the client threads."""

    latencies: list[float] = field(default_factory=list)
    due: list[float] = field(default_factory=list)  # when each successful request was due
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)
    unsent: int = 0

    def add(self, due: float, latency: float, error: str | None) -> None:
        """Record one request's outcome."""
        with self.lock:
            if error is None:
                self.latencies.append(latency)
                self.due.append(due)
            else:
                self.errors.append(error)


def _create_database() -> None:
    base, _, name = DATABASE_URL.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def _settle() -> None:
    """Let PostgreSQL absorb the seeding before measuring: statistics, visibility map and a
    checkpoint now, not by autovacuum and the checkpointer in the middle of the measured phase."""
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        conn.execute("CHECKPOINT")


def _app():
    data = tempfile.mkdtemp(prefix="liasse-bench-signing-")
    uri = DATABASE_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": uri,
            "LIASSE_DATA_DIR": data,
            "REDIS_URL": None,
            "LIASSE_PASSWORD_HASH_COST": "fast",
            "WTF_CSRF_ENABLED": False,
        }
    )


def _reset() -> None:
    from flask_migrate import upgrade

    with db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade()


def _seed(count: int) -> tuple[list[str], list[int]]:
    """`count` ECOS deputies each with one open amendment; their tokens and amendment ids."""
    now = datetime.now(UTC)
    registration.create_group("ECOS", "Écologiste et Social")
    password = "Bench-password-1"
    secretariat = registration.create_user(
        email="sec@an.example",
        name="Claire Dupont",
        role="secretariat",
        password=password,
        group_code="ECOS",
    )
    deputies = [
        registration.create_user(
            email=f"d{i}@an.example",
            name=f"Député Numéro {i}",
            role="deputy",
            password=password,
            group_code="ECOS",
        )
        for i in range(count)
    ]
    bill = texts.create_text(
        secretariat,
        texts.TextInput(
            "PROJET DE LOI relatif aux jeux Olympiques et Paralympiques de 2024",
            "809",
            "seance",
            articles=[
                texts.ArticleInput(str(n), None, [f"Alinéa {k}." for k in range(1, 30)])
                for n in range(1, 21)
            ],
        ),
        now,
    )
    commit()
    ids = []
    for i, deputy in enumerate(deputies):
        draft = amendments.Draft(
            bill.id,
            amendments.PositionInput("article", str(1 + i % 20)),
            f"À l'alinéa {1 + i % 29}, supprimer le mot « {i} ».",
            "Cet amendement vise à préserver les droits acquis. " * 4,
        )
        amendment = amendments.create_amendment(deputy, draft, now)
        transitions.transition(deputy, amendment.id, "submit", now=now)
        transitions.transition(secretariat, amendment.id, "approve", now=now)
        commit()  # one by one: the inline notification jobs run after each commit
        ids.append(amendment.id)
    tokens = [api_tokens.issue_token(d, now)[0] for d in deputies]
    commit()
    return tokens, ids


def _start_gunicorn(workers: int, threads: int) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ,
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        LIASSE_REQUIRE_2FA="0",
        SECRET_KEY=secrets.token_hex(32),
        LIASSE_DATA_DIR=tempfile.mkdtemp(prefix="liasse-bench-gunicorn-"),
    )
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-w",
        str(workers),
        "-k",
        "gthread",
        "--threads",
        str(threads),
        "-b",
        f"127.0.0.1:{PORT}",
        "--keep-alive",
        "10",
        "--log-level",
        "warning",
        "drafting:create_app()",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    for _ in range(200):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=1)
            connection.request("GET", "/api/v1/openapi.json")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def _path(amendment_id: int) -> str:
    return f"/api/v1/amendments/{amendment_id}/signatures"


class CurlSigner:
    """One deputy's keep-alive libcurl handle: the HTTP work is done in C with the GIL released,
    so the load generator takes less of the two CPUs it shares with the server."""

    def __init__(self, token: str) -> None:
        self.curl = pycurl.Curl()
        self.curl.setopt(pycurl.HTTPHEADER, [f"Authorization: Bearer {token}", "Expect:"])
        self.curl.setopt(pycurl.POSTFIELDS, "")
        self.curl.setopt(pycurl.TIMEOUT, 30)

    def sign(self, amendment_id: int) -> str | None:
        """POST the signature; the error, or None on 201."""
        body = io.BytesIO()
        self.curl.setopt(pycurl.URL, f"http://127.0.0.1:{PORT}{_path(amendment_id)}")
        self.curl.setopt(pycurl.WRITEDATA, body)
        try:
            self.curl.perform()
        except pycurl.error as exc:
            return f"curl: {exc}"
        status = self.curl.getinfo(pycurl.RESPONSE_CODE)
        return None if status == 201 else f"{status} {body.getvalue()[:120]!r}"

    def close(self) -> None:
        self.curl.close()


class HttpClientSigner:
    """One deputy's keep-alive `http.client` connection (the former client, in pure Python)."""

    def __init__(self, token: str) -> None:
        self.headers = {"Authorization": f"Bearer {token}", "Content-Length": "0"}
        self.connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)

    def sign(self, amendment_id: int) -> str | None:
        """POST the signature; the error, or None on 201 (a broken connection is reopened)."""
        try:
            self.connection.request("POST", _path(amendment_id), headers=self.headers)
            response = self.connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            return f"{type(exc).__name__}: {exc}"
        return None if response.status == 201 else f"{response.status} {body[:120]!r}"

    def close(self) -> None:
        self.connection.close()


CLIENTS: dict[str, type[CurlSigner] | type[HttpClientSigner]] = {
    "curl": CurlSigner,
    "http.client": HttpClientSigner,
}


Signer = CurlSigner | HttpClientSigner


def _client(
    signer: Signer, targets: list[int], interval: float, start: float, results: Results
) -> None:
    """Sign each target in turn; with `interval`, at a steady pace from `start`."""
    for n, amendment_id in enumerate(targets):
        if results.stop.is_set():
            with results.lock:
                results.unsent += len(targets) - n
            break
        due = start + n * interval
        if interval:
            time.sleep(max(0.0, due - time.perf_counter()))
        else:
            due = time.perf_counter()
        error = signer.sign(amendment_id)
        results.add(due, time.perf_counter() - due, error)


def _phase(
    signers: list[Signer], plans: list[list[int]], rate: float | None
) -> tuple[Results, float]:
    """Run one phase: every client signs its plan; returns the results and the wall time."""
    results = Results()
    interval = len(signers) / rate if rate else 0.0
    start = time.perf_counter() + 0.5
    threads = [
        threading.Thread(
            target=_client,
            daemon=True,
            args=(signer, plan, interval, start + i * interval / len(signers), results),
        )
        for i, (signer, plan) in enumerate(zip(signers, plans, strict=True))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.1, PHASE_SECONDS - (time.perf_counter() - start)))
    wall = time.perf_counter() - start
    results.stop.set()
    for thread in threads:
        thread.join(timeout=35)  # requests in flight finish (client timeout 30 s)
    return results, wall


class Clients:
    """The deputies' HTTP clients. By default each keeps its keep-alive connection from one phase
    to the next, as deputies at work keep theirs (the warm-up opens them); with `fresh`, every
    phase starts on new connections (200 connections opened in its first second)."""

    def __init__(self, kind: str, tokens: list[str], *, fresh: bool) -> None:
        self.kind, self.tokens, self.fresh = kind, tokens, fresh
        self.signers: list[Signer] = []

    def for_phase(self) -> list[Signer]:
        """The signers for the next phase."""
        if self.fresh or not self.signers:
            self.close()
            self.signers = [CLIENTS[self.kind](token) for token in self.tokens]
        return self.signers

    def close(self) -> None:
        for signer in self.signers:
            signer.close()
        self.signers = []


def _stat(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command name (empty if the process is gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return []


def _cpu_seconds(pids: list[int], *, children: bool = False) -> float:
    """User + system CPU time of these processes (Linux /proc; 0 elsewhere); with `children`,
    plus the time of their exited children (short-lived PostgreSQL backends, say)."""
    ticks = 0
    for pid in pids:
        fields = _stat(pid)
        if fields:
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
            if children:
                ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def _system_seconds(pids: list[int]) -> float:
    """The system (kernel) part of their CPU time: sockets, polling, thread switches."""
    ticks = sum(int(fields[12]) for fields in map(_stat, pids) if fields)
    return ticks / os.sysconf("SC_CLK_TCK")


def _processes(name: str) -> list[int]:
    """Every process whose command name is `name`."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def _cpu_snapshot(server: subprocess.Popen[bytes]) -> dict[str, float]:
    """CPU seconds so far of gunicorn's workers, PostgreSQL (every backend, the exited ones
    through the postmaster), Redis and this load generator."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    workers = [int(p) for p in children.read_text().split()] if children.exists() else []
    postgres = _processes("postgres")
    postmasters = [pid for pid in postgres if (_stat(pid) or [0, 0])[1] not in map(str, postgres)]
    return {
        "gunicorn": _cpu_seconds(workers),
        "gunicorn system": _system_seconds(workers),
        "PostgreSQL": _cpu_seconds(postgres)
        + _cpu_seconds(postmasters, children=True)
        - _cpu_seconds(postmasters),
        "Redis": _cpu_seconds(_processes("redis-server")),
        "load generator": time.process_time(),
    }


def _cpu_since(server: subprocess.Popen[bytes], before: dict[str, float]) -> dict[str, float]:
    """CPU seconds spent by each party since the snapshot `before`."""
    after = _cpu_snapshot(server)
    return {name: after[name] - before[name] for name in before}


def _cpu_report(phase: str, signatures: int, cpu: dict[str, float], wall: float) -> None:
    """CPU spent per signature in one phase, how busy the machine was, and what that CPU cost
    allows on this machine when nothing else runs."""
    per = {name: seconds / max(signatures, 1) * 1000 for name, seconds in cpu.items()}
    system = per.pop("gunicorn system")
    total = sum(per.values()) or float("nan")
    ceiling = (os.cpu_count() or 1) * 1000 / total
    busy = total * signatures / 1000 / wall / (os.cpu_count() or 1)
    detail = ", ".join(f"{name} {ms:.1f} ms" for name, ms in per.items())
    detail = detail.replace(" ms,", f" ms (of which system {system:.1f} ms),", 1)
    print(
        f"CPU per signature ({phase}): {detail} → CPUs {busy:.0%} busy; at most {ceiling:.0f} "
        f"signatures/s on {os.cpu_count()} idle CPUs at this cost",
        flush=True,
    )


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _report(name: str, results: Results, wall: float) -> dict[str, float]:
    done = len(results.latencies)
    ms = [v * 1000 for v in results.latencies]
    figures = {
        "signatures_per_s": done / wall,
        "p50_ms": _percentile(ms, 50),
        "p95_ms": _percentile(ms, 95),
        "p99_ms": _percentile(ms, 99),
        "errors": float(len(results.errors) + results.unsent),
    }
    print(
        f"{name:<11} {done:>6} signatures in {wall:6.2f} s = {figures['signatures_per_s']:7.1f}/s"
        f"  p50 {figures['p50_ms']:6.1f} ms  p95 {figures['p95_ms']:6.1f} ms"
        f"  p99 {figures['p99_ms']:6.1f} ms  mean {statistics.fmean(ms) if ms else 0:6.1f} ms"
        f"  errors {len(results.errors)}  unsent {results.unsent}",
        flush=True,
    )
    for error in sorted(set(results.errors))[:5]:
        print(f"    error: {error}")
    return figures


def _timeline(results: Results) -> None:
    """Latency second by second (by due time): a tail spread over the whole phase is queueing,
    one concentrated in a few seconds is a pause (checkpoint, autovacuum, another process)."""
    if not results.due:
        return
    first = min(results.due)
    seconds: dict[int, list[float]] = {}
    for due, latency in zip(results.due, results.latencies, strict=True):
        seconds.setdefault(int(due - first), []).append(latency * 1000)
    for second, ms in sorted(seconds.items()):
        print(
            f"    second {second:>3}: {len(ms):>4} signatures  p50 {_percentile(ms, 50):6.1f} ms"
            f"  p99 {_percentile(ms, 99):6.1f} ms  max {max(ms):6.1f} ms"
        )


def _plans(ids: list[int], per_client: int, offset: int) -> list[list[int]]:
    """Client i signs the amendments after its own: distinct ones, never its own."""
    count = len(ids)
    return [[ids[(i + 1 + offset + k) % count] for k in range(per_client)] for i in range(count)]


def _check(expected: int) -> None:
    signed = db.session.scalar(select(func.count(Signature.id)))
    pairs = db.session.scalar(
        select(func.count()).select_from(
            select(Signature.amendment_id, Signature.deputy_id).distinct().subquery()
        )
    )
    breaches = journal.verify_all()
    print(
        f"database: {signed} signature rows ({pairs} distinct pairs, {expected} successful "
        f"requests), journal breaches: {len(breaches)}"
    )


def _busy_loop() -> subprocess.Popen[bytes]:
    """A process spinning on one CPU at the benchmark's priority: with `--busy N`, the server
    shares the two CPUs as on a host with other tenants, or one that runs slower."""
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


def main() -> int:
    """Seed, serve, load, report; non-zero exit if the targets are missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--per-client", type=int, default=25)
    parser.add_argument("--rate", type=float, default=310.0, help="offered signatures/s (paced)")
    parser.add_argument(
        "--client", choices=sorted(CLIENTS), default="curl", help="HTTP client of each deputy"
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--fresh-connections",
        action="store_true",
        help="open new connections for each phase (default: kept from the warm-up on)",
    )
    parser.add_argument(
        "--timeline", action="store_true", help="print the paced phase's latency second by second"
    )
    parser.add_argument(
        "--busy",
        type=int,
        default=0,
        metavar="N",
        help="run N busy loops at the same priority during the phases (a shared or slower host)",
    )
    args = parser.parse_args()
    if args.per_client * 2 + WARM_UP >= args.clients:
        raise SystemExit("--per-client must stay under half of --clients (distinct amendments)")
    _create_database()
    app = _app()
    with app.app_context():
        _reset()
        tokens, ids = _seed(args.clients)
        db.session.remove()
    _settle()
    print(
        f"seeded {args.clients} deputies and {len(ids)} open amendments; gunicorn "
        f"{args.workers} workers × {args.threads} threads on 127.0.0.1:{PORT}, "
        f"client {args.client}; {args.busy} busy loops beside; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} before the run",
        flush=True,
    )
    server = _start_gunicorn(args.workers, args.threads)
    clients = Clients(args.client, tokens, fresh=args.fresh_connections)
    busy: list[subprocess.Popen[bytes]] = []
    try:
        warm_up, _ = _phase(clients.for_phase(), _plans(ids, WARM_UP, 2 * args.per_client), None)
        if warm_up.errors:
            raise SystemExit(f"warm-up failed: {sorted(set(warm_up.errors))[:3]}")
        busy.extend(_busy_loop() for _ in range(args.busy))
        before = _cpu_snapshot(server)
        paced, wall = _phase(clients.for_phase(), _plans(ids, args.per_client, 0), args.rate)
        figures = _report("paced", paced, wall)
        _cpu_report("paced", len(paced.latencies), _cpu_since(server, before), wall)
        if args.timeline:
            _timeline(paced)
        before = _cpu_snapshot(server)
        plans = _plans(ids, args.per_client, args.per_client)
        saturated, wall = _phase(clients.for_phase(), plans, None)
        best = _report("saturation", saturated, wall)
        _cpu_report("saturation", len(saturated.latencies), _cpu_since(server, before), wall)
    finally:
        for loop in busy:
            loop.kill()
        clients.close()
        server.terminate()
        server.wait(timeout=30)
    with app.app_context():
        _check(len(warm_up.latencies) + len(paced.latencies) + len(saturated.latencies))
    met = (
        figures["signatures_per_s"] >= 300
        and figures["p99_ms"] < 100
        and figures["errors"] == 0
        and best["errors"] == 0
    )
    print("targets (≥ 300 signatures/s, p99 < 100 ms, no error):", "met" if met else "MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
