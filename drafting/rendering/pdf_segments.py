"""The combined PDF of a large liasse, written by the chunks and assembled without parsing.

Each slice of a chunk appends its pages' objects to a *segment* of its own (a *run*, see
`liasse_parts`): PDF objects numbered in a range reserved for the slice (from its first
sheet's rank, PER_SHEET numbers a sheet: the same sheets at the same place give the same bytes,
which a re-export keeps and references), their offsets relative to the segment, the page
objects in order, every page's parent the combined PDF's page tree (object 2). The assembly
copies the segments one after the other behind a PDF header and writes the page tree, the
catalog, the properties and one cross-reference subsection per segment (the numbers between
two slices' ranges are not used): no object is read again, so the assembly's time and memory
do not grow with the pages' content.

A slice whose objects do not fit its range (sheets of dozens of pages each) raises
`SegmentFull`; its chunk then keeps stand-alone slices and the assembly appends every chunk's
pages with `PdfAppender` (slower, same result).
"""

from __future__ import annotations

import hashlib
import io
import shutil
from collections.abc import Iterable, Sequence
from typing import IO, Any

from drafting.rendering import pdf_raw
from drafting.rendering.liasse import PdfAppender

PER_SHEET = 64  # object numbers reserved per sheet: a typical sheet needs 4 to 15
FIRST = 4  # 1 catalog, 2 page tree, 3 properties
HEADER = pdf_raw.HEADER


class SegmentFull(ValueError):
    """The chunk's objects outgrew the numbers reserved for it."""


def number_range(start: int, size: int) -> tuple[int, int]:
    """The object numbers [first, limit) of the slice whose sheets are ranked start+1…start+size
    (numbered from its own rank: the same sheets at the same place give the same bytes)."""
    first = FIRST + start * PER_SHEET
    return first, first + max(1, size) * PER_SHEET


class PdfSegment(PdfAppender):
    """Appends PDFs' pages as objects numbered from `first`, without header or trailer."""

    def __init__(self, out: IO[bytes], first: int, limit: int) -> None:
        """Write the segment to `out` (sequentially); numbers from `first`, below `limit`."""
        self._out, self._offsets, self._kids = out, {}, []
        self._next, self._position, self._digest = first, 0, hashlib.sha256()
        self.first, self.limit = first, limit

    def _allocate(self) -> int:
        if self._next >= self.limit:
            raise SegmentFull(f"more than {self.limit - self.first} objects")
        return super()._allocate()

    def close(self) -> None:
        """A segment has no trailer: `write_combined` writes it."""

    def manifest(self) -> dict[str, Any]:
        """What the assembly needs: numbers, offsets, pages, size and a digest of the content."""
        return {
            "first": self.first,
            "offsets": [self._offsets[n] for n in range(self.first, self._next)],
            "kids": self._kids,
            "size": self._position,
            "digest": self._digest.hexdigest(),
        }


def _xref_lines(first: int, offsets: list[int]) -> bytes:
    lines = [b"%d %d\n" % (first, len(offsets))]
    lines += [b"%010d 00000 n \n" % offset for offset in offsets]
    return b"".join(lines)


def write_combined(out: IO[bytes], segments: Iterable[tuple[IO[bytes], dict[str, Any]]]) -> None:
    """One PDF of the segments' pages, in order: the segments' bytes are copied as they are."""
    out.write(HEADER)
    manifests = []
    for stream, manifest in segments:
        shutil.copyfileobj(stream, out, 1 << 20)
        manifests.append(manifest)
    out.write(closing(manifests))


def closing(manifests: Sequence[dict[str, Any]]) -> bytes:
    """What follows the segments (HEADER, then each segment's bytes): the page tree, the
    catalog, the properties, the cross-reference table and the trailer."""
    position, kids, xref = len(HEADER), [], []
    digest, size = hashlib.sha256(), FIRST
    for manifest in manifests:
        offsets = [position + offset for offset in manifest["offsets"]]
        if offsets:
            xref.append(_xref_lines(manifest["first"], offsets))
            size = max(size, manifest["first"] + len(offsets))
        position += manifest["size"]
        kids += manifest["kids"]
        digest.update(manifest["digest"].encode())
    own, out = {}, io.BytesIO()
    references = b" ".join(b"%d 0 R" % kid for kid in kids)
    for number, body in (
        (2, b"<< /Type /Pages /Count %d /Kids [%s] >>" % (len(kids), references)),
        (1, b"<< /Type /Catalog /Pages 2 0 R >>"),
        (3, b"<< /Producer (Liasse) /Title (Liasse) >>"),
    ):
        own[number] = position + out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    start = position + out.tell()
    out.write(b"xref\n0 4\n0000000000 65535 f \n")
    out.write(b"".join(b"%010d 00000 n \n" % own[n] for n in (1, 2, 3)))
    out.write(b"".join(xref))
    ident = digest.hexdigest()[:32].encode()
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R /Info 3 0 R /ID [<%s> <%s>] >>\n" % (size, ident, ident)
    )
    out.write(b"startxref\n%d\n%%%%EOF\n" % start)
    return out.getvalue()
