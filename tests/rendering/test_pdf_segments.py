"""The combined PDF assembled from chunk segments: no PDF parsed at assembly, a valid document
whose pages keep their order; a segment that outgrows its numbers is rewound, never corrupted."""

from __future__ import annotations

import io

import pikepdf
import pytest
from pypdf import PdfReader

from drafting.rendering import pdf_segments
from drafting.rendering.pdf import render_pdf, render_pdf_batch
from drafting.rendering.sheet import AmendmentSheet
from tests.rendering.test_sheet import flat, in_order, make_sheet


@pytest.fixture(autouse=True)
def _clean() -> None:
    """Rendering is pure: no app and no database."""


def sheets(count: int, first: int = 1) -> list[AmendmentSheet]:
    return [
        make_sheet(number=str(n), content_hash=f"{n:064x}") for n in range(first, first + count)
    ]


def segment(pdfs: list[bytes], start: int, count: int) -> tuple[io.BytesIO, dict]:
    out = io.BytesIO()
    writer = pdf_segments.PdfSegment(out, *pdf_segments.number_range(start, count))
    for pdf in pdfs:
        writer.append(pdf)
    out.seek(0)
    return out, writer.manifest()


def check(data: bytes) -> PdfReader:
    with pikepdf.open(io.BytesIO(data)) as document:
        assert document.check_pdf_syntax() == []  # qpdf finds nothing wrong
        assert document.get_warnings() == []  # the cross-reference table was read as is
    return PdfReader(io.BytesIO(data), strict=True)


def test_segments_copied_behind_one_header_make_one_valid_pdf_in_order():
    first, second = sheets(3), sheets(2, first=4)
    parts = [
        segment([render_pdf_batch(first[:2]), render_pdf(first[2])], 0, 3),
        segment([render_pdf_batch(second)], 3, 2),
    ]
    out = io.BytesIO()
    pdf_segments.write_combined(out, parts)
    reader = check(out.getvalue())
    text = flat("\n".join(page.extract_text() for page in reader.pages))
    assert len(reader.pages) == 5
    assert in_order(text, *[f"N° {n}" for n in range(1, 6)])


def test_each_chunk_numbers_its_objects_in_its_own_range():
    pdfs = [render_pdf_batch(sheets(2))]
    _, low = segment(pdfs, 0, 2)
    _, high = segment(pdfs, 2, 2)
    assert low["first"] + len(low["offsets"]) <= high["first"]
    assert all(low["first"] <= kid < high["first"] for kid in low["kids"])


def test_a_full_segment_refuses_the_pdf():
    """A slice whose objects outgrow its numbers: its chunk keeps stand-alone slices."""
    pdfs = [render_pdf(sheet) for sheet in sheets(2)]
    writer = pdf_segments.PdfSegment(io.BytesIO(), 4, 4 + 30)  # one sheet's objects, not two
    writer.append(pdfs[0])
    with pytest.raises(pdf_segments.SegmentFull):
        writer.append(pdfs[1])
