"""Benchmark: official documents (issue: DOCX and PDF of an amendment, the liasse export).

Sheets are the domain folder's real amendments (cycled, each copy numbered apart so no cache can
help). First a liasse of N amendments (argument, default 500): time and the process's peak RSS
(measured first, while the process is small). Then, per document, wall-clock ms, CPU ms and
documents per second per core (from CPU time, so other work on the machine does not skew it): our
DOCX writer against python-docx as usually written; PDF one at a time and in batches; WeasyPrint
when it is installed. Usage: python benchmarks/bench_documents.py [N]
"""

from __future__ import annotations

import dataclasses
import datetime
import html
import io
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from drafting.rendering.docx import TEMPLATE_PATH, footer_lines, layout, render_docx  # noqa: E402
from drafting.rendering.liasse import write_liasse  # noqa: E402
from drafting.rendering.pdf import render_pdf, render_pdf_batch  # noqa: E402
from drafting.rendering.sheet import AmendmentSheet, Signatory  # noqa: E402

REAL = ROOT.parent / "shared" / "domain" / "real-amendments.jsonl"
N = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 500


def _person(printed: str) -> Signatory:
    civility, _, names = printed.partition(" ")
    first, _, last = names.partition(" ")
    return Signatory(civility, first, last) if last else Signatory(civility, "", first)


def _record_sheet(record: dict[str, Any]) -> AmendmentSheet:
    after = record["division"].lower().startswith("après")
    return AmendmentSheet(
        text_title=record["bill_title"],
        text_number=str(record["bill_number"]).split()[0],
        stage=record["stage"],
        position_kind="after_article" if after else "article",
        article_number="".join(c for c in record["division"] if c.isdigit()) or "1er",
        alinea=None,
        number=record["number"],
        state="filed",
        outcome=None,
        date=datetime.date(2024, 10, 16),
        author=_person(record["first_signatory"] or "M. Inconnu"),
        cosignatories=tuple(_person(p) for p in record["cosignatories"] or ()),
        group_name=None,
        dispositif=record["dispositif"] or "Supprimer cet article.",
        expose=record["expose"] or "",
        version=1,
        content_hash="0" * 64,
    )


def sheets(count: int) -> list[AmendmentSheet]:
    """`count` sheets cycling through the real amendments, each with its own number and hash."""
    lines = REAL.read_text(encoding="utf-8").splitlines() if REAL.exists() else []
    real = [_record_sheet(json.loads(line)) for line in lines] or [_fallback()]
    return [
        dataclasses.replace(real[i % len(real)], number=str(i + 1), content_hash=f"{i:064x}")
        for i in range(count)
    ]


def _fallback() -> AmendmentSheet:
    text = "Cet amendement vise à supprimer l’article 7 (vidéosurveillance algorithmique). " * 10
    record = {"bill_title": "PROJET DE LOI relatif aux jeux Olympiques", "bill_number": "809",
              "stage": "seance", "division": "Article 7", "number": "1", "dispositif": None,
              "first_signatory": "Mme Sandra Regol", "cosignatories": ["M. Julien Bayou"] * 12,
              "expose": text}  # fmt: skip
    return _record_sheet(record)


def measure(label: str, work: Callable[[], object], documents: int) -> None:
    """Run `work` (which makes `documents` documents) and print ms/doc and docs/s per core."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"{label:34s} {wall / documents * 1000:8.2f} ms/doc wall {cpu / documents * 1000:8.2f} "
        f"ms/doc CPU {documents / cpu:9.1f} docs/s/core",
        flush=True,
    )


def docx_as_usual(sheet: AmendmentSheet) -> bytes:
    """python-docx as usually written: open the template, add paragraphs, save."""
    import docx

    document = docx.Document(str(TEMPLATE_PATH))
    for style, text in layout(sheet):
        document.add_paragraph(text, style=style)
    footer = document.sections[0].footer.paragraphs[0]
    footer.text = "\n".join(footer_lines(sheet))
    document.core_properties.keywords = f"version {sheet.version}; empreinte {sheet.content_hash}"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def weasyprint_pdf(sheet: AmendmentSheet) -> bytes | None:
    """The same sheet through WeasyPrint (HTML + CSS), when it is installed."""
    try:
        import weasyprint
    except ImportError:
        return None
    body = "".join(f'<p class="{style.split()[-1]}">{html.escape(text)}</p>'
                   for style, text in layout(sheet))  # fmt: skip
    css = (
        "@page { size: A4; margin: 2cm 2.5cm } body { font-family: serif; font-size: 12pt }"
        " p { text-align: justify } p:not(.Dispositif):not(.Exposé) { text-align: center }"
    )
    document = f"<html><head><style>{css}</style></head><body>{body}</body></html>"
    return weasyprint.HTML(string=document).write_pdf()


def in_batches(items: Sequence[AmendmentSheet], size: int) -> None:
    """Render `items` as batch PDFs of `size` amendments."""
    for start in range(0, len(items), size):
        render_pdf_batch(items[start : start + size])


def documents() -> None:
    """DOCX, PDF single and batch, WeasyPrint: per-document figures."""
    pool = sheets(1300)
    render_docx(pool[0]), render_pdf(pool[0])  # load the template and the compiler
    measure("DOCX, ours (template parts kept)", lambda: [render_docx(s) for s in pool[:1000]], 1000)
    measure("DOCX, python-docx as usual", lambda: [docx_as_usual(s) for s in pool[:40]], 40)
    measure("PDF single (reused compiler)", lambda: [render_pdf(s) for s in pool[1000:1100]], 100)
    measure("PDF batch (100 per document)", lambda: in_batches(pool[1100:1300], 100), 200)
    if weasyprint_pdf(pool[0]) is not None:
        measure("PDF WeasyPrint (comparison)", lambda: [weasyprint_pdf(s) for s in pool[:10]], 10)
    else:
        print("PDF WeasyPrint (comparison)        not installed: skipped")


def liasse(count: int) -> None:
    """A liasse of `count` amendments to a temporary file: time, size and peak RSS."""
    items = sheets(count)
    render_docx(items[0]), render_pdf(items[0])
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with tempfile.TemporaryFile() as out:
        measure(f"liasse of {count} (DOCX + PDF each)", lambda: write_liasse(items, out), count)
        size = out.tell() / 1e6
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'':34s} {size:8.1f} MB zip; peak RSS {peak:.0f} MB (after warm-up {before:.0f} MB)")


def main() -> int:
    """The liasse first, while the process is small (its peak RSS is then the liasse's own)."""
    print(f"machine: {len(os.sched_getaffinity(0))} cores", flush=True)
    liasse(N)
    documents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
