"""The liasse's Akoma Ntoso and liasse XML, written by its chunks and put together by its
assembly (no database).

A chunk has its amendments loaded to render their sheets: it also writes their elements of
the two documents, as three pieces in its part — the Akoma Ntoso list's references, its
components, the liasse XML's amendments — each a raw deflate stream ended by a sync flush
(byte-aligned, not final): streams deflated apart and put one after the other are one deflate
stream. Its `_documents.json` gives each piece's CRC-32 and size once inflated, and how many
amendments it lists. The assembly writes the documents' glue — the list's head (which counts
every amendment of the liasse), the XML's head, each document's end, deflated the same way,
the last one as the stream's final block — and references the pieces where they lie in the
parts (`liasse_splice`), or copies them (`liasse_parts.stitch`). Each entry's CRC-32 is
combined from its pieces'. The bytes, once inflated, are those `AmendmentListWriter` and
`LiasseXmlWriter` write for the same amendments.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import IO, NamedTuple

from drafting.rendering import akn, liasse_xml
from drafting.rendering.akn import AknText
from drafting.rendering.crc import crc32_combine
from drafting.rendering.liasse import FIXED_DATE

AKN_NAME, XML_NAME = "liasse.akn.xml", "liasse.xml"
DOCUMENTS_PART = "_documents.json"
REFERENCES, COMPONENTS, AMENDMENTS = "akn-references", "akn-components", "xml-amendments"
_PIECE_PARTS = {name: f"_{name}.deflate" for name in (REFERENCES, COMPONENTS, AMENDMENTS)}
_FINAL_BLOCK = b"\x03\x00"  # an empty final block: the end of a deflate stream


class _Deflated:
    """A raw deflate stream written a piece at a time, with the CRC-32 and size of what it
    holds; ended by a sync flush (`piece`) or as a whole stream (`whole`)."""

    def __init__(self, level: int) -> None:
        self.out, self.crc, self.size = io.BytesIO(), 0, 0
        self.deflate = zlib.compressobj(level, zlib.DEFLATED, -15)

    def write(self, data: bytes) -> None:
        self.crc, self.size = zlib.crc32(data, self.crc), self.size + len(data)
        self.out.write(self.deflate.compress(data))

    def piece(self) -> bytes:
        """The stream so far, ended on a byte boundary, not final (others may follow)."""
        self.out.write(self.deflate.flush(zlib.Z_SYNC_FLUSH))
        return self.out.getvalue()


class SlicePieces(NamedTuple):
    """A slice of a chunk's amendments as the three pieces (by name: deflated bytes ended by
    a sync flush, the CRC-32 and size of what they inflate to), and how many amendments it
    lists. Kept between exports (`to_bytes`): a slice whose amendments did not change is not
    read, written nor deflated again."""

    listed: int
    pieces: dict[str, tuple[bytes, int, int]]

    def to_bytes(self) -> bytes:
        """The slice as one small file: a JSON line (count, each piece's CRC, size and
        deflated length), then the pieces' bytes."""
        noted = {name: [crc, size, len(data)] for name, (data, crc, size) in self.pieces.items()}
        head = json.dumps({"count": self.listed, "pieces": noted}).encode() + b"\n"
        return head + b"".join(self.pieces[name][0] for name in noted)

    @classmethod
    def from_bytes(cls, data: bytes) -> SlicePieces:
        """The slice `to_bytes` wrote."""
        line, _, rest = data.partition(b"\n")
        noted = json.loads(line)
        pieces, at = {}, 0
        for name, (crc, size, length) in noted["pieces"].items():
            pieces[name] = (rest[at : at + length], crc, size)
            at += length
        if at != len(rest) or set(pieces) != set(_PIECE_PARTS):
            raise ValueError("a kept slice of the documents does not hold its pieces")
        return cls(int(noted["count"]), pieces)


def slice_pieces(
    first: int, listed: Sequence[tuple[str, bytes]], documents: Sequence[bytes], level: int
) -> SlicePieces:
    """The pieces of a slice: its amendments in the list (title, element from
    `akn.list_fragment`), numbered from `first` + 1, and in the liasse XML (elements from
    `liasse_xml.document_fragment`), each piece deflated on its own at `level`."""
    deflated = {name: _Deflated(level) for name in _PIECE_PARTS}
    for index, (title, fragment) in enumerate(listed, start=first + 1):
        deflated[REFERENCES].write(akn.list_reference(index, title))
        deflated[COMPONENTS].write(akn.list_component(index, fragment))
    for fragment in documents:
        deflated[AMENDMENTS].write(fragment)
    return SlicePieces(
        len(listed), {name: (d.piece(), d.crc, d.size) for name, d in deflated.items()}
    )


@dataclass
class ChunkDocuments:
    """A chunk's pieces of the documents, made of its slices' in order; its amendments are
    numbered in the list from `first` + 1 (the chunk's first rank: the list's `cmp_` and
    `ref_` numbers follow the liasse's)."""

    first: int
    count: int = 0
    _pieces: dict[str, list[bytes]] = field(default_factory=dict)
    _sums: dict[str, tuple[int, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._pieces = {name: [] for name in _PIECE_PARTS}
        self._sums = dict.fromkeys(_PIECE_PARTS, (0, 0))

    @property
    def next_first(self) -> int:
        """The number the next slice's amendments follow in the list."""
        return self.first + self.count

    def add(self, pieces: SlicePieces) -> None:
        """The next slice (numbered from `next_first` + 1)."""
        self.count += pieces.listed
        for name, (data, crc, size) in pieces.pieces.items():
            total_crc, total_size = self._sums[name]
            self._sums[name] = crc32_combine(total_crc, crc, size), total_size + size
            self._pieces[name].append(data)

    def write_into(self, part: zipfile.ZipFile) -> None:
        """The pieces, stored (each a deflate stream ended by a sync flush, made of its
        slices'), and `_documents.json`."""
        noted: dict[str, object] = {"count": self.count}
        for name, slices in self._pieces.items():
            part.writestr(_stored(_PIECE_PARTS[name]), b"".join(slices))
            noted[name] = list(self._sums[name])
        part.writestr(DOCUMENTS_PART, json.dumps(noted), zipfile.ZIP_DEFLATED)


def is_documents_part(name: str) -> bool:
    """An entry of a part that holds its pieces of the documents."""
    return name == DOCUMENTS_PART or name in _PIECE_PARTS.values()


class Piece(NamedTuple):
    """A chunk's deflated piece, where it lies: its part (by position), the offset and length
    of its deflated bytes there, the CRC-32 and size of what they inflate to."""

    source: int
    offset: int
    length: int
    crc: int
    size: int


@dataclass(frozen=True)
class PartDocuments:
    """A part's pieces (by name) and how many amendments they list."""

    count: int
    pieces: dict[str, Piece]


def part_documents(part: zipfile.ZipFile, stream: IO[bytes], source: int) -> PartDocuments | None:
    """The part's pieces of the documents, or None when it has none (written by a chunk of an
    export planned before chunks wrote them: its documents are a part of their own)."""
    if DOCUMENTS_PART not in part.NameToInfo:
        return None
    noted = json.loads(part.read(DOCUMENTS_PART))
    pieces = {}
    for name, entry in _PIECE_PARTS.items():
        info = part.getinfo(entry)
        stream.seek(info.header_offset)
        name_length, extra_length = struct.unpack("<HH", stream.read(30)[26:30])
        offset = info.header_offset + 30 + name_length + extra_length
        crc, size = noted[name]
        pieces[name] = Piece(source, offset, info.compress_size, crc, size)
    return PartDocuments(int(noted["count"]), pieces)


@dataclass(frozen=True)
class Frame:
    """What the documents' glue prints: the text as the list names it, the list's day, and
    the deflate level of the glue."""

    text: AknText
    generated_on: date
    level: int


Item = bytes | Piece  # new bytes (deflated here), or a chunk's piece


class Composed(NamedTuple):
    """A document's entry: its deflated items in order (new bytes, or pieces), the CRC-32 and
    size of what they inflate to, and their deflated length."""

    name: str
    items: list[Item]
    crc: int
    size: int
    length: int


def compose(frame: Frame | None, parts: Sequence[PartDocuments | None]) -> list[Composed]:
    """The two documents' entries made of the parts' pieces, with the glue `frame` gives;
    none when no part has pieces. Every part has them or none does."""
    found = [p for p in parts if p is not None]
    if not found:
        return []
    if len(found) != len(parts):
        raise ValueError("some parts of the liasse hold their documents' pieces, others not")
    if frame is None:
        raise ValueError("the parts hold pieces of the documents: their frame is needed")
    count = sum(p.count for p in found)
    listing: list[Item] = [akn.list_head(frame.text, frame.generated_on, count)]
    listing += [p.pieces[REFERENCES] for p in found]
    listing.append(akn.list_middle(count))
    listing += [p.pieces[COMPONENTS] for p in found]
    listing.append(akn.list_end(count))
    amendments: list[Item] = [liasse_xml.HEAD, *(p.pieces[AMENDMENTS] for p in found)]
    amendments.append(liasse_xml.END)
    return [_composed(AKN_NAME, listing, frame.level), _composed(XML_NAME, amendments, frame.level)]


def _composed(name: str, raw: Sequence[Item], level: int) -> Composed:
    """The entry's items deflated (new bytes as pieces of their own, the last one ending the
    stream), its CRC-32 combined from theirs."""
    items: list[Item] = []
    crc = size = length = 0
    for number, item in enumerate(raw):
        if isinstance(item, Piece):
            crc, size = crc32_combine(crc, item.crc, item.size), size + item.size
            items.append(item)
            length += item.length
            continue
        deflated = _Deflated(level)
        deflated.write(item)
        data = deflated.piece() + (_FINAL_BLOCK if number == len(raw) - 1 else b"")
        crc, size = crc32_combine(crc, deflated.crc, deflated.size), size + deflated.size
        items.append(data)
        length += len(data)
    if not isinstance(items[-1], bytes):
        raise ValueError("a document ends with new bytes (its final block)")
    return Composed(name, items, crc, size, length)


def info_of(entry: Composed) -> zipfile.ZipInfo:
    """The ZIP entry's header data."""
    info = zipfile.ZipInfo(entry.name, FIXED_DATE)
    info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
    info.CRC, info.file_size, info.compress_size = entry.crc, entry.size, entry.length
    return info


def write_entry(
    liasse: zipfile.ZipFile, entry: Composed, read: Callable[[Piece], IO[bytes]]
) -> None:
    """Copy the entry into a ZIP being written (its pieces opened with `read`)."""
    assert liasse.fp is not None
    info = info_of(entry)
    info.header_offset = liasse.fp.tell()
    liasse.fp.write(info.FileHeader(zip64=info.file_size > zipfile.ZIP64_LIMIT))
    for item in entry.items:
        if isinstance(item, bytes):
            liasse.fp.write(item)
            continue
        with read(item) as source:
            source.seek(item.offset)
            remaining = item.length
            while remaining:
                block = source.read(min(remaining, 1 << 20))
                if not block:
                    raise ValueError("a piece of the documents is cut short")
                liasse.fp.write(block)
                remaining -= len(block)
    liasse.filelist.append(info)
    liasse.NameToInfo[info.filename] = info
    liasse.start_dir = liasse.fp.tell()


def _stored(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, FIXED_DATE)
    info.compress_type, info.external_attr = zipfile.ZIP_STORED, 0o644 << 16
    return info
