"""Edits inside one alinéa: find the quoted words (once, or as qualified) and change them."""

from __future__ import annotations

from collections.abc import Sequence

from workflows.legistique.errors import NotUnderstood
from workflows.legistique.french import feminine_ordinal
from workflows.legistique.grammar import Operation
from workflows.legistique.text import (
    Token,
    find_all,
    keys,
    leading_end,
    sentence_spans,
    splice,
    terminal_start,
    tokens,
)

# Tokens that may follow words said to be « à la fin » of an alinéa, or precede them « au début ».
_CLOSING_KEYS = frozenset({".", ";", ":", ",", '"', "!", "?", "…", "»"})
_OPENING_KEYS = frozenset({'"', "«"})


def _error(op: Operation, reason: str, code: str) -> NotUnderstood:
    """Build the error for an operation, pointing at its quoted words when it has some."""
    start, end = op.words_span or op.span
    return NotUnderstood(reason, code=code, start=start, end=end)


def scope(text: str, op: Operation) -> tuple[int, int]:
    """Return the (start, end) of the part of an alinéa an operation works in: a sentence or all."""
    if op.sentence is None:
        return 0, len(text)
    spans = sentence_spans(text)
    index = op.sentence - 1 if op.sentence > 0 else len(spans) + op.sentence
    if not 0 <= index < len(spans):
        name = "dernière" if op.sentence < 0 else feminine_ordinal(op.sentence)
        raise _error(op, f"L’alinéa n’a pas de {name} phrase.", "sentence_missing")
    return spans[index]


def _at_edge(found: tuple[int, int], scoped: Sequence[Token], edge: str | None) -> bool:
    """Tell whether an occurrence sits at the start or the end of its scope, as qualified."""
    first, last = found
    if edge == "start":
        return all(token.key in _OPENING_KEYS for token in scoped[:first])
    if edge == "end":
        return all(token.key in _CLOSING_KEYS for token in scoped[last:])
    return True


def _lowered(found: Sequence[Token]) -> list[Token]:
    """Return the tokens with lower-case keys."""
    return [Token(token.key.lower(), token.start, token.end) for token in found]


def occurrences(text: str, op: Operation, *, ignore_case: bool = False) -> list[tuple[int, int]]:
    """Return the character spans of the quoted words in the operation's scope (edge applied)."""
    low, high = scope(text, op)
    scoped = [token for token in tokens(text) if token.start >= low and token.end <= high]
    needle: Sequence[str] = keys(op.words or "")
    if not needle:
        raise _error(op, "Les mots cités sont vides.", "words_empty")
    if ignore_case:
        scoped, needle = _lowered(scoped), [key.lower() for key in needle]
    found = [f for f in find_all(scoped, needle) if _at_edge(f, scoped, op.edge)]
    return [(scoped[first].start, scoped[last - 1].end) for first, last in found]


def _satisfies(found: list[tuple[int, int]], op: Operation) -> bool:
    """Tell whether the occurrences found let the operation pick one."""
    if op.occurrence is None:
        return len(found) == 1
    return len(found) >= abs(op.occurrence)


def locate(text: str, op: Operation, alinea: int | None = None) -> tuple[int, int]:
    """Return the span of the one occurrence the operation targets, or explain why there is none."""
    found = occurrences(text, op)
    if not _satisfies(found, op):
        # Authors count « Les » at a sentence start as an occurrence of « les ».
        insensitive = occurrences(text, op, ignore_case=True)
        if _satisfies(insensitive, op) and (not found or op.occurrence is not None):
            found = insensitive
    where = f"l’alinéa {alinea}" if alinea else "le texte"
    if op.occurrence is not None:
        index = op.occurrence - 1 if op.occurrence > 0 else len(found) + op.occurrence
        if not 0 <= index < len(found):
            reason = f"Les mots « {op.words} » n’apparaissent que {len(found)} fois dans {where}."
            raise _error(op, reason, "words_not_found")
        return found[index]
    if not found:
        edge = {"start": " au début de", "end": " à la fin de"}.get(op.edge or "", " dans")
        reason = f"Les mots « {op.words} » ne figurent pas{edge} {where}."
        raise _error(op, reason, "words_not_found")
    if len(found) > 1:
        reason = (
            f"Les mots « {op.words} » figurent {len(found)} fois dans {where} : "
            "précisez la phrase ou l’occurrence."
        )
        raise _error(op, reason, "words_ambiguous")
    return found[0]


def _append(text: str, op: Operation) -> str:
    """Put words at the end of the scope, before its closing punctuation."""
    low, high = scope(text, op)
    cut = terminal_start(text, low, high)
    return splice(text[:cut], op.text or "", text[cut:])


def _append_sentence(text: str, op: Operation) -> str:
    """Put a sentence after the last one, inside a closing guillemet if there is one."""
    cut = terminal_start(text)
    period = next((i for i in range(cut, len(text)) if text[i] in ".!?…"), None)
    if period is None:
        raise _error(
            op,
            "L’alinéa ne finit pas par un point : une phrase ne peut le compléter.",
            "not_applicable",
        )
    return splice(text[: period + 1], op.text or "", text[period + 1 :])


def _sentence_edit(text: str, op: Operation) -> str:
    """Insert, delete or rewrite one sentence of an alinéa."""
    start, end = scope(text, op)
    if op.kind == "rewrite_sentence":
        return splice(text[:start], op.text or "", text[end:])
    if op.kind == "insert_sentence":
        cut = end if op.relation == "after" else start
        return splice(text[:cut], op.text or "", text[cut:])
    spans = sentence_spans(text)
    if len(spans) < 2:
        raise _error(op, "L’alinéa n’a qu’une phrase : supprimez l’alinéa.", "not_applicable")
    index = spans.index((start, end))
    if index == len(spans) - 1:
        return text[: spans[index - 1][1]] + text[end:]
    return text[:start] + text[spans[index + 1][0] :]


def _rewrite_start(text: str, op: Operation) -> str:
    """Replace the start of an alinéa up to the words the new start ends with."""
    new_start = op.text or ""
    new_tokens = keys(new_start)
    old = tokens(text)
    for size in range(len(new_tokens), 1, -1):
        found = find_all(old, new_tokens[-size:])
        if len(found) == 1:
            return new_start + text[old[found[0][1] - 1].end :]
    raise _error(
        op,
        "Les derniers mots du nouveau début ne se retrouvent pas une seule fois dans l’alinéa.",
        "words_not_found",
    )


def _same_case(found: str, op: Operation) -> str:
    """Capitalise new words replacing capitalised ones (« la personne » starting a sentence)."""
    new = op.text or ""
    if found.isupper() and (op.words or "")[:1].islower() and new[:1].islower():
        return new[:1].upper() + new[1:]
    return new


def _checked_deletion(text: str, start: int, end: int, op: Operation) -> str:
    """Delete words, refusing when the cut would put the same word twice in a row."""
    before, after = tokens(text[:start]), tokens(text[end:])
    if before and after and before[-1].key.isalpha() and before[-1].key == after[0].key:
        reason = (
            f"Supprimer ces mots laisserait « {before[-1].key} {after[0].key} » : "
            "la suppression visée est sans doute plus large."
        )
        raise _error(op, reason, "doubled_word")
    return splice(text[:start], "", text[end:])


def edit_alinea(text: str, op: Operation, alinea: int | None = None) -> str:
    """Apply a word- or sentence-level operation to the text of one alinéa."""
    if op.kind in ("substitute_words", "delete_words", "insert_words"):
        start, end = locate(text, op, alinea)
        if op.kind == "substitute_words":
            return splice(text[:start], _same_case(text[start], op), text[end:])
        if op.kind == "delete_words":
            return _checked_deletion(text, start, end, op)
        cut = end if op.relation == "after" else start
        return splice(text[:cut], op.text or "", text[cut:])
    if op.kind == "append_words":
        return _append(text, op)
    if op.kind == "prepend_words":
        cut = leading_end(text, scope(text, op)[0])
        return splice(text[:cut], op.text or "", text[cut:])
    if op.kind == "append_sentence":
        return _append_sentence(text, op)
    if op.kind in ("insert_sentence", "delete_sentence", "rewrite_sentence"):
        return _sentence_edit(text, op)
    if op.kind == "rewrite_start":
        return _rewrite_start(text, op)
    raise _error(op, f"Opération inconnue : {op.kind}.", "not_understood")
