"""The liasse export: one ZIP with each amendment's DOCX and PDF, index.csv and the combined PDF.

Memory stays bounded by one chunk of `chunk_size` amendments, whatever the liasse's size: entries
are streamed into the ZIP as they are rendered, index.csv is spooled to a temporary file, and the
combined PDF is compiled per chunk (one typst document, each amendment on its own pages) whose
pages are *appended* to a single PDF written to a temporary file (objects copied and renumbered
by `PdfAppender`, never merged in memory: it keeps one offset per object and one number per
page); that file is streamed into the ZIP at the end.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import io
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from itertools import islice
from typing import IO, Any, BinaryIO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    StreamObject,
)

from drafting.rendering import pdf_raw
from drafting.rendering.docx import render_docx
from drafting.rendering.pdf import render_pdf, render_pdf_batch
from drafting.rendering.sheet import (
    AmendmentSheet,
    download_name,
    one_line,
    outcome_label,
    position_parts,
    signatory_line,
)

COMBINED_NAME = "liasse.pdf"
INDEX_NAME = "index.csv"
# index.csv is deflated fast: 20 000 amendments make ≈ 12 MB of rows, deflated at level 1 in a
# third of the default level's time, for a slightly larger entry (docs/PERFORMANCE.md).
INDEX_LEVEL = 1
INDEX_HEADER = (
    "rang",
    "numéro",
    "position",
    "auteurs",
    "cosignataires",
    "état",
    "libellé de l'état",
    "sort",
    "libellé du sort",
    "empreinte",
)
# The French labels printed beside the codes (the codes stay, for spreadsheets and scripts).
STATE_LABELS = {
    "draft": "brouillon",
    "in_review": "en relecture",
    "open": "ouvert à la cosignature",
    "ready": "clos, prêt au dépôt",
    "filed": "déposé",
    "abandoned": "abandonné",
}
FIXED_DATE = (1980, 1, 1, 0, 0, 0)  # every entry: the same liasse gives the same bytes
_SPOOL = 1 << 20


def ranked_name(sheet: AmendmentSheet, rank: int, ext: str) -> str:
    """An entry's name: the 1-based rank on 4 digits, then the download name (0001_AMDT_…)."""
    return f"{rank:04d}_{download_name(sheet, ext)}"


def index_row(sheet: AmendmentSheet, rank: int) -> list[str]:
    """One row of index.csv, in the order of INDEX_HEADER."""
    position = position_parts(sheet)[0]
    if sheet.alinea:
        position += f" al. {sheet.alinea}"
    return [
        str(rank),
        one_line(sheet.number or ""),
        position,
        signatory_line(sheet),
        str(len(sheet.cosignatories)),
        sheet.state,
        STATE_LABELS.get(sheet.state, sheet.state),
        sheet.outcome or "",
        outcome_label(sheet.outcome),
        one_line(sheet.content_hash),
    ]


def _chunks(sheets: Iterable[AmendmentSheet], size: int) -> Iterator[list[AmendmentSheet]]:
    iterator = iter(sheets)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _entry(name: str, compress: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, FIXED_DATE)
    info.compress_type, info.external_attr = compress, 0o644 << 16
    return info


def write_liasse(
    sheets: Iterable[AmendmentSheet],
    out: BinaryIO,
    *,
    chunk_size: int = 200,
    progress: Callable[[int, int], None] | None = None,
    total: int | None = None,
    combined_name: str = COMBINED_NAME,
) -> None:
    """Write the liasse ZIP of `sheets` (already in the order of discussion) to `out`."""
    # progress(done, total) after each chunk; total: the given one, else len(sheets), else 0.
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    if total is None:
        total = len(sheets) if isinstance(sheets, Sized) else 0
    with (
        zipfile.ZipFile(out, "w", allowZip64=True) as package,
        tempfile.SpooledTemporaryFile(_SPOOL) as index,
        tempfile.TemporaryFile() as combined,
    ):
        liasse = _Liasse(package, index, combined)
        for chunk in _chunks(sheets, chunk_size):
            liasse.add(chunk)
            if progress is not None:
                progress(liasse.done, total)
        liasse.finish(combined_name)


class _Liasse:
    """The ZIP being written, the spooled index.csv and the combined PDF's temporary file."""

    def __init__(self, package: zipfile.ZipFile, index: IO[bytes], combined: IO[bytes]) -> None:
        self.package, self.index, self.combined = package, index, combined
        self.appender = PdfAppender(combined)
        self.done = 0
        self.index.write(_csv([INDEX_HEADER]).encode("utf-8-sig"))

    def add(self, chunk: list[AmendmentSheet]) -> None:
        """Each amendment's DOCX and PDF, their index rows, their pages in the combined PDF."""
        rows = []
        for sheet in chunk:
            self.done += 1
            self._write(ranked_name(sheet, self.done, "docx"), render_docx(sheet))
            self._write(ranked_name(sheet, self.done, "pdf"), render_pdf(sheet))
            rows.append(index_row(sheet, self.done))
        self.index.write(_csv(rows).encode("utf-8"))
        self.appender.append(render_pdf_batch(chunk))
        # A pypdf reader is a web of reference cycles (≈ 20 KB an amendment) that only a full
        # collection frees: without it memory would grow with the liasse, not with the chunk.
        gc.collect()

    def _write(self, name: str, data: bytes) -> None:
        """An entry stored as is: DOCX and PDF are compressed already."""
        self.package.writestr(_entry(name, zipfile.ZIP_STORED), data)

    def finish(self, combined_name: str) -> None:
        """index.csv, then the combined PDF (when there is at least one amendment)."""
        _copy_into(self.package, INDEX_NAME, self.index, zipfile.ZIP_DEFLATED, INDEX_LEVEL)
        if self.done:
            self.appender.close()
            _copy_into(self.package, combined_name, self.combined, zipfile.ZIP_STORED)


def _csv(rows: Iterable[Iterable[str]]) -> str:
    """Rows as CSV text: semicolons (French spreadsheets), CRLF."""
    text = io.StringIO()
    csv.writer(text, delimiter=";", lineterminator="\r\n").writerows(rows)
    return text.getvalue()


def _copy_into(
    package: zipfile.ZipFile, name: str, source: IO[bytes], compress: int, level: int | None = None
) -> None:
    source.seek(0)
    info = _entry(name, compress)
    info._compresslevel = level  # type: ignore[attr-defined]  # `compress_level` from 3.13
    with package.open(info, "w", force_zip64=True) as target:
        shutil.copyfileobj(source, target, 1 << 20)


_INFO_DEFAULT = b"<< /Producer (Liasse) /Title (Liasse) >>"


class PdfAppender:
    """Writes one PDF to a stream by appending the pages of other PDFs, one PDF at a time.

    Each appended PDF's objects reachable from its pages are copied with new numbers and written
    at once; only the object offsets and the page numbers are kept until `close()` writes the
    page tree, the catalog, the cross-reference table and the trailer.
    """

    _CATALOG, _PAGES, _INFO = 1, 2, 3

    def __init__(
        self, out: IO[bytes], info: bytes = b"<< /Producer (Liasse) /Title (Liasse) >>"
    ) -> None:
        """Start the PDF on `out` (written sequentially, never read back); `info` is its
        properties' dictionary."""
        self._out, self._info = out, info
        self._offsets: dict[int, int] = {}
        self._next = 4
        self._kids: list[int] = []
        self._position = 0
        self._digest = hashlib.sha256()
        self._write(pdf_raw.HEADER)

    def _write(self, data: bytes) -> None:
        self._out.write(data)
        self._position += len(data)

    def _object(self, number: int, body: bytes) -> None:
        self._offsets[number] = self._position
        self._write(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    def append(self, pdf: bytes) -> None:
        """Append every page of `pdf`: copied as bytes when it is simple (`pdf_raw`), else
        parsed and written again by pypdf."""
        self._digest.update(hashlib.sha256(pdf).digest())
        try:
            raw = pdf_raw.RawPdf(pdf)
        except pdf_raw.NotSimple:
            self._append_parsed(pdf)
            return
        self._append_raw(raw, raw.pages)

    def append_pages(self, raw: pdf_raw.RawPdf, indexes: Iterable[int]) -> None:
        """Append some pages of a simple PDF already read (indexes into `raw.pages`); raises
        NotSimple, before writing anything, when they link to another page."""
        wanted = [raw.pages[index] for index in indexes]
        self._digest.update(hashlib.sha256(raw.data).digest() + repr(wanted).encode())
        self._append_raw(raw, wanted)

    def append_runs(self, runs: Sequence[tuple[pdf_raw.RawPdf, Sequence[int]]]) -> None:
        """Append runs of pages of simple PDFs already read, in this order, each PDF's objects
        copied once however many runs take pages of it (the fonts its pages share); raises
        NotSimple, before writing anything, when a page links to another page."""
        groups: dict[int, tuple[pdf_raw.RawPdf, list[int]]] = {}
        for raw, indexes in runs:
            groups.setdefault(id(raw), (raw, []))[1].extend(raw.pages[i] for i in indexes)
        closures = {key: raw.closure(wanted) for key, (raw, wanted) in groups.items()}
        numbers = {
            key: self._copy_objects(raw, wanted, closures[key])
            for key, (raw, wanted) in groups.items()
        }
        for raw, indexes in runs:
            wanted = [raw.pages[index] for index in indexes]
            self._digest.update(hashlib.sha256(raw.data).digest() + repr(wanted).encode())
            self._kids += [numbers[id(raw)][page] for page in wanted]

    def _append_raw(self, raw: pdf_raw.RawPdf, wanted: list[int]) -> None:
        numbers = self._copy_objects(raw, wanted, raw.closure(wanted))
        self._kids += [numbers[page] for page in wanted]

    def _copy_objects(
        self, raw: pdf_raw.RawPdf, wanted: list[int], order: Sequence[int]
    ) -> dict[int, int]:
        """Write the objects `order` lists (the closure of the `wanted` pages) under new
        numbers; returns them by old number."""
        numbers = {old: self._allocate() for old in order}
        pages = set(wanted)
        for old in order:
            body = raw.body(old, numbers.__getitem__, self._PAGES if old in pages else None)
            self._object(numbers[old], body)
        return numbers

    def _append_parsed(self, pdf: bytes) -> None:
        reader = PdfReader(io.BytesIO(pdf))
        copier = _Copier(reader, self._allocate, self._PAGES)
        for page in reader.pages:
            if page.indirect_reference is None:
                raise ValueError("PDF page without an object number")
            old = page.indirect_reference.idnum
            raw = reader.get_object(old)  # reader.pages flattens: read the page as stored
            if isinstance(raw, DictionaryObject):
                copier.inherited[old] = _inherited(raw)
            self._kids.append(copier.number(old))
        for number, body in copier.drain():
            self._object(number, body)

    def _allocate(self) -> int:
        self._next += 1
        return self._next - 1

    def close(self) -> None:
        """Write the page tree, catalog, properties, cross-references and trailer."""
        kids = b" ".join(b"%d 0 R" % kid for kid in self._kids)
        pages = b"<< /Type /Pages /Count %d /Kids [%s] >>" % (len(self._kids), kids)
        self._object(self._PAGES, pages)
        self._object(self._CATALOG, b"<< /Type /Catalog /Pages %d 0 R >>" % self._PAGES)
        self._object(self._INFO, self._info)
        start = self._position
        lines = [b"xref\n0 %d\n0000000000 65535 f \n" % self._next]
        lines += [b"%010d 00000 n \n" % self._offsets[n] for n in range(1, self._next)]
        self._write(b"".join(lines))
        ident = self._digest.hexdigest()[:32].encode()
        trailer = b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>] >>\n"
        self._write(trailer % (self._next, self._CATALOG, self._INFO, ident, ident))
        self._write(b"startxref\n%d\n%%%%EOF\n" % start)


_INHERITABLE = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")


def _inherited(page: DictionaryObject) -> dict[str, Any]:
    """What a page inherits from its page tree (lost when it changes tree), unresolved."""
    found: dict[str, Any] = {}
    parent = page.raw_get("/Parent") if "/Parent" in page else None
    for _ in range(64):  # a page tree is shallow; a cyclic one must not hang us
        if parent is None:
            break
        node = parent.get_object()
        for key in _INHERITABLE:
            if key in node and key not in page and key not in found:
                found[key] = node.raw_get(key)
        parent = node.raw_get("/Parent") if "/Parent" in node else None
    return found


def _with(page: DictionaryObject, inherited: dict[str, Any]) -> DictionaryObject:
    """The page with its inherited attributes made its own (values kept unresolved)."""
    merged = DictionaryObject()
    for key, value in (*inherited.items(), *page.items()):
        merged[NameObject(key)] = value
    return merged


class _Copier:
    """Copies objects out of one PDF, renumbering their references (a page's /Parent is ours)."""

    def __init__(self, reader: PdfReader, allocate: Callable[[], int], parent: int) -> None:
        self._reader, self._allocate, self._parent = reader, allocate, parent
        self._numbers: dict[int, int] = {}
        self._pending: list[int] = []
        self.inherited: dict[int, dict[str, Any]] = {}  # page number → inherited attributes

    def number(self, old: int) -> int:
        """The new number of object `old`, which will be copied."""
        if old not in self._numbers:
            self._numbers[old] = self._allocate()
            self._pending.append(old)
        return self._numbers[old]

    def drain(self) -> Iterator[tuple[int, bytes]]:
        """Every pending object (and what it refers to) as (new number, serialised body)."""
        while self._pending:
            old = self._pending.pop()
            obj = self._reader.get_object(old)
            if obj is None:
                obj = NullObject()  # a dangling reference stays valid PDF
            elif old in self.inherited and isinstance(obj, DictionaryObject):
                obj = _with(obj, self.inherited[old])
            body = io.BytesIO()
            self._copy(obj).write_to_stream(body)
            yield self._numbers[old], body.getvalue()

    def _copy(self, obj: Any) -> Any:
        if isinstance(obj, IndirectObject):
            return IndirectObject(self.number(obj.idnum), 0, None)
        if isinstance(obj, StreamObject):
            clone = obj.__class__()
            clone._data = obj._data
            clone.update({k: self._copy(v) for k, v in obj.items() if k != "/Length"})
            return clone
        if isinstance(obj, DictionaryObject):
            return self._dictionary(obj)
        if isinstance(obj, ArrayObject):
            return ArrayObject(self._copy(item) for item in obj)
        return obj

    def _dictionary(self, obj: DictionaryObject) -> DictionaryObject:
        clone = DictionaryObject()
        for key, value in obj.items():
            if key == "/Parent" and obj.get("/Type") == "/Page":
                clone[NameObject(key)] = IndirectObject(self._parent, 0, None)
            elif key != "/StructParents":
                clone[NameObject(key)] = self._copy(value)
        return clone
