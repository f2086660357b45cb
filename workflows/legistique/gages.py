"""Gages checked against the dated gage library: formula in force, repealed references, slips."""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from workflows.legistique.findings import Finding, warning
from workflows.legistique.text import view

_GAGE = re.compile(r"(?:la\s+)?perte\s+de\s+recettes[^.]*?compens[ée]+[^.]*\.?", re.I)
_CHARGE_GAGE = re.compile(
    r"(?:la\s+)?charges?\s+(?:publique\s+)?(?:pour|résultant)[^.]*?compens", re.I
)
_INSTRUMENT = re.compile(r"compens[ée]+s?\s*,?\s*(.*)$", re.I | re.S)


@dataclass(frozen=True)
class GageFormula:
    """One formula of the library, in force between two dates (None: open-ended)."""

    id: str
    beneficiary: str
    text: str
    in_force_from: datetime.date | None
    in_force_until: datetime.date | None
    replaced_by: str | None

    def in_force(self, today: datetime.date) -> bool:
        """Tell whether the formula may be used on that day."""
        started = self.in_force_from is None or self.in_force_from <= today
        return started and (self.in_force_until is None or today < self.in_force_until)


def _date(value: str | None) -> datetime.date | None:
    """Read an ISO date of the library."""
    return datetime.date.fromisoformat(value) if value else None


@lru_cache(maxsize=1)
def library() -> dict[str, Any]:
    """Load the gage library shipped with the package."""
    text = resources.files("workflows.legistique").joinpath("gages.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@lru_cache(maxsize=1)
def formulas() -> tuple[GageFormula, ...]:
    """Return the library's formulas."""
    return tuple(
        GageFormula(
            entry["id"],
            entry["beneficiary"],
            entry["text"],
            _date(entry.get("in_force_from")),
            _date(entry.get("in_force_until")),
            entry.get("replaced_by"),
        )
        for entry in library()["formulas"]
    )


def _instrument(sentence: str) -> str:
    """Return the compensating instrument of a gage, normalised (what follows « compensée »)."""
    match = _INSTRUMENT.search(view(sentence))
    rest = match.group(1) if match else sentence
    rest = re.sub(r"[,.]", " ", rest.lower())
    return " ".join(rest.split())


def _beneficiary(sentence: str) -> str:
    """Tell whose revenue a gage compensates, from its wording."""
    lowered = sentence.lower()
    if "sécurité sociale" in lowered:
        return "organismes de sécurité sociale"
    if "collectivités" in lowered:
        return "collectivités territoriales"
    return "État"


def _current(beneficiary: str, today: datetime.date) -> GageFormula | None:
    """Return the tobacco-excise formula in force for a beneficiary."""
    for formula in formulas():
        if (
            formula.beneficiary == beneficiary
            and formula.in_force(today)
            and "tabacs" in formula.text
        ):
            return formula
    return None


def _suggestion(sentence: str, today: datetime.date) -> str:
    """Quote the formula in force for the gage's beneficiary."""
    current = _current(_beneficiary(sentence), today)
    return f" Formule en vigueur : « {current.text} »" if current else ""


def _check_gage(sentence: str, start: int, today: datetime.date) -> list[Finding]:
    """Check one gage sentence against the library."""
    end = start + len(sentence)
    found = []
    for entry in library()["repealed_references"]:
        if re.search(entry["pattern"], sentence, re.I) and today >= _date(entry["repealed_on"]):  # type: ignore[operator]
            message = entry["message"] + _suggestion(sentence, today)
            found.append(warning("gage_repealed", message, start, end))
    for entry in library()["wording"]:
        for match in re.finditer(entry["pattern"], sentence, re.I):
            found.append(
                warning(
                    "gage_wording", entry["message"], start + match.start(), start + match.end()
                )
            )
    if not re.search(r"due\s+concurrence", sentence, re.I):
        found.append(warning("gage_wording", "Le gage compense « à due concurrence ».", start, end))
    instrument = _instrument(sentence)
    known = any(_instrument(f.text) == instrument for f in formulas() if f.in_force(today))
    if not found and not known:
        message = "Formule de gage non reconnue par la bibliothèque des gages." + _suggestion(
            sentence, today
        )
        found.append(warning("gage_unrecognised", message, start, end))
    return found


def has_gage(dispositif: str) -> bool:
    """Tell whether a dispositif carries a gage (a compensation of lost revenue)."""
    return _GAGE.search(view(dispositif)) is not None


def check_gages(dispositif: str, today: datetime.date) -> list[Finding]:
    """Check every gage of a dispositif, and flag a « gage » of a charge, which has no effect."""
    text = view(dispositif)
    found: list[Finding] = []
    for match in _GAGE.finditer(text):
        found += _check_gage(dispositif[match.start() : match.end()], match.start(), today)
    for match in _CHARGE_GAGE.finditer(text):
        message = (
            "Une charge publique ne peut pas être gagée (art. 40 de la Constitution) : "
            "cette compensation est sans effet sur la recevabilité."
        )
        found.append(warning("gage_charge", message, match.start(), match.end()))
    return found
