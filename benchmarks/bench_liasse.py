"""Benchmark: the liasse export of N amendments (default 5 000) through RQ with two workers.

Seeds its own PostgreSQL database (--database or BENCH_DATABASE_URL, default liasse_doc_bench on
127.0.0.1, created if missing) with N amendments on a 40-article bill: real dispositifs and
exposés from drafting/services/demo_data/real-amendments.jsonl, 577 deputies in 11 groups,
co-signatories drawn to the Assembly's distribution (median 13, p90 70, p99 123, max 189), some
stale or withdrawn.
Then starts two `liasse worker` processes on Redis (--redis or BENCH_REDIS_URL, default db 6;
not in burst mode, so the second worker does not leave while the first plans), requests the export
as an admin and waits for the job: the export job plans K chunk jobs that the two workers render
in parallel, and the last chunk queues the assembly. Prints the end-to-end time (request to
finished file), the ZIP's size and entries, and each worker's peak RSS (its own and its largest
forked job's, and their CPU seconds), and the assembly's steps. The database is analysed
(VACUUM ANALYZE) before the export, as autovacuum keeps a running server.
Also prints the CPU seconds PostgreSQL's processes spent meanwhile (when it runs on this machine).
Usage: python benchmarks/bench_liasse.py [N] [--storage database|filesystem] [--no-seed
[--keep-files]] [--changes K [--change expose|dispositif]]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/liasse_doc_bench"
ARTICLES, GROUPS, DEPUTIES = 40, 11, 577


def _env(args: argparse.Namespace, data_dir: str) -> dict[str, str]:
    return os.environ | {
        "DATABASE_URL": args.database,
        "REDIS_URL": args.redis,
        "LIASSE_DATA_DIR": data_dir,
        "LIASSE_STORAGE": args.storage,
        "LIASSE_STORAGE_PATH": str(Path(data_dir) / "files"),
        "LIASSE_PASSWORD_HASH_COST": "fast",
    }


def _ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _cosigner_count(rng: random.Random) -> int:
    """Co-signatories per amendment: median 13, p90 ≈ 70, p99 ≈ 123, max 189."""
    u = rng.random()
    if u < 0.5:
        return rng.randint(0, 13)
    if u < 0.9:
        return rng.randint(14, 70)
    if u < 0.99:
        return rng.randint(71, 123)
    return rng.randint(124, 189)


def _real_contents() -> list[tuple[str, str]]:
    path = ROOT / "drafting" / "services" / "demo_data" / "real-amendments.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [(r["dispositif"], r["expose"]) for r in rows if r.get("dispositif") and r.get("expose")]


def _seed_people(now: datetime) -> tuple[list[Any], Any]:
    from drafting.db import commit
    from drafting.models import User
    from drafting.services.accounts import registration

    codes = [f"G{g:02d}" for g in range(GROUPS)]
    for code in codes:
        registration.create_group(code, f"Groupe {code}")
    commit()
    admin = registration.create_user(
        email="admin@an.example",
        name="Admin Bench",
        role="admin",
        password="Bench-password-1",
        check_strength=False,
    )
    rows = [
        dict(
            email=f"d{i}@an.example",
            name=f"Prénom{i} Nom{i}",
            first_name=f"Prénom{i}",
            last_name=f"Nom{i}",
            civility="Mme" if i % 2 else "M.",
            role="deputy",
            group_id=1 + i % GROUPS,
            password_hash=admin.password_hash,
            active=True,
            created_at=now,
            password_changed_at=now,
        )
        for i in range(DEPUTIES)
    ]
    from sqlalchemy import insert, select

    from drafting.extensions import db

    db.session.execute(insert(User), rows)
    commit()
    deputies = list(db.session.scalars(select(User).where(User.role == "deputy")))
    return deputies, admin


def _amendment_rows(n: int, bill: Any, deputies: list[Any], now: datetime) -> list[dict[str, Any]]:
    from drafting.services.content import content_hash

    rng, contents = random.Random(809), _real_contents()
    rows = []
    for i in range(n):
        article = bill.articles[rng.randrange(ARTICLES)]
        kind = rng.choice(["article"] * 8 + ["after_article", "before_article"])
        alinea = rng.randint(1, 25) if kind == "article" and rng.random() < 0.6 else None
        dispositif, expose = contents[i % len(contents)]
        expose = f"{expose} ({i})"
        author = deputies[rng.randrange(len(deputies))]
        filed = rng.random() < 0.8
        rows.append(
            dict(
                text_id=bill.id,
                article_id=article.id,
                position_kind=kind,
                alinea=alinea,
                dispositif=dispositif,
                expose=expose,
                author_id=author.id,
                created_by_id=author.id,
                group_id=author.group_id,
                state="filed" if filed else "open",
                version=1,
                row_version=1,
                presented_by_group=rng.random() < 0.05,
                created_at=now,
                updated_at=now,
                filed_at=now if filed else None,
                number=str(i + 1) if filed else None,
                content_hash=content_hash(
                    bill.id, kind, article.number, alinea, dispositif, expose
                ),
            )
        )
    return rows


def _signature_rows(amendments: list[Any], deputies: list[Any], now: datetime) -> list[dict]:
    rng, rows = random.Random(2024), []
    for amendment_id, author_id, digest in amendments:
        others = [d.id for d in deputies if d.id != author_id]
        for k, deputy_id in enumerate(rng.sample(others, _cosigner_count(rng))):
            at = now + timedelta(seconds=k)
            stale, withdrawn = rng.random() < 0.03, rng.random() < 0.03
            rows.append(
                dict(
                    amendment_id=amendment_id,
                    deputy_id=deputy_id,
                    version=1,
                    content_hash="0" * 64 if stale else digest,
                    first_signed_at=at,
                    signed_at=at,
                    withdrawn_at=at if withdrawn else None,
                )
            )
    return rows


def seed(n: int) -> tuple[int, int, int]:
    """Reset the schema and seed; returns (text id, admin id, signatures)."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, select, text

    from drafting.db import commit
    from drafting.extensions import db
    from drafting.models import Amendment, Signature
    from drafting.services import texts

    with db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade()
    now = datetime(2023, 3, 20, 9, 0, tzinfo=UTC)
    deputies, admin = _seed_people(now)
    bill = texts.create_text(
        admin,
        texts.TextInput(
            "PROJET DE LOI relatif aux jeux Olympiques et Paralympiques de 2024",
            "809",
            "seance",
            articles=[
                texts.ArticleInput(
                    str(k) if k > 1 else "1er", None, [f"Alinéa {a}." for a in range(1, 26)]
                )
                for k in range(1, ARTICLES + 1)
            ],
        ),
        now,
    )
    commit()
    rows = _amendment_rows(n, bill, deputies, now)
    for start in range(0, n, 1000):
        db.session.execute(insert(Amendment), rows[start : start + 1000])
    commit()
    amendments = db.session.execute(
        select(Amendment.id, Amendment.author_id, Amendment.content_hash)
    ).all()
    signatures = _signature_rows(amendments, deputies, now)
    for start in range(0, len(signatures), 5000):
        db.session.execute(insert(Signature), signatures[start : start + 5000])
    commit()
    return bill.id, admin.id, len(signatures)


def _seed_and_tell(args: argparse.Namespace) -> tuple[int, int]:
    started = time.perf_counter()
    text_id, admin_id, signatures = seed(args.n)
    print(
        f"seeded {args.n} amendments, {signatures} signatures in "
        f"{time.perf_counter() - started:.1f} s (storage: {args.storage})",
        flush=True,
    )
    return text_id, admin_id


def _reuse(keep_files: bool) -> tuple[int, int]:
    from flask_migrate import upgrade
    from sqlalchemy import delete, select

    from drafting.db import commit
    from drafting.extensions import db
    from drafting.models import (
        Job,
        LegislativeText,
        StoredFile,
        StoredFilePart,
        StoredFileSource,
        User,
    )

    upgrade()  # the schema the code expects (the data stay)
    if not keep_files:
        for model in (Job, StoredFilePart, StoredFileSource, StoredFile):
            db.session.execute(delete(model))
        commit()
    text_id = db.session.scalar(select(LegislativeText.id))
    admin_id = db.session.scalar(select(User.id).where(User.role == "admin"))
    return int(text_id or 0), int(admin_id or 0)


def _analyze(url: str) -> None:
    """VACUUM ANALYZE, as autovacuum would have done on a server that runs (it may be off on a
    benchmark machine): without statistics, the planner reads every signature for each batch
    of 500 amendments (a sequential scan, 140 ms, instead of the index, 15 ms)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def _own_peak_mb(own: resource.struct_rusage) -> int:
    """This process's peak RSS since it started: VmHWM (ru_maxrss survives exec on Linux, so
    a worker started by a benchmark that had seeded 400 MB would report those)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return round(own.ru_maxrss / 1024)
    line = next((row for row in status.splitlines() if row.startswith("VmHWM:")), None)
    return round(int(line.split()[1]) / 1024) if line else round(own.ru_maxrss / 1024)


def run_worker() -> None:
    """Child mode: a `liasse worker`, then its peak RSS (own and largest forked job) as JSON."""
    from drafting.cli import main

    try:
        main(["worker"], standalone_mode=False)
    finally:
        own = resource.getrusage(resource.RUSAGE_SELF)
        jobs = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = own.ru_utime + own.ru_stime + jobs.ru_utime + jobs.ru_stime
        print(
            json.dumps(
                {
                    "own_mb": _own_peak_mb(own),
                    "job_mb": round(jobs.ru_maxrss / 1024),
                    "cpu_s": round(cpu, 1),
                }
            ),
            flush=True,
        )


def _start_workers(env: dict[str, str], count: int) -> list[subprocess.Popen[str]]:
    from rq import Worker

    from drafting.infra.queue import redis_connection

    workers = [
        subprocess.Popen(
            [sys.executable, __file__, "--worker"], env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(count)
    ]
    deadline = time.time() + 60
    while len(Worker.all(connection=redis_connection())) < count:
        if time.time() > deadline:
            raise RuntimeError("workers did not start")
        time.sleep(0.1)
    return workers


def _wait(job_id: str) -> Any:
    from drafting.extensions import db
    from drafting.models import Job

    last = -1
    while True:
        db.session.rollback()
        job = db.session.get(Job, job_id, populate_existing=True)
        if job.progress != last:
            print(f"  progress {job.progress:3d} % ({job.status})", flush=True)
            last = job.progress
        if job.status == "finished" or (job.status == "failed" and job.error):
            return job
        time.sleep(0.2)


def _phases(job: Any) -> str:
    from sqlalchemy import select

    from drafting.extensions import db
    from drafting.models import Job
    from drafting.services.documents.exports import EXTRAS

    children = db.session.scalars(select(Job).where(Job.parent_id == job.id)).all()
    chunks = [c for c in children if not c.params.get(EXTRAS)]
    documents = [c for c in children if c.params.get(EXTRAS)]
    spans = [(c.finished_at - c.started_at).total_seconds() for c in chunks]
    window = max(c.finished_at for c in children) - min(c.started_at for c in children)
    assembly = job.finished_at - max(c.finished_at for c in children)
    size = job.params["total"] // max(1, len(chunks))
    extra = "".join(
        f"; {str(d.params.get(EXTRAS)).replace('-', ' ')} job "
        f"{(d.finished_at - d.started_at).total_seconds():.1f} s"
        for d in documents
    )
    return (
        f"{len(chunks)} chunks of ~{size}: {min(spans):.1f}–{max(spans):.1f} s each{extra}, "
        f"all within {window.total_seconds():.1f} s; assembly {assembly.total_seconds():.1f} s "
        f"{job.params.get('assembly_seconds')}; sheets rendered {job.params.get('rendered')}, "
        f"reused {job.params.get('reused')}; slices of the combined PDF kept as runs "
        f"{job.params.get('runs_reused')}, their pages reused "
        f"{job.params.get('slices_reused')}; documents' amendments reused "
        f"{job.params.get('fragments_reused')} (in kept slices: "
        f"{job.params.get('document_slices_reused')}), "
        f"amended text reused {job.params.get('amended_text_reused')} "
        f"(else its sections: {job.params.get('sections_reused')})"
    )


def _report(job: Any, elapsed: float, n: int) -> None:
    from drafting.extensions import db
    from drafting.models import StoredFile
    from drafting.services.documents import storage

    if job.status != "finished":
        raise SystemExit(f"export failed: {job.error}")
    stored = db.session.get(StoredFile, job.file_id)
    with storage.storage_for(stored).open(stored) as handle, tempfile.TemporaryFile() as copy:
        shutil.copyfileobj(handle, copy, 1 << 20)
        names = zipfile.ZipFile(copy).namelist()
    print(f"liasse of {n} amendments: {elapsed:.1f} s end to end ({n / elapsed:.0f} amendments/s)")
    print(f"  ZIP {stored.size / 1e6:.1f} MB, {len(names)} entries; {_phases(job)}")


def _postgres_cpu() -> float | None:
    """CPU seconds of the local PostgreSQL server's processes so far (the postmaster's
    finished children included), or None when it does not run on this machine."""
    from sqlalchemy import text

    from drafting.extensions import db

    if db.engine.dialect.name != "postgresql":
        return None
    backend = db.session.scalar(text("SELECT pg_backend_pid()"))
    try:
        status = Path(f"/proc/{backend}/status").read_text()
        parent = int(next(x for x in status.splitlines() if x.startswith("PPid:")).split()[1])
        ticks = os.sysconf("SC_CLK_TCK")

        def cpu(pid: int, children: bool) -> int:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return sum(int(f) for f in fields[11 : 15 if children else 13])

        live = [int(p) for p in Path(f"/proc/{parent}/task/{parent}/children").read_text().split()]
        total = cpu(parent, True)
        for pid in live:
            try:
                total += cpu(pid, False)
            except OSError:
                continue
        return total / ticks
    except (OSError, StopIteration, ValueError):
        return None


def _export(admin_id: int, text_id: int, n: int) -> None:
    from drafting.db import commit
    from drafting.extensions import db
    from drafting.models import User
    from drafting.services.documents import exports

    t0, cpu0 = time.perf_counter(), _postgres_cpu()
    job = exports.request_export(db.session.get(User, admin_id), text_id, now=datetime.now(UTC))
    commit()
    job = _wait(job.id)
    cpu1 = _postgres_cpu()
    _report(job, time.perf_counter() - t0, n)
    if cpu0 is not None and cpu1 is not None:
        print(f"  PostgreSQL's processes: {cpu1 - cpu0:.1f} CPU-s")


def _change(text_id: int, count: int, what: str = "expose") -> None:
    """Edit `count` amendments spread over the text (a new exposé, or a new dispositif — which
    the order of call and the amended text read —, so a new content hash)."""
    from sqlalchemy import select, update

    from drafting.db import commit
    from drafting.extensions import db
    from drafting.models import Amendment

    ids = db.session.scalars(
        select(Amendment.id).where(Amendment.text_id == text_id).order_by(Amendment.id)
    ).all()
    chosen = ids[:: max(1, len(ids) // count)][:count]
    for amendment_id in chosen:
        db.session.execute(
            update(Amendment)
            .where(Amendment.id == amendment_id)
            .values(
                {
                    getattr(Amendment, what): getattr(Amendment, what) + " (modifié)",
                    Amendment.content_hash: _new_hash(amendment_id),
                }
            )
        )
    commit()
    print(f"changed {len(chosen)} amendments ({what}); exporting again", flush=True)


def _new_hash(amendment_id: int) -> str:
    import hashlib

    return hashlib.sha256(f"changed-{amendment_id}-{time.time()}".encode()).hexdigest()


def main() -> None:
    """Seed, start two workers, export, report."""
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=5000)
    parser.add_argument("--storage", default="database", choices=["database", "filesystem"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-seed", action="store_true", help="reuse the last seeded data")
    parser.add_argument(
        "--keep-files",
        action="store_true",
        help="with --no-seed: keep the stored files (the first export is then a re-export)",
    )
    parser.add_argument(
        "--changes", type=int, default=0, help="then change N amendments and export again"
    )
    parser.add_argument(
        "--change",
        default="expose",
        choices=["expose", "dispositif"],
        help="what --changes edits (the dispositif is read by the order and the amended text)",
    )
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument(
        "--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
    )
    args = parser.parse_args()
    _ensure_database(args.database)
    env = _env(args, tempfile.mkdtemp(prefix="liasse-bench-"))
    os.environ.update(env)
    from drafting import create_app
    from drafting.infra.queue import redis_connection

    app = create_app()
    with app.app_context():
        redis_connection().flushdb()
        text_id, admin_id = _reuse(args.keep_files) if args.no_seed else _seed_and_tell(args)
        _analyze(args.database)
        workers = _start_workers(env, args.workers)
        try:
            _export(admin_id, text_id, args.n)
            if args.changes:
                _change(text_id, args.changes, args.change)
                _export(admin_id, text_id, args.n)
        except BaseException:
            for worker in workers:
                worker.kill()
            raise
        for worker in workers:
            worker.send_signal(signal.SIGTERM)  # warm shutdown: finish, then report RSS
        for k, worker in enumerate(workers, 1):
            out, _ = worker.communicate(timeout=60)
            print(f"  worker {k} peak RSS: {out.strip().splitlines()[-1]}")


if __name__ == "__main__":
    if "--worker" in sys.argv:
        run_worker()
    else:
        main()
