"""My account's security: sessions, API tokens, password, second factor and its step-up check."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from drafting.db import commit, rollback
from drafting.errors import Conflict, Forbidden, Invalid
from drafting.infra.request_info import parse_id
from drafting.models import Amendment, ReadRecord, Role, User
from drafting.permissions import can_view_reads
from drafting.services import confidentiality
from drafting.services.accounts import credentials, second_factor, sessions
from drafting.services.workflow import filing
from drafting.web.common import current_credential, local_path, now

bp = Blueprint("security", __name__, url_prefix="/compte/securite")


def _user() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def _safe_next(target: str | None) -> str:
    return local_path(target) or url_for("security.index")


def _next() -> str | None:
    """The page that sent the user here (to come back to once the factor is set up)."""
    return local_path(request.values.get("next"))


def _index(error: Any = None, status: int = 200) -> ResponseReturnValue:
    user = _user()
    return (
        render_template(
            "security/index.html",
            next=_next(),
            enrolled=second_factor.is_enrolled(user),
            required=second_factor.is_required(user),
            codes_left=second_factor.remaining_recovery_codes(user),
            web_sessions=credentials.live_sessions(user),
            current_sid=session.get("sid"),
            tokens=credentials.live_tokens(user, now()),
            delegation=filing.delegation_of(user.id) if user.role == Role.DEPUTY else None,
            assistants=credentials.assistants_of(user),
            error=error,
        ),
        status,
    )


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    """Sessions, tokens, password and second factor of the signed-in user."""
    return _index()


@bp.post("/delegation-depot")
@login_required
def filing_delegation() -> ResponseReturnValue:
    """Grant or revoke my standing delegations of the consent to filing (deputies)."""
    assistants = [i for v in request.form.getlist("assistants") if (i := parse_id(v))]
    try:
        filing.set_delegation(_user(), assistants, request.form.get("secretariat") == "1", now())
    except (Forbidden, Invalid) as exc:
        rollback()
        return _index(exc, exc.status)
    commit()
    flash(_("Délégation de l'accord au dépôt enregistrée."))
    return redirect(url_for("security.index"))


@bp.post("/sessions/<int:session_id>/fermer")
@login_required
def close_session(session_id: int) -> ResponseReturnValue:
    """Close one of my browser sessions."""
    credentials.revoke_session(_user(), session_id, now())
    commit()
    flash(_("Session fermée."))
    return redirect(url_for("security.index"))


@bp.post("/jetons/<int:token_id>/revoquer")
@login_required
def revoke_token(token_id: int) -> ResponseReturnValue:
    """Revoke one of my API tokens."""
    credentials.revoke_token(_user(), token_id, now())
    commit()
    flash(_("Jeton révoqué."))
    return redirect(url_for("security.index"))


@bp.post("/mot-de-passe")
@login_required
def change_password() -> ResponseReturnValue:
    """Change my password; my other sessions and every API token are signed out."""
    form = request.form
    try:
        credentials.change_password(
            _user(),
            form.get("old_password", ""),
            form.get("new_password", ""),
            now(),
            keep_session_key=session.get("sid"),
        )
    except Invalid as exc:
        rollback()
        return _index(exc, 422)
    commit()
    flash(_("Mot de passe changé ; vos autres sessions et vos jetons sont fermés."))
    return redirect(url_for("security.index"))


@bp.post("/deconnexion-partout")
@login_required
def logout_everywhere() -> ResponseReturnValue:
    """Close every session (this one too) and revoke every API token."""
    sessions.revoke_everything(_user(), now())
    commit()
    logout_user()
    session.clear()
    flash(_("Vous êtes déconnecté de tous vos appareils."))
    return redirect(url_for("auth.login"))


@bp.route("/double-authentification", methods=["GET", "POST"])
@login_required
def enrol() -> ResponseReturnValue:
    """Start (POST) or resume (GET) the enrolment of an authenticator app."""
    user = _user()
    if request.method == "POST":
        try:
            second_factor.start_enrolment(
                user, now(), code=request.form.get("otp"), credential=current_credential()
            )
        except Forbidden as exc:
            rollback()
            return _index(exc, 403)
        commit()
    enrolment = second_factor.pending_enrolment(user)
    if enrolment is None:
        return redirect(url_for("security.index", next=_next()))
    return render_template("security/enrol.html", enrolment=enrolment, next=_next())


@bp.post("/double-authentification/confirmer")
@login_required
def confirm() -> ResponseReturnValue:
    """Activate the authenticator with its first code and show the recovery codes once."""
    user = _user()
    try:
        codes = second_factor.confirm_enrolment(user, request.form.get("otp", ""), now())
    except (Forbidden, Conflict) as exc:
        rollback()
        enrolment = second_factor.pending_enrolment(user)
        if enrolment is None:
            return redirect(url_for("security.index", next=_next()))
        page = render_template("security/enrol.html", enrolment=enrolment, error=exc, next=_next())
        return page, 403
    second_factor.mark_verified(current_credential(), now())
    commit()
    return render_template("security/recovery_codes.html", codes=codes, next=_next())


@bp.post("/codes-de-secours")
@login_required
def recovery_codes() -> ResponseReturnValue:
    """Replace my recovery codes (a valid code is required)."""
    try:
        codes = second_factor.regenerate_recovery_codes(
            _user(), request.form.get("otp"), now(), current_credential()
        )
    except Forbidden as exc:
        rollback()
        return _index(exc, 403)
    commit()
    return render_template("security/recovery_codes.html", codes=codes)


@bp.route("/confirmer", methods=["GET", "POST"])
@login_required
def verify() -> ResponseReturnValue:
    """« Confirmer avec mon code »: a step-up check before consenting (sign, withdraw…)."""
    target = _safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("security/verify.html", next=target)
    try:
        second_factor.check_code(_user(), request.form.get("otp"), now(), current_credential())
    except Forbidden as exc:
        rollback()
        return render_template("security/verify.html", next=target, error=exc), 403
    commit()
    flash(_("Code vérifié : vous pouvez signer pendant les dix prochaines minutes."))
    return redirect(target)


@bp.app_context_processor
def _security_helpers() -> dict[str, Any]:
    """Template helpers: the code field of consent forms and an amendment's reads."""

    def second_factor_needed() -> bool:
        user = current_user
        return bool(user.is_authenticated) and second_factor.needs_code(
            _user(), current_credential(), now()
        )

    def signing_requirement() -> str | None:
        """What a consent needs first: "enrol" (set the second factor up), "code" (type one),
        or None (nothing more)."""
        if not current_user.is_authenticated:
            return None
        user = _user()
        if not second_factor.is_required(user):
            return None
        if not second_factor.is_enrolled(user):
            return "enrol"
        return "code" if second_factor.needs_code(user, current_credential(), now()) else None

    def amendment_reads(amendment: Amendment) -> list[ReadRecord] | None:
        if not current_user.is_authenticated or not can_view_reads(_user(), amendment):
            return None
        return confidentiality.reads(_user(), amendment)

    return {
        "secret_groups": second_factor.secret_groups,
        "second_factor_needed": second_factor_needed,
        "signing_requirement": signing_requirement,
        "amendment_reads": amendment_reads,
    }
