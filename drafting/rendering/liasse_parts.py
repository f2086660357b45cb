"""The chunked liasse (no database): each chunk writes a part, the assembly stitches the parts.

The parts use the liasse's own vocabulary (`drafting.rendering.liasse`: ranked names, index rows,
fixed entry dates), so the stitched ZIP is the one `write_liasse` writes for the
same sheets. A part is an internal ZIP: the chunk's DOCX and PDF entries under their final
ranked names (stored, later copied as raw bytes) or the list of the kept files they are
(`_entries.json`), `_index.csv` (its rows), the chunk's pages of the combined PDF as *runs*,
one a slice of COMBINED_SLICE sheets (compiled that many at a time, since the PDF engine's
memory grows with the pages of one compilation), each numbered from the slice's own rank
(`pdf_segments`): in the part's `_combined.segment`, or a kept run it names
(`_combined.json`), and its pieces of the XML documents (`liasse_documents`). Stitching copies
the entries, writes index.csv and the combined PDF by copying the runs behind one header and
one cross-reference table, streaming through temporary files: nothing is parsed or held whole.
"""

from __future__ import annotations

import csv
import functools
import gc
import io
import itertools
import json
import logging
import shutil
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from drafting.rendering import liasse_documents, pdf_raw, pdf_segments, typst_pages
from drafting.rendering.liasse import (
    FIXED_DATE,
    INDEX_HEADER,
    INDEX_LEVEL,
    PdfAppender,
    index_row,
    ranked_name,
)

COMBINED_SLICE = 50
log = logging.getLogger(__name__)
INDEX_PART, SLICE_PREFIX = "_index.csv", "_combined-"
SEGMENT_PART, MANIFEST_PART = "_combined.segment", "_combined.json"
ENTRIES_PART = "_entries.json"  # the part's sheet entries in order, when some are `Kept`


@dataclass(frozen=True)
class Kept:
    """A sheet's document kept in storage and put in the liasse as it is stored, rather than
    copied into the part: its stored file's id, size and CRC-32."""

    file_id: int
    size: int
    crc: int


@dataclass(frozen=True)
class ToKeep:
    """A new document the chunk keeps, put in the liasse as the kept file once it is stored:
    its key (the part's list of entries names the file once the chunk knows its id)."""

    key: str
    size: int
    crc: int


Document = bytes | Kept | ToKeep
Rendered = tuple[Document, Document]  # a sheet's (DOCX, PDF)
Entry = list[Any]  # [name, kept file id (or ToKeep's key) or None, size, CRC-32]


def _slices(sheets: Iterable[Any]) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for sheet in sheets:
        batch.append(sheet)
        if len(batch) == COMBINED_SLICE:
            yield batch
            batch = []
    if batch:
        yield batch


def sheet_pdfs(batch: Sequence[Any]) -> tuple[bytes, list[bytes]]:
    """A slice's combined PDF and each sheet's own PDF.

    The slice is compiled once; when the page where each sheet starts is known, each sheet's
    PDF is cut out of it with qpdf (≈0.6 ms a sheet instead of ≈10 ms to compile it again).
    Otherwise (the template changed shape, typst failed) each sheet is rendered on its own.
    """
    from drafting.rendering import pdf

    paged = getattr(pdf, "render_pdf_batch_pages", None) or typst_pages.render_batch_pages
    try:
        combined, counts = paged(batch)
        return combined, split_pdf(combined, counts, batch)
    except typst_pages.Unavailable as reason:
        log.warning("liasse: each sheet rendered on its own (%s)", reason)
    return pdf.render_pdf_batch(batch), [pdf.render_pdf(sheet) for sheet in batch]


class Compiled:
    """Sheets of several slices compiled together — a batch's changed sheets, one
    compilation rather than one a slice (≈ 5 ms a sheet among ten, 22 ms alone) — with each
    sheet's own PDF and its pages in the compilation (`_patched` takes them from there)."""

    def __init__(
        self, pdf: bytes, sheets: Sequence[Any], pdfs: Sequence[bytes], counts: Sequence[int]
    ) -> None:
        self.pdf = pdf
        starts = itertools.accumulate(counts, initial=0)
        self.placed = {
            id(sheet): (sheet, own, range(first, first + count))
            for sheet, own, first, count in zip(sheets, pdfs, starts, counts, strict=False)
        }

    def holds(self, sheets: Sequence[Any]) -> bool:
        """Whether these very sheets were compiled here."""
        return all(self.placed.get(id(s), (None,))[0] is s for s in sheets)

    def pdfs(self, sheets: Sequence[Any]) -> list[bytes]:
        """These sheets' own PDFs."""
        return [self.placed[id(sheet)][1] for sheet in sheets]

    def pages(self, sheet: Any) -> range:
        """The sheet's pages in the compilation."""
        return self.placed[id(sheet)][2]

    @functools.cached_property
    def raw(self) -> pdf_raw.RawPdf:
        """The compilation, parsed once for the slices that take pages of it."""
        return pdf_raw.RawPdf(self.pdf)


def compile_together(sheets: Sequence[Any]) -> Compiled | None:
    """Sheets (of any slices) in one compilation, each one's PDF cut out of it; None when the
    engine does not tell the page counts (each slice then compiles its own)."""
    from drafting.rendering import pdf

    paged = getattr(pdf, "render_pdf_batch_pages", None) or typst_pages.render_batch_pages
    try:
        combined, counts = paged(sheets)
        return Compiled(combined, sheets, split_pdf(combined, counts, sheets), counts)
    except typst_pages.Unavailable as reason:
        log.warning("liasse: changed sheets compiled slice by slice (%s)", reason)
    return None


def split_pdf(data: bytes, counts: Sequence[int], sheets: Sequence[Any]) -> list[bytes]:
    """Cut a PDF into consecutive documents of `counts` pages, titled after their sheet: its
    objects copied as bytes when it is simple (`pdf_raw`), else with qpdf."""
    if len(counts) != len(sheets):
        raise typst_pages.Unavailable("page counts do not match the sheets")
    try:
        raw = pdf_raw.RawPdf(data)
        if sum(counts) != len(raw.pages):
            raise typst_pages.Unavailable("page counts do not match the PDF")
        return _split_raw(raw, counts, sheets)
    except pdf_raw.NotSimple:
        return _split_parsed(data, counts, sheets)


def _split_raw(raw: pdf_raw.RawPdf, counts: Sequence[int], sheets: Sequence[Any]) -> list[bytes]:
    from drafting.rendering.pdf import document_data

    documents, first = [], 0
    for count, sheet in zip(counts, sheets, strict=True):
        properties = document_data([sheet])
        info = b"<< /Producer (Liasse) /Title %s /Author %s /Keywords %s >>" % (
            pdf_raw.text_string(properties["title"]),
            pdf_raw.text_string(", ".join(properties["author"])),
            pdf_raw.text_string(", ".join(properties["keywords"])),
        )
        out = io.BytesIO()
        appender = PdfAppender(out, info)
        appender.append_pages(raw, range(first, first + count))
        appender.close()
        documents.append(out.getvalue())
        first += count
    return documents


def _split_parsed(data: bytes, counts: Sequence[int], sheets: Sequence[Any]) -> list[bytes]:
    import pikepdf

    from drafting.rendering.pdf import document_data

    documents, first = [], 0
    with pikepdf.open(io.BytesIO(data)) as whole:
        if sum(counts) != len(whole.pages) or len(counts) != len(sheets):
            raise typst_pages.Unavailable("page counts do not match the PDF")
        for count, sheet in zip(counts, sheets, strict=True):
            with pikepdf.Pdf.new() as single:
                single.pages.extend(whole.pages[first : first + count])
                properties = document_data([sheet])
                single.docinfo["/Title"] = properties["title"]
                single.docinfo["/Author"] = ", ".join(properties["author"])
                single.docinfo["/Keywords"] = ", ".join(properties["keywords"])
                out = io.BytesIO()
                single.save(out, deterministic_id=True)
            documents.append(out.getvalue())
            first += count
    return documents


def _stored(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, FIXED_DATE)
    info.compress_type, info.external_attr = zipfile.ZIP_STORED, 0o644 << 16
    return info


def csv_text(rows: Iterable[Iterable[str]]) -> str:
    """Rows as the liasse writes its index: semicolons, CRLF."""
    text = io.StringIO()
    csv.writer(text, delimiter=";", lineterminator="\r\n").writerows(rows)
    return text.getvalue()


class RenderedSheets(Protocol):
    """Where rendered sheets are kept between exports (services/documents/reuse.py)."""

    def lookup(self, sheets: Sequence[Any]) -> list[Rendered | None]:
        """Each sheet's kept (DOCX, PDF) — their bytes, or `Kept` references — or None."""
        ...

    def compiled(self, sheets: Sequence[Any]) -> Compiled | None:
        """These sheets compiled already, with the other changed sheets of their batch (a
        slice where only they changed takes its pages from there), or None."""
        ...

    def store(
        self, sheets: Sequence[Any], documents: Sequence[tuple[bytes, bytes]]
    ) -> Sequence[Rendered]:
        """Keep these sheets' new (DOCX, PDF); returns what the part takes of them (their
        bytes, or `ToKeep` references)."""
        ...

    def pages(self, sheets: Sequence[Any]) -> bytes | None:
        """The kept pages of the combined PDF for exactly these sheets, in this order."""
        ...

    def store_pages(self, sheets: Sequence[Any], pages: bytes) -> None:
        """Keep the pages of the combined PDF for these sheets."""
        ...

    def earlier_pages(
        self, place: str, sheets: Sequence[Any]
    ) -> tuple[bytes, list[tuple[int, int] | None]] | None:
        """The pages kept last at `place`, and each sheet's (first page, count) in them when
        it is the same sheet; None when nothing was kept there."""
        ...

    def store_place(self, place: str, sheets: Sequence[Any], counts: Sequence[int]) -> None:
        """Note which sheets, of how many pages each, the slice at `place` now holds."""
        ...

    def run(self, sheets: Sequence[Any], first_number: int) -> KeptRun | None:
        """The kept run of exactly these sheets renumbered from `first_number`, or None."""
        ...

    def store_run(
        self, sheets: Sequence[Any], first_number: int, data: bytes, manifest: dict[str, Any]
    ) -> None:
        """Keep these sheets' run renumbered from `first_number` (its bytes and manifest)."""
        ...

    def run_bytes(self, run: KeptRun) -> bytes:
        """A kept run's bytes."""
        ...


def rendered_slice(
    batch: Sequence[Any],
    kept: RenderedSheets | None,
    place: str | None = None,
    numbers: tuple[int, int] | None = None,
) -> tuple[bytes | KeptRun, list[Rendered]]:
    """A slice's pages for the combined PDF and each sheet's (DOCX, PDF): the kept ones reused,
    the others rendered (in one compilation, each sheet's PDF cut out of it) and kept.

    The combined PDF's pages come from one compilation of the whole slice (sheets that each
    embed their own fonts would make it half as large again), kept for these very sheets: a
    slice none of whose sheets changed is not compiled again. When some changed, and the
    slice compiled last at the same `place` (the same amendments) is kept, its pages of the
    sheets that did not change are taken with the new compilation's pages of those that did
    (`_patched`): a few sheets changed in a slice of 50 are all that is compiled — and
    compiled once for their batch when `kept` did (`RenderedSheets.compiled`: ten sheets
    changed in ten slices, one compilation). A slice none of whose sheets changed, at the
    same `numbers`, is its kept run (`KeptRun`: its pages renumbered there by an earlier
    export, referenced by the part, not read).
    """
    found = kept.lookup(batch) if kept is not None else [None] * len(batch)
    missing = [sheet for sheet, entry in zip(batch, found, strict=True) if entry is None]
    if not missing:
        every = [entry for entry in found if entry is not None]
        run = kept.run(batch, numbers[0]) if kept is not None and numbers is not None else None
        return (run if run is not None else _slice_pages(batch, kept, place)), every
    if len(missing) == len(batch):  # a slice compiled whole: its fonts once
        combined, pdfs = sheet_pdfs(missing)
        fresh = _store(missing, pdfs, kept)
        _keep_pages(batch, kept, place, combined, [pdf_raw.page_count(pdf) for pdf in pdfs])
        return combined, list(fresh)
    compiled = kept.compiled(missing) if kept is not None else None
    source: bytes | Compiled
    if compiled is not None:
        source, pdfs = compiled, compiled.pdfs(missing)
    else:
        source, pdfs = sheet_pdfs(missing)
    new = iter(_store(missing, pdfs, kept))
    documents: list[Rendered] = [entry if entry is not None else next(new) for entry in found]
    pages = kept.pages(batch) if kept is not None else None
    if pages is None:
        patched = _patched(batch, kept, place, found, source, pdfs)
        pages, counts = patched if patched is not None else _compiled(batch)
        _keep_pages(batch, kept, place, pages, counts)
    return pages, documents


def _store(
    sheets: Sequence[Any], pdfs: Sequence[bytes], kept: RenderedSheets | None
) -> Sequence[Rendered]:
    """The new sheets' (DOCX, PDF), kept: what the part takes of them."""
    from drafting.rendering.docx import render_docx

    rendered = [(render_docx(sheet), pdf) for sheet, pdf in zip(sheets, pdfs, strict=True)]
    return rendered if kept is None else kept.store(sheets, rendered)


def _compiled(batch: Sequence[Any]) -> tuple[bytes, Sequence[int | None]]:
    """The slice compiled whole, with each sheet's page count when the engine tells it."""
    from drafting.rendering import pdf

    paged = getattr(pdf, "render_pdf_batch_pages", None) or typst_pages.render_batch_pages
    try:
        return paged(batch)  # type: ignore[no-any-return]
    except typst_pages.Unavailable as reason:
        log.warning("liasse: a slice compiled without its page counts (%s)", reason)
    return pdf.render_pdf_batch(batch), [None] * len(batch)


def _slice_pages(batch: Sequence[Any], kept: RenderedSheets | None, place: str | None) -> bytes:
    """The slice's pages of the combined PDF: kept, or compiled (and kept)."""
    pages = kept.pages(batch) if kept is not None else None
    if pages is None:
        pages, counts = _compiled(batch)
        _keep_pages(batch, kept, place, pages, counts)
    return pages


def _keep_pages(
    batch: Sequence[Any],
    kept: RenderedSheets | None,
    place: str | None,
    pages: bytes,
    counts: Sequence[int | None],
) -> None:
    """Keep the slice's pages for these sheets, and note them at their place (with each
    sheet's page count) when the place and the counts are known."""
    if kept is None:
        return
    kept.store_pages(batch, pages)
    if place is not None and all(count is not None for count in counts):
        kept.store_place(place, batch, [count for count in counts if count is not None])


def _patched(
    batch: Sequence[Any],
    kept: RenderedSheets | None,
    place: str | None,
    found: Sequence[Rendered | None],
    combined: bytes | Compiled,
    pdfs: Sequence[bytes],
) -> tuple[bytes, list[int | None]] | None:
    """The slice's pages made of the pages kept at its place for the sheets that did not
    change and the new compilation's (`combined`: of the sheets not `found`, whose own PDFs
    are `pdfs`, or of the batch's changed sheets) for the others, with each sheet's page
    count; None when that cannot be done (nothing kept there, a sheet kept but not in that
    slice, a PDF not simple): the slice is then compiled whole."""
    if kept is None or place is None:
        return None
    earlier = kept.earlier_pages(place, batch)
    counts = [pdf_raw.page_count(pdf) for pdf in pdfs]
    if earlier is None or None in counts:
        return None
    pages, spans = earlier
    missing = [sheet for sheet, entry in zip(batch, found, strict=True) if entry is None]
    try:
        before = pdf_raw.RawPdf(pages)
        after, placed = _placed(combined, missing, [n or 0 for n in counts])
        if placed is None:
            return None
        runs: list[tuple[pdf_raw.RawPdf, range]] = []
        new_pages = iter(placed)
        for entry, span in zip(found, spans, strict=True):
            if entry is None:
                runs.append((after, next(new_pages)))
            elif span is None or span[0] + span[1] > len(before.pages):
                return None
            else:
                runs.append((before, range(span[0], span[0] + span[1])))
        out = io.BytesIO()
        appender = PdfAppender(out)
        appender.append_runs(runs)
        appender.close()
    except pdf_raw.NotSimple:
        return None
    return out.getvalue(), [len(run) for _, run in runs]


def _placed(
    combined: bytes | Compiled, missing: Sequence[Any], counts: Sequence[int]
) -> tuple[pdf_raw.RawPdf, list[range] | None]:
    """Where the changed sheets' pages lie in their compilation (None when they do not add
    up: the slice is then compiled whole)."""
    if isinstance(combined, Compiled):
        placed = [combined.pages(sheet) for sheet in missing]
        fits = [len(r) for r in placed] == list(counts) and max(r.stop for r in placed) <= len(
            combined.raw.pages
        )
        return combined.raw, placed if fits else None
    after = pdf_raw.RawPdf(combined)
    if sum(counts) != len(after.pages):
        return after, None
    starts = itertools.accumulate(counts, initial=0)
    return after, [range(first, first + n) for first, n in zip(starts, counts, strict=False)]


@dataclass(frozen=True)
class KeptRun:
    """A slice's pages already renumbered at its place in the combined PDF, kept in storage
    (`file`: its id, size and CRC-32) with what the combined PDF's closing needs of them
    (`manifest`: a segment's, `pdf_segments.PdfSegment.manifest`)."""

    file: Kept
    manifest: dict[str, Any]


class _CombinedPages:
    """The chunk's pages of the combined PDF: *runs*, one a slice, each its pages renumbered
    from the slice's own rank (`pdf_segments.number_range`) — written into the part's
    segment, or a kept run referenced — or, once a slice's pages outgrow its numbers,
    stand-alone slices for the rest (the runs so far stay the part's segment)."""

    def __init__(self, part: zipfile.ZipFile, scratch: IO[bytes]) -> None:
        self.part, self.scratch = part, scratch
        self.runs: list[dict[str, Any]] = []
        self.full = False
        self.slices = 0

    def add(self, pages: bytes, numbers: tuple[int, int]) -> tuple[bytes, dict[str, Any]] | None:
        """Append a slice's pages as a run renumbered within `numbers` (`PdfAppender`: as
        bytes when they are simple, a few milliseconds a slice); returns the run's bytes and
        manifest (to keep), or None once the runs are given up for stand-alone slices."""
        if not self.full:
            out = io.BytesIO()
            segment = pdf_segments.PdfSegment(out, *numbers)
            try:
                segment.append(pages)
            except pdf_segments.SegmentFull:
                log.warning("liasse: a slice outgrew its object numbers, slices kept instead")
                self.full = True
            else:
                data, manifest = out.getvalue(), segment.manifest()
                offset = self.scratch.seek(0, io.SEEK_END)
                self.scratch.write(data)
                self.runs.append(
                    {"file": None, "offset": offset, "crc": zlib.crc32(data)} | manifest
                )
                return data, manifest
        self._slice(pages)
        gc.collect()
        return None

    def add_kept(self, run: KeptRun) -> bool:
        """Append a kept run (referenced, not copied); False once runs are given up (the
        caller then adds the slice's pages)."""
        if self.full:
            return False
        kept = run.file
        self.runs.append({"file": kept.file_id, "crc": kept.crc} | run.manifest)
        return True

    def _slice(self, pdf: bytes) -> None:
        self.part.writestr(_stored(f"{SLICE_PREFIX}{self.slices:04d}.pdf"), pdf)
        self.slices += 1

    def finish(self) -> None:
        """Write the runs' segment (the bytes of those not kept) and their manifest into the
        part (when it has pages)."""
        if not any(run["kids"] for run in self.runs):
            return
        self.scratch.seek(0)
        with self.part.open(_stored(SEGMENT_PART), "w", force_zip64=True) as target:
            shutil.copyfileobj(self.scratch, target, 1 << 20)
        self.part.writestr(MANIFEST_PART, json.dumps({"runs": self.runs}))


def runs_of(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """A part's runs; a part written before runs has one segment: one run of its own."""
    if "runs" in manifest:
        return list(manifest["runs"])
    return [{"file": None, "offset": 0, "crc": None} | manifest]


def write_part(
    sheets: Iterable[Any],
    path: Path,
    start: int,
    kept: RenderedSheets | None = None,
    *,
    count: int,
    places: Sequence[str] | None = None,
) -> list[Entry]:
    """Render the `count` sheets ranked from `start + 1` into a part ZIP at `path`.

    With `kept`, sheets rendered by an earlier export are reused rather than rendered again;
    `places` names each sheet's amendment (the slices' places, see `rendered_slice`).
    Returns the part's sheet entries in order (`add_entries` writes them into the part once
    the kept files they name are stored).
    """
    rank, rows = start, []
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_STORED, allowZip64=True) as part,
        tempfile.TemporaryFile(dir=path.parent) as scratch,
    ):
        pages = _CombinedPages(part, scratch)
        entries: list[list[Any]] = []
        for batch in _slices(sheets):
            at, numbers = rank - start, pdf_segments.number_range(rank, len(batch))
            place = "\n".join(places[at : at + len(batch)]) if places is not None else None
            pages_of_slice, documents = rendered_slice(batch, kept, place, numbers)
            for sheet, (docx, pdf) in zip(batch, documents, strict=True):
                rank += 1
                entries.append(_entry(part, ranked_name(sheet, rank, "docx"), docx))
                entries.append(_entry(part, ranked_name(sheet, rank, "pdf"), pdf))
                rows.append(index_row(sheet, rank))
            _add_pages(pages, batch, kept, pages_of_slice, numbers)
        pages.finish()
        part.writestr(INDEX_PART, csv_text(rows), zipfile.ZIP_DEFLATED)
    return entries


def _add_pages(
    pages: _CombinedPages,
    batch: Sequence[Any],
    kept: RenderedSheets | None,
    found: bytes | KeptRun,
    numbers: tuple[int, int],
) -> None:
    """Append a slice's run: kept (referenced), or its pages renumbered (and the run kept)."""
    if isinstance(found, KeptRun):
        if pages.add_kept(found):
            return
        found = _run_pdf(found, kept)
    made = pages.add(found, numbers)
    if made is not None and kept is not None:
        kept.store_run(batch, numbers[0], *made)


def _run_pdf(run: KeptRun, kept: RenderedSheets | None) -> bytes:
    """A kept run as a PDF of its own (for a part whose runs were given up)."""
    if kept is None:
        raise ValueError("a kept run without its store")
    out = io.BytesIO()
    pdf_segments.write_combined(out, [(io.BytesIO(kept.run_bytes(run)), run.manifest)])
    return out.getvalue()


def add_entries(path: Path, entries: Sequence[Entry]) -> None:
    """Write the part's list of entries into it when some name a kept file (ids only)."""
    if any(isinstance(file_id, str) for _, file_id, _, _ in entries):
        raise ValueError("a kept file to name by its id")
    if any(file_id is not None for _, file_id, _, _ in entries):
        with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED, allowZip64=True) as part:
            part.writestr(ENTRIES_PART, json.dumps(entries), zipfile.ZIP_DEFLATED)


def _entry(part: zipfile.ZipFile, name: str, document: Document) -> Entry:
    """Write a sheet's document into the part, or not when it is kept; its line of the part's
    list of entries: [name, kept file id (a `ToKeep`'s key until stored) or None, size, CRC]."""
    if isinstance(document, Kept):
        return [name, document.file_id, document.size, document.crc]
    if isinstance(document, ToKeep):
        return [name, document.key, document.size, document.crc]
    info = _stored(name)
    part.writestr(info, document)
    return [name, None, info.file_size, info.CRC]


def _raw_copy(source: zipfile.ZipFile, info: zipfile.ZipInfo, target: zipfile.ZipFile) -> None:
    """Append an entry's compressed bytes as they are (no decompression, no recompression)."""
    assert source.fp is not None and target.fp is not None
    source.fp.seek(info.header_offset)
    name_length, extra_length = struct.unpack("<HH", source.fp.read(30)[26:30])
    source.fp.seek(info.header_offset + 30 + name_length + extra_length)
    copy = zipfile.ZipInfo(info.filename, info.date_time)
    copy.compress_type, copy.CRC = info.compress_type, info.CRC
    copy.compress_size, copy.file_size = info.compress_size, info.file_size
    copy.external_attr, copy.flag_bits = info.external_attr, info.flag_bits & ~0x08
    copy.header_offset = target.fp.tell()
    target.fp.write(copy.FileHeader(zip64=copy.file_size > zipfile.ZIP64_LIMIT))
    remaining = info.compress_size
    while remaining:
        block = source.fp.read(min(remaining, 1 << 20))
        target.fp.write(block)
        remaining -= len(block)
    target.filelist.append(copy)
    target.NameToInfo[copy.filename] = copy
    target.start_dir = target.fp.tell()


def _copy_into(package: zipfile.ZipFile, info: zipfile.ZipInfo, source: IO[bytes]) -> None:
    source.seek(0)
    with package.open(info, "w", force_zip64=True) as target:
        shutil.copyfileobj(source, target, 1 << 20)


KeptReader = Callable[[Sequence[int]], dict[int, bytes]]  # kept files' bytes by id


@dataclass
class _Pages:
    """One part's pages of the combined PDF, as `_take` left them in the scratch folder."""

    segment: Path | None = None
    manifest: dict[str, Any] | None = None
    slices: list[Path] = field(default_factory=list)
    read_kept: KeptReader | None = None  # the kept runs' bytes


def _take(
    part: zipfile.ZipFile,
    liasse: zipfile.ZipFile,
    index: IO[bytes],
    folder: Path,
    read_kept: KeptReader | None = None,
) -> _Pages:
    """Move one part into the liasse; its pages of the combined PDF go to `folder`; the kept
    documents its list of entries names are read with `read_kept`."""
    pages = _Pages(read_kept=read_kept)
    listed = ENTRIES_PART in part.NameToInfo
    if listed:
        _take_listed(part, liasse, read_kept)
    for info in part.infolist():
        if info.filename == ENTRIES_PART or (listed and not info.filename.startswith("_")):
            continue  # the sheets' entries, taken in the list's order
        if liasse_documents.is_documents_part(info.filename):
            continue  # its pieces of the documents, put together after the combined PDF
        if info.filename == INDEX_PART:
            index.write(part.read(info))
        elif info.filename == MANIFEST_PART:
            pages.manifest = json.loads(part.read(info))
        elif info.filename == SEGMENT_PART or info.filename.startswith(SLICE_PREFIX):
            target = folder / f"{len(list(folder.iterdir())):06d}.pdf"
            with part.open(info) as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out, 1 << 20)
            if info.filename == SEGMENT_PART:
                pages.segment = target
            else:
                pages.slices.append(target)
        else:
            _raw_copy(part, info, liasse)
    return pages


def _take_listed(
    part: zipfile.ZipFile, liasse: zipfile.ZipFile, read_kept: KeptReader | None
) -> None:
    """A part's sheet entries in the order of its list: copied from the part, or written from
    the kept files it names."""
    listed = json.loads(part.read(ENTRIES_PART))
    if read_kept is None:
        raise ValueError("a part naming kept files needs a reader of them")
    kept = read_kept([file_id for _, file_id, _, _ in listed if file_id is not None])
    for name, file_id, _, _ in listed:
        if file_id is None:
            _raw_copy(part, part.getinfo(name), liasse)
        else:
            liasse.writestr(_stored(name), kept[file_id])


def write_combined(parts: Sequence[_Pages], out: IO[bytes]) -> None:
    """The combined PDF: the parts' runs copied one after the other when every part has
    them (no PDF is parsed), else every part's pages appended by `PdfAppender` (bounded
    memory)."""
    if all(p.segment is not None and p.manifest is not None and not p.slices for p in parts):
        pdf_segments.write_combined(out, (run for part in parts for run in _runs(part)))
        return
    appender = PdfAppender(out)
    for part in parts:
        for pdf in _pdfs_of(part):
            appender.append(pdf)
            gc.collect()  # a pypdf reader is a web of cycles: free it before the next one
    appender.close()


def _runs(part: _Pages) -> Iterator[tuple[IO[bytes], dict[str, Any]]]:
    """The part's runs, each as its bytes and manifest: read from the part's segment, or the
    kept file a run names."""
    assert part.segment is not None and part.manifest is not None
    runs = runs_of(part.manifest)
    kept_ids = [run["file"] for run in runs if run["file"] is not None]
    if kept_ids and part.read_kept is None:
        raise ValueError("a part naming kept runs needs a reader of them")
    kept = part.read_kept(kept_ids) if part.read_kept is not None and kept_ids else {}
    with open(part.segment, "rb") as segment:
        for run in runs:
            if run["file"] is not None:
                yield io.BytesIO(kept[run["file"]]), run
                continue
            segment.seek(run["offset"])
            yield io.BytesIO(segment.read(run["size"])), run


def _pdfs_of(part: _Pages) -> Iterator[bytes]:
    if part.segment is not None and part.manifest is not None:
        out = io.BytesIO()
        pdf_segments.write_combined(out, _runs(part))
        yield out.getvalue()
    for path in part.slices:
        yield path.read_bytes()


def add_file(
    package: zipfile.ZipFile, name: str, source: IO[bytes], compress: int, level: int | None = None
) -> None:
    """Copy a file into the ZIP as one entry dated like the liasse's (streamed), deflated at
    `level` (zlib's default when None)."""
    info = zipfile.ZipInfo(name, FIXED_DATE)
    info.compress_type, info.external_attr = compress, 0o644 << 16
    info._compresslevel = level  # type: ignore[attr-defined]  # `compress_level` from 3.13
    _copy_into(package, info, source)


def _piece_reader(parts: Sequence[Path]) -> Callable[[liasse_documents.Piece], IO[bytes]]:
    def read(piece: liasse_documents.Piece) -> IO[bytes]:
        return open(parts[piece.source], "rb")  # write_entry closes it

    return read


def stitch(
    parts: Sequence[Path],
    out: Path,
    combined_name: str,
    tail: Sequence[Path] = (),
    read_kept: KeptReader | None = None,
    frame: liasse_documents.Frame | None = None,
) -> None:
    """The final liasse: every part's entries in order, index.csv, the combined PDF, the Akoma
    Ntoso and liasse XML the parts hold pieces of (with the glue `frame` gives), then the
    entries of the `tail` parts (the amended text; the documents, in an export planned before
    the chunks wrote them); the kept documents the parts name are read with `read_kept`."""
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_STORED, allowZip64=True) as liasse,
        tempfile.SpooledTemporaryFile(1 << 20) as index,
        tempfile.TemporaryDirectory(dir=out.parent) as folder,
    ):
        index.write(csv_text([INDEX_HEADER]).encode("utf-8-sig"))
        pages = Path(folder) / "pages"
        pages.mkdir()
        taken, documents = [], []
        for number, path in enumerate(parts):
            with zipfile.ZipFile(path) as part:
                taken.append(_take(part, liasse, index, pages, read_kept))
                assert part.fp is not None
                documents.append(liasse_documents.part_documents(part, part.fp, number))
        index_info = zipfile.ZipInfo("index.csv", FIXED_DATE)
        index_info.compress_type, index_info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
        index_info._compresslevel = INDEX_LEVEL  # type: ignore[attr-defined]
        _copy_into(liasse, index_info, index)
        if any(p.segment is not None or p.slices for p in taken):
            with liasse.open(_stored(combined_name), "w", force_zip64=True) as target:
                write_combined([p for p in taken if p.segment or p.slices], target)
        for entry in liasse_documents.compose(frame, documents):
            liasse_documents.write_entry(liasse, entry, _piece_reader(parts))
        for path in tail:
            with zipfile.ZipFile(path) as part:
                for info in part.infolist():
                    _raw_copy(part, info, liasse)
