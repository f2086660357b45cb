"""The amended text (« texte amendé ») as PDF, with typst: data in, bytes out.

The document lists the text's articles with the chosen amendments applied: inserted words in
bold and underlined, deleted words struck through, each change followed by the amendment that
made it; the amendments not applied (a conflict on the same words, a formula not understood)
are listed under their article. Every string reaches the template as JSON data, never markup.
"""

from __future__ import annotations

import datetime
import functools
import json
import threading
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from drafting.rendering.sheet import french_date, printable

# The liasse's entry date (drafting/rendering/liasse.py FIXED_DATE, not imported: that module
# loads the PDF and DOCX engines, which a web process serving this page never needs).
FIXED_DATE = (1980, 1, 1, 0, 0, 0)

TEMPLATE_PATH = Path(__file__).resolve().parents[2] / "templates" / "official" / "texte_amende.typ"


@dataclass(frozen=True)
class Piece:
    """A piece of an alinéa: "equal", "insert" or "delete", and the amendment that did it."""

    kind: str
    text: str
    by: str = ""  # « n° 27 », empty for the text itself


@dataclass(frozen=True)
class PrintedAlinea:
    """One alinéa: its number before (empty for an inserted one), its status and its pieces."""

    number: str
    status: str  # unchanged | modified | inserted | deleted
    pieces: tuple[Piece, ...]


@dataclass(frozen=True)
class PrintedArticle:
    """One article as amended, the additional articles around it, and the notes under it."""

    heading: str
    alineas: tuple[PrintedAlinea, ...]
    notes: tuple[str, ...] = ()
    before: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (heading, paragraphs) inserted before
    after: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class AmendedTextDocument:
    """Everything the amended text prints."""

    title: str  # the text's title and number
    subtitle: str  # which amendments are applied
    date: datetime.date
    articles: tuple[PrintedArticle, ...]
    legend: str = (
        "En gras souligné : le texte inséré ; barré : le texte supprimé ; entre crochets : "
        "l'amendement qui fait la modification."
    )


def document_data(document: AmendedTextDocument) -> dict[str, object]:
    """The JSON the template reads (every string made printable)."""
    data = asdict(document)
    data["date"] = french_date(document.date)
    return _printable(data)  # type: ignore[return-value]


def _printable(value: object) -> object:
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, (list, tuple)):
        return [_printable(item) for item in value]
    if isinstance(value, dict):
        return {key: _printable(item) for key, item in value.items()}
    return value


class AmendedTextRenderer:
    """One reusable typst compiler on the template; calls are serialised (not reentrant)."""

    def __init__(self, template: Path = TEMPLATE_PATH) -> None:
        """Prepare the compiler (embedded fonts only, the template's folder as root)."""
        import typst  # heavy: loaded by the process that renders, never by one that only serves

        path = template.resolve()
        self._compiler = typst.Compiler(str(path), root=str(path.parent), ignore_system_fonts=True)
        self._lock = threading.Lock()

    def render(self, document: AmendedTextDocument) -> bytes:
        """The PDF of the amended text."""
        inputs = {"data": json.dumps(document_data(document), ensure_ascii=False)}
        day = document.date
        stamp = datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)
        with self._lock:
            pdf = self._compiler.compile(format="pdf", sys_inputs=inputs, timestamp=stamp)
        if not isinstance(pdf, bytes):
            raise TypeError(f"typst returned {type(pdf).__name__}, not one PDF")
        return pdf


@functools.lru_cache(maxsize=1)
def default_renderer() -> AmendedTextRenderer:
    """The renderer of the amended-text template, created on first use and kept."""
    return AmendedTextRenderer(TEMPLATE_PATH)


def render_amended_text(document: AmendedTextDocument) -> bytes:
    """The amended text as PDF bytes."""
    return default_renderer().render(document)


def add_to_zip(path: Path, name: str, data: bytes) -> None:
    """Append one stored entry (a PDF is compressed already) to a finished ZIP, dated as the
    liasse's entries are, so the same liasse gives the same bytes."""
    info = zipfile.ZipInfo(name, FIXED_DATE)
    info.compress_type, info.external_attr = zipfile.ZIP_STORED, 0o644 << 16
    with zipfile.ZipFile(path, "a", allowZip64=True) as package:
        package.writestr(info, data)
