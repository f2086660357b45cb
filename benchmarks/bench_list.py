"""Benchmark: the amendments list with 20 000 amendments on one text (issue: foundation).

Seeds a fresh database (SQLite file by default, PostgreSQL with DATABASE_URL), then times
`GET /api/v1/amendments?text_id=…&article=…&per_page=50`, then the same list searched (`q`, FTS5
or PostgreSQL's French search) and filtered by state in the order of discussion, through the WSGI
app as a secretariat (visibility rules on). Prints median and p95 in ms and the SQL statements
per request.
Usage: python benchmarks/bench_list.py [N]
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert, text

from drafting import create_app
from drafting.db import commit
from drafting.extensions import db
from drafting.models import Amendment, Revision
from drafting.services import texts
from drafting.services.accounts import api_tokens, registration
from drafting.services.content import content_hash
from workflows.legistique import digest, lint

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
ARTICLES = 40
_REAL = Path(__file__).resolve().parent.parent / "drafting/services/demo_data/real-amendments.jsonl"
# Real exposés (the 28 of the demo that have one), so a search is as selective as on a real text.
EXPOSES = [
    row["expose"]
    for row in map(json.loads, _REAL.read_text(encoding="utf-8").splitlines())
    if row.get("expose")
]


def _app():
    url = os.environ.get("DATABASE_URL", "")
    data = tempfile.mkdtemp(prefix="liasse-bench-")
    uri = (
        url.replace("postgresql://", "postgresql+psycopg://", 1)
        if url
        else (f"sqlite:///{data}/bench.sqlite3")
    )
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": uri,
            "LIASSE_DATA_DIR": data,
            "LIASSE_PASSWORD_HASH_COST": "fast",
            "WTF_CSRF_ENABLED": False,
        }
    )


def _reset(app) -> None:
    from flask_migrate import upgrade

    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade()


def _seed(now: datetime) -> tuple[int, object]:
    for code in ("ECOS", "RN", "LFI", "SOC"):
        registration.create_group(code, code)
    deputies = [
        registration.create_user(
            email=f"d{i}@an.example",
            name=f"Député {i}",
            role="deputy",
            password="Bench-password-1",
            group_code=("ECOS", "RN", "LFI", "SOC")[i % 4],
        )
        for i in range(40)
    ]
    secretariat = registration.create_user(
        email="sec@an.example",
        name="Sec Retariat",
        role="secretariat",
        password="Bench-password-1",
        group_code="ECOS",
    )
    bill = texts.create_text(
        secretariat,
        texts.TextInput(
            "PROJET DE LOI de financement rectificative de la sécurité sociale pour 2023",
            "760",
            "seance",
            articles=[
                texts.ArticleInput(str(n), None, [f"Alinéa {k}." for k in range(1, 30)])
                for n in range(1, ARTICLES + 1)
            ],
        ),
        now,
    )
    commit()
    rows = []
    alineas = {a.id: [x.content for x in a.alineas] for a in bill.articles}
    for i in range(N):
        article = bill.articles[i % ARTICLES]
        author = deputies[i % len(deputies)]
        dispositif = f"À l'alinéa {1 + i % 29}, supprimer les mots : « {i} »."
        expose = f"{EXPOSES[i % len(EXPOSES)]} (n° {i})"
        rows.append(
            dict(
                text_id=bill.id,
                article_id=article.id,
                position_kind="article",
                alinea=1 + i % 29,
                dispositif=dispositif,
                expose=expose,
                author_id=author.id,
                created_by_id=author.id,
                group_id=author.group_id,
                state=("draft", "in_review", "open", "filed")[(i // 40) % 4],
                version=1,
                row_version=1,
                presented_by_group=False,
                created_at=now,
                updated_at=now,
                content_hash=content_hash(
                    bill.id, "article", article.number, 1 + i % 29, dispositif, expose
                ),
                # as a save writes them (issue 18): lists read the findings, never lint
                lint=[asdict(f) for f in lint(dispositif, alineas=alineas[article.id])],
                digest=digest(dispositif),
            )
        )
    for start in range(0, N, 2000):
        db.session.execute(insert(Amendment), rows[start : start + 2000])
    db.session.execute(text("SELECT 1"))
    commit()
    if db.engine.dialect.name == "postgresql":  # as autovacuum does soon after a bulk load
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    _ = Revision
    return bill.id, secretariat


def _count_statements(engine: Any, statements: list[str]) -> None:
    """Record every statement the database driver is given: SQLAlchemy's, and on PostgreSQL the
    ones run on the driver's cursor directly (drafting.infra.direct), unseen by its events."""
    if engine.dialect.name != "postgresql":
        event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        return
    import psycopg

    class Counting(psycopg.Cursor):  # type: ignore[type-arg]
        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            statements.append(str(query))
            return super().execute(query, params, **kwargs)

    def counting(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        dbapi_connection.cursor_factory = Counting

    event.listen(engine, "checkout", counting)


def main() -> None:
    app = _app()
    now = datetime.now(UTC)
    with app.app_context():
        _reset(app)
        started = time.perf_counter()
        text_id, secretariat = _seed(now)
        seeded = time.perf_counter() - started
        token, _ = api_tokens.issue_token(secretariat, now)
        commit()
        engine = db.engine
        dialect = engine.dialect.name
    # Requests outside that app context, as a server runs them: each has its own session.
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    pages = {
        "filtered by article": "article=7&per_page=50",
        "searched, filtered by state, in the order of discussion": (
            "q=collectivit%C3%A9s&state=open&order=discussion&per_page=50"
        ),
        "searched for a word of one exposé in four, every state": (
            "q=algorithmique&order=discussion&per_page=50"
        ),
    }
    statements: list[str] = []
    _count_statements(engine, statements)
    print(f"database: {dialect}; {N} amendments seeded in {seeded:.1f}s")
    for label, query in pages.items():
        url = f"/api/v1/amendments?text_id={text_id}&{query}"
        timings = []
        for _ in range(200):
            statements.clear()
            t0 = time.perf_counter()
            response = client.get(url, headers=headers)
            timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, response.data
        body = response.get_json()
        print(f"list page of {len(body['items'])} (total {body['total']}) {label}:")
        print(
            f"  median {statistics.median(timings):.1f} ms, p95 "
            f"{statistics.quantiles(timings, n=20)[18]:.1f} ms, {len(statements)} SQL statements"
        )


if __name__ == "__main__":
    main()
