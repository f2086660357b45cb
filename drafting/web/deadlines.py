"""Deadline pages: the secretariat's board, a text's deadline settings, my calendar feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user, login_required
from sqlalchemy import select

from drafting.db import commit, rollback
from drafting.errors import DomainError, Forbidden, Invalid, NotFound
from drafting.extensions import db
from drafting.models import Amendment, LegislativeText, Role, User
from drafting.permissions import can_manage_texts, can_set_filing_deadlines
from drafting.rendering.ical import CalendarEvent, calendar
from drafting.services import texts
from drafting.services.accounts import credentials
from drafting.services.deadlines import authority, binding, queries
from drafting.services.deadlines.queries import Deadline, board, home_group, user_deadlines
from drafting.web.common import now
from workflows.deadlines import PARIS, format_paris, paris_wall_time

bp = Blueprint("deadlines", __name__)

SOON = timedelta(hours=24)
FEED_PAST_DAYS = 30  # calendars drop what a feed no longer lists: keep the last month
RULE_LABELS = {
    "art99": lazy_gettext("art. 99 du Règlement"),
    "art86": lazy_gettext("art. 86 du Règlement"),
    "override": lazy_gettext("dérogation"),
}
KIND_LABELS = {
    "filing": lazy_gettext("Délai de dépôt"),
    "reopening": lazy_gettext("Réouverture du délai"),
    "review": lazy_gettext("Relecture"),
    "cosign": lazy_gettext("Clôture des cosignatures"),
}


def _user() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


# ----- presentation helpers (also Jinja globals) -----


def format_remaining(delta: timedelta) -> str:
    """The time left in French: "dans 2 j 5 h", "dans 3 h 07 min", "dans 12 min" or "échue"."""
    seconds = int(delta.total_seconds())
    if seconds < 0:
        return _("échue")
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    if days:
        return _("dans %(days)d j %(hours)d h", days=days, hours=hours)
    if hours:
        return _("dans %(hours)d h %(minutes)02d min", hours=hours, minutes=minutes)
    return _("dans %(minutes)d min", minutes=minutes)


@dataclass(frozen=True)
class Countdown:
    """A deadline as a page shows it: when, in Paris time, and how long is left."""

    label: str
    at: datetime
    remaining: str
    soon: bool
    passed: bool
    note: str = ""

    @property
    def iso(self) -> str:
        """The instant in ISO 8601 to the second (for <time> and the live countdown in JS)."""
        return self.at.replace(microsecond=0).isoformat()


def countdown(label: str, at: datetime, current: datetime, note: str = "") -> Countdown:
    """A Countdown for `at` seen from `current`."""
    left = at - current
    return Countdown(
        label, at, format_remaining(left), timedelta(0) <= left < SOON, left.days < 0, note
    )


def deadline_label(item: Deadline) -> str:
    """The French label of a deadline, e.g. "Relecture ECOS — texte n° 809"."""
    head = str(KIND_LABELS.get(item.kind, item.kind))
    if item.group:
        head = f"{head} {item.group}"
    label = _("%(deadline)s — texte n° %(number)s", deadline=head, number=item.text_number)
    if item.article:
        label += _(", article %(article)s", article=item.article)
    if item.rule:
        label += f" ({RULE_LABELS.get(item.rule, item.rule)!s})"
    return label


def amendment_deadlines(amendment: Amendment) -> list[Countdown]:
    """The deadlines binding one amendment (filing for its article, its group's deadlines)."""
    current = now()
    rules = binding.deadline_set(amendment.text, amendment.group_id)
    found = []
    if rules.review_by:
        found.append(countdown(_("Soumission à la relecture du groupe"), rules.review_by, current))
    if rules.cosign_by:
        found.append(countdown(_("Clôture des cosignatures"), rules.cosign_by, current))
    filing = rules.filing_deadline_for(amendment.article.number)
    if filing and not amendment.is_sub_amendment:
        reopened = filing != rules.filing_deadline
        note = _("délai rouvert sur cet article") if reopened else ""
        label = _("Dépôt (article %(article)s)", article=amendment.article.number)
        found.append(countdown(label, filing, current, note))
    return found


def text_deadlines(text: LegislativeText) -> list[Countdown]:
    """The text's filing deadline, its reopenings and the viewer's group deadlines."""
    current, found = now(), []
    if text.filing_deadline:
        rule = str(RULE_LABELS.get(text.filing_deadline_rule or "", ""))
        found.append(countdown(_("Délai de dépôt"), text.filing_deadline, current, rule))
    for reopening, article in binding.reopenings_of(text.id):
        found.append(
            countdown(
                _("Réouverture — article %(article)s", article=article),
                reopening.until,
                current,
                reopening.reason,
            )
        )
    group = home_group(_user())
    row = binding.group_deadline(text.id, group.id) if group else None
    if group and row and row.review_by:
        found.append(countdown(_("Relecture %(group)s", group=group.code), row.review_by, current))
    if group and row and row.cosign_by:
        found.append(
            countdown(_("Cosignatures %(group)s", group=group.code), row.cosign_by, current)
        )
    return found


@bp.app_context_processor
def _globals() -> dict[str, Any]:
    return {"amendment_deadlines": amendment_deadlines, "text_deadlines": text_deadlines}


# ----- forms: datetime-local inputs are Paris wall-clock times -----


def paris_input(value: datetime | None) -> str:
    """A datetime as the value of an <input type="datetime-local"> (Paris time)."""
    return value.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M") if value else ""


def parse_paris(field: str, *, required: bool = False) -> datetime | None:
    """Read a datetime-local field as a Paris wall-clock time; 422 naming the field."""
    raw = (request.form.get(field) or "").strip()
    if not raw:
        if required:
            raise Invalid(_("Date manquante."), fields={field: _("obligatoire")})
        return None
    try:
        local = datetime.strptime(raw[:16], "%Y-%m-%dT%H:%M")
    except ValueError:
        raise Invalid(_("Date invalide."), fields={field: _("date et heure attendues")}) from None
    return paris_wall_time(date(local.year, local.month, local.day), local.hour, local.minute)


# ----- pages -----


@bp.get("/echeances")
@login_required
def index() -> ResponseReturnValue:
    """My upcoming deadlines, my calendar feed and, for the secretariat, the deadline board."""
    user = _user()
    rows = board(user, now()) if can_manage_texts(user) else []
    return render_template(
        "deadlines/board.html",
        upcoming=user_deadlines(user, since=now()),
        rows=rows,
        deadline_label=deadline_label,
        countdown=countdown,
        now=now(),
        feed_url=_feed_url(user),
        rule_labels=RULE_LABELS,
    )


def _feed_url(user: User) -> str | None:
    if not user.calendar_token:
        return None
    return url_for("deadlines.feed", token=user.calendar_token, _external=True)


def _manage_page(text_id: int, error: DomainError | None = None, status: int = 200) -> Any:
    user = _user()
    if not can_manage_texts(user):
        raise Forbidden(_("Seuls les secrétariats de groupe gèrent les échéances."))
    text = texts.get_text(text_id)
    group = home_group(user) if user.role == Role.SECRETARIAT else None
    row = binding.group_deadline(text.id, group.id) if group else None
    return render_template(
        "deadlines/text.html",
        text=text,
        group=group,
        row=row,
        error=error,
        reopenings=binding.reopenings_of(text.id),
        paris_input=paris_input,
        form=request.form if error else {},
        rule_labels=RULE_LABELS,
        can_set_filing=can_set_filing_deadlines(user),
        decision=queries.filing_decisions([text.id]).get(text.id),
    ), status


@bp.get("/echeances/textes/<int:text_id>")
@login_required
def manage(text_id: int) -> ResponseReturnValue:
    """A text's deadlines with the secretariat's forms."""
    return _manage_page(text_id)


def _submit(text_id: int, action: Any, done: str) -> ResponseReturnValue:
    """Run one service call from a form; 422 re-renders the page with the input kept."""
    try:
        action()
    except Invalid as exc:
        rollback()
        return _manage_page(text_id, exc, 422)
    commit()
    flash(done)
    return redirect(url_for("deadlines.manage", text_id=text_id))


@bp.post("/echeances/textes/<int:text_id>/groupe")
@login_required
def set_group(text_id: int) -> ResponseReturnValue:
    """Set my group's review and co-signature deadlines on a text."""
    user = _user()
    return _submit(
        text_id,
        lambda: authority.set_group_deadlines(
            user,
            text_id,
            user.group_code or "",
            parse_paris("review_by"),
            parse_paris("cosign_by"),
            now(),
        ),
        _("Dates limites du groupe enregistrées."),
    )


@bp.post("/echeances/textes/<int:text_id>/delai")
@login_required
def override(text_id: int) -> ResponseReturnValue:
    """Record a decision moving the filing deadline."""
    return _submit(
        text_id,
        lambda: authority.set_filing_deadline_override(
            _user(), text_id, _required("filing_deadline"), request.form.get("reason"), now()
        ),
        _("Délai de dépôt modifié."),
    )


@bp.post("/echeances/textes/<int:text_id>/delai/regle")
@login_required
def restore_rule(text_id: int) -> ResponseReturnValue:
    """« Revenir à la règle »: the filing deadline the Règlement gives."""
    return _submit(
        text_id,
        lambda: authority.restore_filing_deadline_rule(
            _user(), text_id, request.form.get("reason"), now()
        ),
        _("Délai de dépôt réglementaire rétabli."),
    )


@bp.post("/echeances/textes/<int:text_id>/reouvertures")
@login_required
def reopen(text_id: int) -> ResponseReturnValue:
    """Record a reopening of the filing deadline on one article."""
    return _submit(
        text_id,
        lambda: authority.add_reopening(
            _user(),
            text_id,
            request.form.get("article", ""),
            _required("until"),
            request.form.get("reason"),
            now(),
        ),
        _("Réouverture enregistrée."),
    )


def _required(field: str) -> datetime:
    value = parse_paris(field, required=True)
    assert value is not None
    return value


@bp.post("/echeances/calendrier")
@login_required
def regenerate_feed() -> ResponseReturnValue:
    """Give me a new secret calendar link (the old one stops working)."""
    credentials.regenerate_calendar_token(_user())
    commit()
    flash(_("Nouveau lien d'agenda créé ; l'ancien ne fonctionne plus."))
    return redirect(url_for("deadlines.index") + "#agenda")


@bp.get("/calendrier/<token>.ics")
def feed(token: str) -> ResponseReturnValue:
    """My deadlines as an iCalendar feed (secret link, no login; unknown token: 404)."""
    user = None
    if 20 <= len(token) <= 64:
        user = db.session.scalar(select(User).where(User.calendar_token == token))
    if user is None or not user.active:
        raise NotFound(_("Agenda inconnu."))
    current = now()
    items = user_deadlines(user, since=current - timedelta(days=FEED_PAST_DAYS))
    body = calendar(_("Liasse — échéances"), [_event(item) for item in items], current)
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["Content-Disposition"] = 'inline; filename="liasse.ics"'
    return response


def _event(item: Deadline) -> CalendarEvent:
    return CalendarEvent(
        uid=f"{item.uid}@{request.host}",
        start=item.at,
        summary=deadline_label(item),
        description=item.text_title
        + "\n"
        + _("Heure de Paris : %(time)s", time=format_paris(item.at)),
        url=url_for("texts.show", text_id=item.text_id, _external=True),
    )
