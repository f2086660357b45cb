"""Article 40 advisory cues: wording that lowers a public revenue or creates a public charge.

No public labelled corpus exists for article 40 (inadmissible amendments are not published), so
these cues are rules, always warnings: the decision belongs to the commission or the Presidency.
"""

from __future__ import annotations

import re

from workflows.legistique.findings import Finding, warning
from workflows.legistique.gages import has_gage
from workflows.legistique.text import view

_REVENUE_DOWN = re.compile(
    r"\bexonér\w*|\babattements?\b|\bcrédits?\s+d'impôts?\b|\bréductions?\s+d'impôts?\b"
    r"|\btaux\s+réduits?\b|\bdégrèvements?\b",
    re.I,
)
_CHARGE_UP = re.compile(
    r"\bl'état\s+(?:verse|prend\s+en\s+charge|finance|assure|compense)\b"
    r"|\b(?:est|sont)\s+(?:créée?s?|instituée?s?)\s+(?:un|une|des)?\s*(?:fonds|agences?|commissions?"
    r"|comités?|observatoires?|établissements?\s+publics?)\b"
    r"|\bgratuite?s?\b|\bgratuité\b|\bpris(?:e|es)?\s+en\s+charge\b|\brevaloris\w+"
    r"|\brecrute\w*",
    re.I,
)


def check_article_40(dispositif: str) -> list[Finding]:
    """Flag wording that may make an amendment inadmissible under article 40 (advisory)."""
    text = view(dispositif)
    found = []
    revenue = _REVENUE_DOWN.search(text)
    if revenue and not has_gage(dispositif):
        message = (
            "Cette rédaction semble réduire une ressource publique : sans gage, l’amendement "
            "risque l’irrecevabilité (art. 40 de la Constitution)."
        )
        found.append(warning("art40_revenue", message, revenue.start(), revenue.end()))
    for match in _CHARGE_UP.finditer(text):
        message = (
            "Risque d’irrecevabilité (art. 40) : cette rédaction peut créer ou aggraver une charge "
            "publique, ce qu’aucun gage ne couvre."
        )
        found.append(warning("art40_charge", message, match.start(), match.end()))
        break
    return found
