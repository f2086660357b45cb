"""Login and logout pages."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user, login_required, login_user, logout_user

from drafting.db import commit
from drafting.errors import Throttled, Unauthorized
from drafting.infra.rate_limits import LOGIN, limited
from drafting.infra.request_info import client_address
from drafting.services.accounts import authentication, sessions
from drafting.web.common import now

bp = Blueprint("auth", __name__)

# The login refusals of `authentication.authenticate` (French, shared with the API), as shown
# on the page.
LOGIN_ERRORS = {
    "Adresse ou mot de passe incorrect.": lazy_gettext("Adresse ou mot de passe incorrect."),
    "Trop de tentatives de connexion. Réessayez dans quelques minutes.": lazy_gettext(
        "Trop de tentatives de connexion. Réessayez dans quelques minutes."
    ),
}


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("dashboard.index")


@bp.route("/login", methods=["GET", "POST"])
@limited(LOGIN, scope="login", key=client_address, methods=frozenset({"POST"}))
def login() -> ResponseReturnValue:
    """The login form."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    if request.method == "GET":
        return render_template("auth/login.html", email="")
    email = request.form.get("email", "")
    address = client_address()
    try:
        user = authentication.authenticate(email, request.form.get("password", ""), address, now())
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
    return redirect(_safe_next(request.args.get("next")))


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
