"""Where each sheet starts in a batch PDF, so the liasse cuts sheets out instead of recompiling.

The official typst template (`templates/official/amendement.typ`) lays the sheets out with
`#for s in data.sheets { sheet(s) }`. A private copy of it adds an invisible marker before each
sheet and, at the end, the list of the markers' page numbers as metadata that `query` reads
after the compilation (typst memoises the layout: the query costs ≈0.2 ms). The PDF itself is
the template's own (the markers print nothing). If the template no longer has that loop, or
typst fails, `Unavailable` is raised and the caller renders each sheet on its own.
It sits beside drafting/rendering/pdf.py, whose single-sheet renderer it complements.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import io
import json
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from drafting.rendering import pdf_raw

LOOP = "#for s in data.sheets { sheet(s) }"
MARKED_LOOP = (
    "#for s in data.sheets { [#metadata(none) <liasse-sheet>]; sheet(s) }\n"
    "#context [#metadata(query(<liasse-sheet>).map(m => m.location().page())) <liasse-pages>]\n"
)


class Unavailable(RuntimeError):
    """The page where each sheet starts cannot be known: render sheets one by one."""


@functools.lru_cache(maxsize=1)
def marked_template() -> Path | None:
    """A private copy of the template folder whose template marks where each sheet starts.

    Kept in the temporary folder under the template's digest, so every worker process (and
    every forked job) shares one copy; it is built aside and renamed into place.
    """
    from drafting.rendering.pdf import TEMPLATE_PATH

    source = TEMPLATE_PATH.read_text(encoding="utf-8")
    if source.count(LOOP) != 1:
        return None
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]
    folder = Path(tempfile.gettempdir()) / f"liasse-typst-{digest}"
    target = folder / TEMPLATE_PATH.name
    if not target.exists():
        building = Path(tempfile.mkdtemp(prefix="liasse-typst-"))
        shutil.copytree(TEMPLATE_PATH.parent, building, dirs_exist_ok=True)
        (building / TEMPLATE_PATH.name).write_text(source.replace(LOOP, MARKED_LOOP), "utf-8")
        try:
            building.rename(folder)
        except OSError:  # another process got there first
            shutil.rmtree(building, ignore_errors=True)
    return target


def _stamp(sheets: Sequence[Any]) -> datetime.datetime:
    day = max(sheet.date for sheet in sheets)
    return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)


def _counts(starts: list[int], pages: int) -> list[int]:
    ends = [*starts[1:], pages + 1]
    counts = [end - start for start, end in zip(starts, ends, strict=True)]
    if not starts or starts[0] != 1 or min(counts) < 1:
        raise Unavailable(f"incoherent sheet starts {starts[:5]}… for {pages} pages")
    return counts


def render_batch_pages(sheets: Sequence[Any]) -> tuple[bytes, list[int]]:
    """The batch PDF of `sheets` (untagged, as render_pdf_batch) and each sheet's page count."""
    import pikepdf
    import typst

    from drafting.rendering.pdf import forget_layouts, payload

    template = marked_template()
    if template is None:
        raise Unavailable("the template's sheet loop changed")
    try:
        compiler = typst.Compiler(
            str(template),
            root=str(template.parent),
            ignore_system_fonts=True,
            sys_inputs={"data": payload(sheets)},
        )
        data = compiler.compile(format="pdf", timestamp=_stamp(sheets), pdf_tags=False)
        starts = json.loads(compiler.query("<liasse-pages>"))[0]["value"]
    except (typst.TypstError, KeyError, IndexError, ValueError) as exc:
        raise Unavailable(f"typst: {exc}") from exc
    finally:
        forget_layouts()
    assert isinstance(data, bytes)
    try:
        pages = len(pdf_raw.RawPdf(data).pages)
    except pdf_raw.NotSimple:
        with pikepdf.open(io.BytesIO(data)) as document:
            pages = len(document.pages)
    if len(starts) != len(sheets):
        raise Unavailable(f"{len(starts)} sheet starts for {len(sheets)} sheets")
    return data, _counts(starts, pages)
