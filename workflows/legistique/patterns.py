"""The grammar's patterns: the Assembly's formulas over a formula's canonical form.

The canonical form is lower case, evenly spaced, each quoted text replaced by « ¤ » (see
parts.canonical); alinéa numbers are read as the text before any change numbers them.
"""

from __future__ import annotations

import re

from workflows.legistique.errors import NotUnderstood
from workflows.legistique.french import ORDINAL_PATTERN

_ORD = ORDINAL_PATTERN
NUMBERS = r"\d+(?: (?:,|et|à) \d+)*"
_COUNT = (
    r"(?:l'alinéa suivant|un alinéa ainsi rédigé|les (?P<k>[\w-]+) alinéas suivants"
    r"|(?P<k2>[\w-]+) alinéas ainsi rédigés|les alinéas suivants)"
)
_COLON = r" :(?: :)?$"
_SELF = r"(?:cet article|cet amendement|l'article unique|l'article)"

_ONE = r"l'alinéa (?P<n>\d+)"
_SAME = r"le même alinéa(?: (?P<n2>\d+))?"
_MANY = rf"les alinéas (?P<list>{NUMBERS})"
_SUITE = r"(?: dans la rédaction suivante| ainsi)?"


def _compile(pattern: str) -> re.Pattern[str]:
    """Compile one formula pattern of the grammar."""
    return re.compile(pattern)


BLOCKS: list[tuple[str, re.Pattern[str]]] = [
    ("article", _compile(rf"^(?P<verb>rédiger ainsi|rétablir) {_SELF}{_SUITE}{_COLON}")),
    ("append", _compile(rf"^compléter (?:cet article|cet amendement) par {_COUNT}{_COLON}")),
    ("insert", _compile(rf"^(?P<rel>après|avant) {_ONE} , insérer {_COUNT}{_COLON}")),
    ("insert_start", _compile(rf"^au début de {_SELF} , insérer {_COUNT}{_COLON}")),
    (
        "rewrite",
        _compile(
            rf"^(?:rédiger ainsi|rétablir(?: ainsi)?) (?:{_ONE}|{_SAME}|{_MANY}){_SUITE}{_COLON}"
        ),
    ),
    (
        "replace",
        _compile(rf"^substituer (?:à {_ONE}|aux alinéas (?P<list>{NUMBERS})) {_COUNT}{_COLON}"),
    ),
    ("title", _compile(rf"^rédiger ainsi le titre{_COLON}")),
    ("start", _compile(rf"^rédiger ainsi le début (?:de {_ONE}|du {_SAME}){_COLON}")),
    ("restore", _compile(rf"^rétablir (?:le |la |l')\S+ (?:de |à ){_ONE}{_SUITE}{_COLON}")),
]

_EDGE = r"(?P<edge>au début|à la fin|a la fin) (?:du |de |d')"
_SENT = rf"la (?P<sent>{_ORD}) phrase(?: (?:de|du) )?"
_ADDR = (
    r"(?:l'alinéa (?P<n>\d+)|(?:le )?même alinéa(?: (?P<n2>\d+))?"
    rf"|alinéas (?P<list>{NUMBERS})|(?:le )?(?P<title>titre)|(?P<self>{_SELF}))"
)
LOCATION = re.compile(rf"^(?:{_EDGE}|(?:à |a |au |aux ))(?:{_SENT})?(?:{_ADDR})? , ")
ADDRESS = re.compile(rf"^(?:la (?P<sent>{_ORD}) phrase(?: (?:de|du) )?)?(?:{_ADDR})?$")

_NOUNS = (
    r"mots et (?:le |les )?signes?|mots|mot|dates?|montants?|taux|années?|références?|nombres?"
    r"|mentions?|lettres?|chiffres?|pourcentages?|sommes?|signes?|termes?|expressions?"
)
_TO = r"(?:au |aux |à la |à l'|a la |a l')"
_THE = r"(?:le |la |les |l')"
_OCC = rf"(?:la (?P<occ>{_ORD}) occurrence (?:du |de la |des |de l'|d'))"
_END = r"(?: [.;])*$"
_SENTENCES = r"(?:la phrase suivante|une phrase ainsi rédigée|les (?P<k>[\w-]+) phrases suivantes)"

_X = rf"(?:{_NOUNS}) : ¤"
_Y = rf"{_THE}(?:{_NOUNS}) : ¤{_END}"
_PHRASE = rf"la (?P<s>{_ORD}) phrase(?: (?:de|du) (?P<addr>.+?))?"

WORD_FORMULAS: list[tuple[str, re.Pattern[str]]] = [
    ("substitute_words", _compile(rf"^substituer (?:(?:à |a ){_OCC}|{_TO}){_X}(?: ,)? {_Y}")),
    ("insert_words", _compile(rf"^(?P<rel>après|avant) (?:{_OCC}|{_THE}){_X}(?: ,)? insérer {_Y}")),
    ("delete_words", _compile(rf"^supprimer (?:{_OCC}|{_THE}){_X}{_END}")),
    ("edge_words", _compile(rf"^insérer {_Y}")),
    ("append_words", _compile(rf"^compléter (?P<addr>.+?) par {_Y}")),
    ("append_sentence", _compile(rf"^compléter (?P<addr>.+?) par {_SENTENCES} : ¤{_END}")),
    (
        "insert_sentence",
        _compile(rf"^(?P<rel>après|avant) {_PHRASE} , insérer {_SENTENCES} : ¤{_END}"),
    ),
    ("delete_sentence", _compile(rf"^supprimer {_PHRASE}{_END}")),
    ("rewrite_sentence", _compile(rf"^rédiger ainsi {_PHRASE} : ¤{_END}")),
    ("delete_alineas", _compile(rf"^supprimer (?:{_ONE}|{_MANY}|{_SAME}){_END}")),
    ("delete_article", _compile(rf"^supprimer (?:cet article|l'article unique){_END}")),
    (
        "repeat",
        _compile(rf"^procéder à la même \w+ (?:à {_ONE}|aux alinéas (?P<list>{NUMBERS})){_END}"),
    ),
]
CONSEQUENCE = re.compile(r"^en conséquence , ")


def numbers(listing: str) -> tuple[int, ...]:
    """Read « 7 à 9 » as (7, 8, 9) and « 16 , 19 et 20 » as (16, 19, 20)."""
    numbers = [int(n) for n in re.findall(r"\d+", listing)]
    if " à " in listing and len(numbers) == 2:
        low, high = numbers
        if high < low:
            raise NotUnderstood(f"La plage d’alinéas « {low} à {high} » est à l’envers.")
        return tuple(range(low, high + 1))
    return tuple(numbers)


def alineas_of(match: re.Match[str], previous: tuple[int, ...]) -> tuple[int, ...]:
    """Return the alinéas a match names, « le même alinéa » meaning the previous part's."""
    groups = match.groupdict()
    if groups.get("n"):
        return (int(groups["n"]),)
    if groups.get("list"):
        return numbers(groups["list"])
    if groups.get("n2"):
        return (int(groups["n2"]),)
    if "même alinéa" in match.group():
        if not previous:
            raise NotUnderstood("« Le même alinéa » ne renvoie à aucun alinéa précédent.")
        return previous[-1:]
    return ()
