"""The list of a text's amendments: filters, search, order, pages, and bulk actions on a
selection or on everything the filter matches."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from drafting.db import commit, rollback
from drafting.errors import DomainError, Invalid
from drafting.models import Role, User
from drafting.permissions import can_export_liasse
from drafting.services import listing, texts
from drafting.services.bulk import actions, selection
from drafting.services.bulk import jobs as bulk_jobs
from drafting.services.documents import exports
from drafting.services.listing import ListFilter
from drafting.web.common import now

bp = Blueprint("listing", __name__)

PER_PAGE = 50
ORDER_LABELS = {
    "discussion": lazy_gettext("Ordre de discussion"),
    "number": lazy_gettext("Numéro"),
    "article": lazy_gettext("Article"),
    "created": lazy_gettext("Date de création"),
}
ACTION_LABELS = {
    "submit": lazy_gettext("Soumettre à la relecture"),
    "approve": lazy_gettext("Approuver (ouvrir à la cosignature)"),
    "request_changes": lazy_gettext("Demander des modifications"),
    "close": lazy_gettext("Clore la cosignature"),
    "reopen": lazy_gettext("Rouvrir à la cosignature"),
    "file": lazy_gettext("Déposer (numéros de dépôt)"),
    "record_outcome": lazy_gettext("Enregistrer le sort"),
    "invite": lazy_gettext("Inviter des cosignataires"),
    "abandon": lazy_gettext("Abandonner"),
    "export": lazy_gettext("Exporter les documents (liasse partielle)"),
}
ROLE_ACTIONS = {
    Role.SECRETARIAT: ("approve", "request_changes", "close", "reopen", "file", "record_outcome"),
    Role.DEPUTY: ("submit", "close"),
    Role.ASSISTANT: ("submit",),
}


def _user() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


def _text(value: str | None, limit: int) -> str | None:
    return (value or "").strip()[:limit] or None


def filters_from(values: MultiDict[str, str], text_id: int) -> ListFilter:
    """The list's filter from a query string or a form (several `state` values allowed)."""
    identical = {"oui": True, "non": False}.get(values.get("identical", ""))
    return ListFilter(
        text_id=text_id,
        q=_text(values.get("q"), listing.MAX_SEARCH_CHARS),
        state=",".join(v for v in values.getlist("state") if v)[:120] or None,
        article=_text(values.get("article"), 40),
        group=_text(values.get("group"), 32),
        author_id=_int(values.get("author_id")),
        to_sign="me" if values.get("to_sign") == "me" else None,
        not_signed_by=_int(values.get("not_signed_by")),
        identical=identical,
        order=values.get("order") if values.get("order") in listing.ORDERS else "discussion",
        page=_int(values.get("page")) or 1,
        per_page=PER_PAGE,
    )


def filter_args(filters: ListFilter) -> dict[str, Any]:
    """The filter as query-string arguments (links to other pages keep it)."""
    args: dict[str, Any] = {
        "q": filters.q,
        "state": filters.state.split(",") if filters.state else None,
        "article": filters.article,
        "group": filters.group,
        "author_id": filters.author_id,
        "to_sign": filters.to_sign,
        "not_signed_by": filters.not_signed_by,
        "identical": {True: "oui", False: "non"}.get(filters.identical)  # type: ignore[call-overload]
        if filters.identical is not None
        else None,
        "order": filters.order if filters.order != "discussion" else None,
    }
    return {k: v for k, v in args.items() if v is not None}


def _page(
    text_id: int, filters: ListFilter, error: DomainError | None = None
) -> ResponseReturnValue:
    user = _user()
    text = texts.get_text(text_id)
    items: list[Any] = []
    total, counts = 0, {}
    if error is None:
        try:
            items, total = listing.list_amendments(user, filters)
            counts = listing.state_counts(user, filters)
        except Invalid as exc:
            error = exc
    pages = max(1, -(-total // PER_PAGE))
    page = render_template(
        "texts/amendments.html",
        text=text,
        items=items,
        total=total,
        counts=counts,
        filters=filters,
        args=filter_args(filters),
        page=min(filters.page, pages),
        pages=pages,
        error=error,
        orders=ORDER_LABELS,
        actions={a: ACTION_LABELS[a] for a in _actions_for(user)},
        authors=listing.authors_on(user, text_id),
        deputies=listing.group_deputies(user.group_id) if user.role == Role.SECRETARIAT else [],
        invitable=listing.deputies(),
    )
    return page, 422 if error else 200


def _actions_for(user: User) -> list[str]:
    found = list(ROLE_ACTIONS.get(Role(user.role), ())) if user.role != Role.ADMIN else []
    if user.role in (Role.SECRETARIAT, Role.DEPUTY, Role.ASSISTANT):
        found += ["invite", "abandon"]
    if can_export_liasse(user):
        found.append("export")
    return found


@bp.get("/textes/<int:text_id>/amendements")
@login_required
def index(text_id: int) -> ResponseReturnValue:
    """Every amendment of the text the user may see, filtered, searched, ordered and paged."""
    return _page(text_id, filters_from(request.args, text_id))


def _selection(text_id: int) -> tuple[ListFilter, selection.Selection]:
    form = request.form
    filters = filters_from(form, text_id)
    if form.get("scope") == "all":
        return filters, selection.of_filter(_user(), filters)
    ids = [int(v) for v in form.getlist("ids") if v.isdigit() and len(v) < 10]
    return filters, selection.of_ids(ids)


def _bulk_action(chosen: selection.Selection) -> actions.BulkAction:
    form = request.form
    numbers = actions.parse_number_list(form.get("numbers", ""))
    first = _text(form.get("first_number"), 40)
    if form.get("action") == "file" and first and not numbers:
        numbers = actions.numbers_in_order(chosen.ids, first)
    deputies = tuple(int(v) for v in form.getlist("deputy_ids") if v.isdigit() and len(v) < 10)
    return actions.BulkAction(
        form.get("action", "")[:40],
        form.get("comment") or None,
        numbers,
        form.get("outcome") or None,
        deputies,
        form.get("deadline_exception_reason") or None,
    )


@bp.post("/textes/<int:text_id>/amendements/actions")
@login_required
def bulk(text_id: int) -> ResponseReturnValue:
    """A bulk action on the ticked amendments or on every one the filter matches: the result
    of each, or the job's page for a large selection."""
    texts.get_text(text_id)
    filters = ListFilter(text_id=text_id)
    try:
        filters, chosen = _selection(text_id)
        if request.form.get("action") == "export":
            exported = exports.request_selection_export(_user(), chosen.ids, now())
            answer = bulk_jobs.Answer(job=exported)
        else:
            answer = bulk_jobs.perform(_user(), _bulk_action(chosen), chosen, now(), text_id)
    except DomainError as exc:
        rollback()
        return _page(text_id, filters, exc)
    commit()
    if answer.job is not None:
        return redirect(url_for("documents.show_job", job_id=answer.job.id), code=303)
    assert answer.items is not None
    report = bulk_jobs.report(answer.items)
    back = url_for("listing.index", text_id=text_id, **filter_args(filters))
    return render_template("bulk/results.html", report=report, back=back, text_id=text_id)
