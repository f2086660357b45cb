"""Aligning an article with its edited version: alinéas deleted, inserted, replaced, edited."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from workflows.legistique.text import keys, normalise

# Two alinéas this alike (word for word) are one alinéa edited, not one deleted and one inserted.
SAME_ALINEA = 0.5
# Beyond this many comparisons a changed stretch is taken as replaced wholesale (speed).
_MAX_COMPARISONS = 400


@dataclass(frozen=True)
class Edit:
    """A change to the article, on the alinéas numbered as before (1-based, inclusive).

    kind is "delete" (first..last), "insert" (after alinéa first; 0 = before the first),
    "replace" (first..last by new) or "modify" (alinéa first edited into new[0]).
    """

    kind: str
    first: int
    last: int
    new: tuple[str, ...] = ()


def similarity(old: str, new: str) -> float:
    """Return how alike two alinéas are: the share of words they have in common (0 to 1).

    Word order is ignored (difflib's quick ratio): pairing needs likeness, not the edit itself,
    and the full ratio would cost too much on long articles rewritten at many places.
    """
    left, right = _bag(old), _bag(new)
    size = left.total() + right.total()
    return 2 * (left & right).total() / size if size else 1.0


@lru_cache(maxsize=4096)
def _bag(text: str) -> Counter[str]:
    """Return the multiset of an alinéa's words."""
    return Counter(keys(text))


def _best_pairs(old: list[str], new: list[str]) -> list[tuple[int, int]]:
    """Pair alinéas of a changed stretch, in order, maximising their total likeness."""
    if len(old) == len(new):
        # Most stretches are alinéas edited in place: pair them one to one when all are alike.
        diagonal = [(i, i) for i in range(len(old)) if similarity(old[i], new[i]) >= SAME_ALINEA]
        if len(diagonal) == len(old):
            return diagonal
    if len(old) * len(new) > _MAX_COMPARISONS:
        return []
    score = [[similarity(o, n) for n in new] for o in old]
    # best[i][j]: the best total for old[i:] and new[j:].
    best = [[0.0] * (len(new) + 1) for _ in range(len(old) + 1)]
    for i in range(len(old) - 1, -1, -1):
        for j in range(len(new) - 1, -1, -1):
            paired = score[i][j] + best[i + 1][j + 1] if score[i][j] >= SAME_ALINEA else -1.0
            best[i][j] = max(paired, best[i + 1][j], best[i][j + 1])
    pairs, i, j = [], 0, 0
    while i < len(old) and j < len(new):
        if score[i][j] >= SAME_ALINEA and best[i][j] == score[i][j] + best[i + 1][j + 1]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def _unpaired(first: int, last: int, new: tuple[str, ...]) -> list[Edit]:
    """Turn unpaired old alinéas first..last and unpaired new ones into one edit."""
    if first > last:
        return [Edit("insert", first - 1, first - 1, new)] if new else []
    if not new:
        return [Edit("delete", first, last)]
    return [Edit("replace", first, last, new)]


def _stretch(before: list[str], after: list[str], i1: int, i2: int, j1: int, j2: int) -> list[Edit]:
    """Describe a changed stretch: old alinéas i1..i2 became new alinéas j1..j2 (0-based)."""
    edits: list[Edit] = []
    i, j = i1, j1
    for pi, pj in [(i1 + a, j1 + b) for a, b in _best_pairs(before[i1:i2], after[j1:j2])]:
        edits += _unpaired(i + 1, pi, tuple(after[j:pj]))
        edits.append(Edit("modify", pi + 1, pi + 1, (after[pj],)))
        i, j = pi + 1, pj + 1
    edits += _unpaired(i + 1, i2, tuple(after[j:j2]))
    return edits


def align(before: list[str], after: list[str]) -> list[Edit]:
    """Return the edits that turn the article before into the article after, in text order."""
    matcher = SequenceMatcher(
        None, [normalise(t) for t in before], [normalise(t) for t in after], autojunk=False
    )
    edits: list[Edit] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            edits += _stretch(before, after, i1, i2, j1, j2)
    return edits
