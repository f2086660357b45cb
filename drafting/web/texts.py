"""Text pages: the bill with its articles and alinéas, and an "Amender" action on each."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from drafting.services import amendments, texts
from drafting.services.amendments import ListFilter

bp = Blueprint("texts", __name__, url_prefix="/textes")


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    """Every text."""
    return render_template("texts/index.html", texts=texts.list_texts())


@bp.get("/<int:text_id>")
@login_required
def show(text_id: int) -> ResponseReturnValue:
    """A text, its articles and the amendments the user may see on it."""
    text = texts.get_text(text_id)
    items, total = amendments.list_amendments(
        current_user._get_current_object(), ListFilter(text_id=text_id, per_page=100)
    )
    return render_template("texts/show.html", text=text, amendments=items, total=total)
