"""Applying a dispositif to an article: every operation addresses the alinéas as numbered before."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from workflows.legistique.errors import NotUnderstood
from workflows.legistique.grammar import Operation, parse_dispositif
from workflows.legistique.text import is_deletion_marker
from workflows.legistique.words import edit_alinea, occurrences

WHOLE_ARTICLE = frozenset({"delete_article", "rewrite_article", "restore_article"})
WORD_LEVEL = frozenset(
    {
        "substitute_words",
        "insert_words",
        "delete_words",
        "append_words",
        "prepend_words",
        "append_sentence",
        "insert_sentence",
        "delete_sentence",
        "rewrite_sentence",
        "rewrite_start",
    }
)


@dataclass
class Slot:
    """One alinéa of the text before: what stands for it now, and what was inserted around it."""

    original: str
    texts: list[str]
    before: list[tuple[str, int | None]] = field(default_factory=list)
    after: list[tuple[str, int | None]] = field(default_factory=list)
    history: list[tuple[int | None, str]] = field(default_factory=list)
    removed_by: int | None = None
    removed: bool = False


@dataclass
class ArticleState:
    """An article being amended; « author » tells which amendment did what (None for one)."""

    slots: list[Slot]
    replaced: list[tuple[str, int | None]] | None = None
    author: int | None = None

    @classmethod
    def of(cls, alineas: list[str]) -> ArticleState:
        """Start from the alinéas of the text before."""
        return cls([Slot(text, [text]) for text in alineas])

    def result(self) -> list[str]:
        """Return the alinéas of the amended text."""
        if self.replaced is not None:
            return [text for text, _ in self.replaced]
        alineas: list[str] = []
        for slot in self.slots:
            alineas += [text for text, _ in slot.before]
            alineas += slot.texts
            alineas += [text for text, _ in slot.after]
        return alineas

    def slot(self, number: int, op: Operation) -> Slot:
        """Return the slot of alinéa N, or explain that the article has no such alinéa."""
        if self.replaced is not None:
            raise _error(op, "L’article est déjà supprimé ou réécrit.", "conflict")
        if not 1 <= number <= len(self.slots):
            reason = f"L’alinéa {number} n’existe pas : l’article compte {len(self.slots)} alinéas."
            raise _error(op, reason, "alinea_missing")
        return self.slots[number - 1]

    def live(self, number: int, op: Operation) -> Slot:
        """Return the slot of alinéa N when it still stands as one alinéa."""
        slot = self.slot(number, op)
        if len(slot.texts) != 1:
            raise _error(op, f"L’alinéa {number} est déjà supprimé ou remplacé.", "conflict")
        return slot

    def copy(self) -> ArticleState:
        """Return an independent copy, to try an amendment without spoiling the state."""
        slots = [
            replace(
                s,
                texts=list(s.texts),
                before=list(s.before),
                after=list(s.after),
                history=list(s.history),
            )
            for s in self.slots
        ]
        replaced = list(self.replaced) if self.replaced is not None else None
        return ArticleState(slots, replaced, self.author)

    def set_text(self, slot: Slot, text: str) -> None:
        """Change the text of an alinéa, remembering who did it."""
        slot.texts = [text]
        slot.history.append((self.author, text))

    def remove(self, slot: Slot, replacement: tuple[str, ...] = ()) -> None:
        """Delete an alinéa, or replace it by new ones."""
        slot.texts = list(replacement)
        slot.removed_by, slot.removed = self.author, True


def _error(op: Operation, reason: str, code: str) -> NotUnderstood:
    """Build the error of an operation, pointing at the part of the dispositif it comes from."""
    return NotUnderstood(reason, code=code, start=op.span[0], end=op.span[1])


def _whole_article(state: ArticleState, op: Operation) -> None:
    """Delete, rewrite or restore the whole article."""
    originals = [slot.original for slot in state.slots]
    if op.kind == "restore_article" and not all(is_deletion_marker(t) for t in originals):
        raise _error(
            op, "« Rétablir » vise un article supprimé ; celui-ci ne l’est pas.", "not_applicable"
        )
    for slot in state.slots:
        state.remove(slot)
    state.replaced = [(text, state.author) for text in op.new_alineas]


def _alinea_level(state: ArticleState, op: Operation) -> None:
    """Insert, delete or replace whole alinéas."""
    new = [(text, state.author) for text in op.new_alineas]
    if op.kind == "append_alineas":
        if not state.slots:
            state.replaced = (state.replaced or []) + new
            return
        state.slot(len(state.slots), op).after.extend(new)
    elif op.kind == "insert_alineas":
        slot = state.slot(op.alineas[0], op)
        (slot.after if op.relation == "after" else slot.before).extend(new)
    elif op.kind == "delete_alineas":
        for number in op.alineas:
            state.remove(state.live(number, op))
    elif op.kind == "replace_alineas":
        _replace(state, op)


def _replace(state: ArticleState, op: Operation) -> None:
    """Replace alinéas N to M by the new ones (they take the place of the first)."""
    slots = [state.live(number, op) for number in op.alineas]
    if op.family == "restore_alinea" and not is_deletion_marker(slots[0].original):
        raise _error(
            op,
            f"« Rétablir » vise un alinéa supprimé ; l’alinéa {op.alineas[0]} ne l’est pas.",
            "not_applicable",
        )
    if op.family in ("rewrite_alinea", "rewrite_title") and len(op.new_alineas) == 1:
        state.set_text(slots[0], op.new_alineas[0])
        return
    state.remove(slots[0], op.new_alineas)
    for slot in slots[1:]:
        state.remove(slot)


def _anywhere(state: ArticleState, op: Operation) -> list[int]:
    """Find the alinéa a location-less operation means: the one holding its quoted words."""
    if op.kind in ("append_words", "append_sentence"):
        return [len(state.slots)] if op.edge != "start" else [1]
    if op.kind == "prepend_words":
        return [1]
    holding = []
    for number, slot in enumerate(state.slots, start=1):
        if len(slot.texts) == 1 and occurrences(slot.texts[0], op):
            holding.append(number)
    if len(holding) == 1:
        return holding
    reason = "ne figurent dans aucun alinéa" if not holding else "figurent dans plusieurs alinéas"
    code = "words_not_found" if not holding else "words_ambiguous"
    start, end = op.words_span or op.span
    raise NotUnderstood(
        f"Les mots « {op.words} » {reason} : précisez l’alinéa.", code=code, start=start, end=end
    )


def _word_level(state: ArticleState, op: Operation) -> None:
    """Edit words or sentences in the alinéas an operation addresses."""
    if op.scope == "title" and len(state.slots) != 1:
        raise _error(op, "Une formule sur le titre s’applique au seul titre.", "not_applicable")
    numbers = list(op.alineas) if op.scope != "anywhere" else _anywhere(state, op)
    if not numbers:
        raise _error(op, "La formule ne dit pas quel alinéa elle modifie.", "not_understood")
    for number in numbers:
        slot = state.live(number, op)
        state.set_text(slot, edit_alinea(slot.texts[0], op, number))


def apply_operation(state: ArticleState, op: Operation) -> None:
    """Apply one operation to an article being amended."""
    if op.kind in WHOLE_ARTICLE:
        _whole_article(state, op)
    elif op.kind in WORD_LEVEL:
        _word_level(state, op)
    else:
        _alinea_level(state, op)


def apply_operations(operations: list[Operation], alineas: list[str]) -> list[str]:
    """Apply parsed operations to an article's alinéas and return the amended alinéas."""
    state = ArticleState.of(alineas)
    for op in operations:
        apply_operation(state, op)
    return state.result()


def apply_dispositif(dispositif: str, alineas: list[str]) -> list[str]:
    """Apply a dispositif to an article's alinéas; raise NotUnderstood rather than guess."""
    return apply_operations(parse_dispositif(dispositif), alineas)
