"""Jinja filters and globals shared by every page (dates in Paris time, labels, permissions)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint
from flask_babel import gettext as _
from flask_babel import lazy_gettext

from drafting import permissions
from workflows.deadlines import format_paris
from workflows.numbering import rectified as rectified_number

bp = Blueprint("filters", __name__)

STATE_LABELS = {
    "draft": lazy_gettext("Brouillon"),
    "in_review": lazy_gettext("En relecture"),
    "open": lazy_gettext("Ouvert à la cosignature"),
    "ready": lazy_gettext("Clos, prêt au dépôt"),
    "filed": lazy_gettext("Déposé"),
    "abandoned": lazy_gettext("Abandonné"),
}
OUTCOME_LABELS = {
    "adopte": lazy_gettext("Adopté"),
    "rejete": lazy_gettext("Rejeté"),
    "retire": lazy_gettext("Retiré"),
    "tombe": lazy_gettext("Tombé"),
    "non_soutenu": lazy_gettext("Non soutenu"),
    "irrecevable": lazy_gettext("Irrecevable"),
}
ROLE_LABELS = {
    "admin": lazy_gettext("Administrateur"),
    "secretariat": lazy_gettext("Secrétariat de groupe"),
    "deputy": lazy_gettext("Député"),
    "assistant": lazy_gettext("Collaborateur"),
}
POSITION_LABELS = {
    "article": lazy_gettext("Art."),
    "before_article": lazy_gettext("Avant l'art."),
    "after_article": lazy_gettext("Après l'art."),
}


@bp.app_template_filter("paris")
def paris(value: datetime | None) -> str:
    """A UTC datetime as French long form in Paris time."""
    return format_paris(value) if value else "—"


@bp.app_template_filter("rectified")
def rectified(value: str) -> str:
    """The number a rectification files `value` under: "27" → "27 rect."."""
    return rectified_number(value)


@bp.app_template_filter("state_label")
def state_label(value: str) -> str:
    """Label of a state, in the page's language."""
    return str(STATE_LABELS.get(value, value))


@bp.app_template_filter("outcome_label")
def outcome_label(value: str | None) -> str:
    """Label of an outcome, in the page's language."""
    return str(OUTCOME_LABELS.get(value or "", ""))


@bp.app_template_filter("role_label")
def role_label(value: str) -> str:
    """Label of a role, in the page's language."""
    return str(ROLE_LABELS.get(value, value))


@bp.app_template_filter("position_label")
def position_label(amendment: Any) -> str:
    """ "Art. 7, al. 3" / "Après l'art. 10"."""
    label = f"{POSITION_LABELS.get(amendment.position_kind, '')} {amendment.article.number}"
    if not amendment.alinea:
        return label
    return _("%(position)s, al. %(alinea)s", position=label, alinea=amendment.alinea)


@bp.app_context_processor
def _globals() -> dict[str, Any]:
    labels = {state: str(label) for state, label in STATE_LABELS.items()}
    return {"perm": permissions, "STATE_LABELS": labels}
