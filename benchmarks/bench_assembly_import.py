"""Benchmark: the parsing share of the Assembly imports (issue 17's targets: a 300-article text
imported in under 5 s; 20 000 amendments of one text synced in under 60 s end to end, database
included — the parsing here should be a small fraction of that).

1. A 300-article text in the modern open-data HTML, built from the real page's articles cycled
   (each alinéa with a real pastille image, so the count check runs too), parsed with
   `parse_bill`; the same text as plain text.
2. 20 000 open-data amendment JSON files generated from the real records cycled (each with its
   own uid and number), written to a temporary folder in the bulk dataset's layout
   (`json/<dossier>/<texte>/<amendement>.json`) and as a ZIP, read with `parse_amendment_source`;
   then the order of call of the 20 000 (`call_keys`, with and without triAmendement).

Wall-clock and CPU seconds, best of a few runs. Usage: python benchmarks/bench_assembly_import.py
[AMENDMENTS] (default 20000). Needs `../shared/domain/open-data/`; says so and exits otherwise.
"""

from __future__ import annotations

import base64
import json
import re
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from drafting.services.assembly.amendments_opendata import parse_amendment_source  # noqa: E402
from drafting.services.assembly.bill_html import parse_bill  # noqa: E402
from workflows.order_of_call import CallItem, call_keys  # noqa: E402

OPEN_DATA = ROOT.parent / "shared" / "domain" / "open-data"
PAGE = OPEN_DATA / "an-texte-PRJLANR5L17BTC3046-cmp-excerpt.html"
AMENDMENTS = OPEN_DATA / "an-opendata-BTC1187"
N = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 20_000
TEXT = "PIONANR5L17BTC1187"


def timed(label: str, run: Callable[[], Any], repeat: int = 3) -> Any:
    """Run `run` `repeat` times; print the best wall-clock and CPU seconds; return its result."""
    best_wall = best_cpu = float("inf")
    result = None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = run()
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    print(f"{label:<58} {best_wall:8.3f} s wall {best_cpu:8.3f} s CPU", flush=True)
    return result


def big_page(articles: int) -> str:
    """The real page's articles cycled to `articles`, renumbered, pastilles filled in."""
    page = PAGE.read_text(encoding="utf-8")
    png = base64.b64encode((OPEN_DATA / "an-pastille-alinea-065.png").read_bytes()).decode()
    page = page.replace(
        '"></span>', f'"><img width="45" height="31" src="data:image/png;base64,{png}"></span>'
    )
    head, _, rest = page.partition('<p class="assnat9ArticleNum">')
    body = '<p class="assnat9ArticleNum">' + rest[: rest.rindex("</div>")]
    blocks = re.split(r'(?=<p class="assnat9ArticleNum">)', body)
    blocks = [b for b in blocks if b.strip()]
    out = []
    for n in range(articles):
        block = blocks[n % len(blocks)]
        out.append(
            re.sub(
                r'(<p class="assnat9ArticleNum">).*?(</p>)',
                rf"\g<1>Article {n + 1}\g<2>",
                block,
                count=1,
                flags=re.S,
            )
        )
    return head + "".join(out) + "</div></body></html>"


def plain_text(page: str) -> str:
    """The same text as pasted plain text: headings and one alinéa per line."""
    bill = parse_bill(page)
    return "\n".join(f"Article {a.number}\n" + "\n".join(a.alineas) for a in bill.articles)


def write_dump(folder: Path, count: int) -> Path:
    """`count` amendment files in the bulk layout, from the real records cycled; and its ZIP."""
    records = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(AMENDMENTS.glob("*.json"))]
    target = folder / "json" / "DLR5L17N50631" / TEXT
    target.mkdir(parents=True)
    archive = folder / "Amendements.json.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as dump:
        for n in range(1, count + 1):
            record = json.loads(json.dumps(records[n % len(records)]))
            amendment = record["amendement"]
            amendment["uid"] = f"AMANR5L17PO838901BTC1187P0D1N{n:06d}"
            amendment["identification"]["numeroLong"] = str(n)
            if isinstance(amendment.get("amendementParentRef"), str):
                amendment["amendementParentRef"] = (
                    f"AMANR5L17PO838901BTC1187P0D1N{max(n - 1, 1):06d}"
                )
            data = json.dumps(record, ensure_ascii=False).encode()
            (target / f"{amendment['uid']}.json").write_bytes(data)
            dump.writestr(f"json/DLR5L17N50631/{TEXT}/{amendment['uid']}.json", data)
    return archive


def call_items(amendments: list[Any], with_tri: bool) -> list[CallItem]:
    """The amendments as the order of call sees them (triAmendement made unique per copy)."""
    return [
        CallItem(
            uid=a.uid or a.number,
            article_number=a.position.article_number,
            position_kind=a.position.kind,
            on_title=a.position.division_type == "titre",
            alinea=a.position.alinea,
            alinea_relation=a.position.alinea_relation,
            dispositif=a.dispositif,
            number=a.number,
            parent_uid=a.parent_uid,
            identical_group=a.identical_group,
            identical_position=a.identical_position,
            inadmissible=a.outcome == "irrecevable",
            tri=(a.order_key + f"{i:08d}".translate(str.maketrans("0123456789", "bcdefghijk")))
            if with_tri and a.order_key
            else None,
        )
        for i, a in enumerate(amendments)
    ]


def main() -> int:
    """Print the timings; 0 even without the shared files (nothing to measure then)."""
    if not PAGE.is_file() or not AMENDMENTS.is_dir():
        print(f"skipped: real open-data files absent ({OPEN_DATA})")
        return 0
    page = big_page(300)
    bill = timed("text: 300 articles, modern AN HTML with pastilles", lambda: parse_bill(page))
    alineas = sum(len(a.alineas) for a in bill.articles)
    print(f"    {len(bill.articles)} articles, {alineas} alinéas, {len(page) / 1e6:.1f} MB")
    text = plain_text(page)
    timed("text: the same 300 articles as plain text", lambda: parse_bill(text))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        archive = write_dump(folder, N)
        print(f"    dump: {N} files, ZIP {archive.stat().st_size / 1e6:.1f} MB")
        batch = timed(
            f"amendments: {N} open-data JSON, folder",
            lambda: parse_amendment_source(folder / "json", text_ref=TEXT),
            repeat=2,
        )
        timed(
            f"amendments: {N} open-data JSON, ZIP",
            lambda: parse_amendment_source(archive, text_ref=TEXT),
            repeat=2,
        )
        amendments = batch.amendments
        with_tri, without = call_items(amendments, True), call_items(amendments, False)
        timed(f"order of call: {N} with triAmendement", lambda: call_keys(with_tri))
        timed(f"order of call: {N} computed", lambda: call_keys(without))
        half = [
            item if i % 2 else CallItem(**{**item.__dict__, "tri": None})
            for i, item in enumerate(with_tri)
        ]
        timed(f"order of call: {N}, half slotted between the Assembly's", lambda: call_keys(half))
    return 0


if __name__ == "__main__":
    sys.exit(main())
