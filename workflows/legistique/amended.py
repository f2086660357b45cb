"""The amended text (« texte amendé »): an article with amendments applied, changes marked."""

from __future__ import annotations

from dataclasses import dataclass

from workflows.legistique.apply import ArticleState, Slot, apply_operation
from workflows.legistique.errors import NotUnderstood
from workflows.legistique.grammar import Operation, parse_dispositif
from workflows.legistique.identity import Touch, operation_touches, overlaps
from workflows.textdiff import word_diff


@dataclass(frozen=True)
class Segment:
    """A piece of an amended alinéa: "equal", "insert" or "delete", and which amendment did it."""

    kind: str
    text: str
    amendment: int | None = None


@dataclass(frozen=True)
class AmendedAlinea:
    """One alinéa of the amended article.

    status is "unchanged", "inserted", "deleted" or "modified"; text is what it reads after (the
    old text for a deleted one); number is its number before (None for an inserted one).
    """

    status: str
    text: str
    number: int | None
    amendments: tuple[int, ...]
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class Conflict:
    """An amendment not applied because an earlier one already changed the same text."""

    amendment: int
    with_amendment: int
    reason: str


@dataclass(frozen=True)
class NotApplied:
    """An amendment not applied because it is not understood or cannot be applied."""

    amendment: int
    code: str
    reason: str


@dataclass(frozen=True)
class AmendedArticle:
    """An article with amendments applied in order: its alinéas, conflicts and failures."""

    alineas: tuple[AmendedAlinea, ...]
    applied: tuple[int, ...]
    conflicts: tuple[Conflict, ...]
    not_understood: tuple[NotApplied, ...]

    @property
    def text(self) -> list[str]:
        """Return the alinéas of the amended article."""
        return [alinea.text for alinea in self.alineas if alinea.status != "deleted"]


def _conflicting(mine: list[Touch], claimed: list[tuple[Touch, int]]) -> int | None:
    """Return the earlier amendment that already changed what these touches change."""
    for touch in mine:
        for other, amendment in claimed:
            both_insert = touch.kind == other.kind == "insertion"
            if not both_insert and overlaps(touch, other):
                return amendment
    return None


# Beyond this many changed characters on both sides, a change is diffed word by word for display.
_WORDWISE = 80


def _changes(old: str, new: str) -> list[tuple[str, str]]:
    """Diff two versions of an alinéa: the common start and end, and the changed middle."""
    limit = min(len(old), len(new))
    prefix = 0
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    # Cut at word boundaries, so a change reads as whole words.
    while prefix and not old[prefix - 1].isspace() and old[prefix - 1].isalnum():
        prefix -= 1
    while suffix and old[len(old) - suffix].isalnum():
        suffix -= 1
    middle_old, middle_new = old[prefix : len(old) - suffix], new[prefix : len(new) - suffix]
    if len(middle_old) > _WORDWISE and len(middle_new) > _WORDWISE:
        middle = word_diff(middle_old, middle_new)
    else:
        middle = [("delete", middle_old), ("insert", middle_new)]
    ends = [("equal", old[:prefix]), *middle, ("equal", old[len(old) - suffix :])]
    return [(op, text) for op, text in ends if text]


def _segments(original: str, history: list[tuple[int | None, str]]) -> tuple[Segment, ...]:
    """Mark, character by character, which amendment inserted or deleted what in an alinéa."""
    current, origin = original, list(range(len(original)))
    owner: list[int | None] = [None] * len(original)
    deleted_by: list[int | None] = [None] * len(original)
    for author, new in history:
        new_origin: list[int] = []
        new_owner: list[int | None] = []
        index = 0
        for op, text in _changes(current, new):
            if op == "insert":
                new_origin += [-1] * len(text)
                new_owner += [author] * len(text)
                continue
            span = range(index, index + len(text))
            if op == "equal":
                new_origin += [origin[i] for i in span]
                new_owner += [owner[i] for i in span]
            else:
                for i in span:
                    if origin[i] >= 0:
                        deleted_by[origin[i]] = author
            index += len(text)
        current, origin, owner = new, new_origin, new_owner
    return _merge(_walk(original, current, origin, owner, deleted_by))


def _walk(
    original: str,
    final: str,
    origin: list[int],
    owner: list[int | None],
    deleted_by: list[int | None],
) -> list[Segment]:
    """Interleave the final characters with the deleted original ones, deletions first."""
    following = [len(original)] * (len(final) + 1)
    for index in range(len(final) - 1, -1, -1):
        following[index] = origin[index] if origin[index] >= 0 else following[index + 1]
    pieces: list[Segment] = []
    cursor = 0
    for index, char in enumerate(final):
        # The original characters deleted before the next kept one come before any insertion.
        while cursor < following[index]:
            pieces.append(Segment("delete", original[cursor], deleted_by[cursor]))
            cursor += 1
        if origin[index] < 0:
            pieces.append(Segment("insert", char, owner[index]))
        else:
            pieces.append(Segment("equal", char))
            cursor = origin[index] + 1
    pieces += [Segment("delete", original[i], deleted_by[i]) for i in range(cursor, len(original))]
    return pieces


def _merge(pieces: list[Segment]) -> tuple[Segment, ...]:
    """Merge neighbouring pieces of the same kind and amendment."""
    merged: list[Segment] = []
    for piece in pieces:
        if merged and (merged[-1].kind, merged[-1].amendment) == (piece.kind, piece.amendment):
            merged[-1] = Segment(piece.kind, merged[-1].text + piece.text, piece.amendment)
        else:
            merged.append(piece)
    return tuple(merged)


def _ids(*authors: int | None) -> tuple[int, ...]:
    """Return the amendment numbers among authors, without repeats (None: the text itself)."""
    return tuple(dict.fromkeys(a for a in authors if a is not None))


def _inserted(items: list[tuple[str, int | None]]) -> list[AmendedAlinea]:
    """Describe alinéas inserted by amendments."""
    return [
        AmendedAlinea("inserted", text, None, _ids(author), (Segment("insert", text, author),))
        for text, author in items
    ]


def _deleted(slot: Slot, number: int) -> AmendedAlinea:
    """Describe an alinéa deleted (or replaced) by an amendment."""
    segment = Segment("delete", slot.original, slot.removed_by)
    return AmendedAlinea("deleted", slot.original, number, _ids(slot.removed_by), (segment,))


def _describe(slot: Slot, number: int) -> list[AmendedAlinea]:
    """Describe what became of one alinéa of the article before."""
    if slot.removed:
        return [_deleted(slot, number), *_inserted([(t, slot.removed_by) for t in slot.texts])]
    if not slot.history:
        unchanged = (Segment("equal", slot.original),)
        return [AmendedAlinea("unchanged", slot.original, number, (), unchanged)]
    segments = _segments(slot.original, slot.history)
    authors = _ids(*(author for author, _ in slot.history))
    return [AmendedAlinea("modified", slot.texts[0], number, authors, segments)]


def _layout(state: ArticleState) -> tuple[AmendedAlinea, ...]:
    """List the amended article's alinéas, deleted ones included, in text order."""
    alineas: list[AmendedAlinea] = []
    for number, slot in enumerate(state.slots, start=1):
        alineas += _inserted(slot.before)
        alineas += _describe(slot, number)
        alineas += _inserted(slot.after)
    if state.replaced is not None:
        alineas += _inserted(state.replaced)
    return tuple(alineas)


def _try(state: ArticleState, amendment: int, operations: list[Operation]) -> ArticleState:
    """Apply an amendment's operations to a copy of the state (left intact if one fails)."""
    trial = state.copy()
    trial.author = amendment
    for op in operations:
        apply_operation(trial, op)
    return trial


def amend_article(alineas: list[str], amendments: list[tuple[int, str]]) -> AmendedArticle:
    """Apply amendments (id, dispositif) in order; a later one on the same text is a conflict."""
    state = ArticleState.of(alineas)
    claimed: list[tuple[Touch, int]] = []
    applied: list[int] = []
    conflicts: list[Conflict] = []
    failures: list[NotApplied] = []
    for amendment, dispositif in amendments:
        try:
            operations = parse_dispositif(dispositif)
            touches = [touch for op in operations for touch in operation_touches(op, alineas)]
            rival = _conflicting(touches, claimed)
            if rival is not None:
                reason = f"L’amendement n° {rival} modifie déjà le même texte."
                conflicts.append(Conflict(amendment, rival, reason))
                continue
            state = _try(state, amendment, operations)
        except NotUnderstood as failure:
            failures.append(NotApplied(amendment, failure.code, failure.reason))
            continue
        claimed += [(touch, amendment) for touch in touches]
        applied.append(amendment)
    return AmendedArticle(_layout(state), tuple(applied), tuple(conflicts), tuple(failures))
