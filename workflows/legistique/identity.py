"""Identical and competing amendments: a normalised digest, and what each amendment touches."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from workflows.legistique.apply import WHOLE_ARTICLE
from workflows.legistique.errors import NotUnderstood
from workflows.legistique.grammar import Operation, parse_dispositif
from workflows.legistique.text import normalise
from workflows.legistique.words import occurrences, scope

_NOT_SIGNIFICANT = re.compile(r"[\s\"'«»“”‘’\u00a0\u202f]+")


def digest(dispositif: str) -> str:
    """Return a digest equal for dispositifs that differ only by case, spaces, quotes, accents."""
    text = normalise(dispositif).casefold()
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    text = _NOT_SIGNIFICANT.sub("", text).rstrip(".")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Touch:
    """What an amendment touches: the whole article, an alinéa, words in it, or a place between.

    kind is "article", "alinea" (the whole alinéa), "words" (start..end of the alinéa's text,
    None when the words were not found), or "insertion" (new alinéas after alinéa N, 0 before
    the first: nothing existing is changed).
    """

    kind: str
    alinea: int | None = None
    words: str | None = None
    start: int | None = None
    end: int | None = None


def _word_touch(op: Operation, number: int, alineas: list[str]) -> Touch:
    """Locate the words an operation changes in one alinéa (or the sentence it works in)."""
    text = alineas[number - 1] if 0 < number <= len(alineas) else None
    if text is None:
        return Touch("words", number, op.words)
    try:
        if op.words is not None:
            found = occurrences(text, op)
            index = (
                (op.occurrence - 1 if op.occurrence > 0 else len(found) + op.occurrence)
                if op.occurrence
                else 0
            )
            if found and 0 <= index < len(found):
                start, end = found[index]
                return Touch("words", number, op.words, start, end)
            return Touch("words", number, op.words)
        start, end = scope(text, op)
    except NotUnderstood:
        return Touch("words", number, op.words)
    return Touch("words", number, op.words, start, end)


def operation_touches(op: Operation, alineas: list[str]) -> list[Touch]:
    """Return what one operation touches in the article before."""
    if op.kind in WHOLE_ARTICLE:
        return [Touch("article")]
    if op.kind == "append_alineas":
        return [Touch("insertion", len(alineas))]
    if op.kind == "insert_alineas":
        number = op.alineas[0]
        return [Touch("insertion", number if op.relation == "after" else number - 1)]
    if op.kind in ("delete_alineas", "replace_alineas"):
        return [Touch("alinea", number) for number in op.alineas]
    numbers = list(op.alineas)
    if op.scope == "anywhere":
        numbers = [n for n, text in enumerate(alineas, 1) if op.words and _holds(text, op)]
    return [_word_touch(op, number, alineas) for number in numbers] or [
        Touch("words", None, op.words)
    ]


def _holds(text: str, op: Operation) -> bool:
    """Tell whether an alinéa holds an operation's quoted words."""
    try:
        return bool(occurrences(text, op))
    except NotUnderstood:
        return False


def touched_spans(dispositif: str, alineas: list[str]) -> list[Touch]:
    """Return what a dispositif touches in an article (empty when it is not understood)."""
    try:
        operations = parse_dispositif(dispositif)
    except NotUnderstood:
        return []
    return [touch for op in operations for touch in operation_touches(op, alineas)]


def overlaps(left: Touch, right: Touch) -> bool:
    """Tell whether two touches compete for the same text."""
    if "article" in (left.kind, right.kind):
        return True
    if "insertion" in (left.kind, right.kind):
        return left.kind == right.kind and left.alinea == right.alinea
    if left.alinea != right.alinea or left.alinea is None:
        return False
    if "alinea" in (left.kind, right.kind) or None in (left.start, right.start):
        return True
    return left.start < right.end and right.start < left.end  # type: ignore[operator]


def are_competing(left: list[Touch], right: list[Touch]) -> bool:
    """Tell whether two amendments compete: they change the same alinéa or the same words."""
    return any(overlaps(a, b) for a in left for b in right)
