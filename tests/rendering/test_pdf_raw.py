"""Simple PDFs copied as bytes: references renumbered, everything else kept, the rest refused."""

from __future__ import annotations

import io
import zlib

import pikepdf
import pytest
from pypdf import PdfReader

from drafting.rendering import liasse_parts, pdf_raw, typst_pages
from drafting.rendering.liasse import PdfAppender
from drafting.rendering.pdf import document_data
from tests.rendering.test_typst_pages import _sheet


def build(objects: dict[int, bytes], root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """A PDF with a classic cross-reference table of these object bodies."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = {}
    for number, body in sorted(objects.items()):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    size = max(objects) + 1
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f\r\n" % size
    for number in range(1, size):
        if number in offsets:
            out += b"%010d 00000 n\r\n" % offsets[number]
        else:
            out += b"0000000000 00000 f\r\n"
    out += b"trailer\n<</Size %d/Root %d 0 R%s>>\n" % (size, root, trailer_extra)
    out += b"startxref\n%d\n%%%%EOF" % start
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<</Length %d%s>>\nstream\n%s\nendstream" % (len(data), extra, data)


def two_pages(content: bytes = b"BT /F1 12 Tf 10 10 Td (Bonjour) Tj ET") -> dict[int, bytes]:
    return {
        1: b"<</Type/Catalog/Pages 2 0 R>>",
        2: b"<</Type/Pages/Count 2/Kids[3 0 R 4 0 R]>>",
        3: b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 300]/Resources 5 0 R/Contents 6 0 R"
        b"/StructParents 0>>",
        4: b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 300]/Resources 5 0 R/Contents 7 0 R>>",
        5: b"<</Font<</F1 8 0 R>>>>",
        6: stream(content),
        7: stream(b"BT /F1 12 Tf 10 10 Td (Second) Tj ET"),
        8: b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    }


def appended(*pdfs: bytes) -> bytes:
    out = io.BytesIO()
    appender = PdfAppender(out)
    for pdf in pdfs:
        appender.append(pdf)
    appender.close()
    return out.getvalue()


def test_a_simple_pdf_is_read_as_objects_and_pages():
    raw = pdf_raw.RawPdf(build(two_pages()))
    assert raw.pages == [3, 4]
    assert raw.closure([4]) == [4, 5, 8, 7]  # depth first, the page tree not followed


def test_copying_renumbers_references_and_nothing_else():
    content = b"BT (a 1 0 R string (nested 2 0 R) endobj \\) stream) Tj ET"
    objects = two_pages(content)
    objects[8] = b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica/Comment(9 0 R endobj)>>"
    raw = pdf_raw.RawPdf(build(objects))
    numbers = {old: old + 100 for old in raw.objects}
    page = raw.body(3, numbers.__getitem__, parent=2)
    assert page == (
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 300]/Resources 105 0 R/Contents 106 0 R>>"
    )
    assert raw.body(8, numbers.__getitem__, None).endswith(b"/Comment(9 0 R endobj)>>")
    assert raw.body(6, numbers.__getitem__, None).endswith(b"stream\n" + content + b"\nendstream")


def test_the_appender_copies_simple_pdfs_as_they_are():
    merged = appended(build(two_pages()), build(two_pages(b"BT /F1 9 Tf (Troisieme) Tj ET")))
    reader = PdfReader(io.BytesIO(merged), strict=True)
    assert len(reader.pages) == 4
    assert [p.extract_text() for p in reader.pages] == ["Bonjour", "Second", "Troisieme", "Second"]
    assert b"/StructParents" not in merged
    with pikepdf.open(io.BytesIO(merged)) as document:
        assert document.check_pdf_syntax() == []


def test_a_stream_holding_pdf_keywords_is_copied_whole():
    binary = zlib.compress(b"endobj 4 0 R endstream (") + b"\nendobj\n3 0 R"
    objects = two_pages()
    objects[7] = stream(binary, b"/Filter/FlateDecode")
    raw = pdf_raw.RawPdf(build(objects))
    assert raw.objects[7].stream == binary
    assert raw.objects[7].refs == ()


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({2: b"<</Type/Pages/Count 2/Kids[3 0 R 4 0 R]/MediaBox[0 0 9 9]>>"}, "inherited"),
        ({2: b"<</Type/Pages/Count 1/Kids[9 0 R]>>", 9: b"<</Type/Pages/Kids[3 0 R]>>"}, "nested"),
        ({7: b"<</Length 9 0 R>>\nstream\nabc\nendstream", 9: b"3"}, "indirect"),
        ({7: b"<</Length 99>>\nstream\nabc\nendstream"}, "length"),
        ({5: b"<</Font<</F1 8 1 R>>>>"}, "generation"),
    ],
)
def test_what_is_not_simple_is_refused(change, reason):
    with pytest.raises(pdf_raw.NotSimple):
        pdf_raw.RawPdf(build(two_pages() | change))


def test_incremental_updates_are_refused():
    with pytest.raises(pdf_raw.NotSimple):
        pdf_raw.RawPdf(build(two_pages(), trailer_extra=b"/Prev 12"))


def test_a_page_linking_to_another_page_is_not_cut_out():
    objects = two_pages()
    objects[4] = objects[4].replace(b"/Contents", b"/Annots[9 0 R]/Contents")
    objects[9] = b"<</Type/Annot/Subtype/Link/Rect[0 0 1 1]/Dest[3 0 R/Fit]>>"
    raw = pdf_raw.RawPdf(build(objects))
    with pytest.raises(pdf_raw.NotSimple):
        raw.closure([4])


def test_pdfs_that_are_not_simple_still_append_through_pypdf():
    source = io.BytesIO()
    with pikepdf.open(io.BytesIO(build(two_pages()))) as document:
        document.save(source, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    with pytest.raises(pdf_raw.NotSimple):
        pdf_raw.RawPdf(source.getvalue())
    reader = PdfReader(io.BytesIO(appended(source.getvalue())), strict=True)
    assert [p.extract_text() for p in reader.pages] == ["Bonjour", "Second"]


def test_each_sheet_is_cut_out_of_its_slice_with_its_properties():
    sheets = [_sheet(1), _sheet(2, "Long. " * 900), _sheet(3)]
    combined, counts = typst_pages.render_batch_pages(sheets)
    assert pdf_raw.RawPdf(combined).pages  # the engine's PDFs are simple
    documents = liasse_parts.split_pdf(combined, counts, sheets)
    assert len(documents) == 3
    for sheet, count, document in zip(sheets, counts, documents, strict=True):
        with pikepdf.open(io.BytesIO(document)) as pdf:
            assert len(pdf.pages) == count
            assert pdf.check_pdf_syntax() == []
            assert str(pdf.docinfo["/Title"]) == document_data([sheet])["title"]
        text = PdfReader(io.BytesIO(document)).pages[0].extract_text()
        assert f"N°\xa0{sheet.number}\n" in text
    assert counts[1] > 1
    assert len(documents[1]) > len(documents[0])


def test_runs_of_pages_of_two_pdfs_interleave_with_each_pdfs_objects_copied_once():
    first = pdf_raw.RawPdf(build(two_pages(b"BT /F1 12 Tf 10 10 Td (Premier) Tj ET")))
    other = pdf_raw.RawPdf(build(two_pages(b"BT /F1 12 Tf 10 10 Td (Autre) Tj ET")))
    out = io.BytesIO()
    appender = PdfAppender(out)
    appender.append_runs([(first, range(0, 1)), (other, range(0, 2)), (first, range(1, 2))])
    appender.close()
    reader = PdfReader(io.BytesIO(out.getvalue()))
    texts = [page.extract_text() for page in reader.pages]
    assert texts == ["Premier", "Autre", "Second", "Second"]
    fonts = out.getvalue().count(b"/BaseFont/Helvetica")
    assert fonts == 2  # one font object per PDF, shared by its runs
    assert pdf_raw.page_count(out.getvalue()) == 4


def test_the_page_count_is_read_only_from_the_pdfs_the_appender_writes():
    assert pdf_raw.page_count(appended(build(two_pages()))) == 2
    assert pdf_raw.page_count(build(two_pages())) is None  # another writer's page tree
    with pytest.raises(pdf_raw.NotSimple):
        PdfAppender(io.BytesIO()).append_runs(
            [(pdf_raw.RawPdf(build(two_pages() | {3: two_pages()[3] + b" 4 0 R"})), [0])]
        )
