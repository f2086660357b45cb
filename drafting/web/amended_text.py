"""The amended text page (« texte amendé »): a text or one article with a chosen set of
amendments applied, changes marked, conflicts shown."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from drafting.errors import Invalid
from drafting.models import User
from drafting.services.legistique import amended_text as service
from drafting.web.common import now
from workflows.deadlines import PARIS

bp = Blueprint("amended_text", __name__, url_prefix="/textes")
MAX_IDS = service.MAX_SELECTED


def _user() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def _ids(values: list[str]) -> tuple[int, ...]:
    if len(values) > MAX_IDS:
        raise Invalid("Trop d'amendements.", fields={"ids": f"{MAX_IDS} au plus"})
    if not all(v.strip().isdigit() and len(v.strip()) < 10 for v in values):
        raise Invalid("Amendement invalide.", fields={"ids": "identifiants entiers attendus"})
    return tuple(dict.fromkeys(int(v) for v in values))


def _selection() -> service.Selection:
    """The set asked for in the query string (the group's amendments by default)."""
    args = request.args
    try:
        kind = service.SetKind(args.get("ensemble", service.SetKind.GROUP))
    except ValueError:
        raise Invalid("Ensemble inconnu.", fields={"ensemble": "groupe, un ou selection"}) from None
    ids: tuple[int, ...] = ()
    if kind == service.SetKind.ONE:
        ids = _ids([args.get("amendement", "")])
    elif kind == service.SetKind.SELECTION:
        ids = _ids(args.getlist("ids"))
    article = (args.get("article") or "").strip()[:40] or None
    return service.Selection(kind, ids, article)


def subtitle(result: service.AmendedText) -> str:
    """Which amendments the page (or the PDF) applies, in French."""
    count = len(result.amendments)
    if result.selection.kind == service.SetKind.GROUP:
        return _(
            "Texte amendé par les amendements en cours de votre groupe (%(count)s)", count=count
        )
    if result.selection.kind == service.SetKind.ONE and result.amendments:
        return _(
            "Texte amendé par l'amendement %(label)s", label=result.labels[result.amendments[0].id]
        )
    return _("Texte amendé par une sélection de %(count)s amendements", count=count)


@bp.get("/<int:text_id>/texte-amende")
@login_required
def show(text_id: int) -> ResponseReturnValue:
    """The amended text: the set chosen in the query string, the article if one is named."""
    selection = _selection()
    result = service.amended_text(_user(), text_id, selection)
    document = service.printed(result, subtitle(result), now().astimezone(PARIS).date())
    return render_template(
        "texts/amended.html",
        result=result,
        document=document,
        candidates=service.candidates(_user(), text_id),
        selection=selection,
    )
