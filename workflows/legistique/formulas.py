"""Writing the Assembly's formulas for word-level edits of one alinéa (§3.4 rule 3)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from workflows.legistique.french import NBSP, alinea_ref, feminine_ordinal, quoted
from workflows.legistique.text import Token, find_all, is_word, sentence_spans, tokens

# Hunks this close (in tokens) are written as one substitution rather than two parts.
_MERGE_GAP = 3
# The longest anchor tried before qualifying by sentence or occurrence.
_MAX_ANCHOR = 10
_OPENING = frozenset({'"', "«", "(", "["})
_CLOSING = frozenset({".", ";", ":", ",", '"', "»", "!", "?", "…"})
_MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
_DATE = re.compile(rf"\d{{1,2}}(?:er)?[ \u00a0](?:{_MONTHS})[ \u00a0]\d{{4}}")
_YEAR = re.compile(r"(?:19|20)\d\d")
_RATE = re.compile(r"\d+(?:[,.]\d+)?[ \u00a0\u202f]?%")
_AMOUNT = re.compile(r"[\d \u00a0\u202f.,]+(?:€|euros?|millions? d’euros|milliards? d’euros)")
_REFERENCE = re.compile(
    r"(?:[LRDA]\.[ \u00a0]?(?:O\.[ \u00a0]?)?)?\d+(?:[-\u2011]\d+)+|[LRDA]\.[ \u00a0]?\d+"
)

# noun → (« substituer à … », definite « le … », « de … » after « occurrence »)
_NOUNS = {
    "mot": ("au mot", "le mot", "du mot"),
    "mots": ("aux mots", "les mots", "des mots"),
    "date": ("à la date", "la date", "de la date"),
    "année": ("à l’année", "l’année", "de l’année"),
    "taux": ("au taux", "le taux", "du taux"),
    "montant": ("au montant", "le montant", "du montant"),
    "référence": ("à la référence", "la référence", "de la référence"),
    "signe": ("au signe", "le signe", "du signe"),
}


def noun_of(text: str) -> str:
    """Name what a quoted text is, as formulas do: a date, a rate, a reference, a word, words."""
    text = text.strip()
    for noun, pattern in (("date", _DATE), ("année", _YEAR), ("taux", _RATE)):
        if pattern.fullmatch(text):
            return noun
    if _AMOUNT.fullmatch(text) and any(c.isdigit() for c in text):
        return "montant"
    if _REFERENCE.fullmatch(text):
        return "référence"
    found = tokens(text)
    if len(found) == 1:
        return "mot" if is_word(found[0].key) else "signe"
    return "mots"


def _nouns(old: str, new: str) -> tuple[str, str]:
    """Name the old and the new words of a substitution (a date replaces a date)."""
    old_noun, new_noun = noun_of(old), noun_of(new)
    if old_noun in ("mot", "mots", "signe") or new_noun in ("mot", "mots", "signe"):
        return old_noun, new_noun
    return old_noun, old_noun if old_noun == new_noun else new_noun


@dataclass(frozen=True)
class Hunk:
    """Old tokens [i1, i2) of an alinéa replaced by new tokens [j1, j2)."""

    i1: int
    i2: int
    j1: int
    j2: int


def hunks(old: Sequence[Token], new: Sequence[Token], gap: int = _MERGE_GAP) -> list[Hunk]:
    """Diff two alinéas word by word; changes at most gap tokens apart are merged into one."""
    matcher = SequenceMatcher(None, [t.key for t in old], [t.key for t in new], autojunk=False)
    found: list[Hunk] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if found and i1 - found[-1].i2 <= gap:
            found[-1] = Hunk(found[-1].i1, i2, found[-1].j1, j2)
        else:
            found.append(Hunk(i1, i2, j1, j2))
    return found


_UNITS = (_DATE, _RATE, _AMOUNT, _REFERENCE)


def _unit_reach(text: str, found: Sequence[Token], first: int, last: int) -> tuple[int, int]:
    """Return how many tokens to add on each side so a change covers whole dates, references."""
    if first >= last:
        return 0, 0
    start, end = found[first].start, found[last - 1].end
    left = right = 0
    for pattern in _UNITS:
        for match in pattern.finditer(text):
            if match.start() < end and start < match.end():
                left = max(left, sum(1 for t in found[:first] if t.start >= match.start()))
                right = max(right, sum(1 for t in found[last:] if t.end <= match.end()))
    return left, right


def _widened(hunk: Hunk, old: str, new: str) -> Hunk:
    """Widen a change to whole dates, amounts and references (« à la date » names all of it)."""
    old_tokens, new_tokens = tokens(old), tokens(new)
    reaches = [
        _unit_reach(old, old_tokens, hunk.i1, hunk.i2),
        _unit_reach(new, new_tokens, hunk.j1, hunk.j2),
    ]
    # The tokens around a change are equal on both sides: widen both by the same amount.
    left = min(max(r[0] for r in reaches), hunk.i1, hunk.j1)
    right = min(max(r[1] for r in reaches), len(old_tokens) - hunk.i2, len(new_tokens) - hunk.j2)
    return Hunk(hunk.i1 - left, hunk.i2 + right, hunk.j1 - left, hunk.j2 + right)


def changed_share(old: Sequence[Token], new: Sequence[Token]) -> float:
    """Return the share of words changed between two versions of an alinéa."""
    matcher = SequenceMatcher(None, [t.key for t in old], [t.key for t in new], autojunk=False)
    return 1 - matcher.ratio()


class _Alinea:
    """One alinéa being described: its number, its text and tokens, its sentences."""

    def __init__(self, number: int, text: str) -> None:
        self.number, self.text, self.tokens = number, text, tokens(text)
        self.keys = [t.key for t in self.tokens]
        self._sentences: list[tuple[int, int]] | None = None

    @property
    def sentences(self) -> list[tuple[int, int]]:
        """Return the sentence spans of the alinéa, computed once."""
        if self._sentences is None:
            self._sentences = sentence_spans(self.text)
        return self._sentences

    def span(self, i1: int, i2: int) -> str:
        """Return the text of tokens [i1, i2)."""
        return self.text[self.tokens[i1].start : self.tokens[i2 - 1].end]

    def count(self, i1: int, i2: int, within: tuple[int, int] | None = None) -> int:
        """Count the occurrences of tokens [i1, i2) in the alinéa (or in one sentence)."""
        scoped: Sequence[Token] = self.tokens
        if within:
            scoped = [t for t in scoped if t.start >= within[0] and t.end <= within[1]]
        return len(find_all(scoped, self.keys[i1:i2]))

    def occurrence(self, i1: int, i2: int) -> int:
        """Return which occurrence (1-based) tokens [i1, i2) are, counted in the alinéa."""
        return [f[0] for f in find_all(self.tokens, self.keys[i1:i2])].index(i1) + 1

    def sentence_of(self, index: int) -> int | None:
        """Return the 1-based sentence holding token index, when the alinéa has several."""
        if len(self.sentences) < 2:
            return None
        offset = self.tokens[index].start
        for number, (start, end) in enumerate(self.sentences, start=1):
            if start <= offset < end:
                return number
        return None

    def at_end(self, index: int) -> bool:
        """Tell whether only closing punctuation follows token index."""
        return all(key in _CLOSING for key in self.keys[index:])

    def at_start(self, index: int) -> bool:
        """Tell whether only an opening quotation mark precedes token index."""
        return all(key in _OPENING for key in self.keys[:index])


def _phrase_location(alinea: _Alinea, sentence: int) -> str:
    """Write « À la première phrase de l’alinéa N, »."""
    name = feminine_ordinal(sentence, len(alinea.sentences))
    return f"À la {name} phrase de {alinea_ref(alinea.number)}, "


def _target(alinea: _Alinea, i1: int, i2: int) -> tuple[str, str]:
    """Locate target words: (« À l’alinéa N, » or a qualified location, occurrence prefix)."""
    if alinea.count(i1, i2) == 1:
        return f"À {alinea_ref(alinea.number)}, ", ""
    if alinea.at_end(i2) and not _other_at_end(alinea, i1, i2):
        return f"À la fin de {alinea_ref(alinea.number)}, ", ""
    sentence = alinea.sentence_of(i1)
    if sentence is not None:
        span = alinea.sentences[sentence - 1]
        if alinea.count(i1, i2, span) == 1:
            return _phrase_location(alinea, sentence), ""
    nth = feminine_ordinal(alinea.occurrence(i1, i2), alinea.count(i1, i2))
    return f"À {alinea_ref(alinea.number)}, ", f"la {nth} occurrence "


def _other_at_end(alinea: _Alinea, i1: int, i2: int) -> bool:
    """Tell whether another occurrence of the words also ends the alinéa (never, in practice)."""
    return any(
        f[0] != i1 and alinea.at_end(f[1]) for f in find_all(alinea.tokens, alinea.keys[i1:i2])
    )


def _words(text: str, noun: str, case: int) -> str:
    """Write « au mot :\n« X » » with the noun in the wanted form (0: à, 1: le, 2: de)."""
    return f"{_NOUNS[noun][case]}{NBSP}:\n{quoted(text)}"


def _substitution(alinea: _Alinea, hunk: Hunk, new_text: str) -> str:
    """Write « À l’alinéa N, substituer aux mots : « X » les mots : « Y ». »."""
    old_text = alinea.span(hunk.i1, hunk.i2)
    old_noun, new_noun = _nouns(old_text, new_text)
    location, occurrence = _target(alinea, hunk.i1, hunk.i2)
    target = (
        f"à {occurrence}{_NOUNS[old_noun][2]}{NBSP}:\n{quoted(old_text)}"
        if occurrence
        else _words(old_text, old_noun, 0)
    )
    return f"{location}substituer {target}\n{_words(new_text, new_noun, 1)}."


def _deletion(alinea: _Alinea, hunk: Hunk) -> str:
    """Write « À l’alinéa N, supprimer les mots : « X ». »."""
    old_text = alinea.span(hunk.i1, hunk.i2)
    noun = noun_of(old_text)
    location, occurrence = _target(alinea, hunk.i1, hunk.i2)
    if occurrence:
        return f"{location}supprimer {occurrence}{_NOUNS[noun][2]}{NBSP}:\n{quoted(old_text)}."
    return f"{location}supprimer {_words(old_text, noun, 1)}."


def _anchor(alinea: _Alinea, index: int, within: tuple[int, int] | None) -> int | None:
    """Return the start of the shortest unique anchor ending just before token index."""
    for size in range(1, min(index, _MAX_ANCHOR) + 1):
        first = index - size
        if within and alinea.tokens[first].start < within[0]:
            return None
        if not is_word(alinea.keys[first]) and first > 0:
            continue
        # An anchor does not cut a reference or a date: « après la référence : « L. 914-3 » ».
        first -= _unit_reach(alinea.text, alinea.tokens, first, index)[0]
        if alinea.count(first, index, within) == 1:
            return first
    return None


def _insertion(alinea: _Alinea, index: int, new_text: str) -> str:
    """Write « À l’alinéa N, après le mot : « A », insérer les mots : « Y ». »."""
    insert = f"insérer {_words(new_text, noun_of(new_text), 1)}."
    first = _anchor(alinea, index, None)
    location, occurrence = f"À {alinea_ref(alinea.number)}, ", ""
    if first is None:
        sentence = alinea.sentence_of(index - 1)
        span = alinea.sentences[sentence - 1] if sentence else None
        first = _anchor(alinea, index, span) if span else None
        if first is not None and sentence is not None:
            location = _phrase_location(alinea, sentence)
    if first is None:
        first = index - 1
        nth = feminine_ordinal(alinea.occurrence(first, index), alinea.count(first, index))
        occurrence = f"la {nth} occurrence "
    anchor = alinea.span(first, index)
    noun = noun_of(anchor)
    if occurrence:
        where = f"après {occurrence}{_NOUNS[noun][2]}{NBSP}:\n{quoted(anchor)},"
    else:
        where = f"après {_NOUNS[noun][1]}{NBSP}:\n{quoted(anchor)},"
    return f"{location}{where}\n{insert}"


def _addition(alinea: _Alinea, hunk: Hunk, new_text: str) -> str:
    """Write the formula inserting words: at the start, at the end, or after an anchor."""
    ref = alinea_ref(alinea.number)
    if alinea.at_start(hunk.i1):
        return f"Au début de {ref}, insérer {_words(new_text, noun_of(new_text), 1)}."
    if alinea.at_end(hunk.i1):
        if alinea.keys[hunk.i1 - 1] in (".", "!", "?") and new_text[:1].isupper():
            return f"Compléter {ref} par la phrase suivante{NBSP}:\n{quoted(new_text)}"
        return f"Compléter {ref} par {_words(new_text, noun_of(new_text), 1)}."
    return _insertion(alinea, hunk.i1, new_text)


def word_formulas(number: int, old: str, new: str, *, gap: int = _MERGE_GAP) -> list[str]:
    """Write one formula per word-level change turning alinéa N from old into new."""
    alinea, new_tokens = _Alinea(number, old), tokens(new)
    formulas = []
    for hunk in (_widened(h, old, new) for h in hunks(alinea.tokens, new_tokens, gap)):
        new_text = (
            new[new_tokens[hunk.j1].start : new_tokens[hunk.j2 - 1].end]
            if hunk.j2 > hunk.j1
            else ""
        )
        if hunk.i1 == hunk.i2:
            formulas.append(_addition(alinea, hunk, new_text))
        elif not new_text:
            formulas.append(_deletion(alinea, hunk))
        else:
            formulas.append(_substitution(alinea, hunk, new_text))
    return formulas
