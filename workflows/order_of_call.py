"""The order of call: a sortable string key per amendment, with room between neighbours.

Keys are strings of the letters a–z compared byte-wise, as the Assembly's `triAmendement` is.

- **The Assembly's key** (`triAmendement`) is used verbatim where it was published: it is the
  order of call itself (verified on the 77 amendments of text 1187).
- **A computed key** applies the same rules to the rest: the text's order (before an article,
  on it, then the additional articles after it; the title last); on an article, the deletion
  first, then its full rewrite (or restoration), then the alinéas in order (before an alinéa, on
  it — deleting it, rewriting it, its words, completing it — then after it), then what the
  formula does not place; inadmissible amendments at the end of their passage; identical and
  joint-discussion amendments together at the place of the first; a sub-amendment right after
  its parent. Fixed-width fields leave room: any key fits between two others (`key_between`).
- **The two never compare**: a computed key spells the article's rank, a `triAmendement` the
  Assembly's own blocks. `call_keys` therefore gives one kind for a whole set: when any
  amendment has a `triAmendement`, every other one gets a new key *between* the Assembly's
  keys of its neighbours (found with the computed keys), so all are comparable; when none has
  one, all keys are computed. A later amendment is slotted in the same way, nobody renumbered.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from workflows.article_numbers import article_rank
from workflows.discussion_order import classify_dispositif

ALPHABET = "abcdefghijklmnopqrstuvwxyz"
BASE = len(ALPHABET)
END = "n"  # every computed key ends with it, so there is always room below a key
_POSITIONS = {"before_article": "f", "article": "m", "after_article": "t"}
_KINDS = {"delete_article": "b", "rewrite_article": "d", "alinea": "m", "other": "w"}
_RELATIONS = {"before": "d", "on": "m", "after": "t"}
_GROUP_POSITIONS = {"first": "b", "middle": "m", "last": "y"}
_TITLE = "z" * 12  # the text's title is called last

_PART_MARKER = re.compile(r"^[ivxlc]+\.\s*[–—-]\s*")
_QUOTED = re.compile(r"«[^»]*»?")
_ALINEA = re.compile(r"(?:\b(?P<relation>avant|après|apres)\s+l'\s*)?\balin[ée]as?\s+(?P<n>\d+)")
_DELETE_ALINEA = re.compile(r"^supprimer (?:l'alin[ée]a|les alin[ée]as)\b")
_REWRITE_ALINEA = re.compile(
    r"^(?:rédiger ainsi (?:l'alin[ée]a|les alin[ée]as)|substituer (?:aux alin[ée]as|à l'alin[ée]a))"
)
# Completing an alinéa, or changing its last words, acts at its end.
_END_OF_ALINEA = re.compile(
    r"^(?:compléter (?:l'alin[ée]a|la \w+ phrase de l'alin[ée]a)|à la fin (?:de l'alin[ée]a|"
    r"de la \w+ phrase de l'alin[ée]a))\b"
)
_START_OF_ALINEA = re.compile(r"^au début (?:de l'alin[ée]a|de la \w+ phrase de l'alin[ée]a)\b")
_NUMBER = re.compile(r"(\d+)")


@dataclass(frozen=True)
class CallItem:
    """What the order of call looks at in one amendment."""

    uid: str  # unique in the set: the Assembly's uid, or Liasse's own id
    article_number: str | None = None  # "1er", "3 bis A"; None for the text's title
    article_position: int | None = None  # the article's 0-based place in the text, if known
    position_kind: str = "article"  # "before_article" | "article" | "after_article"
    on_title: bool = False  # an amendment to the text's title
    alinea: int | None = None
    alinea_relation: str | None = None  # "before" | "on" | "after"
    dispositif: str = ""
    number: str | None = None  # the official number; None before filing
    sequence: int = 0  # breaks ties after the number (Liasse's id for a draft)
    parent_uid: str | None = None
    identical_group: str | None = None
    identical_position: str | None = None  # "first" | "middle" | "last"
    joint_group: str | None = None
    joint_position: str | None = None
    inadmissible: bool = False
    tri: str | None = None  # the Assembly's triAmendement, verbatim


def call_keys(items: Sequence[CallItem]) -> dict[str, str]:
    """The order key of every item (uid → key), all of one kind (see the module's docstring)."""
    computed = computed_keys(items)
    anchored = [item for item in items if item.tri]
    if not anchored:
        return computed
    return _slot(items, anchored, computed)


def order_of_call(items: Sequence[CallItem]) -> list[CallItem]:
    """The items in the order they are called."""
    keys = call_keys(items)
    return sorted(items, key=lambda item: keys[item.uid])


# --- computed keys -----------------------------------------------------------------------------


def computed_keys(items: Sequence[CallItem]) -> dict[str, str]:
    """Keys from the rules alone, the Assembly's ignored (uid → key)."""
    by_uid = {item.uid: item for item in items}
    anchors = _group_anchors(items)
    keys: dict[str, str] = {}
    for item in items:
        _key_of(item, by_uid, anchors, keys, depth=0)
    return keys


def _key_of(
    item: CallItem,
    by_uid: dict[str, CallItem],
    anchors: dict[str, CallItem],
    keys: dict[str, str],
    depth: int,
) -> str:
    if item.uid in keys:
        return keys[item.uid]
    parent = by_uid.get(item.parent_uid or "")
    if parent is not None and parent is not item and depth < 8:
        key = _key_of(parent, by_uid, anchors, keys, depth + 1) + _tiebreak(item) + END
    else:
        anchor = anchors.get(_unit(item) or "", item)
        key = structural_key(anchor) + _tiebreak(anchor) + _member_rank(item) + END
    keys[item.uid] = key
    return key


def structural_key(item: CallItem) -> str:
    """Where the rules place an amendment, before any tiebreak (fixed width)."""
    division = _TITLE if item.on_title else _division(item)
    position = _POSITIONS.get(item.position_kind, "m")
    block = "w" if item.inadmissible else "m"
    return division + position + block + _passage(item)


def _division(item: CallItem) -> str:
    """The article's place: its position in the text when known, else its number's rank."""
    if item.article_position is not None:
        return _int(item.article_position + 1, 3) + "aa" + "m" + "aaaaaa"
    base, latin, plain, letters = article_rank(item.article_number or "")
    letter_code = "".join(_int(ord(c) - 64, 2) for c in letters[:3]).ljust(6, "a")
    return _int(base, 3) + _int(latin, 2) + ("m" if plain else "d") + letter_code


def _passage(item: CallItem) -> str:
    """On the article: kind, alinéa, before/on/after it, and what is done to it."""
    if item.position_kind != "article" or item.on_title:
        return "m" + "aaa" + "m" + "m"
    text = normalise(item.dispositif)
    kind = classify_dispositif(item.dispositif)
    if kind in ("delete_article", "rewrite_article"):
        return _KINDS[kind] + "aaa" + "m" + "m"
    alinea, relation = _alinea(item, text)
    if alinea is None:
        return _KINDS["other"] + "aaa" + "m" + "m"
    return _KINDS["alinea"] + _int(alinea, 3) + _RELATIONS[relation] + _treatment(text, relation)


def _alinea(item: CallItem, text: str) -> tuple[int | None, str]:
    """The alinéa the amendment is placed at, and whether before, on or after it."""
    match = _ALINEA.search(_QUOTED.sub(" ", text))
    said = (int(match["n"]), _relation(match["relation"])) if match else None
    if item.alinea is None:
        return said if said else (None, "on")
    relation = item.alinea_relation or (said[1] if said and said[0] == item.alinea else "on")
    return item.alinea, relation if relation in _RELATIONS else "on"


def _relation(word: str | None) -> str:
    return {"avant": "before", "après": "after", "apres": "after"}.get(word or "", "on")


def _treatment(text: str, relation: str) -> str:
    """On one alinéa, what departs most from the text comes first (deleting it, rewriting it),
    then changes in the order they fall in it: its start, its words, its end."""
    if relation != "on":
        return "m"
    for pattern, rank in (
        (_DELETE_ALINEA, "b"),
        (_REWRITE_ALINEA, "d"),
        (_START_OF_ALINEA, "h"),
        (_END_OF_ALINEA, "t"),
    ):
        if pattern.match(text):
            return rank
    return "m"


def normalise(dispositif: str) -> str:
    """Lower case, NFC, straight apostrophes, single spaces, no leading part mark ("I. – ")."""
    text = unicodedata.normalize("NFC", dispositif).replace("’", "'").casefold()
    return _PART_MARKER.sub("", " ".join(text.split()))


def _tiebreak(item: CallItem) -> str:
    """Numbered amendments in number order, then drafts in `sequence` order (fixed width, so
    that a sub-amendment's key, its parent's lengthened, never passes the parent's neighbour)."""
    match = _NUMBER.search(item.number or "")
    if match is None:
        return "y" + _int(0, 5) + _int(item.sequence, 5)
    return "b" + _int(int(match.group(1)), 5) + _int(item.sequence, 5)


def _unit(item: CallItem) -> str | None:
    """Amendments discussed together: the joint discussion, else the identical group."""
    if item.joint_group:
        return "j" + item.joint_group
    return "i" + item.identical_group if item.identical_group else None


def _member_rank(item: CallItem) -> str:
    joint = _GROUP_POSITIONS.get(item.joint_position or "", "m")
    identical = _GROUP_POSITIONS.get(item.identical_position or "", "m")
    return joint + identical + _tiebreak(item)


def _group_anchors(items: Sequence[CallItem]) -> dict[str, CallItem]:
    """Each group's anchor: the member the Assembly put first, else the first by the rules."""
    members: dict[str, list[CallItem]] = {}
    for item in items:
        unit = _unit(item)
        if unit and not item.parent_uid:
            members.setdefault(unit, []).append(item)
    return {unit: min(group, key=_anchor_rank) for unit, group in members.items()}


def _anchor_rank(item: CallItem) -> tuple[str, str, str]:
    first = "a" if "first" in (item.joint_position, item.identical_position) else "b"
    return first, structural_key(item), _tiebreak(item)


@functools.lru_cache(maxsize=1 << 16)  # a liasse of 20 000 asks for 110 000, mostly the same
def _int(value: int, width: int) -> str:
    """`value` in base 26 on `width` letters (clamped), so that string order is number order."""
    value = max(0, min(value, BASE**width - 1))
    digits = []
    for _ in range(width):
        value, digit = divmod(value, BASE)
        digits.append(ALPHABET[digit])
    return "".join(reversed(digits))


# --- room between keys -------------------------------------------------------------------------


def key_between(low: str | None, high: str | None) -> str:
    """A key strictly between `low` and `high` (None: unbounded), ending in a letter above "a"
    so that there is room below it too."""
    if low is not None and high is not None and not low < high:
        raise ValueError(f"no key between {low!r} and {high!r}: they are not in order")
    low = low or ""
    digits: list[int] = []
    for index in range(len(low) + len(high or "") + 2):
        lower = ALPHABET.index(low[index]) if index < len(low) else 0
        if high is not None and index >= len(high):
            break  # `high` is `low` followed by "a"s: nothing fits in between
        upper = BASE if high is None else ALPHABET.index(high[index])
        if upper - lower > 1:
            digits.append((lower + upper) // 2)
            return "".join(ALPHABET[digit] for digit in digits)
        digits.append(lower)
        if upper - lower == 1:
            high = None  # below `high` already: any continuation fits
    raise ValueError(f"no key between {low!r} and {high!r}")


def keys_between(low: str | None, high: str | None, count: int) -> list[str]:
    """`count` increasing keys between `low` and `high`, spread so that each gap keeps room."""
    if count <= 0:
        return []
    middle = key_between(low, high)
    before = count // 2
    return [
        *keys_between(low, middle, before),
        middle,
        *keys_between(middle, high, count - before - 1),
    ]


def spaced_keys(count: int) -> list[str]:
    """`count` increasing keys for a list in known order (an Eliasse dérouleur, say)."""
    return keys_between(None, None, count)


def _slot(
    items: Sequence[CallItem], anchored: list[CallItem], computed: dict[str, str]
) -> dict[str, str]:
    """Keep the Assembly's keys; give every other item a key between its neighbours'."""
    anchored = sorted(anchored, key=lambda item: item.tri or "")
    ceilings: list[str] = []  # the highest computed key up to each anchor, in the Assembly's order
    for item in anchored:
        ceilings.append(max(ceilings[-1], computed[item.uid]) if ceilings else computed[item.uid])
    gaps: dict[int, list[CallItem]] = {}
    for item in sorted((i for i in items if not i.tri), key=lambda i: computed[i.uid]):
        gaps.setdefault(bisect.bisect_right(ceilings, computed[item.uid]), []).append(item)
    keys = {item.uid: item.tri or "" for item in anchored}
    for gap, waiting in gaps.items():
        low = anchored[gap - 1].tri if gap > 0 else None
        high = anchored[gap].tri if gap < len(anchored) else None
        keys.update(
            zip((i.uid for i in waiting), keys_between(low, high, len(waiting)), strict=True)
        )
    return keys
