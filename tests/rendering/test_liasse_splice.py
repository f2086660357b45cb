"""The liasse spliced from its parts: the CRC-32 of a concatenation, the pieces' layout."""

from __future__ import annotations

import io
import os
import zipfile
import zlib

import pytest

from drafting.rendering import liasse_splice
from drafting.rendering.liasse_splice import GLUE, Splice, crc32_combine


@pytest.mark.parametrize("second", [0, 1, 3, 1000, (1 << 20) + 7])
def test_crc32_combine_gives_the_crc_of_the_concatenation(second):
    first, then = os.urandom(1234), os.urandom(second)
    combined = crc32_combine(zlib.crc32(first), zlib.crc32(then), len(then))
    assert combined == zlib.crc32(first + then)


def test_the_splice_writes_new_bytes_and_references_the_others():
    glue = io.BytesIO()
    out = Splice(glue)
    out.write(b"head")
    out.write(b"er")
    out.reference(3, 100, 50)
    out.reference(4, 0, 0)  # nothing: no piece
    out.write(b"tail")
    assert out.pieces == [(GLUE, 0, 6), (3, 100, 50), (GLUE, 6, 4)]
    assert (out.tell(), glue.getvalue()) == (60, b"headertail")


def _part(entries: dict[str, bytes], own: dict[str, bytes]) -> bytes:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_STORED) as part:
        for name, content in [*entries.items(), *own.items()]:
            part.writestr(name, content)
    return data.getvalue()


def _opener(data: bytes):
    return lambda: io.BytesIO(data)


def _assembled(pieces, glue: bytes, sources: list[bytes]) -> bytes:
    return b"".join(
        (glue if source == GLUE else sources[source])[offset : offset + length]
        for source, offset, length in pieces
    )


def test_a_part_that_kept_slices_is_not_spliced():
    slices = _part({"0001_a.docx": b"a"}, {"_combined-0000.pdf": b"%PDF"})
    assert liasse_splice.splice([_opener(slices)], [], io.BytesIO(), "L.pdf") is None


def test_the_spliced_zip_holds_the_parts_entries_then_index_then_the_tail():
    first = _part({"0001_a.docx": b"a" * 40, "0001_a.pdf": b"p"}, {"_index.csv": b"r1\r\n"})
    second = _part({"0002_b.docx": b"b" * 30}, {"_index.csv": b"r2\r\n"})
    tail = _part({"liasse.xml": b"<liasse/>"}, {})
    glue = io.BytesIO()
    parts = [_opener(first), _opener(second)]
    pieces = liasse_splice.splice(parts, [_opener(tail)], glue, "L.pdf")
    assert pieces is not None
    assert [p[0] for p in pieces if p[0] != GLUE] == [0, 1, 2]  # each region once, in order
    whole = _assembled(pieces, glue.getvalue(), [first, second, tail])
    with zipfile.ZipFile(io.BytesIO(whole)) as liasse:
        assert liasse.testzip() is None
        names = liasse.namelist()
        assert names == ["0001_a.docx", "0001_a.pdf", "0002_b.docx", "index.csv", "liasse.xml"]
        assert liasse.read("0002_b.docx") == b"b" * 30
        assert liasse.read("index.csv").decode("utf-8-sig").endswith("r1\r\nr2\r\n")
    assert len(glue.getvalue()) < len(whole) - 70  # the entries' bytes were not copied


def _segment(first: int, pdf: bytes) -> tuple[bytes, dict]:
    from drafting.rendering import pdf_segments

    out = io.BytesIO()
    segment = pdf_segments.PdfSegment(out, first, first + 64)
    segment.append(pdf)
    return out.getvalue(), segment.manifest()


def _one_page_pdf(text: bytes) -> bytes:
    from drafting.rendering.liasse import PdfAppender

    pikepdf = pytest.importorskip("pikepdf")
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.docinfo["/Title"] = text.decode()
        data = io.BytesIO()
        pdf.save(data)
    out = io.BytesIO()
    appender = PdfAppender(out)  # a simple PDF, as the engine writes them
    appender.append(data.getvalue())
    appender.close()
    return out.getvalue()


def test_the_combined_pdf_is_made_of_runs_in_parts_kept_runs_and_older_parts_segments():
    """A part written before runs (one segment, its manifest as the segment's), a part whose
    runs lie in its segment, and a kept run it names: one combined PDF, every page in order,
    no object read."""
    import json

    from drafting.rendering import pdf_segments
    from drafting.rendering.liasse_parts import MANIFEST_PART, SEGMENT_PART

    older, older_manifest = _segment(4, _one_page_pdf(b"a"))
    own, own_manifest = _segment(4 + 64, _one_page_pdf(b"b"))  # a sheet's 64 numbers later
    kept, kept_manifest = _segment(4 + 128, _one_page_pdf(b"c"))
    first = _part({}, {SEGMENT_PART: older, MANIFEST_PART: json.dumps(older_manifest).encode()})
    runs = [
        {"file": None, "offset": 0, "crc": zlib.crc32(own)} | own_manifest,
        {"file": 77, "crc": zlib.crc32(kept)} | kept_manifest,
    ]
    second = _part({}, {SEGMENT_PART: own, MANIFEST_PART: json.dumps({"runs": runs}).encode()})
    glue = io.BytesIO()
    pieces = liasse_splice.splice([_opener(first), _opener(second)], [], glue, "L.pdf")
    assert pieces is not None
    sources = {0: first, 1: second, liasse_splice.KeptFile(77): kept, GLUE: glue.getvalue()}
    whole = b"".join(sources[s][o : o + n] for s, o, n in pieces)
    with zipfile.ZipFile(io.BytesIO(whole)) as liasse:
        assert liasse.testzip() is None
        combined = liasse.read("L.pdf")
    expected = io.BytesIO()
    pdf_segments.write_combined(
        expected,
        [
            (io.BytesIO(older), older_manifest),
            (io.BytesIO(own), own_manifest),
            (io.BytesIO(kept), kept_manifest),
        ],
    )
    assert combined == expected.getvalue()
    pikepdf = pytest.importorskip("pikepdf")
    with pikepdf.open(io.BytesIO(combined)) as pdf:
        assert pdf.check_pdf_syntax() == [] and len(pdf.pages) == 3
