"""Benchmark: saving an amendment with 20 000 amendments on the text (issue 18).

Seeds a fresh database (SQLite file by default, PostgreSQL with DATABASE_URL) with N amendments
on one 40-article text — their findings, digests and touches written as a save writes them —
then times, as the application runs them:
- a save (`update_amendment`: lint, digest, touches, revision, journal; then commit) followed
  by the identical and competing amendments of the saved one (`identity.concordance`), as the
  page and the API show them;
- a first save (`create_amendment`) followed by the same;
- the amended text of the whole text with the group's amendments, and of 50 articles with 300
  amendments through the service (loading included).
Usage: python benchmarks/bench_drafting.py [N]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert, select, text

from drafting import create_app
from drafting.db import commit
from drafting.extensions import db
from drafting.models import Amendment, AmendmentTouch
from drafting.services import amendments, texts
from drafting.services.accounts import registration
from drafting.services.content import content_hash
from drafting.services.legistique import amended_text, identity
from workflows.legistique import digest, lint, touched_spans

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
ARTICLES = 50
ALINEAS = 30
NBSP = "\u00a0"
GROUPS = ("ECOS", "RN", "LFI", "SOC")


def _app() -> Any:
    url = os.environ.get("DATABASE_URL", "")
    data = tempfile.mkdtemp(prefix="liasse-bench-")
    uri = (
        url.replace("postgresql://", "postgresql+psycopg://", 1)
        if url
        else f"sqlite:///{data}/bench.sqlite3"
    )
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": uri,
            "LIASSE_DATA_DIR": data,
            "LIASSE_PASSWORD_HASH_COST": "fast",
            "WTF_CSRF_ENABLED": False,
        }
    )


def _reset() -> None:
    from flask_migrate import upgrade

    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade()


def _alinea(article: int, number: int) -> str:
    return (
        f"Au {number}° de l’article L. {article}-{number} du code de la sécurité sociale, les "
        f"mots : « au titre de l’année {2000 + number} » sont remplacés par les mots : « pour "
        f"la période considérée », et la dernière phrase est supprimée."
    )


def _dispositif(i: int) -> str:
    """A realistic mix: words, alinéa deletions and rewrites, insertions, article deletions."""
    n = 1 + i % ALINEAS
    choice = i % 10
    if choice == 0:
        return "Supprimer cet article."
    if choice in (1, 2):
        return f"Supprimer l’alinéa{NBSP}{n}."
    if choice == 3:
        return f"Après l’alinéa{NBSP}{n}, insérer l’alinéa suivant{NBSP}:\n«{NBSP}Ajout {i}.{NBSP}»"
    if choice == 4:
        return f"Rédiger ainsi l’alinéa{NBSP}{n}{NBSP}:\n«{NBSP}Nouvelle rédaction {i}.{NBSP}»"
    return (
        f"À l’alinéa{NBSP}{n}, substituer aux mots{NBSP}:\n«{NBSP}pour la période considérée"
        f"{NBSP}»\nles mots{NBSP}:\n«{NBSP}pour l’exercice {i}{NBSP}»."
    )


def _people() -> tuple[list[Any], Any]:
    for code in GROUPS:
        registration.create_group(code, code)
    deputies = [
        registration.create_user(
            email=f"d{i}@an.example",
            name=f"Député {i}",
            role="deputy",
            password="Bench-password-1",
            group_code=GROUPS[i % 4],
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
    return deputies, secretariat


def _seed(now: datetime) -> tuple[Any, Any, list[Any]]:
    deputies, secretariat = _people()
    bill = texts.create_text(
        secretariat,
        texts.TextInput(
            "PROJET DE LOI de financement de la sécurité sociale pour 2024",
            "1682",
            "seance",
            articles=[
                texts.ArticleInput(str(a), None, [_alinea(a, k) for k in range(1, ALINEAS + 1)])
                for a in range(1, ARTICLES + 1)
            ],
        ),
        now,
    )
    commit()
    alineas = {a.id: [x.content for x in a.alineas] for a in bill.articles}
    rows, touches = [], []
    today = date.today()
    expose = "Cet amendement vise à préserver les droits acquis des assurés."
    for i in range(N):
        article = bill.articles[i % ARTICLES]
        author = deputies[(i // 10) % len(deputies)]  # each deputy drafts every kind
        dispositif = _dispositif(i)
        findings = lint(dispositif, alineas=alineas[article.id], expose=expose, today=today)
        rows.append(
            dict(
                id=i + 1,
                text_id=bill.id,
                article_id=article.id,
                position_kind="article",
                alinea=None,
                dispositif=dispositif,
                expose=expose,
                author_id=author.id,
                created_by_id=author.id,
                group_id=author.group_id,
                state=("draft", "in_review", "open", "filed")[(i // 7) % 4],
                version=1,
                row_version=1,
                presented_by_group=False,
                created_at=now,
                updated_at=now,
                content_hash=content_hash(
                    bill.id, "article", article.number, None, dispositif, expose
                ),
                lint=[asdict(f) for f in findings],
                digest=digest(dispositif),
            )
        )
        for touch in touched_spans(dispositif, alineas[article.id]):
            touches.append(
                dict(
                    amendment_id=i + 1,
                    article_id=article.id,
                    parent_id=None,
                    kind=touch.kind,
                    alinea=touch.alinea,
                    start=touch.start,
                    end=touch.end,
                )
            )
    for start in range(0, N, 2000):
        db.session.execute(insert(Amendment), rows[start : start + 2000])
    for start in range(0, len(touches), 5000):
        db.session.execute(insert(AmendmentTouch), touches[start : start + 5000])
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            text("SELECT setval('amendments_id_seq', (SELECT max(id) FROM amendments))")
        )
        db.session.execute(text("ANALYZE"))
    commit()
    return bill, secretariat, deputies


def _ms(timings: list[float]) -> str:
    p95 = statistics.quantiles(timings, n=20)[18] if len(timings) >= 20 else max(timings)
    return (
        f"median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {max(timings):.1f} ms"
    )


def _saves(
    bill: Any, deputies: list[Any], now: datetime
) -> tuple[list[float], list[float], list[float]]:
    """Edit drafts of ECOS deputies: the save alone, the save with its concordance, and a
    first save (create) with its concordance."""
    author = deputies[0]  # ECOS
    ids = db.session.scalars(
        select(Amendment.id)
        .where(Amendment.author_id == author.id, Amendment.state == "draft")
        .limit(60)
    ).all()
    saves, with_concordance, creates, competing = [], [], [], []
    cpu = time.process_time()
    for round_, amendment_id in enumerate(ids):
        edit = amendments.Edit(version=1, dispositif=_dispositif(N + 5 + 10 * round_))
        t0 = time.perf_counter()
        amendment = amendments.update_amendment(author, amendment_id, edit, now)
        commit()
        t1 = time.perf_counter()
        found = identity.concordance(author, amendment)
        t2 = time.perf_counter()
        saves.append((t1 - t0) * 1000)
        with_concordance.append((t2 - t0) * 1000)
        competing.append(found.competing_total)
    for round_ in range(40):
        draft = amendments.Draft(
            bill.id,
            amendments.PositionInput("article", str(1 + round_ % ARTICLES)),
            _dispositif(7 + 10 * round_),
            "Exposé.",
        )
        t0 = time.perf_counter()
        created = amendments.create_amendment(author, draft, now)
        commit()
        identity.concordance(author, created)
        creates.append((time.perf_counter() - t0) * 1000)
    cpu_ms = (time.process_time() - cpu) * 1000 / (len(ids) + 40)
    print(f"competing amendments found per save: median {statistics.median(competing):.0f}")
    print(f"CPU of the application process per save with its concordance: {cpu_ms:.1f} ms")
    return saves, with_concordance, creates


def _amended(secretariat: Any, bill: Any) -> tuple[float, int, float, int]:
    """The whole text with the group's amendments; then 50 articles × 300 amendments."""
    t0 = time.perf_counter()
    result = amended_text.amended_text(secretariat, bill.id, amended_text.Selection())
    whole = (time.perf_counter() - t0) * 1000
    ids = db.session.scalars(
        select(Amendment.id)
        .where(Amendment.text_id == bill.id, Amendment.group_id == secretariat.group_id)
        .order_by(Amendment.id)
        .limit(300)
    ).all()
    t1 = time.perf_counter()
    picked = amended_text.amended_text(
        secretariat,
        bill.id,
        amended_text.Selection(amended_text.SetKind.SELECTION, tuple(ids)),
    )
    selection = (time.perf_counter() - t1) * 1000
    return whole, len(result.amendments), selection, len(picked.amendments)


def _liasse_pdf(bill: Any) -> tuple[float, int, int]:
    """The liasse's amended text: every amendment of the text applied, rendered as PDF."""
    ids = db.session.scalars(select(Amendment.id).where(Amendment.text_id == bill.id)).all()
    t0 = time.perf_counter()
    pdf = amended_text.liasse_document(bill.id, ids, "Texte amendé", date.today())
    return (time.perf_counter() - t0) * 1000, len(ids), len(pdf or b"")


def main() -> None:
    app = _app()
    now = datetime.now(UTC)
    with app.app_context():
        _reset()
        started = time.perf_counter()
        bill, secretariat, deputies = _seed(now)
        seeded = time.perf_counter() - started
        dialect = db.engine.dialect.name
        saves, with_concordance, creates = _saves(bill, deputies, now)
        whole, whole_count, selection, selection_count = _amended(secretariat, bill)
        liasse_ms, liasse_count, liasse_bytes = _liasse_pdf(bill)
    print(
        f"database: {dialect}; {N} amendments on one {ARTICLES}-article text, "
        f"seeded in {seeded:.1f}s"
    )
    print(f"save (edit: lint, digest, touches, revision, journal, commit): {_ms(saves)}")
    print(f"save + identical and competing amendments: {_ms(with_concordance)}")
    print(f"first save (create) + identical and competing amendments: {_ms(creates)}")
    print(f"amended text, whole text, group's amendments under way ({whole_count}): {whole:.0f} ms")
    print(
        f"amended text, {ARTICLES} articles, a selection of {selection_count}: {selection:.0f} ms"
    )
    print(
        f"the liasse's amended text as PDF, {liasse_count} amendments: {liasse_ms:.0f} ms, "
        f"{liasse_bytes // 1024} KiB"
    )


if __name__ == "__main__":
    main()
