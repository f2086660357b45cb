"""The official sheet as PDF, with typst: the template reads the sheet as JSON data, never markup.

Only the fonts inside the typst package are used (Libertinus Serif), never the machine's, so a
sheet renders to the same bytes everywhere; the PDF's date is the sheet's date. One compiler is
kept and reused (≈1–3 ms a sheet instead of ≈15 ms for a fresh one); a batch is one typst
document in which every amendment starts a new page.
"""

from __future__ import annotations

import datetime
import functools
import json
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import typst

from drafting.rendering.sheet import (
    CHAMBER,
    DRAFT_MARK,
    EXPOSE_TITLE,
    PRESENTED_BY,
    AmendmentSheet,
    box_text,
    division_heading,
    footer_lines,
    french_date,
    is_draft,
    number_label,
    one_line,
    paragraphs,
    position_parts,
    signatory_line,
    signatory_names,
    text_heading,
)

TEMPLATE_PATH = Path(__file__).resolve().parents[2] / "templates" / "official" / "amendement.typ"
ZWSP = "\u200b"
# typst cannot break a word wider than the line (a 2 000-character name, a long identifier): such
# runs get invisible break opportunities. Widths are estimated in em, generously, so that an
# ordinary URL, which fits on a line, is left whole (a copied URL would carry the ZWSPs).
_RUN = re.compile(r"[^\s\u00a0\u202f]{36,}")  # shorter runs are under 36 em: they always fit
_FITS, _PIECE = 36.0, 30.0  # the line is ≈ 37 em wide at 12 pt


def _em(char: str) -> float:
    return 0.8 if char.isupper() or char in "MWmw@%&" else 0.55


def _split_run(run: str) -> str:
    if sum(map(_em, run)) <= _FITS:
        return run
    pieces, current, width = [], "", 0.0
    for char in run:
        if width + _em(char) > _PIECE:
            pieces.append(current)
            current, width = "", 0.0
        current += char
        width += _em(char)
    return ZWSP.join([*pieces, current])


def _breakable(text: str) -> str:
    """`text` with zero-width spaces inside runs too wide for a line."""
    return _RUN.sub(lambda match: _split_run(match.group(0)), text)


def sheet_data(sheet: AmendmentSheet) -> dict[str, Any]:
    """The printed strings of one sheet, as the typst template reads them."""
    tag, number = position_parts(sheet)
    fields: dict[str, Any] = {
        "draft": is_draft(sheet),
        "draft_mark": DRAFT_MARK,
        "watermark": one_line(sheet.watermark or ""),
        "position": tag,
        "number_tag": number,
        "chamber": CHAMBER,
        "date": french_date(sheet.date),
        "title": text_heading(sheet),
        "box": box_text(sheet),
        "number": number_label(sheet),
        "presented": PRESENTED_BY,
        "signatories": signatory_line(sheet),
        "division": division_heading(sheet),
        "dispositif": paragraphs(sheet.dispositif),
        "expose_title": EXPOSE_TITLE,
        "expose": paragraphs(sheet.expose),
        "footer": footer_lines(sheet),
    }
    return _wrapped(fields)


def _wrapped(value: Any) -> Any:
    if isinstance(value, str):
        return _breakable(value.replace("\t", " "))
    if isinstance(value, list):
        return [_wrapped(v) for v in value]
    if isinstance(value, dict):
        return {k: _wrapped(v) for k, v in value.items()}
    return value


def document_data(sheets: Sequence[AmendmentSheet]) -> dict[str, Any]:
    """The PDF's properties: title, author(s), and version + hash of every sheet as keywords."""
    if len(sheets) == 1:
        title = f"{number_label(sheets[0])} — {position_parts(sheets[0])[0]}"
        authors = signatory_names(sheets[0])
    else:
        title, authors = f"Liasse de {len(sheets)} amendements", ["Liasse"]
    keywords = [f"version {s.version} empreinte {one_line(s.content_hash)}" for s in sheets]
    return {"title": title, "keywords": keywords, "author": authors}


def payload(sheets: Sequence[AmendmentSheet]) -> str:
    """The JSON handed to the template in sys.inputs (data only, never markup)."""
    data = {
        "document": document_data(sheets),
        "sheets": [sheet_data(sheet) for sheet in sheets],
    }
    return json.dumps(data, ensure_ascii=False)


def _stamp(sheets: Sequence[AmendmentSheet]) -> datetime.datetime:
    """The PDF's creation date: the latest sheet's date at midnight UTC (fixed, deterministic)."""
    day = max(sheet.date for sheet in sheets)
    return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)


# typst-py evicts memoized results after 10 compilations that did not use them: a large batch's
# layout (≈ 0.5 MB an amendment) would stay in memory until then, ≈ 1 GB for batches of 200.
_EVICTION_AGE, _LARGE_BATCH = 10, 20
_EMPTY = {"data": json.dumps({"document": document_data([]), "sheets": []})}


class PdfRenderer:
    """One reusable typst compiler on the template; calls are serialised (it is not reentrant)."""

    def __init__(self, template: str | Path = TEMPLATE_PATH) -> None:
        """Prepare the compiler (embedded fonts only, the template's folder as root)."""
        path = Path(template).resolve()
        self._compiler = typst.Compiler(str(path), root=str(path.parent), ignore_system_fonts=True)
        self._lock = threading.Lock()

    def render(self, sheets: Sequence[AmendmentSheet], *, tagged: bool = True) -> bytes:
        """One PDF with every sheet, each starting a new page."""
        if not sheets:
            raise ValueError("Aucun amendement à mettre en page.")
        inputs = {"data": payload(sheets)}
        with self._lock:
            pdf = self._compiler.compile(
                format="pdf", sys_inputs=inputs, timestamp=_stamp(sheets), pdf_tags=tagged
            )
        if len(sheets) >= _LARGE_BATCH:
            self._forget()
        if not isinstance(pdf, bytes):
            raise TypeError(f"typst returned {type(pdf).__name__}, not one PDF")
        return pdf

    def _forget(self) -> None:
        """Age the last compilation out of typst's cache with empty ones (≈ 1.5 ms each)."""
        with self._lock:
            for _ in range(_EVICTION_AGE):
                self._compiler.compile(format="pdf", sys_inputs=_EMPTY, timestamp=0, pdf_tags=False)


@functools.lru_cache(maxsize=1)
def default_renderer() -> PdfRenderer:
    """The renderer of the official template, created on first use and kept."""
    return PdfRenderer(TEMPLATE_PATH)


def forget_layouts() -> None:
    """Age the layouts of the last compilations (by any compiler) out of typst's in-process
    cache: it keeps a compilation's memoized layout for ten compilations that do not use it,
    ≈ 20 MB a slice of 50 sheets (a chunk of ten slices grew by 170 MB; flat with this)."""
    default_renderer()._forget()


def render_pdf(sheet: AmendmentSheet) -> bytes:
    """The official sheet of `sheet` as PDF bytes (tagged for accessibility)."""
    return default_renderer().render([sheet])


def render_pdf_batch(sheets: Sequence[AmendmentSheet]) -> bytes:
    """One PDF of many sheets, each amendment starting a new page (untagged: a print bundle)."""
    return default_renderer().render(sheets, tagged=False)
