"""Text pages: the bill with its articles and alinéas, and an "Amender" action on each."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from drafting.services import listing, texts
from drafting.services.listing import ListFilter

bp = Blueprint("texts", __name__, url_prefix="/textes")
FIRST = 20  # amendments shown on the text page; the list has them all


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
    user = current_user._get_current_object()
    filters = ListFilter(text_id=text_id, order="discussion", per_page=FIRST)
    items, total = listing.list_amendments(user, filters)
    counts = listing.state_counts(user, filters)
    return render_template(
        "texts/show.html", text=text, amendments=items, total=total, counts=counts
    )
