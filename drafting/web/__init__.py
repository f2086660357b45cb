"""HTML pages: one blueprint per feature; views load, check, call one service, commit."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, g

from drafting.extensions import db, login_manager
from drafting.models import User


def now() -> datetime:
    """The request's clock."""
    if "now" not in g:
        g.now = datetime.now(UTC)
    return g.now  # type: ignore[no-any-return]


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    from flask import session

    from drafting.services.sessions import live_session

    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.active:
        return None
    if live_session(session.get("sid"), user.id) is None:
        return None
    return user


login_manager.login_view = "auth.login"
login_manager.login_message = "Connectez-vous pour accéder à cette page."


def blueprints() -> list[Blueprint]:
    """Every HTML blueprint, registered by create_app()."""
    from drafting.web import amendments, auth, dashboard, filters, texts
    from drafting.web import deadlines as deadline_pages
    from drafting.web import documents as document_pages
    from drafting.web import review as review_pages
    from drafting.web import security as security_pages
    from drafting.web import signing as signing_pages

    return [
        auth.bp,
        dashboard.bp,
        texts.bp,
        amendments.bp,
        filters.bp,
        review_pages.bp,
        document_pages.bp,
        security_pages.bp,
        deadline_pages.bp,
        signing_pages.bp,
    ]
