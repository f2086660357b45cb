"""Review pages: the secretariat's queue, workflow actions, comments, the timeline and the inbox."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user, login_required
from sqlalchemy import func, select

from drafting.db import commit, rollback
from drafting.errors import DomainError, NotFound
from drafting.extensions import db
from drafting.infra.request_info import parse_id
from drafting.models import Amendment, Notification, User
from drafting.services import notifications, texts
from drafting.services.workflow import filing, review, transitions
from drafting.web import timeline
from drafting.web.common import current_credential, now
from workflows.review import Action, Outcome

bp = Blueprint("review", __name__)

DONE = {
    Action.SUBMIT: lazy_gettext("Amendement soumis à la relecture du secrétariat."),
    Action.REQUEST_CHANGES: lazy_gettext(
        "Modifications demandées : l'amendement revient en brouillon."
    ),
    Action.APPROVE: lazy_gettext("Amendement approuvé : il est ouvert à la cosignature."),
    Action.CLOSE: lazy_gettext("Cosignature close : l'amendement est prêt au dépôt."),
    Action.REOPEN: lazy_gettext("Cosignature rouverte."),
    Action.FILE: lazy_gettext("Amendement déposé."),
    Action.RECORD_OUTCOME: lazy_gettext("Sort enregistré."),
    Action.ABANDON: lazy_gettext("Amendement abandonné."),
}


def _user() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def _back(amendment_id: int) -> ResponseReturnValue:
    return redirect(url_for("amendments.show", amendment_id=amendment_id), code=303)


def _refused(error: DomainError, amendment_id: int) -> ResponseReturnValue:
    """Show the refusal on the amendment page; an invisible amendment stays a 404."""
    rollback()
    if isinstance(error, NotFound):
        raise error
    flash(_("Refusé : %(message)s", message=error.message))
    return _back(amendment_id)


@bp.get("/relecture")
@login_required
def queue() -> ResponseReturnValue:
    """The secretariat's review queue for its group, filtered by text, article and words."""
    filters = review.QueueFilter(
        parse_id(request.args.get("text_id")),
        (request.args.get("article") or "").strip()[:40] or None,
        (request.args.get("q") or "").strip()[:200] or None,
    )
    items = review.review_queue(_user(), filters)
    total = review.queue_size(_user(), filters)
    return render_template(
        "review/queue.html", items=items, total=total, filters=filters, texts=texts.list_texts()
    )


@bp.post("/relecture/approuver")
@login_required
def approve_selection() -> ResponseReturnValue:
    """Approve the selected amendments; show one result per amendment."""
    ids = [i for v in request.form.getlist("ids") if (i := parse_id(v)) is not None]
    if not ids:
        flash(_("Sélectionnez au moins un amendement."))
        return redirect(url_for("review.queue"), code=303)
    results = review.approve_many(_user(), ids, now())
    commit()
    return render_template("review/results.html", results=results)


@bp.post("/amendements/<int:amendment_id>/transitions")
@login_required
def transition(amendment_id: int) -> ResponseReturnValue:
    """Take a workflow action from the amendment page."""
    form = request.form
    action = form.get("action", "")
    try:
        transitions.transition(
            _user(),
            amendment_id,
            action,
            now=now(),
            comment=form.get("comment") or None,
            number=form.get("number") or None,
            outcome=form.get("outcome") or None,
            deadline_exception_reason=form.get("deadline_exception_reason") or None,
            lint_reason=form.get("lint_reason") or None,
            drop_stale_signatures=form.get("drop_stale_signatures") == "1",
        )
    except DomainError as exc:
        return _refused(exc, amendment_id)
    commit()
    flash(str(DONE[Action(action)]))
    return _back(amendment_id)


@bp.post("/amendements/<int:amendment_id>/commentaires")
@login_required
def comment(amendment_id: int) -> ResponseReturnValue:
    """Add a comment to the timeline."""
    try:
        transitions.comment(_user(), amendment_id, request.form.get("text", ""), now())
    except DomainError as exc:
        return _refused(exc, amendment_id)
    commit()
    flash(_("Commentaire ajouté."))
    return _back(amendment_id)


@bp.post("/amendements/<int:amendment_id>/bon-a-deposer")
@login_required
def filing_consent(amendment_id: int) -> ResponseReturnValue:
    """« Bon à déposer »: the author consents to filing this version."""
    try:
        filing.give_consent(
            _user(),
            amendment_id,
            now(),
            otp=request.form.get("otp") or None,
            credential=current_credential(),
        )
    except DomainError as exc:
        return _refused(exc, amendment_id)
    commit()
    flash(_("Accord au dépôt enregistré pour cette version."))
    return _back(amendment_id)


@bp.post("/amendements/<int:amendment_id>/groupe")
@login_required
def group_amendment(amendment_id: int) -> ResponseReturnValue:
    """Mark or unmark the amendment as presented with the members of the group."""
    flag = request.form.get("presented_by_group") == "1"
    try:
        transitions.set_group_amendment(_user(), amendment_id, flag, now())
    except DomainError as exc:
        return _refused(exc, amendment_id)
    commit()
    if flag:
        flash(_("Mention « et les membres du groupe » ajoutée."))
    else:
        flash(_("Mention « et les membres du groupe » retirée."))
    return _back(amendment_id)


@bp.get("/notifications")
@login_required
def inbox() -> ResponseReturnValue:
    """The user's notifications, newest first."""
    return render_template("review/inbox.html", items=notifications.inbox(_user()))


@bp.post("/notifications/<int:notification_id>/lue")
@login_required
def mark_read(notification_id: int) -> ResponseReturnValue:
    """Mark one notification read, then go back to the inbox (or to its amendment)."""
    notifications.mark_read(_user(), notification_id, now())
    commit()
    target = parse_id(request.form.get("amendment_id"))
    if target is not None:
        return _back(target)
    return redirect(url_for("review.inbox"), code=303)


@bp.app_template_global("unread_notifications")
def unread_notifications() -> int:
    """How many unread notifications the signed-in user has (for the nav badge)."""
    if not current_user.is_authenticated:
        return 0
    query = select(func.count(Notification.id)).where(
        Notification.user_id == current_user.id, Notification.read_at.is_(None)
    )
    return db.session.scalar(query) or 0


@bp.app_template_global("filing_consent_of")
def filing_consent_of(amendment: Amendment) -> filing.Consent | None:
    """The author's consent to filing the amendment's current version, if any."""
    return filing.consent_of(amendment)


@bp.app_template_global("amendment_timeline")
def amendment_timeline(amendment: Amendment) -> list[timeline.TimelineItem]:
    """The amendment's timeline as the signed-in user may see it."""
    return timeline.timeline(_user(), amendment)


@bp.app_context_processor
def _workflow_globals() -> dict[str, Any]:
    return {"ACTION_NAMES": transitions.ACTION_NAMES, "OUTCOMES": [o.value for o in Outcome]}
