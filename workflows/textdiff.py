"""Word-level diff of two texts, to show a co-signatory what changed since they signed.

Bounded in time and memory whatever the texts (100 000 characters each, edited anywhere): the
common start and end are set aside in linear time, and the word-by-word comparison, whose cost
grows with the product of the two lengths, runs only on a middle small enough. A longer middle
is compared paragraph by paragraph first, and a block still too long is shown as replaced whole:
coarser, never wrong (joining the segments gives back each text exactly).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

Segments = list[tuple[str, str]]
# Words, runs of whitespace (no-break spaces included) and single other characters: together they
# cover every character, so joining the tokens gives back the text exactly.
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
_PARAGRAPH = re.compile(r"[^\n]*\n|[^\n]+")
# The largest product of two lengths (tokens, or paragraphs) compared item by item, and the most
# such comparisons may add up to in one diff: well under a second of CPU whatever the texts.
MAX_PRODUCT = 400_000
BUDGET = 1_500_000


def _tokenise(text: str) -> list[str]:
    """Split a text into word, whitespace and punctuation tokens."""
    return _TOKEN.findall(text)


def _append(segments: Segments, op: str, text: str) -> None:
    """Append a segment, merging it into the previous one when the op is the same."""
    if not text:
        return
    if segments and segments[-1][0] == op:
        segments[-1] = (op, segments[-1][1] + text)
    else:
        segments.append((op, text))


def _common_ends(old: list[str], new: list[str]) -> tuple[int, int]:
    """How many items `old` and `new` share at their start, then at their end."""
    start, limit = 0, min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end = 0
    while end < limit - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return start, end


class _Differ:
    """Diffs into segments within a budget: the sum of the products of the lengths compared
    item by item. Past it, what remains is shown as replaced whole."""

    def __init__(self, budget: int) -> None:
        self.segments: Segments = []
        self.budget = budget

    def affords(self, old: list[str], new: list[str]) -> bool:
        """Spend the cost of comparing `old` with `new` item by item, if it is affordable."""
        cost = len(old) * len(new)
        if cost > MAX_PRODUCT or cost > self.budget:
            return False
        self.budget -= cost
        return True

    def replaced(self, old: list[str], new: list[str]) -> None:
        """`old` deleted, `new` inserted."""
        _append(self.segments, "delete", "".join(old))
        _append(self.segments, "insert", "".join(new))

    def items(self, old: list[str], new: list[str], refine: bool) -> None:
        """Diff two item lists; changed paragraph blocks (`refine`) are diffed word by word.
        Lists too long to compare whole have their common start and end set aside first."""
        if self.affords(old, new):
            self.compare(old, new, refine)
            return
        start, end = _common_ends(old, new)
        _append(self.segments, "equal", "".join(old[:start]))
        middle_old, middle_new = old[start : len(old) - end], new[start : len(new) - end]
        if self.affords(middle_old, middle_new):
            self.compare(middle_old, middle_new, refine)
        else:
            self.replaced(middle_old, middle_new)
        _append(self.segments, "equal", "".join(old[len(old) - end :]))

    def compare(self, old: list[str], new: list[str], refine: bool) -> None:
        """Compare two (affordable) lists item by item."""
        # autojunk would take frequent tokens (spaces, commas) for junk: garbled diffs.
        matcher = SequenceMatcher(None, old, new, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                _append(self.segments, "equal", "".join(old[i1:i2]))
            elif refine and tag == "replace":
                self.paragraphs(old[i1:i2], new[j1:j2])
            else:
                self.replaced(old[i1:i2], new[j1:j2])

    def paragraphs(self, old: list[str], new: list[str]) -> None:
        """Word by word within a block of changed paragraphs: paired one to one when the counts
        match (each paragraph edited in place), else the block as a whole."""
        pairs = (
            zip(old, new, strict=True) if len(old) == len(new) else [("".join(old), "".join(new))]
        )
        for old_text, new_text in pairs:
            self.items(_tokenise(old_text), _tokenise(new_text), refine=False)

    def text(self, old: str, new: str) -> None:
        """Word by word when small enough, else paragraph by paragraph (then word by word)."""
        old_tokens, new_tokens = _tokenise(old), _tokenise(new)
        start, end = _common_ends(old_tokens, new_tokens)
        middle = (len(old_tokens) - start - end) * (len(new_tokens) - start - end)
        old_paragraphs, new_paragraphs = _PARAGRAPH.findall(old), _PARAGRAPH.findall(new)
        several = len(old_paragraphs) > 1 or len(new_paragraphs) > 1
        if middle > MAX_PRODUCT and several:
            self.items(old_paragraphs, new_paragraphs, refine=True)
        else:
            self.items(old_tokens, new_tokens, refine=False)


def _is_blank_island(segments: Segments, index: int) -> bool:
    """Tell whether a segment is unchanged whitespace with a change on both sides."""
    op, text = segments[index]
    return op == "equal" and text.isspace() and 0 < index < len(segments) - 1


def _absorb_blank_islands(segments: Segments) -> Segments:
    """Fold lone unchanged spaces into the surrounding change: "a b" → "x y" reads as one change."""
    result: Segments = []
    deleted, inserted = "", ""
    for index, (op, text) in enumerate(segments):
        if op == "equal" and not _is_blank_island(segments, index):
            _append(result, "delete", deleted)
            _append(result, "insert", inserted)
            deleted, inserted = "", ""
            _append(result, "equal", text)
            continue
        deleted += text if op != "insert" else ""
        inserted += text if op != "delete" else ""
    _append(result, "delete", deleted)
    _append(result, "insert", inserted)
    return result


def word_diff(old: str, new: str) -> Segments:
    """Diff two texts word by word into ("equal" | "delete" | "insert", text) segments."""
    differ = _Differ(BUDGET)
    differ.text(old, new)
    return _absorb_blank_islands(differ.segments)
