"""A dispositif read as text: paragraphs, numbered parts « I. – … », quoted words, quoted blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from workflows.legistique.errors import NotUnderstood
from workflows.legistique.text import view

# « I. – », « II.- », « III – », « IV bis. – »: the number of a part of a multi-part amendment.
_MARKER = re.compile(
    r"^(?P<number>[IVXLC]+(?:[ \u00a0](?:bis|ter|quater|quinquies))?)[ \u00a0]*\.?[ \u00a0]*"
    r"[-\u2010\u2011\u2013\u2014][ \u00a0]*(?=\S)"
)
QUOTE_MARK = "¤"


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph of a dispositif, with its offset in the whole text."""

    text: str
    start: int

    @property
    def end(self) -> int:
        """Return the offset just after the paragraph."""
        return self.start + len(self.text)

    def tail(self, offset: int) -> Paragraph:
        """Return the paragraph from this offset within it, leading spaces dropped."""
        rest = self.text[offset:]
        stripped = rest.lstrip()
        return Paragraph(stripped, self.start + offset + len(rest) - len(stripped))


@dataclass(frozen=True, slots=True)
class Quoted:
    """Words between guillemets in a formula, with their offsets in the dispositif."""

    text: str
    start: int
    end: int


def paragraphs(dispositif: str) -> list[Paragraph]:
    """Split a dispositif into its non-empty paragraphs, keeping their offsets."""
    found = []
    for match in re.finditer(r"[^\n\r]+", dispositif):
        line = match.group()
        stripped = line.strip()
        if stripped:
            found.append(Paragraph(stripped, match.start() + len(line) - len(line.lstrip())))
    return found


def part_number(paragraph: Paragraph) -> tuple[str | None, Paragraph]:
    """Split « II. – Supprimer … » into ("II", the paragraph from « Supprimer »)."""
    match = _MARKER.match(paragraph.text)
    if match is None:
        return None, paragraph
    return match["number"], paragraph.tail(match.end())


def has_part_number(paragraph: Paragraph) -> bool:
    """Tell whether a paragraph opens a numbered part."""
    return _MARKER.match(paragraph.text) is not None


def _quote_bounds(text: str, origin: int) -> list[tuple[int, int]]:
    """Return the (opening, closing) offsets of the top-level guillemets of a paragraph."""
    bounds, depth, opened = [], 0, 0
    for index, char in enumerate(text):
        if char in "«“":
            if depth == 0:
                opened = index
            depth += 1
        elif char in "»”":
            if depth == 0:
                raise NotUnderstood(
                    "Un guillemet fermant « » » n’a pas de guillemet ouvrant.",
                    code="quotes",
                    start=origin + index,
                    end=origin + index + 1,
                )
            depth -= 1
            if depth == 0:
                bounds.append((opened, index))
    if depth:
        raise NotUnderstood(
            "Des guillemets ouverts ne sont pas fermés.",
            code="quotes",
            start=origin + opened,
            end=origin + len(text),
        )
    return bounds


def _straight_bounds(text: str) -> list[tuple[int, int]]:
    """Pair straight double quotes when a draft uses them instead of guillemets."""
    positions = [index for index, char in enumerate(text) if char == '"']
    if len(positions) % 2:
        return []
    return list(zip(positions[::2], positions[1::2], strict=True))


def skeleton(parts: list[Paragraph]) -> tuple[str, list[Quoted]]:
    """Return the formula with every quoted text replaced by ¤, and the quoted texts."""
    pieces: list[str] = []
    quotes: list[Quoted] = []
    for paragraph in parts:
        text = paragraph.text
        bounds = _quote_bounds(text, paragraph.start)
        if not bounds and "«" not in text:
            bounds = _straight_bounds(text)
        cursor = 0
        for opening, closing in bounds:
            pieces.append(view(text[cursor:opening]))
            pieces.append(f" {QUOTE_MARK} ")
            inner = text[opening + 1 : closing]
            stripped = inner.strip()
            offset = paragraph.start + opening + 1 + len(inner) - len(inner.lstrip())
            quotes.append(Quoted(stripped, offset, offset + len(stripped)))
            cursor = closing + 1
        pieces.append(view(text[cursor:]) + " ")
    return canonical("".join(pieces)), quotes


def canonical(formula: str) -> str:
    """Lower-case a formula and space its punctuation evenly, for the grammar's patterns."""
    formula = view(formula).lower()
    formula = re.sub(r"\s*([:,.;])\s*", r" \1 ", formula)
    formula = re.sub(r"'\s+", "'", formula)
    formula = re.sub(r"\s+", " ", formula).strip()
    # « le mot : : » is a typing slip the linter reports; the formula itself is understood.
    return re.sub(r"(?: :)+", " :", formula)


def _strip_opening(text: str) -> str:
    """Drop the guillemet that opens a quoted paragraph."""
    return re.sub(r"^[«“][ \u00a0\u202f]*", "", text, count=1)


def _strip_closing(text: str) -> str:
    """Drop the guillemet (and period) that closes the last quoted paragraph."""
    return re.sub(r"[ \u00a0\u202f]*[»”][ \u00a0\u202f]*[.;]?[ \u00a0\u202f]*$", "", text, count=1)


def block_alineas(content: list[Paragraph]) -> tuple[str, ...]:
    """Return the new alinéas of a quoted block, the amendment's own guillemets removed."""
    texts = [paragraph.text for paragraph in content]
    # The amendment opens each quoted paragraph with « and closes the last with »; when some
    # paragraph has none, the author did not quote the block and every guillemet is the text's.
    if not texts or not all(text.startswith(("«", "“")) for text in texts):
        return tuple(texts)
    stripped = [_strip_opening(text) for text in texts]
    last = stripped[-1]
    # Only a closing guillemet left unmatched belongs to the amendment; the others are the text's.
    if last.count("»") + last.count("”") > last.count("«") + last.count("“"):
        stripped[-1] = _strip_closing(last)
    return tuple(text for text in stripped if text.strip())
