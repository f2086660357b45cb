"""The amendment's timeline for the page: journal entries in French, with word diffs of edits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from drafting.models import Amendment
from drafting.services import review
from drafting.web.filters import OUTCOME_LABELS
from workflows.textdiff import word_diff

Segments = list[tuple[str, str]]

LABELS = {
    "created": "a créé l'amendement",
    "edited": "a enregistré une nouvelle version",
    "submitted": "a soumis l'amendement à la relecture",
    "changes_requested": "a demandé des modifications",
    "approved": "a approuvé l'amendement (ouvert à la cosignature)",
    "closed": "a clos la cosignature",
    "reopened": "a rouvert la cosignature",
    "filed": "a déposé l'amendement",
    "outcome_recorded": "a enregistré le sort",
    "abandoned": "a abandonné l'amendement",
    "commented": "a commenté",
    "group_amendment_changed": "a modifié la mention « et les membres du groupe »",
    "signed": "a cosigné",
    "reconfirmed": "a reconfirmé sa signature",
    "withdrawn": "a retiré sa signature",
    "voided": "a annulé une signature",
    "declined": "a décliné l'invitation à cosigner",
    "invited": "a invité à cosigner",
}
FIELDS = {"dispositif": "Dispositif", "expose": "Exposé sommaire"}


@dataclass
class TimelineItem:
    """One line of the timeline: the entry, its French label, details and diffs."""

    entry: review.Entry
    label: str
    details: list[str] = field(default_factory=list)
    diffs: list[tuple[str, Segments]] = field(default_factory=list)


def _position(value: Any) -> str:
    if not isinstance(value, dict):
        return str(value)
    alinea = f", al. {value['alinea']}" if value.get("alinea") else ""
    return f"{value.get('kind', '')} {value.get('article', '')}{alinea}".strip()


def _edit_diffs(data: dict[str, Any]) -> list[tuple[str, Segments]]:
    old, new = data.get("old") or {}, data.get("new") or {}
    return [
        (label, word_diff(str(old[key]), str(new[key])))
        for key, label in FIELDS.items()
        if key in old and key in new
    ]


def _details(entry: review.Entry) -> list[str]:
    data, details = entry.data, []
    if entry.action == "edited" and "version" in data:
        details.append(f"Version {data['version']}")
    if entry.action == "edited" and "position" in (data.get("new") or {}):
        old, new = _position(data["old"]["position"]), _position(data["new"]["position"])
        details.append(f"Position : {old} → {new}")
    if entry.action == "filed" and data.get("number"):
        details.append(f"Numéro : {data['number']}")
    if data.get("deadline_exception_reason"):
        details.append(f"Dépôt hors délai : {data['deadline_exception_reason']}")
    if entry.action == "outcome_recorded":
        details.append(f"Sort : {OUTCOME_LABELS.get(data.get('outcome', ''), data.get('outcome'))}")
    if entry.action == "invited" and data.get("deputies"):
        details.append("Invités : " + ", ".join(str(name) for name in data["deputies"]))
    if entry.action == "group_amendment_changed":
        details.append("Oui" if data.get("presented_by_group") else "Non")
    for key in ("comment", "text", "reason"):
        if data.get(key):
            details.append(str(data[key]))
    return details


def item(entry: review.Entry) -> TimelineItem:
    """Describe one journal entry for the page."""
    diffs = _edit_diffs(entry.data) if entry.action == "edited" else []
    label = LABELS.get(entry.action, entry.action)
    return TimelineItem(entry, label, _details(entry), diffs)


def timeline(user: Any, amendment: Amendment) -> list[TimelineItem]:
    """The timeline of `amendment` as `user` may see it, oldest first."""
    _, entries = review.history(user, amendment.id)
    return [item(e) for e in entries]
