"""The final liasse as byte ranges of the chunks' parts: spliced, not copied (no database).

A part (`liasse_parts.write_part`) begins with its sheets' entries, each a complete ZIP local
entry under its final ranked name (or lists the kept files they are); its own entries
(`_combined.segment`, its manifest, its index rows, its pieces of the documents) come after
them. The final liasse is those regions one after the other, then index.csv, the combined PDF
(a header, each part's runs as they lie in its segment or in the kept files it names, the
closing objects), the Akoma Ntoso and liasse XML (their heads and the parts' pieces) and the
tail parts' entries, then the central directory. `splice` writes only what is new (the
*glue*: local headers, index.csv, the PDF's header and closing, the documents' heads, the
central directory) and returns the list of pieces, in order, that make the file:
`(source, offset, length)`, where source is GLUE, the position of a part in the lists it was
given, or a `KeptFile`. The bytes are those `liasse_parts.stitch` writes, in the same order.

A part that kept stand-alone slices (a slice outgrew its numbers) cannot be spliced:
`splice` then returns None and the assembly stitches.
"""

from __future__ import annotations

import copy
import io
import json
import struct
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO, Any, NamedTuple

from drafting.rendering import liasse_documents, pdf_segments
from drafting.rendering.crc import crc32_combine
from drafting.rendering.liasse import FIXED_DATE, INDEX_HEADER, INDEX_LEVEL
from drafting.rendering.liasse_parts import (
    ENTRIES_PART,
    INDEX_PART,
    MANIFEST_PART,
    SEGMENT_PART,
    SLICE_PREFIX,
    csv_text,
    runs_of,
)

GLUE = -1  # a piece of the bytes `splice` wrote


class KeptFile(NamedTuple):
    """A piece's source that is a stored file a part names (a kept sheet), not a part."""

    file_id: int


Source = int | KeptFile
Piece = tuple[Source, int, int]  # (source, offset, length)


class Splice:
    """A write-only file whose bytes are written to `glue` or referenced in other files. New
    bytes are gathered until a reference follows them (a liasse's 40 000 local headers and
    its central directory are many small writes), then written to the glue as one piece."""

    def __init__(self, glue: IO[bytes]) -> None:
        self.glue, self.position, self._pieces = glue, 0, list[Piece]()
        self._pending = bytearray()

    def write(self, data: bytes) -> int:
        """Append new bytes (to the glue)."""
        self._pending += data
        self.position += len(data)
        return len(data)

    def _write_pending(self) -> None:
        if not self._pending:
            return
        start = self.glue.tell()
        self.glue.write(self._pending)
        last = self._pieces[-1] if self._pieces else None
        if last is not None and last[0] == GLUE and last[1] + last[2] == start:
            self._pieces[-1] = (GLUE, last[1], last[2] + len(self._pending))
        else:
            self._pieces.append((GLUE, start, len(self._pending)))
        self._pending = bytearray()

    def reference(self, source: Source, offset: int, length: int) -> None:
        """Append `length` bytes of `source` from `offset`, as they are (one piece with the
        last one when it goes on from it)."""
        if not length:
            return
        self._write_pending()
        last = self._pieces[-1] if self._pieces else None
        if last is not None and last[0] == source and last[1] + last[2] == offset:
            self._pieces[-1] = (source, last[1], last[2] + length)
        else:
            self._pieces.append((source, offset, length))
        self.position += length

    @property
    def pieces(self) -> list[Piece]:
        """The pieces so far, the new bytes written to the glue."""
        self._write_pending()
        return self._pieces

    def tell(self) -> int:
        """The position in the final file."""
        return self.position

    def flush(self) -> None:
        """Write the gathered new bytes to the glue."""
        self._write_pending()

    def close(self) -> None:
        """The glue stays open: its writer closes it."""


@dataclass
class _Segment:
    """A run of the combined PDF, where it lies: in its part's segment, or a kept file."""

    source: Source
    offset: int  # of the run's bytes in its source
    size: int
    crc: int
    manifest: dict[str, Any]


Opener = Callable[[], IO[bytes]]  # opens a part (one at a time: a part may be 8 MiB in memory)


def splice(
    parts: Sequence[Opener],
    tail: Sequence[Opener],
    glue: IO[bytes],
    combined_name: str,
    frame: liasse_documents.Frame | None = None,
) -> list[Piece] | None:
    """The pieces of the final liasse (parts numbered 0…, then the tail parts), its new bytes
    written to `glue`; None when a part kept slices (see the module). The parts' pieces of the
    Akoma Ntoso and liasse XML make those documents' entries, after the combined PDF, with the
    glue `frame` gives (`liasse_documents`)."""
    out = Splice(glue)
    liasse = zipfile.ZipFile(out, "w", zipfile.ZIP_STORED, allowZip64=True)
    index, segments, documents = io.BytesIO(), [], []
    index.write(csv_text([INDEX_HEADER]).encode("utf-8-sig"))
    for number, opener in enumerate(parts):
        with opener() as stream, zipfile.ZipFile(stream) as part:
            if any(info.filename.startswith(SLICE_PREFIX) for info in part.infolist()):
                return None
            _reference_entries(part, number, out, liasse)
            if INDEX_PART in part.NameToInfo:
                index.write(part.read(INDEX_PART))
            if SEGMENT_PART in part.NameToInfo and MANIFEST_PART in part.NameToInfo:
                segments += _runs(part, stream, number)
            documents.append(liasse_documents.part_documents(part, stream, number))
    _write_entry(out, liasse, _info("index.csv", zipfile.ZIP_DEFLATED), index.getvalue())
    if segments:
        _write_combined(out, liasse, combined_name, segments)
    for entry in liasse_documents.compose(frame, documents):
        _header(out, liasse, liasse_documents.info_of(entry))
        for item in entry.items:
            if isinstance(item, bytes):
                out.write(item)
            else:
                out.reference(item.source, item.offset, item.length)
    for number, opener in enumerate(tail, start=len(parts)):
        with opener() as stream, zipfile.ZipFile(stream) as part:
            _reference_entries(part, number, out, liasse)
    liasse.start_dir = out.tell()
    liasse.close()
    return out.pieces


def _reference_entries(
    part: zipfile.ZipFile, number: int, out: Splice, liasse: zipfile.ZipFile
) -> None:
    """The part's leading entries (not its own `_` ones), referenced where they lie; with a
    list of entries (`ENTRIES_PART`), in its order, a kept document's entry made of its local
    header (written) and the kept file (referenced)."""
    infos = part.infolist()
    own = [info.header_offset for info in infos if info.filename.startswith("_")]
    end = min(own) if own else part.start_dir
    entries = [info for info in infos if not info.filename.startswith("_")]
    if any(info.header_offset >= end for info in entries):
        raise ValueError("a part's entries must come before its own")
    if ENTRIES_PART not in part.NameToInfo:
        _reference_range(part, number, out, liasse, entries, end)
        return
    ends = [info.header_offset for info in entries[1:]] + [end]  # each one ends the one before
    ends = ends[: len(entries)]  # none when every entry is a kept file
    spans = {info.filename: (info, stop) for info, stop in zip(entries, ends, strict=True)}
    for name, file_id, size, crc in json.loads(part.read(ENTRIES_PART)):
        if file_id is None:
            info, stop = spans[name]
            _reference_range(part, number, out, liasse, [info], stop)
            continue
        kept = _info(name, zipfile.ZIP_STORED)
        kept.CRC, kept.file_size, kept.compress_size = crc, size, size
        _header(out, liasse, kept)
        out.reference(KeptFile(file_id), 0, size)


def _reference_range(
    part: zipfile.ZipFile,
    number: int,
    out: Splice,
    liasse: zipfile.ZipFile,
    entries: Sequence[zipfile.ZipInfo],
    end: int,
) -> None:
    """Entries of the part that lie one after the other, up to `end`, referenced as one range."""
    if not entries:
        return
    start = entries[0].header_offset
    base = out.tell() - start
    out.reference(number, start, end - start)
    for info in entries:
        moved = copy.copy(info)
        moved.header_offset = base + info.header_offset
        liasse.filelist.append(moved)
        liasse.NameToInfo[moved.filename] = moved


def _runs(part: zipfile.ZipFile, stream: IO[bytes], number: int) -> list[_Segment]:
    """The part's runs of the combined PDF: in its segment's bytes, or kept files (a part
    written before runs: its whole segment, one run)."""
    info = part.getinfo(SEGMENT_PART)
    stream.seek(info.header_offset)
    header = stream.read(30)
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    offset = info.header_offset + 30 + name_length + extra_length
    runs = runs_of(json.loads(part.read(MANIFEST_PART)))
    if len(runs) == 1 and runs[0]["crc"] is None:
        runs[0]["crc"] = info.CRC  # the whole segment, as the part's entry holds it
    return [
        _Segment(number, offset + run["offset"], run["size"], run["crc"], run)
        if run["file"] is None
        else _Segment(KeptFile(run["file"]), 0, run["size"], run["crc"], run)
        for run in runs
    ]


def _write_combined(
    out: Splice, liasse: zipfile.ZipFile, name: str, segments: Sequence[_Segment]
) -> None:
    """The combined PDF's entry: its header and closing written, the segments referenced."""
    head, closing = pdf_segments.HEADER, pdf_segments.closing([s.manifest for s in segments])
    crc = zlib.crc32(head)
    for segment in segments:
        crc = crc32_combine(crc, segment.crc, segment.size)
    crc = zlib.crc32(closing, crc)
    info = _info(name, zipfile.ZIP_STORED)
    info.CRC = crc
    info.file_size = info.compress_size = len(head) + sum(s.size for s in segments) + len(closing)
    _header(out, liasse, info)
    out.write(head)
    for segment in segments:
        out.reference(segment.source, segment.offset, segment.size)
    out.write(closing)


def _write_entry(out: Splice, liasse: zipfile.ZipFile, info: zipfile.ZipInfo, data: bytes) -> None:
    """index.csv, written whole (deflated at INDEX_LEVEL)."""
    compressed = data
    if info.compress_type == zipfile.ZIP_DEFLATED:
        deflate = zlib.compressobj(INDEX_LEVEL, zlib.DEFLATED, -15)
        compressed = deflate.compress(data) + deflate.flush()
    info.CRC, info.file_size, info.compress_size = zlib.crc32(data), len(data), len(compressed)
    _header(out, liasse, info)
    out.write(compressed)


def _header(out: Splice, liasse: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    info.header_offset = out.tell()
    out.write(info.FileHeader(zip64=info.file_size > zipfile.ZIP64_LIMIT))
    liasse.filelist.append(info)
    liasse.NameToInfo[info.filename] = info


def _info(name: str, compress: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, FIXED_DATE)
    info.compress_type, info.external_attr = compress, 0o644 << 16
    return info
