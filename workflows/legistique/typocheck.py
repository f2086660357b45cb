"""Typography and drafting-slip rules of the linter (§3.5), over the dispositif as typed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from workflows.legistique.findings import Finding, error, warning

_SPACE = r"[ \t\u00a0\u202f]"
_NOT_SPACE = r"[^ \t\u00a0\u202f\n]"


def _each(pattern: str, flags: int = 0) -> Callable[[str], Iterator[re.Match[str]]]:
    """Return a finder of every match of a pattern."""
    compiled = re.compile(pattern, flags)
    return lambda text: compiled.finditer(text)


_GLUED_OPENING = _each(rf"«(?={_NOT_SPACE})")
_GLUED_CLOSING = _each(rf"(?<={_NOT_SPACE})(?<!«)»")
_PLAIN_SPACE_GUILLEMET = _each(r"«[ \t]|[ \t]»")
_DOUBLED_COLON = _each(rf":{_SPACE}*:")
_NO_NBSP_BEFORE = _each(r"(?:(?<=[^\s\u00a0\u202f])|[ \t])[:;?!](?=\s|$|[«»])")
_APOSTROPHE = _each(r"(?<=\w)'(?=\w)")
_STRAIGHT_QUOTE = _each(r'"')
_PART_NUMBER = re.compile(
    r"(?m)^[IVXLC]+(?:[ \u00a0](?:bis|ter))?(?P<sep>[. \t\u00a0]*)"
    r"(?P<dash>[-\u2010\u2011\u2013\u2014])(?P<after>[ \u00a0]?)"
)
_CAPITAL_A = _each(r"(?m)(?:^|\u2013[ \u00a0])A(?=[ \u00a0](?:l['’]|la\s|la\u00a0))")
_AJOUTER = _each(r"\bajouter\b", re.I)
_PLACEHOLDERS = (
    _each(r"\balinéas?[ \u00a0]+[NMX]\b"),
    _each(rf"«{_SPACE}*(?:…|\.\.\.|\[…\]|\[\.\.\.\]|X+|N)?{_SPACE}*»"),
    _each(r"\{[^}]*\}"),
    _each(r"\[[^\]]*\]?"),
    _each(r"\barticle[ \u00a0]+N\b"),
)


def _findings(
    matches: Iterator[re.Match[str]], make: Callable[..., Finding], code: str, message: str
) -> list[Finding]:
    """Turn every match into a finding of the same code."""
    return [make(code, message, m.start(), m.end()) for m in matches]


def check_typography(dispositif: str) -> list[Finding]:
    """Check guillemets, no-break spaces, apostrophes, part numbers and doubled colons."""
    found = []
    for finder, make, code, message in _TYPOGRAPHY:
        found += _findings(finder(dispositif), make, code, message)
    return found


def _bad_part_numbers(text: str) -> Iterator[re.Match[str]]:
    """Yield the part numbers not written « I. – » (period, space, en dash, space)."""
    for match in _PART_NUMBER.finditer(text):
        good = match["sep"] in (". ", ".\u00a0") and match["dash"] == "\u2013" and match["after"]
        if not good:
            yield match


_TYPOGRAPHY: list[
    tuple[Callable[[str], Iterator[re.Match[str]]], Callable[..., Finding], str, str]
] = [
    (
        _GLUED_OPENING,
        error,
        "guillemet_spacing",
        "Il manque l’espace insécable après « (« texte »).",
    ),
    (
        _GLUED_CLOSING,
        error,
        "guillemet_spacing",
        "Il manque l’espace insécable avant » (« texte »).",
    ),
    (_DOUBLED_COLON, error, "doubled_colon", "Deux-points en double."),
    (
        _PLAIN_SPACE_GUILLEMET,
        warning,
        "guillemet_nbsp",
        "L’espace à l’intérieur des guillemets doit être insécable.",
    ),
    (
        _NO_NBSP_BEFORE,
        warning,
        "nbsp_punctuation",
        "Une espace insécable précède « : », « ; », « ? » et « ! ».",
    ),
    (_APOSTROPHE, warning, "apostrophe", "Apostrophe typographique attendue (’)."),
    (
        _STRAIGHT_QUOTE,
        warning,
        "straight_quotes",
        'Guillemets français attendus (« … ») au lieu de "…".',
    ),
    (
        _bad_part_numbers,
        warning,
        "part_number",
        "Les parties se numérotent « I. – », « II. – » (point, tiret demi-cadratin).",
    ),
    (_CAPITAL_A, warning, "capital_a", "« À » s’accentue aussi en majuscule."),
]


def check_placeholders(dispositif: str) -> list[Finding]:
    """Flag template placeholders left unfilled: « alinéa N », « … », { }, [ ]."""
    found = []
    for finder in _PLACEHOLDERS:
        found += _findings(
            finder(dispositif), error, "placeholder", "Un champ de la formule n’est pas rempli."
        )
    return found


def check_wording(skeletons: list[tuple[str, int, int]]) -> list[Finding]:
    """Check the formula text of each part (quoted words left out): doubled verbs, « ajouter »."""
    found = []
    for formula, start, end in skeletons:
        for verb in ("substituer", "insérer", "supprimer", "compléter", "rédiger"):
            if len(re.findall(rf"\b{verb}\b", formula)) > 1:
                found.append(
                    error(
                        "doubled_verb",
                        f"Le verbe « {verb} » figure deux fois dans la même formule.",
                        start,
                        end,
                    )
                )
        if next(_AJOUTER(formula), None) is not None:
            found.append(
                warning(
                    "ajouter",
                    "L’Assemblée écrit « insérer » ou « compléter », pas « ajouter ».",
                    start,
                    end,
                )
            )
    return found


def check_ending(dispositif: str) -> list[Finding]:
    """Check that the dispositif ends with a period (or a closing guillemet of a quoted block)."""
    stripped = dispositif.rstrip()
    if not stripped or stripped.endswith((".", "»", "…")):
        return []
    end = len(stripped)
    if stripped.endswith(":"):
        return [error("content_missing", "La formule annonce un texte qui manque.", end - 1, end)]
    return [warning("final_period", "Le dispositif se termine par un point.", end - 1, end)]
