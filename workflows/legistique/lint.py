"""The légistique linter: formula, text-dependent, typography, gage and article 40 checks."""

from __future__ import annotations

import datetime
import re

from workflows.legistique.apply import WHOLE_ARTICLE, apply_operations
from workflows.legistique.art40 import check_article_40
from workflows.legistique.errors import NotUnderstood
from workflows.legistique.findings import Finding, error, warning
from workflows.legistique.gages import check_gages
from workflows.legistique.grammar import Operation, parse_dispositif, part_formulas
from workflows.legistique.text import html_to_text, is_deletion_marker
from workflows.legistique.typocheck import (
    check_ending,
    check_placeholders,
    check_typography,
    check_wording,
)

FORMULA_POSITIONS = frozenset({"article", "amendment", "title"})
ADDITIONAL_POSITIONS = frozenset({"before_article", "after_article"})
# Errors of the applier that are the author's to fix; the others are warnings.
_BLOCKING = frozenset(
    {
        "alinea_missing",
        "words_not_found",
        "words_ambiguous",
        "sentence_missing",
        "conflict",
        "doubled_word",
        "quotes",
        "content_missing",
        "empty",
    }
)
_HEADING = re.compile(r"^\s*(?:après|avant)\s+l['’]article\s+[^,]{1,40},\s*insérer", re.I)


def _formula_findings(
    dispositif: str, alineas: list[str] | None, position_alinea: int | None, kind: str
) -> list[Finding]:
    """Parse the formula; with the article's alinéas, apply it; check the position."""
    try:
        operations = parse_dispositif(dispositif)
    except NotUnderstood as failure:
        return [_from_failure(failure, dispositif, parsing=True)]
    found = [_count_mismatch(op) for op in operations if op.count_mismatch]
    if alineas is not None:
        found += _text_findings(operations, alineas, dispositif)
    if kind == "article" and position_alinea is not None:
        found += _position_findings(operations, position_alinea, alineas)
    return found


def _from_failure(failure: NotUnderstood, dispositif: str, *, parsing: bool) -> Finding:
    """Turn a NotUnderstood into a finding: blocking codes are errors, the rest warnings."""
    start = failure.start if failure.start is not None else 0
    end = failure.end if failure.end is not None else len(dispositif.rstrip())
    if parsing and failure.code not in ("quotes", "content_missing", "empty"):
        message = f"Formule non reconnue par Liasse : {failure.reason} Vérifiez-la à la main."
        return warning("not_understood", message, start, end)
    if failure.code in _BLOCKING:
        return error(failure.code, failure.reason, start, end)
    return warning(failure.code, failure.reason, start, end)


def _count_mismatch(op: Operation) -> Finding:
    """Warn that a formula announces a number of alinéas its quoted block does not have."""
    message = f"La formule annonce un autre nombre d’alinéas que les {len(op.new_alineas)} cités."
    return warning("count_mismatch", message, *op.span)


def _text_findings(
    operations: list[Operation], alineas: list[str], dispositif: str
) -> list[Finding]:
    """Apply the dispositif to the article: missing alinéas, absent or ambiguous words."""
    found = []
    for op in operations:
        for number in op.alineas:
            deleted = 0 < number <= len(alineas) and is_deletion_marker(alineas[number - 1])
            if deleted and op.family != "restore_alinea":
                message = f"L’alinéa {number} est déjà supprimé."
                found.append(warning("alinea_deleted", message, *op.span))
    try:
        apply_operations(operations, alineas)
    except NotUnderstood as failure:
        found.append(_from_failure(failure, dispositif, parsing=False))
    return found


def _position_findings(
    operations: list[Operation], position_alinea: int, alineas: list[str] | None
) -> list[Finding]:
    """Check that the amendment's position names the alinéa its dispositif amends first."""
    first = operations[0]
    if first.kind in WHOLE_ARTICLE:
        message = "L’amendement porte sur l’article entier : il n’est pas placé sur un alinéa."
        return [error("position_mismatch", message, *first.span)]
    cited = first.alineas[0] if first.alineas else None
    if first.kind == "append_alineas":
        cited = len(alineas) if alineas else None
    if cited is None or cited == position_alinea:
        return []
    message = (
        f"L’amendement est placé sur l’alinéa {position_alinea}, sa formule vise l’alinéa {cited}."
    )
    return [error("position_mismatch", message, *first.span)]


def _additional_findings(dispositif: str) -> list[Finding]:
    """Check an additional article: no division heading, no guillemets around it, no formula."""
    found = []
    heading = _HEADING.match(dispositif)
    if heading:
        message = (
            "La division « Après l’article …, insérer l’article suivant : » est imprimée "
            "par la feuille : retirez-la du dispositif."
        )
        found.append(error("heading_in_dispositif", message, heading.start(), heading.end()))
    stripped = dispositif.strip()
    if stripped.startswith("«") and stripped.rstrip(".").endswith("»"):
        found.append(
            warning(
                "quoted_article",
                "L’Assemblée n’entoure pas de guillemets le texte d’un article additionnel.",
                0,
                len(stripped),
            )
        )
    try:
        operations = parse_dispositif(dispositif)
    except NotUnderstood:
        return found
    if any(op.scope != "anywhere" for op in operations):
        message = (
            "Cette formule modifie un article existant : l’amendement n’est pas un article "
            "additionnel."
        )
        found.append(error("position_mismatch", message, *operations[0].span))
    return found


def _expose_findings(expose: str | None) -> list[Finding]:
    """Require an exposé sommaire (Règlement de l’Assemblée nationale, art. 98)."""
    if expose is None or html_to_text(expose).strip():
        return []
    return [error("expose_empty", "L’exposé sommaire est obligatoire (Règlement, art. 98).")]


def lint(
    dispositif: str,
    *,
    alineas: list[str] | None = None,
    expose: str | None = None,
    position_alinea: int | None = None,
    position_kind: str = "article",
    today: datetime.date | None = None,
) -> list[Finding]:
    """Check a dispositif; never raises on bad input: what it cannot read is itself a finding."""
    today = today or datetime.date.today()
    if not dispositif.strip():
        return [error("empty", "Le dispositif est vide."), *_expose_findings(expose)]
    found = check_typography(dispositif) + check_placeholders(dispositif) + check_ending(dispositif)
    if position_kind in FORMULA_POSITIONS:
        found += check_wording(part_formulas(dispositif))
        found += _formula_findings(dispositif, alineas, position_alinea, position_kind)
    elif position_kind in ADDITIONAL_POSITIONS:
        found += _additional_findings(dispositif)
    found += check_gages(dispositif, today) + check_article_40(dispositif)
    found += _expose_findings(expose)
    return sorted(_unique(found), key=lambda f: (f.start if f.start is not None else -1, f.code))


def _unique(findings: list[Finding]) -> list[Finding]:
    """Drop repeated findings (the same code on the same span)."""
    seen: dict[tuple[str, int | None, int | None], Finding] = {}
    for finding in findings:
        seen.setdefault((finding.code, finding.start, finding.end), finding)
    return list(seen.values())
