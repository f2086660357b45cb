"""Jinja filters and globals shared by every page (dates in Paris time, labels, permissions)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint

from drafting import permissions
from workflows.deadlines import format_paris

bp = Blueprint("filters", __name__)

STATE_LABELS = {
    "draft": "Brouillon",
    "in_review": "En relecture",
    "open": "Ouvert à la cosignature",
    "ready": "Clos, prêt au dépôt",
    "filed": "Déposé",
    "abandoned": "Abandonné",
}
OUTCOME_LABELS = {
    "adopte": "Adopté",
    "rejete": "Rejeté",
    "retire": "Retiré",
    "tombe": "Tombé",
    "non_soutenu": "Non soutenu",
    "irrecevable": "Irrecevable",
}
ROLE_LABELS = {
    "admin": "Administrateur",
    "secretariat": "Secrétariat de groupe",
    "deputy": "Député",
    "assistant": "Collaborateur",
}
POSITION_LABELS = {
    "article": "Art.",
    "before_article": "Avant l'art.",
    "after_article": "Après l'art.",
}


@bp.app_template_filter("paris")
def paris(value: datetime | None) -> str:
    """A UTC datetime as French long form in Paris time."""
    return format_paris(value) if value else "—"


@bp.app_template_filter("state_label")
def state_label(value: str) -> str:
    """French label of a state."""
    return STATE_LABELS.get(value, value)


@bp.app_template_filter("outcome_label")
def outcome_label(value: str | None) -> str:
    """French label of an outcome."""
    return OUTCOME_LABELS.get(value or "", "")


@bp.app_template_filter("role_label")
def role_label(value: str) -> str:
    """French label of a role."""
    return ROLE_LABELS.get(value, value)


@bp.app_template_filter("position_label")
def position_label(amendment: Any) -> str:
    """ "Art. 7, al. 3" / "Après l'art. 10"."""
    label = f"{POSITION_LABELS.get(amendment.position_kind, '')} {amendment.article.number}"
    return label + (f", al. {amendment.alinea}" if amendment.alinea else "")


@bp.app_context_processor
def _globals() -> dict[str, Any]:
    return {"perm": permissions, "STATE_LABELS": STATE_LABELS}
