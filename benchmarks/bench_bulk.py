"""Benchmark: a group at full scale, bulk acts (issue 19).

Seeds a fresh database (PostgreSQL `liasse_bulk_bench` on 127.0.0.1 by default, or
DATABASE_URL; SQLite with --sqlite), then through the WSGI app and the JSON API:
- a secretariat approves 1 000 amendments in review in one `POST /api/v1/bulk/transitions`
  (a job: run inline here, as the embedded default does; the time is from the request to the
  finished report), then checks one journal event per amendment and every chain verifying;
- 40 deputies each co-sign the same 300 open amendments in one `POST /api/v1/signatures`, their
  second factor required and a fresh TOTP code given (p50, p95, max over the 40 requests; the
  target is on the p99).
Usage: python benchmarks/bench_bulk.py [--approve N] [--sign N] [--signers N] [--sqlite]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/liasse_bulk_bench"


def _database(args: argparse.Namespace, data: str) -> str:
    if args.sqlite:
        return f"sqlite:///{data}/bench.sqlite3"
    url = os.environ.get("DATABASE_URL") or DEFAULT_DB
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def _app(uri: str, data: str) -> Any:
    os.environ.pop("REDIS_URL", None)  # jobs inline: the time includes the job's work
    from drafting import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": uri,
            "LIASSE_DATA_DIR": data,
            "LIASSE_PASSWORD_HASH_COST": "fast",
            "LIASSE_REQUIRE_2FA": True,
            "RATELIMIT_ENABLED": False,
        }
    )


def _reset() -> None:
    from flask_migrate import upgrade
    from sqlalchemy import text

    from drafting.extensions import db

    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade()


def _rows(bill: Any, author: Any, count: int, state: str, now: datetime) -> list[dict[str, Any]]:
    from drafting.services.content import content_hash

    rows = []
    for i in range(count):
        article = bill.articles[i % len(bill.articles)]
        dispositif = f"Supprimer l'alinéa {1 + i % 9}."
        expose = f"Amendement {state} {i} : il vise à préserver les droits acquis. " * 5
        rows.append(
            {
                "text_id": bill.id,
                "article_id": article.id,
                "position_kind": "article",
                "alinea": 1 + i % 9,
                "dispositif": dispositif,
                "expose": expose,
                "author_id": author.id,
                "created_by_id": author.id,
                "group_id": author.group_id,
                "state": state,
                "version": 1,
                "row_version": 1,
                "presented_by_group": False,
                "created_at": now,
                "updated_at": now,
                "content_hash": content_hash(
                    bill.id, "article", article.number, 1 + i % 9, dispositif, expose
                ),
                "lint": [],
            }
        )
    return rows


def _seed(args: argparse.Namespace, now: datetime) -> dict[str, Any]:
    import pyotp
    from sqlalchemy import insert, select

    from drafting.db import commit
    from drafting.extensions import db
    from drafting.models import Amendment
    from drafting.services import texts
    from drafting.services.accounts import api_tokens, registration, second_factor

    registration.create_group("ECOS", "ECOS")
    password = "Bench-password-1"
    secretariat = registration.create_user(
        email="sec@an.example",
        name="Sec Retariat",
        role="secretariat",
        password=password,
        group_code="ECOS",
    )
    deputies = [
        registration.create_user(
            email=f"d{i}@an.example",
            name=f"Député {i}",
            role="deputy",
            password=password,
            group_code="ECOS",
        )
        for i in range(args.signers + 1)
    ]
    bill = texts.create_text(
        secretariat,
        texts.TextInput(
            "PROJET DE LOI de financement rectificative de la sécurité sociale pour 2023",
            "760",
            "seance",
            articles=[
                texts.ArticleInput(str(n), None, [f"Alinéa {k}." for k in range(1, 10)])
                for n in range(1, 21)
            ],
        ),
        now,
    )
    commit()
    author = deputies[0]
    db.session.execute(insert(Amendment), _rows(bill, author, args.approve, "in_review", now))
    db.session.execute(insert(Amendment), _rows(bill, author, args.sign, "open", now))
    commit()
    earlier = now - timedelta(minutes=2)
    secrets = {}
    for deputy in deputies[1:]:
        enrolment = second_factor.start_enrolment(deputy, earlier)
        secret = deputy.totp_pending_secret
        second_factor.confirm_enrolment(deputy, pyotp.TOTP(secret).at(earlier), earlier)
        secrets[deputy.id] = secret
        _ = enrolment
    commit()
    tokens = {d.id: api_tokens.issue_token(d, now)[0] for d in deputies[1:]}
    tokens[secretariat.id] = api_tokens.issue_token(secretariat, now)[0]
    commit()
    in_review = db.session.scalars(
        select(Amendment.id).where(Amendment.state == "in_review").order_by(Amendment.id)
    ).all()
    opened = db.session.execute(
        select(Amendment.id, Amendment.content_hash)
        .where(Amendment.state == "open")
        .order_by(Amendment.id)
    ).all()
    return {
        "secretariat": (secretariat.id, tokens[secretariat.id]),
        "signers": [(d.id, tokens[d.id], secrets[d.id]) for d in deputies[1:]],
        "in_review": list(in_review),
        "open": [{"amendment_id": row.id, "content_hash": row.content_hash} for row in opened],
    }


def _approve(client: Any, seeded: dict[str, Any]) -> float:
    _, token = seeded["secretariat"]
    headers = {"Authorization": f"Bearer {token}"}
    body = {"action": "approve", "ids": seeded["in_review"]}
    started = time.perf_counter()
    answer = client.post("/api/v1/bulk/transitions", json=body, headers=headers)
    if answer.status_code == 202:
        job = answer.get_json()["job"]
        while job["status"] not in ("finished", "failed"):
            time.sleep(0.05)
            job = client.get(f"/api/v1/jobs/{job['id']}", headers=headers).get_json()
        result = job["result"]
    else:
        result = answer.get_json()
    elapsed = time.perf_counter() - started
    refusals = [item["error"] for item in result["items"] if item["error"]][:1]
    print(f"  {answer.status_code}: {result['done']} done, {result['refused']} refused {refusals}")
    return elapsed


def _check_approval(app: Any, ids: list[int]) -> str:
    from sqlalchemy import func, select

    from drafting.extensions import db
    from drafting.models import Amendment, Event
    from drafting.services import journal

    with app.app_context():
        approved = db.session.scalar(
            select(func.count())
            .select_from(Amendment)
            .where(Amendment.id.in_(ids), Amendment.state == "open")
        )
        events = db.session.scalar(
            select(func.count())
            .select_from(Event)
            .where(Event.amendment_id.in_(ids), Event.action == "approved")
        )
        breaches = journal.verify_all()
    return f"{approved} open, {events} 'approved' events, {len(breaches)} chain breaches"


def _sign(client: Any, seeded: dict[str, Any]) -> list[float]:
    import pyotp

    timings = []
    for _deputy_id, token, secret in seeded["signers"]:
        headers = {"Authorization": f"Bearer {token}"}
        body = {"items": seeded["open"], "otp": pyotp.TOTP(secret).now()}
        started = time.perf_counter()
        answer = client.post("/api/v1/signatures", json=body, headers=headers)
        timings.append(time.perf_counter() - started)
        result = answer.get_json()
        if answer.status_code != 200 or result["signed"] != len(seeded["open"]):
            raise SystemExit(f"signing failed: {answer.status_code} {str(result)[:300]}")
    return timings


def main() -> None:
    """Seed, approve 1 000 in one request, co-sign 300 in one request per deputy, report."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--approve", type=int, default=1000)
    parser.add_argument("--sign", type=int, default=300)
    parser.add_argument("--signers", type=int, default=40)
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()
    data = tempfile.mkdtemp(prefix="liasse-bench-")
    app = _app(_database(args, data), data)
    now = datetime.now(UTC)
    with app.app_context():
        _reset()
        started = time.perf_counter()
        seeded = _seed(args, now)
        from drafting.extensions import db

        dialect = db.engine.dialect.name
        db.session.remove()
    print(f"database: {dialect}; seeded in {time.perf_counter() - started:.1f} s")
    client = app.test_client()  # each request its own session, as a server runs them
    elapsed = _approve(client, seeded)
    print(f"bulk approve of {args.approve} amendments: {elapsed:.2f} s")
    print(f"  {_check_approval(app, seeded['in_review'])}")
    timings = sorted(_sign(client, seeded))
    print(
        f"bulk co-signing of {args.sign} amendments, second factor included, "
        f"{len(timings)} deputies: p50 {statistics.median(timings):.2f} s, "
        f"p95 {timings[int(0.95 * (len(timings) - 1))]:.2f} s, max {timings[-1]:.2f} s"
    )


if __name__ == "__main__":
    main()
