"""The amended text (« texte amendé ») as PDF, with typst: data in, bytes out.

The document lists the text's articles with the chosen amendments applied: inserted words in
bold and underlined, deleted words struck through, each change followed by the amendment that
made it; the amendments not applied (a conflict on the same words, a formula not understood)
are listed under their article. Every string reaches the template as JSON data, never markup.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import io
import json
import threading
import zipfile
from contextlib import ExitStack
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Protocol

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

    def render(self, document: AmendedTextDocument, kept: KeptSections | None = None) -> bytes:
        """The PDF of the amended text: one compilation, or one per section for a text amended
        by thousands of amendments (typst's memory grows with what one compilation lays out),
        each section starting a page whose number follows the previous section's. With
        `kept`, a section laid out from the same data before is not compiled again."""
        parts = sections(document.articles)
        if len(parts) <= 1:
            return self._compile(document_data(document), document.date)
        pdfs, page = [], 1
        for index, articles in enumerate(parts):
            data = document_data(replace(document, articles=articles))
            data |= {"first_page": page, "heading": index == 0}
            key = section_key(data, document.date)
            pdf = kept.get(key) if kept is not None else None
            if pdf is None:
                pdf = self._compile(data, document.date, tagged=False)  # joining drops tags
                self._forget()
                if kept is not None:
                    kept.put(key, pdf)
            pdfs.append(pdf)
            page += _page_count(pdf)
        return _joined(pdfs, document.title)

    def _compile(
        self, data: dict[str, object], day: datetime.date, *, tagged: bool = True
    ) -> bytes:
        inputs = {"data": json.dumps(data, ensure_ascii=False)}
        stamp = datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)
        with self._lock:
            pdf = self._compiler.compile(
                format="pdf", sys_inputs=inputs, timestamp=stamp, pdf_tags=tagged
            )
        if not isinstance(pdf, bytes):
            raise TypeError(f"typst returned {type(pdf).__name__}, not one PDF")
        return pdf

    def _forget(self) -> None:
        """Age the last section's layout out of typst's cache (as the sheets' renderer does)."""
        empty = {"data": json.dumps(_EMPTY)}
        with self._lock:
            for _ in range(_EVICTION_AGE):
                self._compiler.compile(format="pdf", sys_inputs=empty, timestamp=0)


class KeptSections(Protocol):
    """Where the compiled sections of amended texts are kept between liasse exports."""

    def get(self, key: str) -> bytes | None:
        """The section compiled from the data named `key`, or None."""
        ...

    def put(self, key: str, pdf: bytes) -> None:
        """Keep a compiled section."""
        ...


TEMPLATE_VERSION = hashlib.sha256(TEMPLATE_PATH.read_bytes()).hexdigest()[:16]


def section_key(data: dict[str, object], day: datetime.date) -> str:
    """A digest of everything one section's compilation depends on: its data, its date, the
    template."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(f"{TEMPLATE_VERSION}\n{day.isoformat()}\n{text}".encode()).hexdigest()


# One compilation lays out at most this many pieces of alinéas and notes.
SECTION_WEIGHT = 6000
_EVICTION_AGE = 10
_EMPTY = {"title": "", "subtitle": "", "date": "", "legend": "", "articles": [], "heading": False}


def _weight(article: PrintedArticle) -> int:
    added = sum(len(paragraphs) for _, paragraphs in (*article.before, *article.after))
    return 1 + sum(len(a.pieces) for a in article.alineas) + len(article.notes) + added


def sections(articles: tuple[PrintedArticle, ...]) -> list[tuple[PrintedArticle, ...]]:
    """The articles in consecutive groups of at most SECTION_WEIGHT (an article is never cut)."""
    groups: list[tuple[PrintedArticle, ...]] = []
    current: list[PrintedArticle] = []
    weight = 0
    for article in articles:
        if current and weight + _weight(article) > SECTION_WEIGHT:
            groups.append(tuple(current))
            current, weight = [], 0
        current.append(article)
        weight += _weight(article)
    return [*groups, tuple(current)] if current else groups


def _page_count(pdf: bytes) -> int:
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        return len(document.pages)


def _joined(pdfs: list[bytes], title: str) -> bytes:
    """The sections' pages in one PDF (qpdf)."""
    import pikepdf

    with ExitStack() as sources, pikepdf.Pdf.new() as joined:
        for pdf in pdfs:
            joined.pages.extend(sources.enter_context(pikepdf.open(io.BytesIO(pdf))).pages)
        joined.docinfo["/Title"] = title
        out = io.BytesIO()
        joined.save(out, deterministic_id=True)
    return out.getvalue()


@functools.lru_cache(maxsize=1)
def default_renderer() -> AmendedTextRenderer:
    """The renderer of the amended-text template, created on first use and kept."""
    return AmendedTextRenderer(TEMPLATE_PATH)


def render_amended_text(document: AmendedTextDocument, kept: KeptSections | None = None) -> bytes:
    """The amended text as PDF bytes (a long one's sections found in `kept` when given)."""
    return default_renderer().render(document, kept)


def add_to_zip(path: Path, name: str, data: bytes) -> None:
    """Append one stored entry (a PDF is compressed already) to a finished ZIP, dated as the
    liasse's entries are, so the same liasse gives the same bytes."""
    info = zipfile.ZipInfo(name, FIXED_DATE)
    info.compress_type, info.external_attr = zipfile.ZIP_STORED, 0o644 << 16
    with zipfile.ZipFile(path, "a", allowZip64=True) as package:
        package.writestr(info, data)
