"""The Assembly's article numbering ("1er", "2 bis", "3 bis A", "unique"): its written form,
its order in a text, and the division anchor the Assembly keys an article by ("D_Article_1er")."""

from __future__ import annotations

import re

# Latin multiplicative adverbs in the order articles are inserted after their base article.
LATIN = (
    "bis",
    "ter",
    "quater",
    "quinquies",
    "sexies",
    "septies",
    "octies",
    "nonies",
    "decies",
    "undecies",
    "duodecies",
    "terdecies",
    "quaterdecies",
    "quindecies",
    "sexdecies",
    "septdecies",
    "octodecies",
    "novodecies",
    "vicies",
    "unvicies",
    "duovicies",
    "tervicies",
    "quatervicies",
    "quinvicies",
    "sexvicies",
    "septvicies",
    "duodetricies",
    "undetricies",
    "tricies",
)
_LATIN_ALIASES = {"novies": "nonies", "sedecies": "sexdecies", "septiesdecies": "septdecies"}
_LATIN_RANKS = {word: rank for rank, word in enumerate(LATIN, start=1)}
_WORD_NUMBERS = {"premier": "1er", "première": "1er", "unique": "unique"}
_BEFORE_FIRST = {"liminaire", "préliminaire"}  # an "article liminaire" opens budget laws
_TOKEN = re.compile(r"(\d+)\s*er\b|\d+|[^\W\d_]+", re.IGNORECASE)
ANCHOR_PREFIX = "D_Article_"


def parse_article_number(raw: str) -> str:
    """The written form: "ARTICLE PREMIER" → "1er", "3 BIS A" → "3 bis A", "1 er" → "1er"."""
    tokens = [_token(match) for match in _TOKEN.finditer(raw.replace("\u00a0", " "))]
    if tokens and tokens[0].casefold() == "article":
        tokens = tokens[1:]
    return " ".join(tokens)


def _token(match: re.Match[str]) -> str:
    if match.group(1):  # "1er", "1 er"
        return f"{match.group(1)}er"
    word = match.group(0)
    folded = word.casefold()
    if word.isdigit():
        return str(int(word))
    if folded in _WORD_NUMBERS:
        return _WORD_NUMBERS[folded]
    if folded in _LATIN_RANKS or folded in _LATIN_ALIASES or folded in _BEFORE_FIRST:
        return _LATIN_ALIASES.get(folded, folded)
    return word.upper() if len(word) <= 3 else word


def article_rank(number: str) -> tuple[int, int, int, str]:
    """A sort key of an article number in a text: "3 A" < "3 B" < "3" < "3 bis A" < "3 bis" <
    "3 ter"; "liminaire" first; a number it cannot read last."""
    tokens = parse_article_number(number).split()
    if not tokens:
        return (1 << 30, 0, 0, number)
    base = _base_rank(tokens[0])
    latin = 0
    letters = ""
    for token in tokens[1:]:
        if token in _LATIN_RANKS:
            latin = _LATIN_RANKS[token]
        elif token.isalpha() and token.isupper():
            letters = token
    # Letters insert *before* their base ("3 A" before "3"): no letters sorts after any letters.
    return (base, latin, 0 if letters else 1, letters)


def _base_rank(token: str) -> int:
    if token in _BEFORE_FIRST:
        return 0
    if token == "unique":
        return 1
    digits = token[:-2] if token.endswith("er") else token
    return int(digits) if digits.isdigit() else 1 << 30


def anchor_for(number: str) -> str:
    """The Assembly's anchor of an article: "3 bis" → "D_Article_3_bis"."""
    return ANCHOR_PREFIX + parse_article_number(number).replace(" ", "_")


def number_from_anchor(anchor: str) -> str | None:
    """The article number an anchor names ("D_Article_1er" → "1er"), None for another division."""
    fragment = anchor.rsplit("#", 1)[-1]
    if not fragment.startswith(ANCHOR_PREFIX):
        return None
    return parse_article_number(fragment[len(ANCHOR_PREFIX) :].replace("_", " ")) or None
