"""The order of discussion: the sort key putting amendments in the order they are called."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

# (article index, position rank, kind rank, alinéa number, rank around that alinéa, tiebreak)
DiscussionKey = tuple[int, int, int, int, int, tuple[Any, ...]]

_POSITION_RANKS = {"before_article": 0, "article": 1, "after_article": 2}
# The amendments that depart most from the text come first.
_KIND_RANKS = {"delete_article": 0, "rewrite_article": 1, "alinea": 2, "other": 3}

_PART_MARKER = re.compile(r"^[ivxlc]+\.\s*[–—-]\s*")
_QUOTED = re.compile(r"«[^»]*»?")
_DELETE_ARTICLE = re.compile(r"^supprimer cet article\b")
_REWRITE_ARTICLE = re.compile(r"^(?:rédiger ainsi|rétablir) cet article\b")
_ALINEA_REFERENCE = re.compile(
    r"(?:\b(?P<relation>avant|après|apres)\s+l'\s*)?\balin[ée]as?\s+(?P<number>\d+)"
)
# Around one alinéa: inserting before it, amending it, inserting after it.
_RELATION_RANKS = {"avant": 0, None: 1, "après": 2, "apres": 2}


def _normalise(dispositif: str) -> str:
    """Lower-case, NFC, straight apostrophes, single spaces, no leading part marker ("I. – ")."""
    text = unicodedata.normalize("NFC", dispositif).replace("’", "'").casefold()
    text = " ".join(text.split())
    return _PART_MARKER.sub("", text)


def _first_alinea_reference(normalised: str) -> tuple[int, int] | None:
    """Return (alinéa number, relation rank) of the first alinéa the dispositif names, if any."""
    # Quoted new wording may itself mention "alinéa 3" of some code: only the formula counts.
    match = _ALINEA_REFERENCE.search(_QUOTED.sub(" ", normalised))
    if match is None:
        return None
    return int(match["number"]), _RELATION_RANKS[match["relation"]]


def classify_dispositif(dispositif: str) -> str:
    """Classify a dispositif: "delete_article", "rewrite_article", "alinea" or "other"."""
    normalised = _normalise(dispositif)
    if _DELETE_ARTICLE.match(normalised):
        return "delete_article"
    if _REWRITE_ARTICLE.match(normalised):
        return "rewrite_article"
    if _first_alinea_reference(normalised) is not None:
        return "alinea"
    return "other"


def _on_article_ranks(alinea: int | None, dispositif: str) -> tuple[int, int, int]:
    """Return (kind rank, alinéa number, relation rank) of an amendment on the article itself."""
    kind = classify_dispositif(dispositif)
    if kind in ("delete_article", "rewrite_article"):
        return _KIND_RANKS[kind], 0, 0
    reference = _first_alinea_reference(_normalise(dispositif))
    if reference is None:
        if alinea is None:
            return _KIND_RANKS["other"], 0, 0
        return _KIND_RANKS["alinea"], alinea, _RELATION_RANKS[None]
    number, relation = reference
    if alinea is not None and alinea != number:
        # The caller's alinéa wins; "après"/"avant" only qualifies the alinéa the formula names.
        number, relation = alinea, _RELATION_RANKS[None]
    return _KIND_RANKS["alinea"], number, relation


def discussion_key(
    article_index: int,
    position_kind: str,
    alinea: int | None,
    dispositif: str,
    tiebreak: tuple[Any, ...] = (),
) -> DiscussionKey:
    """Return the sort key placing an amendment in the order of discussion of its text."""
    if article_index < 0:
        raise ValueError(f"article_index must not be negative, got {article_index}")
    try:
        position_rank = _POSITION_RANKS[position_kind]
    except KeyError:
        raise ValueError(f"unknown position_kind {position_kind!r}") from None
    if position_kind != "article":
        # An additional article's dispositif is the new article's text: its "alinéa 3" would
        # refer to some code, not to the bill, so only the tiebreak orders them.
        return article_index, position_rank, 0, 0, 0, tuple(tiebreak)
    kind_rank, alinea_number, relation_rank = _on_article_ranks(alinea, dispositif)
    return article_index, position_rank, kind_rank, alinea_number, relation_rank, tuple(tiebreak)


def number_tiebreak(number: str | None, sequence: int) -> tuple[Any, ...]:
    """A tiebreak: numbered first in natural order ("CL2" < "CL10"), then the rest by sequence."""
    if not number:
        return (1, (), sequence)
    parts = tuple(
        (0, int(part)) if part.isdigit() else (1, part)
        for part in re.findall(r"\d+|\D+", number.casefold())
        if part.strip()
    )
    return (0, parts, sequence)


def subs_after_parents(ordered: Sequence[T], parent_of: Mapping[T, T | None]) -> list[T]:
    """Put each sub-amendment right after its parent (its parent's sub-amendments keeping their
    order among themselves); a sub-amendment whose parent is not in the list keeps its place."""
    present = set(ordered)
    children: dict[T, list[T]] = {}
    for item in ordered:
        parent = parent_of.get(item)
        if parent is not None and parent in present and parent != item:
            children.setdefault(parent, []).append(item)
    placed = {child for subs in children.values() for child in subs}
    result: list[T] = []
    seen: set[T] = set()

    def emit(item: T) -> None:
        if item in seen:
            return
        seen.add(item)
        result.append(item)
        for child in children.get(item, []):
            emit(child)

    for item in ordered:
        if item not in placed:
            emit(item)
    for item in ordered:  # a circle of parents (never stored, but never lost either)
        emit(item)
    return result
