"""Benchmark of the fault suite's one timed case (issue 20): the page of a draft of 100 000
characters (dispositif and exposé) rewritten once, viewed by its author through the WSGI app.
The word diff is computed once, at the edit (timed too); the page reads the diff its version
kept. Prints the edit's time and the page's median and worst of 20 views (target: under 1 s).
Usage: python benchmarks/bench_faults.py (SQLite file; PostgreSQL with DATABASE_URL)
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_list import _app, _reset

from drafting.db import commit
from drafting.services import amendments, texts
from drafting.services.accounts import registration

SIZE, VIEWS, PASSWORD = 100_000, 20, "Bench-password-1"


def _long(word: str) -> str:
    return " ".join(f"{word}{i}" for i in range(SIZE // (len(word) + 6)))[:SIZE]


def _seed(now: datetime) -> tuple[str, int, float]:
    """A bill, its author, the long draft and its rewrite; returns (email, id, edit seconds)."""
    registration.create_group("ECOS", "Écologiste et social")
    secretariat = registration.create_user(
        email="sec@an.example",
        name="Sec Retariat",
        role="secretariat",
        password=PASSWORD,
        group_code="ECOS",
    )
    author = registration.create_user(
        email="auteur@an.example",
        name="Auteur Long",
        role="deputy",
        password=PASSWORD,
        group_code="ECOS",
    )
    article = texts.ArticleInput("7", None, [f"Alinéa {n} de l'article 7." for n in range(1, 26)])
    bill = texts.create_text(
        secretariat, texts.TextInput("Projet de loi", "809", "seance", articles=[article]), now
    )
    position = amendments.PositionInput("article", "7")
    draft = amendments.create_amendment(
        author, amendments.Draft(bill.id, position, _long("alpha"), _long("beta")), now
    )
    commit()
    started = time.perf_counter()
    edit = amendments.Edit(draft.version, _long("gamma"), _long("delta"))
    amendments.update_amendment(author, draft.id, edit, now)
    commit()
    return author.email, draft.id, time.perf_counter() - started


def main() -> None:
    app = _app()
    with app.app_context():
        _reset(app)
        email, amendment_id, edit_seconds = _seed(datetime.now(UTC))
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    times = []
    for _ in range(VIEWS):
        started = time.perf_counter()
        page = client.get(f"/amendements/{amendment_id}")
        times.append(time.perf_counter() - started)
        assert page.status_code == 200 and b"gamma0" in page.data
    print(f"edit of a 2 x {SIZE} character draft (diff computed, kept): {edit_seconds:.2f} s")
    print(
        f"page view: median {statistics.median(times) * 1000:.0f} ms, "
        f"worst {max(times) * 1000:.0f} ms over {VIEWS} views ({len(page.data) // 1024} KiB)"
    )


if __name__ == "__main__":
    main()
