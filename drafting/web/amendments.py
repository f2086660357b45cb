"""Amendment pages: the editor (create and edit) and the amendment page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from drafting.db import commit, rollback
from drafting.errors import Conflict, Invalid
from drafting.extensions import db
from drafting.infra.request_info import parse_id
from drafting.models import Amendment, Role, User
from drafting.permissions import can_edit_amendment
from drafting.services import amendments as service
from drafting.services import confidentiality, texts
from drafting.services.legistique import checks, identity, sub_amendments
from drafting.services.workflow import filing
from drafting.web.common import now
from workflows.legistique import split_alineas

bp = Blueprint("amendments", __name__, url_prefix="/amendements")


def _user() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def _position_from_form() -> service.PositionInput:
    form = request.form
    return service.PositionInput(
        form.get("kind", "article"), form.get("article", ""), parse_id(form.get("alinea"))
    )


def _authors(user: User) -> list[User]:
    if user.role != Role.SECRETARIAT:
        return []
    return list(
        db.session.scalars(
            db.select(User)
            .where(User.role == Role.DEPUTY, User.group_id == user.group_id)
            .order_by(User.last_name)
        )
    )


def _editor(
    text_id: int,
    values: dict[str, Any],
    error: Any = None,
    status: int = 200,
    parent: Amendment | None = None,
):
    text = texts.get_text(text_id)
    return (
        render_template(
            "amendments/edit.html",
            text=text,
            values=values,
            error=error,
            authors=_authors(_user()),
            parent=parent,
            parent_paragraphs=split_alineas(parent.dispositif) if parent is not None else [],
        ),
        status,
    )


def _parent(text_id: int, value: str | None) -> Amendment | None:
    """The amendment a sub-amendment is drafted on (?parent= or the form's parent_id)."""
    if value is None or not value.strip():
        return None
    parent_id = parse_id(value)
    if parent_id is None:
        raise Invalid("Amendement invalide.", fields={"parent_id": "identifiant entier attendu"})
    return sub_amendments.parent_for(_user(), text_id, parent_id)


@bp.route("/nouveau/<int:text_id>", methods=["GET", "POST"])
@login_required
def create(text_id: int) -> ResponseReturnValue:
    """Draft a new amendment on a text (article chosen by ?article=)."""
    if request.method == "GET":
        parent = _parent(text_id, request.args.get("parent"))
        values = {
            "kind": request.args.get("kind", "article"),
            "article": request.args.get("article", ""),
            "alinea": request.args.get("alinea", ""),
            "dispositif": "",
            "expose": "",
        }
        return _editor(text_id, values, parent=parent)
    draft = service.Draft(
        text_id,
        _position_from_form(),
        request.form.get("dispositif", ""),
        request.form.get("expose", ""),
        parse_id(request.form.get("author_id")),
        parse_id(request.form.get("parent_id")),
    )
    try:
        amendment = service.create_amendment(_user(), draft, now())
    except Invalid as exc:
        rollback()
        parent = _parent(text_id, request.form.get("parent_id"))
        return _editor(text_id, dict(request.form), exc, 422, parent)
    commit()
    flash(_("Amendement enregistré (version 1)."))
    _flash_identical(amendment)
    return redirect(url_for("amendments.show", amendment_id=amendment.id))


@bp.get("/<int:amendment_id>")
@login_required
def show(amendment_id: int) -> ResponseReturnValue:
    """The amendment page."""
    amendment = service.get_visible_amendment(_user(), amendment_id)
    if confidentiality.record_read(_user(), amendment, now(), "web"):
        commit()
    return render_template(
        "amendments/show.html",
        amendment=amendment,
        revisions=service.revisions(amendment.id),
        findings=checks.current(amendment, now()),
        concordance=identity.concordance(_user(), amendment),
        sub_amendments=sub_amendments.sub_amendments_of(_user(), amendment),
    )


def _flash_identical(amendment: Any) -> None:
    """Say at once, on save, that an identical amendment exists (the page offers to co-sign)."""
    for other in identity.identical(_user(), amendment)[:3]:
        label = _("n° %(number)s", number=other.number) if other.number else f"#{other.id}"
        group = _(" (groupe %(group)s)", group=other.group) if other.group else ""
        flash(_("Identique à l'amendement %(label)s%(group)s.", label=label, group=group))


@bp.route("/<int:amendment_id>/modifier", methods=["GET", "POST"])
@login_required
def edit(amendment_id: int) -> ResponseReturnValue:
    """Edit an amendment; a save from an older version is refused and the input kept."""
    amendment = service.get_visible_amendment(_user(), amendment_id)
    text_id = amendment.text_id
    if request.method == "GET":
        if not can_edit_amendment(_user(), amendment):
            flash(_("Vous ne pouvez pas modifier cet amendement à ce stade."))
            return redirect(url_for("amendments.show", amendment_id=amendment_id))
        values = {
            "kind": amendment.position_kind,
            "article": amendment.article.number,
            "alinea": amendment.alinea or "",
            "dispositif": amendment.dispositif,
            "expose": amendment.expose,
            "version": amendment.version,
            "signed": filing.current_signature_count(amendment),
        }
        return _editor(text_id, values | {"amendment_id": amendment_id}, parent=amendment.parent)
    edit_data = service.Edit(
        parse_id(request.form.get("version")) or 0,
        request.form.get("dispositif", ""),
        request.form.get("expose", ""),
        _position_from_form(),
    )
    try:
        saved = service.update_amendment(_user(), amendment_id, edit_data, now())
    except (Invalid, Conflict) as exc:
        rollback()
        values = dict(request.form) | {"amendment_id": amendment_id}
        parent = service.get_visible_amendment(_user(), amendment_id).parent
        return _editor(text_id, values, exc, exc.status, parent)
    commit()
    flash(_("Nouvelle version enregistrée."))
    _flash_identical(saved)
    return redirect(url_for("amendments.show", amendment_id=amendment_id))
