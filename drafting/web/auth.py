"""Login and logout pages."""

from __future__ import annotations

import secrets

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user, login_required, login_user, logout_user
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response as BaseResponse

from drafting.db import commit, rollback
from drafting.errors import Invalid, Throttled, Unauthorized
from drafting.infra.rate_limits import LOGIN, LOGIN_FAILED, POST, limited
from drafting.infra.request_info import client_address
from drafting.models import User
from drafting.services.accounts import authentication, sessions, welcome
from drafting.web.common import local_path, now

bp = Blueprint("auth", __name__)

# The login refusals of `authentication.authenticate` (French, shared with the API), as shown
# on the page.
LOGIN_ERRORS = {
    "Adresse ou mot de passe incorrect.": lazy_gettext("Adresse ou mot de passe incorrect."),
    "Trop de tentatives de connexion. Réessayez dans quelques minutes.": lazy_gettext(
        "Trop de tentatives de connexion. Réessayez dans quelques minutes."
    ),
}


DEVICE_COOKIE = "liasse_device"
DEVICE_DAYS = 180


def _safe_next(target: str | None) -> str:
    return local_path(target) or url_for("dashboard.index")


def _devices() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key or "", salt="liasse-device")


def _known_device(email: str) -> str | None:
    """The id of this browser if the account `email` logged in from it before (signed cookie)."""
    try:
        payload = _devices().loads(request.cookies.get(DEVICE_COOKIE, ""))
    except BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("email") != email.strip().lower():
        return None
    device = payload.get("device")
    return device if isinstance(device, str) else None


def _remember_device(response: BaseResponse, user: User, device: str | None) -> BaseResponse:
    """Mark this browser as one the account logs in from (its failures are counted apart)."""
    token = _devices().dumps({"email": user.email, "device": device or secrets.token_hex(16)})
    response.set_cookie(
        DEVICE_COOKIE,
        token,
        max_age=DEVICE_DAYS * 86_400,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
        path=url_for("auth.login"),
    )
    return response


@bp.route("/login", methods=["GET", "POST"])
@limited(LOGIN, scope="login", key=client_address, methods=POST, failures=LOGIN_FAILED)
def login() -> ResponseReturnValue:
    """The login form."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    if request.method == "GET":
        return render_template("auth/login.html", email="")
    email = request.form.get("email", "")
    address = client_address()
    device = _known_device(email)
    try:
        user = authentication.authenticate(
            email, request.form.get("password", ""), now(), device=device
        )
    except (Unauthorized, Throttled) as exc:
        commit()
        error = str(LOGIN_ERRORS.get(exc.message, exc.message))
        return render_template("auth/login.html", email=email, error=error), exc.status
    record = sessions.open_session(
        user, now(), user_agent=request.user_agent.string, address=address
    )
    commit()
    session.clear()
    session["sid"] = record.key
    login_user(user)
    return _remember_device(redirect(_safe_next(request.args.get("next"))), user, device)


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    """Close this session."""
    sessions.close_session(session.get("sid"), now())
    commit()
    logout_user()
    session.clear()
    flash(_("Vous êtes déconnecté."))
    return redirect(url_for("auth.login"))


@bp.route("/compte/bienvenue/<welcome_token>", methods=["GET", "POST"])
def welcome_page(welcome_token: str) -> ResponseReturnValue:
    """An imported account chooses its password through the link it was e-mailed (once)."""
    invitation = welcome.pending(welcome_token, now())
    if request.method == "GET":
        return render_template("auth/welcome.html", user=invitation.user)
    password = request.form.get("password", "")
    if password != request.form.get("confirmation", ""):
        error = _("Les deux mots de passe diffèrent.")
        return render_template("auth/welcome.html", user=invitation.user, error=error), 422
    try:
        welcome.accept(welcome_token, password, now())
    except Invalid as exc:
        rollback()
        error = _("Mot de passe trop faible : 10 caractères au moins, de deux sortes.")
        return render_template("auth/welcome.html", user=invitation.user, error=error), exc.status
    commit()
    flash(_("Mot de passe enregistré : connectez-vous."))
    return redirect(url_for("auth.login"))
