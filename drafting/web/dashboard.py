"""The dashboard: my amendments and what waits for me."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from drafting.models import Role
from drafting.services import amendments, texts
from drafting.services.amendments import ListFilter

bp = Blueprint("dashboard", __name__)


@bp.get("/")
def home() -> ResponseReturnValue:
    """Send visitors to the dashboard (or the login page)."""
    return redirect(url_for("dashboard.index"))


@bp.get("/tableau-de-bord")
@login_required
def index() -> ResponseReturnValue:
    """Dashboard of the signed-in user."""
    user = current_user._get_current_object()
    mine: list = []
    if user.role == Role.DEPUTY:
        mine, _ = amendments.list_amendments(user, ListFilter(author_id=user.id, per_page=100))
    elif user.role == Role.ASSISTANT and user.deputy_id:
        mine, _ = amendments.list_amendments(
            user, ListFilter(author_id=user.deputy_id, per_page=100)
        )
    waiting: list = []
    if user.role == Role.SECRETARIAT:
        waiting, _ = amendments.list_amendments(
            user, ListFilter(state="in_review", group=user.group_code, per_page=100)
        )
    return render_template("dashboard.html", mine=mine, waiting=waiting, texts=texts.list_texts())
