"""French wording of formulas: ordinals, counted nouns, guillemets, typography as one types."""

from __future__ import annotations

import re

NBSP = "\u00a0"

_ORDINALS = {
    "premier": 1,
    "première": 1,
    "second": 2,
    "seconde": 2,
    "deuxième": 2,
    "troisième": 3,
    "quatrième": 4,
    "cinquième": 5,
    "sixième": 6,
    "septième": 7,
    "huitième": 8,
    "neuvième": 9,
    "dixième": 10,
    "onzième": 11,
    "douzième": 12,
    "dernier": -1,
    "dernière": -1,
    "avant-dernier": -2,
    "avant-dernière": -2,
}
ORDINAL_PATTERN = "|".join(sorted(_ORDINALS, key=len, reverse=True))

_COUNTS = {
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
    "dix-sept": 17,
    "dix-huit": 18,
    "dix-neuf": 19,
    "vingt": 20,
}
_COUNT_WORDS = {number: word for word, number in _COUNTS.items() if word != "une"}
_FEMININE_ORDINALS = {
    1: "première",
    2: "deuxième",
    3: "troisième",
    4: "quatrième",
    5: "cinquième",
    6: "sixième",
    7: "septième",
    8: "huitième",
    9: "neuvième",
    10: "dixième",
}


def ordinal_value(word: str) -> int:
    """Return the position an ordinal names: « première » → 1, « dernière » → -1."""
    return _ORDINALS[word.lower().replace(" ", "")]


def count_value(word: str) -> int:
    """Return the number a counting word or figure names: « trois » → 3, « 3 » → 3."""
    word = word.lower().strip()
    if word.isdigit():
        return int(word)
    return _COUNTS[word]


def feminine_ordinal(position: int, total: int | None = None) -> str:
    """Write a position as a feminine ordinal: « seconde » when there are only two."""
    if position == 2 and total == 2:
        return "seconde"
    if total is not None and position == total and total > 2:
        return "dernière"
    return _FEMININE_ORDINALS.get(position, f"{position}e")


def count_word(number: int) -> str:
    """Write a count in words as the Assembly does: 2 → « deux »."""
    return _COUNT_WORDS.get(number, str(number))


def quoted(text: str) -> str:
    """Put a text between guillemets with no-break spaces inside."""
    return f"«{NBSP}{text}{NBSP}»"


def alineas_noun(count: int) -> str:
    """Name k new alinéas: « l’alinéa suivant », « les deux alinéas suivants »."""
    if count == 1:
        return "l’alinéa suivant"
    return f"les {count_word(count)} alinéas suivants"


def alinea_ref(number: int) -> str:
    """Write « l’alinéa N » with a no-break space before the number."""
    return f"l’alinéa{NBSP}{number}"


def alineas_ref(numbers: list[int]) -> str:
    """Write « l’alinéa 3 », « les alinéas 3 et 4 » or « les alinéas 3 à 6 »."""
    if len(numbers) == 1:
        return alinea_ref(numbers[0])
    if len(numbers) == 2:
        return f"les alinéas{NBSP}{numbers[0]} et {numbers[1]}"
    return f"les alinéas{NBSP}{numbers[0]} à {numbers[-1]}"


# Typography as the author types: no-break spaces inside guillemets and before : ; ? !,
# typographic apostrophes, guillemets for straight double quotes.
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_AFTER_OPENING = re.compile(r"«[ \t\u00a0\u202f]*(?=\S)")
_BEFORE_CLOSING = re.compile(r"(?<=\S)[ \t\u00a0\u202f]*»")
_BEFORE_DOUBLE = re.compile(r"(?<=[^\s:;?!])[ \t\u00a0\u202f]*([:;?!])(?=\s|$|[«»])")


def _guillemet_for(text: str, index: int) -> str:
    """Choose « or » for a straight double quote from the character before it."""
    before = text[index - 1] if index else " "
    return "«" if before.isspace() or before in "([«’'" else "»"


def typography(text: str) -> str:
    """Apply French typography as one types: ’, « » with no-break spaces, NBSP before : ; ? !."""
    text = _APOSTROPHE.sub("’", text)
    text = "".join(
        _guillemet_for(text, index) if char == '"' else char for index, char in enumerate(text)
    )
    text = _AFTER_OPENING.sub("«" + NBSP, text)
    text = _BEFORE_CLOSING.sub(NBSP + "»", text)
    return _BEFORE_DOUBLE.sub(NBSP + r"\1", text)
