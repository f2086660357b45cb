"""The liasse's XML documents made of its chunks' deflated pieces: once inflated, the bytes the
writers write in one go, each entry's CRC-32 combined right, the empty liasse included."""

from __future__ import annotations

import io
import zipfile
import zlib

import pytest

from drafting.rendering import akn, liasse_documents, liasse_xml
from tests.rendering.test_akn import DRAFT, FILED, TEXT, TODAY
from tests.rendering.test_liasse_xml import FILED as XML_FILED
from tests.rendering.test_liasse_xml import READY as XML_READY
from tests.rendering.test_liasse_xml import TEXT as XML_TEXT

FRAME = liasse_documents.Frame(TEXT, TODAY, level=3)


def _slice(first: int, listed, documents) -> liasse_documents.SlicePieces:
    titled = [(akn.list_title(i), akn.list_fragment(i, TEXT, TODAY)) for i in listed]
    written = [liasse_xml.document_fragment(i, XML_TEXT) for i in documents]
    return liasse_documents.slice_pieces(first, titled, written, level=3)


def _part(first: int, *slices) -> bytes:
    """A chunk's part holding only its pieces of the documents, made of these slices
    ((listed, documents) each), the second one kept and read back."""
    pieces = liasse_documents.ChunkDocuments(first)
    for number, (listed, documents) in enumerate(slices):
        made = _slice(pieces.next_first, listed, documents)
        if number == 1:
            made = liasse_documents.SlicePieces.from_bytes(made.to_bytes())
        pieces.add(made)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as part:
        part.writestr("0001_a.docx", b"a sheet first, as in a part")
        pieces.write_into(part)
    return out.getvalue()


def _liasse(parts: list[bytes]) -> zipfile.ZipFile:
    """The documents' entries put together from the parts, as the stitched liasse copies them."""
    found = []
    for number, data in enumerate(parts):
        with zipfile.ZipFile(io.BytesIO(data)) as part:
            found.append(liasse_documents.part_documents(part, io.BytesIO(data), number))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as liasse:
        for entry in liasse_documents.compose(FRAME, found):
            liasse_documents.write_entry(liasse, entry, lambda p: io.BytesIO(parts[p.source]))
    return zipfile.ZipFile(io.BytesIO(out.getvalue()))


def _whole(listed, documents) -> dict[str, bytes]:
    listing, xml = io.BytesIO(), io.BytesIO()
    writer = akn.AmendmentListWriter(listing, TEXT, TODAY)
    for item in listed:
        writer.add(item)
    writer.close()
    other = liasse_xml.LiasseXmlWriter(xml, XML_TEXT)
    for item in documents:
        other.add(item)
    other.close()
    return {"liasse.akn.xml": listing.getvalue(), "liasse.xml": xml.getvalue()}


def _ends_its_stream(liasse: zipfile.ZipFile, name: str) -> bool:
    """The entry's deflate stream ends with a final block (Python's zipfile reads one that
    does not; other tools may not)."""
    info = liasse.getinfo(name)
    assert liasse.fp is not None
    liasse.fp.seek(info.header_offset + 26)
    skip = int.from_bytes(liasse.fp.read(2), "little") + int.from_bytes(liasse.fp.read(2), "little")
    liasse.fp.seek(skip, io.SEEK_CUR)
    inflate = zlib.decompressobj(-15)
    inflate.decompress(liasse.fp.read(info.compress_size))
    return inflate.eof and not inflate.unused_data


def test_the_pieces_of_two_chunks_make_the_documents_the_writers_write():
    parts = [
        _part(0, ([FILED, DRAFT], [XML_FILED]), ([], []), ([DRAFT], [XML_READY])),
        _part(3, ([FILED], [XML_READY, XML_FILED])),
    ]
    liasse = _liasse(parts)
    assert liasse.testzip() is None  # each entry's CRC-32, combined from its pieces', holds
    assert {n: liasse.read(n) for n in liasse.namelist()} == _whole(
        [FILED, DRAFT, DRAFT, FILED], [XML_FILED, XML_READY, XML_READY, XML_FILED]
    )
    assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in liasse.infolist())
    assert all(_ends_its_stream(liasse, name) for name in liasse.namelist())


def test_an_empty_liasse_says_so_in_its_documents():
    liasse = _liasse([_part(0, ([], []))])
    assert liasse.testzip() is None
    assert {n: liasse.read(n) for n in liasse.namelist()} == _whole([], [])
    assert b"Aucun amendement." in liasse.read("liasse.akn.xml")
    assert all(_ends_its_stream(liasse, name) for name in liasse.namelist())


def test_a_kept_slice_is_read_back_as_written_or_refused():
    made = _slice(4, [FILED, DRAFT], [XML_FILED])
    assert liasse_documents.SlicePieces.from_bytes(made.to_bytes()) == made
    with pytest.raises(ValueError):
        liasse_documents.SlicePieces.from_bytes(made.to_bytes()[:-3])  # cut short


def test_parts_with_and_without_pieces_are_not_put_together():
    assert liasse_documents.compose(FRAME, [None, None]) == []  # planned before: a job of theirs
    pieces = liasse_documents.PartDocuments(0, {})
    with pytest.raises(ValueError):
        liasse_documents.compose(FRAME, [pieces, None])
    with pytest.raises(ValueError):
        liasse_documents.compose(None, [pieces])
