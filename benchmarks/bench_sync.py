"""Benchmark: the Assembly's data end to end on PostgreSQL (issue 17's targets: 20 000 amendments
of one text synced in under 60 s on two cores, a second run with nothing new under 20 s, a
300-article text imported in under 5 s).

Seeds its own database (--database or BENCH_DATABASE_URL, default liasse_sync_bench on
127.0.0.1, created if missing; its schema is dropped and migrated again). Then:

1. imports a 300-article text in the modern open-data HTML (the real page's articles cycled,
   pastilles included: `bench_assembly_import.big_page`) through `text_import.import_text`,
   commit included;
2. syncs a dump of N open-data amendment JSON (default 20 000, generated from the real BTC1187
   records cycled, in the bulk dataset's layout, zipped: `bench_assembly_import.write_dump`) into
   a séance text: parse, digest, match, insert, rule keys, journal, commit — as
   `liasse amendments sync` does;
3. syncs the same dump again (nothing new: nothing may be written);
4. syncs it once more with 1 % of the records changed (their outcome);
5. reads the list API's query for that text (`listing.list_page`, a page of 50 external ones)
   and orders the whole liasse (`liasse_export.ordered_tokens`).

Wall-clock and CPU seconds of each step. Needs `../shared/domain/open-data/` (says so otherwise).
Usage: python benchmarks/bench_sync.py [N] [--database URL]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from bench_assembly_import import AMENDMENTS, PAGE, big_page, write_dump  # noqa: E402

DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/liasse_sync_bench"
NOW = datetime(2025, 3, 27, 9, 0, tzinfo=UTC)


def timed(label: str, run: Callable[[], Any]) -> Any:
    """Run once; print wall-clock and CPU seconds; return the result."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label:<62} {wall:8.2f} s wall {cpu:8.2f} s CPU", flush=True)
    return result


def _ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _app(url: str, data_dir: str) -> Any:
    from flask_migrate import upgrade
    from sqlalchemy import text

    from drafting import create_app
    from drafting.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://", 1),
            "LIASSE_DATA_DIR": data_dir,
            "LIASSE_PASSWORD_HASH_COST": "fast",
            "REDIS_URL": None,
        }
    )
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
    return app


def _seance_text() -> Any:
    from drafting.services import texts

    data = texts.TextInput(
        title="Proposition de loi visant à faire exécuter les peines d'emprisonnement ferme",
        number="1187",
        stage="seance",
        examination_starts_at=NOW + timedelta(days=7),
        articles=[
            texts.ArticleInput(n, None, [f"Alinéa {i}." for i in range(1, 13)])
            for n in ("1er", "2", "3", "4", "5")
        ],
    )
    return texts.create_text(None, data, NOW)


def _changed_dump(source: Path, target: Path, every: int) -> None:
    """The same dump with the outcome of one record in `every` changed."""
    with zipfile.ZipFile(source) as dump, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for n, info in enumerate(dump.infolist()):
            data = dump.read(info)
            if n % every == 0:
                record = json.loads(data)
                life = record["amendement"].setdefault("cycleDeVie", {})
                life["sort"] = "Retiré"
                data = json.dumps(record, ensure_ascii=False).encode()
            out.writestr(info.filename, data)


def run(count: int, url: str) -> None:
    from drafting.db import commit
    from drafting.extensions import db
    from drafting.models import PublishedAmendment
    from drafting.services import amendments as amendment_service
    from drafting.services.assembly import liasse_export, listing, order, text_import
    from drafting.services.assembly.amendments_opendata import SUFFIXES
    from drafting.services.assembly.sources import read_path
    from drafting.services.assembly.sync import sync_text

    _ensure_database(url)
    with tempfile.TemporaryDirectory() as tmp:
        app = _app(url, tmp)
        with app.app_context():
            page = big_page(300).encode()
            fields = text_import.ImportFields(number="300", stage="commission")

            def import_300() -> Any:
                text = text_import.import_text(None, page, fields, NOW, source="bench")
                commit()
                return text

            imported = timed("text: import 300 articles (HTML, pastilles), commit", import_300)
            alineas = sum(len(a.alineas) for a in imported.articles)
            size = len(page) / 1e6
            print(f"    {len(imported.articles)} articles, {alineas} alinéas, {size:.1f} MB")
            text = _seance_text()
            commit()
            folder = Path(tmp)
            archive = write_dump(folder, count)
            print(f"    dump: {count} files, ZIP {archive.stat().st_size / 1e6:.1f} MB")

            def sync(path: Path) -> Any:
                def go() -> Any:
                    items = read_path(path, suffixes=SUFFIXES)
                    summary = sync_text(None, text.id, items, NOW, source=str(path))
                    commit()
                    return summary

                return go

            first = timed(f"sync: {count} amendments, first run (ZIP)", sync(archive))
            print(f"    read {first.read}, external added {first.external_added}")
            second = timed(f"sync: the same {count} again (nothing new)", sync(archive))
            print(f"    unchanged {second.unchanged}, written {second.changed}")
            changed = folder / "changed.zip"
            _changed_dump(archive, changed, 100)
            third = timed(f"sync: {count} with 1 % changed", sync(changed))
            print(f"    external updated {third.external_updated}")
            rows = db.session.query(PublishedAmendment).filter_by(text_id=text.id).count()
            print(f"    published rows: {rows}")
            filters = amendment_service.ListFilter(text_id=text.id, per_page=50, page=10)
            from drafting.models import User

            admin = User(id=0, role="admin", email="a", name="a", civility="M.")
            timed(
                "list: a page of 50 external amendments (page 10)",
                lambda: listing.list_page(admin, filters),
            )
            timed(
                f"list: what slots ours among {count} published (overview read)",
                lambda: order.overview(text.id),
            )
            timed(
                f"liasse: the order of call of {count} amendments",
                lambda: liasse_export.ordered_tokens(text.id, [], {}),
            )


def main() -> int:
    """Run the benchmark; 0 even without the shared files (nothing to measure then)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("count", nargs="?", type=int, default=20_000)
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    args = parser.parse_args()
    if not PAGE.is_file() or not AMENDMENTS.is_dir():
        print("skipped: real open-data files absent")
        return 0
    run(args.count, args.database)
    return 0


if __name__ == "__main__":
    sys.exit(main())
