"""The amendment's timeline for the page: journal entries in French, with word diffs of edits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext

from drafting.models import Amendment
from drafting.models.event_kinds import EventKind
from drafting.services import amendments
from drafting.services.workflow import review
from drafting.web.filters import OUTCOME_LABELS

Segments = list[tuple[str, str]]

FIELDS = {"dispositif": lazy_gettext("Dispositif"), "expose": lazy_gettext("Exposé sommaire")}


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


def _edit_diffs(data: dict[str, Any], saved: dict[str, Any] | None) -> list[tuple[str, Segments]]:
    """The diffs of an edit: those its version kept, else computed now (older versions)."""
    changes = saved or amendments.text_changes(data.get("old") or {}, data.get("new") or {})
    return [(str(label), changes[key]) for key, label in FIELDS.items() if key in changes]


def _details(entry: review.Entry) -> list[str]:
    data, details = entry.data, []
    if entry.action == EventKind.EDITED and "version" in data:
        details.append(_("Version %(version)s", version=data["version"]))
    if entry.action == EventKind.EDITED and "position" in (data.get("new") or {}):
        old, new = _position(data["old"]["position"]), _position(data["new"]["position"])
        details.append(_("Position : %(old)s → %(new)s", old=old, new=new))
    if entry.action == EventKind.FILED and data.get("number"):
        details.append(_("Numéro : %(number)s", number=data["number"]))
    if data.get("deadline_exception_reason"):
        details.append(_("Dépôt hors délai : %(reason)s", reason=data["deadline_exception_reason"]))
    if entry.action == EventKind.OUTCOME_RECORDED:
        outcome = OUTCOME_LABELS.get(data.get("outcome", ""), data.get("outcome"))
        details.append(_("Sort : %(outcome)s", outcome=str(outcome)))
    if entry.action == EventKind.INVITED and data.get("deputies"):
        names = ", ".join(str(name) for name in data["deputies"])
        details.append(_("Invités : %(names)s", names=names))
    if entry.action == EventKind.GROUP_AMENDMENT_CHANGED:
        details.append(_("Oui") if data.get("presented_by_group") else _("Non"))
    for key in ("comment", "text", "reason"):
        if data.get(key):
            details.append(str(data[key]))
    return details


def item(entry: review.Entry, changes: dict[int, dict[str, Any]] | None = None) -> TimelineItem:
    """Describe one journal entry for the page (`changes`: the saved diffs, by version)."""
    diffs = []
    if entry.action == EventKind.EDITED:
        diffs = _edit_diffs(entry.data, (changes or {}).get(entry.data.get("version", 0)))
    kind = EventKind.named(entry.action)
    label = str(kind.label) if kind is not None else entry.action
    return TimelineItem(entry, label, _details(entry), diffs)


def timeline(user: Any, amendment: Amendment) -> list[TimelineItem]:
    """The timeline of `amendment` as `user` may see it, oldest first."""
    _, entries = review.history(user, amendment.id)
    changes = amendments.revision_changes(amendment.id)
    return [item(e, changes) for e in entries]
