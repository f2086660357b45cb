"""Simple PDFs read and copied as bytes: the PDFs our PDF engine writes.

A *simple* PDF has a classic cross-reference table (no cross-reference or object streams, no
incremental update, no encryption) and one flat page tree without inherited attributes: what
Typst writes for the sheets. Its objects are found through the table and kept as bytes; copying
them rewrites only their references (`N 0 R`), found by a small lexer that skips strings,
comments and stream data. Nothing else is parsed, so appending a slice of 50 sheets to the
combined PDF, or cutting each sheet's own PDF out of it, costs a few milliseconds instead of a
full parse and re-serialisation (pypdf, qpdf).

Anything else raises `NotSimple`, and the callers take their general path (pypdf).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"  # every PDF Liasse writes starts so
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_SUBSECTION = re.compile(rb"(\d+) (\d+)\s*[\r\n]+")
_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])\s*")
_OBJ = re.compile(rb"(\d+)\s+(\d+)\s+obj\b\s*")
# What the lexer stops at: a string, a comment, a reference, or the keyword ending the value.
_TOKEN = re.compile(
    rb"\(|%[^\r\n]*|(?<![\w./+#-])(\d+)\s+(\d+)\s+R(?![\w#])|(?<![\w/#])(stream|endobj)(?![\w#])"
)
_STRING_BYTES = re.compile(rb"[\\()]")
_LENGTH = re.compile(rb"/Length\s+(\d+)(\s+\d+\s+R)?")
_INHERITABLE = (b"/Resources", b"/MediaBox", b"/CropBox", b"/Rotate")


class NotSimple(ValueError):
    """The PDF is not one this module copies (use the general path)."""


@dataclass(frozen=True)
class _Object:
    head: bytes  # the value, or a stream's dictionary
    refs: tuple[tuple[int, int, int], ...]  # (start, end, number) of each reference in head
    stream: bytes | None


def _string_end(data: bytes, start: int) -> int:
    """The index after the literal string opening at `start` (balanced, with escapes)."""
    depth, position = 0, start
    while True:
        found = _STRING_BYTES.search(data, position)
        if found is None:
            raise NotSimple("unterminated string")
        char, position = found.group(), found.end()
        if char == b"\\":
            position += 1
        elif char == b"(":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return position


def _lex(data: bytes, start: int) -> tuple[int, str, list[tuple[int, int, int]]]:
    """From `start` (an object's value): where the value ends, the keyword ending it and the
    references in it (positions relative to `start`)."""
    refs, position = [], start
    while True:
        found = _TOKEN.search(data, position)
        if found is None:
            raise NotSimple("object without endobj")
        if found.group() == b"(":
            position = _string_end(data, found.start())
        elif found.group(1) is not None:
            if found.group(2) != b"0":
                raise NotSimple("generation other than 0")
            refs.append((found.start() - start, found.end() - start, int(found.group(1))))
            position = found.end()
        elif found.group(3) is not None:
            return found.start(), found.group(3).decode(), refs
        else:
            position = found.end()  # a comment


class RawPdf:
    """The objects of a simple PDF, as bytes, and its pages in order."""

    def __init__(self, data: bytes) -> None:
        """Read the cross-reference table and every object (raises NotSimple)."""
        if not data.startswith(b"%PDF-"):
            raise NotSimple("not a PDF")
        self.data = data
        offsets, trailer = self._xref()
        self.objects = {number: self._object(number, at) for number, at in offsets.items()}
        root = self._ref(trailer, b"/Root")
        self.pages = self._pages(root)

    def _xref(self) -> tuple[dict[int, int], bytes]:
        found = _STARTXREF.search(self.data[-64:])
        if found is None:
            raise NotSimple("no startxref")
        position = int(found.group(1))
        if not self.data.startswith(b"xref", position):
            raise NotSimple("not a classic cross-reference table")
        position += 4
        offsets: dict[int, int] = {}
        while True:
            while self.data[position : position + 1] in (b" ", b"\r", b"\n"):
                position += 1
            if self.data.startswith(b"trailer", position):
                break
            section = _SUBSECTION.match(self.data, position)
            if section is None:
                raise NotSimple("malformed cross-reference table")
            first, count = int(section.group(1)), int(section.group(2))
            position = section.end()
            for number in range(first, first + count):
                entry = _ENTRY.match(self.data, position)
                if entry is None:
                    raise NotSimple("malformed cross-reference entry")
                if entry.group(3) == b"n":
                    offsets[number] = int(entry.group(1))
                position = entry.end()
        trailer = self.data[position : self.data.rfind(b"startxref")]
        if b"/Prev" in trailer or b"/Encrypt" in trailer or b"/XRefStm" in trailer:
            raise NotSimple("incremental update or encryption")
        return offsets, trailer

    def _object(self, number: int, at: int) -> _Object:
        found = _OBJ.match(self.data, at)
        if found is None or int(found.group(1)) != number or found.group(2) != b"0":
            raise NotSimple(f"object {number} is not where the table says")
        end, keyword, refs = _lex(self.data, found.end())
        head = self.data[found.end() : end].rstrip()
        if keyword == "endobj":
            return _Object(head, tuple(refs), None)
        start = end + len(b"stream")
        if self.data.startswith(b"\r\n", start):
            start += 2
        elif self.data.startswith(b"\n", start):
            start += 1
        else:
            raise NotSimple("stream keyword without end of line")
        length = _LENGTH.search(head)
        if length is None or length.group(2) or b"/ObjStm" in head or b"/XRef" in head:
            raise NotSimple("indirect stream length or object stream")
        stop = start + int(length.group(1))
        tail = self.data[stop : stop + 12].lstrip(b"\r\n")
        if not tail.startswith(b"endstream"):
            raise NotSimple("stream length does not reach endstream")
        return _Object(head, tuple(refs), self.data[start:stop])

    def _ref(self, head: bytes, key: bytes) -> int:
        found = re.search(re.escape(key) + rb"\s+(\d+)\s+0\s+R", head)
        if found is None:
            raise NotSimple(f"no {key.decode()}")
        return int(found.group(1))

    def _pages(self, root: int) -> list[int]:
        catalog = self.objects.get(root)
        if catalog is None:
            raise NotSimple("no catalog")
        tree = self.objects.get(self._ref(catalog.head, b"/Pages"))
        if tree is None or any(key in tree.head for key in _INHERITABLE):
            raise NotSimple("the page tree holds inherited attributes")
        kids = re.search(rb"/Kids\s*\[([^\]]*)\]", tree.head)
        if kids is None:
            raise NotSimple("page tree without kids")
        pages = [int(n) for n in re.findall(rb"(\d+)\s+0\s+R", kids.group(1))]
        for page in pages:
            entry = self.objects.get(page)
            if entry is None or not re.search(rb"/Type\s*/Page(?![A-Za-z])", entry.head):
                raise NotSimple("nested page tree")
        return pages

    def closure(self, pages: Sequence[int]) -> list[int]:
        """The objects `pages` need (the pages first, then what they refer to, depth first),
        without following a page's /Parent; raises NotSimple when they refer to another page
        (a link into the rest of the document)."""
        seen, order, stack = set(pages), list(pages), []
        for page in reversed(pages):
            stack += [n for n in reversed(self._children(page, True)) if n not in seen]
        others = set(self.pages) - seen
        while stack:
            number = stack.pop()
            if number in seen:
                continue
            if number in others:
                raise NotSimple("a page refers to another page")
            seen.add(number)
            order.append(number)
            stack += [n for n in reversed(self._children(number, False)) if n not in seen]
        return order

    def _children(self, number: int, page: bool) -> list[int]:
        entry = self.objects.get(number)
        if entry is None:
            return []
        parent = self._parent_ref(entry) if page else -1
        return [n for start, _, n in entry.refs if start != parent]

    def _parent_ref(self, entry: _Object) -> int:
        found = re.search(rb"/Parent\s+", entry.head)
        return found.end() if found else -1

    def body(self, number: int, renumber: Callable[[int], int], parent: int | None) -> bytes:
        """Object `number`'s bytes with every reference renumbered (a page's /Parent becomes
        `parent`, its /StructParents dropped); a missing object is null."""
        entry = self.objects.get(number)
        if entry is None:
            return b"null"
        own_parent = self._parent_ref(entry) if parent is not None else -1
        out, last = [], 0
        for start, end, old in entry.refs:
            out.append(entry.head[last:start])
            new = parent if start == own_parent and parent is not None else renumber(old)
            out.append(b"%d 0 R" % new)
            last = end
        out.append(entry.head[last:])
        head = b"".join(out)
        if parent is not None:
            head = re.sub(rb"/StructParents\s+\d+", b"", head)
        if entry.stream is None:
            return head
        return head + b"\nstream\n" + entry.stream + b"\nendstream"


_PAGE_TREE = b"<< /Type /Pages /Count "


def page_count(data: bytes) -> int | None:
    """The page count of a PDF with one page tree node as `PdfAppender` writes it (a sheet's
    own PDF), read without parsing; None for any other PDF."""
    at = data.rfind(_PAGE_TREE)
    if at < 0 or data.find(_PAGE_TREE) != at or data.count(b"/Type /Pages") != 1:
        return None
    digits = re.match(rb"\d+", data[at + len(_PAGE_TREE) : at + len(_PAGE_TREE) + 12])
    return int(digits.group()) if digits else None


def text_string(value: str) -> bytes:
    """A PDF text string (UTF-16BE with its byte order mark, in hexadecimal)."""
    return b"<FEFF" + value.encode("utf-16-be").hex().upper().encode("ascii") + b">"
