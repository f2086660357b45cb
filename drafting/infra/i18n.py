"""Languages of the pages: French by default, English available (Flask-Babel).

The language comes from `?lang=fr|en` (remembered in a `lang` cookie), else the cookie, else the
browser's Accept-Language, else French. Catalogues live in translations/<lang>/LC_MESSAGES; the
compiled .mo files are built by `make install` (`pybabel compile -d translations`).
"""

from __future__ import annotations

from flask import Flask, Response, current_app, has_request_context, request
from flask_babel import Babel, get_locale, refresh

from drafting.config import ROOT

LANGUAGES = ("fr", "en")
DEFAULT = "fr"
COOKIE = "lang"
babel = Babel()


def _asked() -> str | None:
    wanted = request.args.get("lang", "")
    return wanted if wanted in LANGUAGES else None


def select_locale() -> str:
    """The page language: explicit choice, remembered choice, browser preference, French.
    Outside a request (jobs, the CLI, unit tests) there is no reader to ask: French."""
    if not has_request_context():
        return DEFAULT
    asked = _asked()
    if asked:
        return asked
    remembered = request.cookies.get(COOKIE, "")
    if remembered in LANGUAGES:
        return remembered
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT) or DEFAULT


def remember_choice(response: Response) -> Response:
    """Keep an explicit `?lang=` choice in a cookie for the next pages."""
    asked = _asked()
    if asked and not request.path.startswith("/api/"):
        response.set_cookie(
            COOKIE,
            asked,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        )
    return response


def current_language() -> str:
    """The language code of the current page, for <html lang>."""
    return str(get_locale() or DEFAULT)


def init_app(app: Flask) -> None:
    """Wire Flask-Babel, the cookie and the template helpers into the app."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(ROOT / "translations"))
    babel.init_app(app, locale_selector=select_locale)
    app.before_request(refresh)  # the locale is cached on the app context, shared in tests
    app.after_request(remember_choice)
    app.jinja_env.globals.update(current_language=current_language, languages=LANGUAGES)
