"""The chunked liasse (no database): each chunk writes a part, the assembly stitches the parts.

The parts use the liasse's own vocabulary (`drafting.rendering.liasse`: ranked names, index rows,
fixed entry dates), so the stitched ZIP is the one `write_liasse` writes for the
same sheets. A part is an internal ZIP: the chunk's DOCX and PDF entries under their final
ranked names (stored, later copied as raw bytes), `_index.csv` (its rows) and `_combined-NNNN.pdf`
slices of the combined PDF (at most COMBINED_SLICE sheets each: the PDF engine's memory grows
with the pages of one compilation). Stitching copies the entries, writes index.csv and appends
the slices' pages to the one combined PDF (qpdf), streaming through temporary files.
"""

from __future__ import annotations

import csv
import io
import logging
import shutil
import struct
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any, Protocol

from drafting.rendering import typst_pages
from drafting.rendering.liasse import (
    FIXED_DATE,
    INDEX_HEADER,
    index_row,
    ranked_name,
)

COMBINED_SLICE = 50
log = logging.getLogger(__name__)
INDEX_PART, SLICE_PREFIX = "_index.csv", "_combined-"


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


def split_pdf(data: bytes, counts: Sequence[int], sheets: Sequence[Any]) -> list[bytes]:
    """Cut a PDF into consecutive documents of `counts` pages, titled after their sheet."""
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


def _csv(rows: Iterable[Iterable[str]]) -> str:
    text = io.StringIO()
    csv.writer(text, delimiter=";", lineterminator="\r\n").writerows(rows)
    return text.getvalue()


class RenderedSheets(Protocol):
    """Where rendered sheets are kept between exports (services/documents/reuse.py)."""

    def lookup(self, sheets: Sequence[Any]) -> list[tuple[bytes, bytes] | None]:
        """Each sheet's kept (DOCX, PDF), or None."""
        ...

    def store(self, sheets: Sequence[Any], documents: Sequence[tuple[bytes, bytes]]) -> None:
        """Keep these sheets' new (DOCX, PDF)."""
        ...


def merge_pdf_bytes(documents: Sequence[bytes]) -> bytes:
    """One PDF of these PDFs' pages, in order (a slice composed of kept sheets)."""
    import pikepdf

    with ExitStack() as sources, pikepdf.Pdf.new() as merged:
        for data in documents:
            merged.pages.extend(sources.enter_context(pikepdf.open(io.BytesIO(data))).pages)
        out = io.BytesIO()
        merged.save(out, deterministic_id=True)
    return out.getvalue()


def rendered_slice(
    batch: Sequence[Any], kept: RenderedSheets | None
) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """A slice's combined PDF and each sheet's (DOCX, PDF): the kept ones reused, the others
    rendered (in one compilation) and kept. A slice with kept sheets has its combined PDF
    composed of the sheets' PDFs instead of being compiled again."""
    from drafting.rendering.docx import render_docx

    found = kept.lookup(batch) if kept is not None else [None] * len(batch)
    missing = [sheet for sheet, entry in zip(batch, found, strict=True) if entry is None]
    if not missing:
        documents = [entry for entry in found if entry is not None]
        return merge_pdf_bytes([pdf for _, pdf in documents]), documents
    combined, pdfs = sheet_pdfs(missing)
    fresh = [(render_docx(sheet), pdf) for sheet, pdf in zip(missing, pdfs, strict=True)]
    if kept is not None:
        kept.store(missing, fresh)
    if len(missing) == len(batch):
        return combined, fresh
    new = iter(fresh)
    documents = [entry if entry is not None else next(new) for entry in found]
    return merge_pdf_bytes([pdf for _, pdf in documents]), documents


def write_part(
    sheets: Iterable[Any], path: Path, start: int, kept: RenderedSheets | None = None
) -> int:
    """Render sheets ranked from `start + 1` into a part ZIP at `path`; returns how many.

    With `kept`, sheets rendered by an earlier export are reused rather than rendered again.
    """
    rank, rows = start, []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED, allowZip64=True) as part:
        for number, batch in enumerate(_slices(sheets)):
            combined, documents = rendered_slice(batch, kept)
            for sheet, (docx, pdf) in zip(batch, documents, strict=True):
                rank += 1
                part.writestr(_stored(ranked_name(sheet, rank, "docx")), docx)
                part.writestr(_stored(ranked_name(sheet, rank, "pdf")), pdf)
                rows.append(index_row(sheet, rank))
            part.writestr(_stored(f"{SLICE_PREFIX}{number:04d}.pdf"), combined)
        part.writestr(INDEX_PART, _csv(rows), zipfile.ZIP_DEFLATED)
    return rank - start


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


def _take(part: zipfile.ZipFile, liasse: zipfile.ZipFile, index: IO[bytes], folder: Path) -> None:
    """Move one part into the liasse; its combined-PDF slices go to `folder` for the merge."""
    for info in part.infolist():
        if info.filename == INDEX_PART:
            index.write(part.read(info))
        elif info.filename.startswith(SLICE_PREFIX):
            target = folder / f"{len(list(folder.iterdir())):06d}.pdf"
            with part.open(info) as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out, 1 << 20)
        else:
            _raw_copy(part, info, liasse)


def merge_pdfs(paths: Sequence[Path], target: Path) -> None:
    """Concatenate PDFs page by page with qpdf (pikepdf): ≈4x less CPU than pypdf here."""
    import pikepdf

    with ExitStack() as sources, pikepdf.Pdf.new() as merged:
        for path in paths:  # qpdf reads the sources' streams when saving: keep them open
            merged.pages.extend(sources.enter_context(pikepdf.open(path)).pages)
        merged.docinfo["/Title"] = "Liasse"
        merged.save(target, deterministic_id=True)


def stitch(
    parts: Sequence[Path],
    out: Path,
    combined_name: str,
    extra: Sequence[tuple[str, bytes]] = (),
) -> None:
    """The final liasse: every part's entries in order, index.csv, the combined PDF, then the
    `extra` documents (the Akoma Ntoso and liasse XML of the same amendments)."""
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_STORED, allowZip64=True) as liasse,
        tempfile.SpooledTemporaryFile(1 << 20) as index,
        tempfile.TemporaryDirectory(dir=out.parent) as folder,
    ):
        index.write(_csv([INDEX_HEADER]).encode("utf-8-sig"))
        slices = Path(folder) / "slices"
        slices.mkdir()
        for path in parts:
            with zipfile.ZipFile(path) as part:
                _take(part, liasse, index, slices)
        index_info = zipfile.ZipInfo("index.csv", FIXED_DATE)
        index_info.compress_type, index_info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
        _copy_into(liasse, index_info, index)
        pdfs = sorted(slices.iterdir())
        if pdfs:
            combined = Path(folder) / "combined.pdf"
            merge_pdfs(pdfs, combined)
            with open(combined, "rb") as source:
                _copy_into(liasse, _stored(combined_name), source)
        for name, data in extra:
            info = zipfile.ZipInfo(name, FIXED_DATE)
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            liasse.writestr(info, data)
