"""Cross-cutting HTTP behaviour: security headers, error pages, JSON errors under /api."""

from __future__ import annotations

import io
import logging
from typing import Any

from flask import (
    Flask,
    Request,
    Response,
    current_app,
    g,
    jsonify,
    make_response,
    render_template,
    request,
)
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from drafting.errors import BadRequest, DomainError, Invalid, NotFound, TooLarge, Unavailable
from drafting.extensions import db
from drafting.infra.proxies import TrustedProxies, parse_networks
from drafting.infra.request_info import MAX_ID, carries_form

log = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)


def _is_api() -> bool:
    return request.path.startswith("/api/")


def security_headers(response: Response) -> Response:
    """CSP without inline scripts, no framing, no sniffing, strict referrer; HSTS behind TLS;
    nothing but static files kept in a cache."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if request.endpoint != "static":
        # Pages and API answers carry drafts, names and signatures: no copy in any cache.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


LARGE_BODY = "body_limit_setting"


def large_body(setting: str) -> Any:
    """Declare that a view's request body may reach `config[setting]` bytes instead of
    MAX_CONTENT_LENGTH (uploads of the Assembly's files). The limit is applied before anything
    reads the body (the NUL check, CSRF): see `apply_body_limit`."""

    def decorate(view: Any) -> Any:
        setattr(view, LARGE_BODY, setting)
        return view

    return decorate


def apply_body_limit() -> None:
    """The body limit the matched view declared with `large_body` (first thing of a request)."""
    view = current_app.view_functions.get(request.endpoint or "")
    setting = getattr(view, LARGE_BODY, None)
    if setting:
        limit = int(current_app.config[setting])
        request.max_content_length = limit
        request.max_form_memory_size = limit  # text pasted in a form field


def bounded_chunked_body() -> None:
    """A chunked body (no Content-Length) is read up to the size limit: beyond it, 413, as a
    declared length would get, not a body silently cut short and then "malformed" (400)."""
    if "chunked" not in request.headers.get("Transfer-Encoding", "").lower():
        return
    limit = request.max_content_length  # the view may declare a larger one (`large_body`)
    if not limit or not request.environ.get("wsgi.input_terminated"):
        return
    data = request.environ["wsgi.input"].read(limit + 1)
    if len(data) > limit:
        raise TooLarge("Requête trop volumineuse.")
    request.environ["wsgi.input"] = io.BytesIO(data)  # read once: the request parses it as usual


def reject_nul_characters() -> None:
    """NUL cannot be stored (PostgreSQL refuses it): refuse it before any query sees it."""
    if "\x00" in request.path:
        raise NotFound("Page ou ressource inconnue.")
    # Parsed only when present: most API calls carry neither a query string nor a form, and
    # parsing them anyway was measurable on a signature (docs/PERFORMANCE.md).
    pairs = list(request.args.items(multi=True)) if request.query_string else []
    if carries_form():
        pairs += list(request.form.items(multi=True))
    # A multipart part may come without a name (None): it names no field, but is checked too.
    fields = {
        (key or "").replace("\x00", ""): "caractère NUL interdit"
        for key, value in pairs
        if "\x00" in (key or "") + (value or "")
    }
    if fields:
        raise Invalid("Caractère NUL interdit dans la requête.", fields=fields)


def error_response(error: DomainError) -> Response:
    """The JSON error body with its status."""
    response = jsonify(error.to_json())
    response.status_code = error.status
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="liasse"'
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def _page(error: DomainError) -> Response:
    if error.status == 503:
        # Shown because the database is out of reach: rendered without the context processors,
        # which read the user and the badges from it.
        page = current_app.jinja_env.get_template("unavailable.html").render(error=error)
    else:
        page = render_template("error.html", error=error)
    response = make_response(page, error.status)
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def handle_domain_error(error: DomainError) -> Response:
    """Domain refusals: JSON under /api, a French page elsewhere."""
    db.session.rollback()
    return _error_page_or_json(error)


def _error_page_or_json(error: DomainError) -> Response:
    return error_response(error) if _is_api() else _page(error)


def handle_http_error(error: HTTPException) -> Response:
    """Werkzeug errors (404 route, 405, 413…) in the same shapes."""
    db.session.rollback()
    status = error.code or 500
    mapped: DomainError
    if status == 404:
        mapped = NotFound("Page ou ressource inconnue.")
    elif status == 413:
        mapped = TooLarge("Requête trop volumineuse.")
    elif status == 416:  # a download's Range outside the file; Content-Range names its size
        mapped = BadRequest("La plage d'octets demandée est hors du fichier.")
        mapped.status, mapped.code = 416, "range_not_satisfiable"  # type: ignore[misc]
    else:
        mapped = BadRequest(error.description or "Requête invalide.", code=error.name.lower())
        mapped.status = status  # type: ignore[misc]
        mapped.code = error.name.lower().replace(" ", "_")  # type: ignore[misc]
    response = handle_domain_error(mapped)
    if status == 416:
        response.headers["Content-Range"] = dict(error.get_headers()).get("Content-Range", "")
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
    return response


def handle_unexpected(error: Exception) -> Response:
    """Last resort: log it, never leak a traceback."""
    log.exception("unexpected error")
    db.session.rollback()
    mapped = BadRequest("Erreur interne ; l'équipe technique a été prévenue.", code="internal")
    mapped.status = 500  # type: ignore[misc]
    return handle_domain_error(mapped)


def _unreachable(error: DBAPIError) -> bool:
    """The database is out of reach (restarted, down, locked), not the statement wrong."""
    connectivity = isinstance(error, (OperationalError, InterfaceError))
    return error.connection_invalidated or connectivity


def handle_database_error(error: DBAPIError) -> Response:
    """The database out of reach (a restart, an outage, SQLite busy): 503 with Retry-After, not
    a 500, for this request and the next ones until it is back. A connection lost under a request
    means the others in the pool died with it: the pool is emptied, so the next request connects
    afresh instead of meeting another dead connection."""
    if not _unreachable(error):
        if current_app.testing:
            raise error  # tests see the real failure
        return handle_unexpected(error)
    log.warning("database unreachable: %s", error.orig)
    try:
        db.session.rollback()
    except DBAPIError:
        log.debug("rollback on a lost connection failed", exc_info=True)
    if error.connection_invalidated:
        db.engine.dispose()
    return _error_page_or_json(
        Unavailable(
            "Base de données momentanément indisponible : réessayez.",
            code="unavailable",
            retry_after=5,
        )
    )


class CookieSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, minus the signing serializer Flask builds on every request
    even when there is no cookie to read: API calls (bearer tokens) never carry one, and that
    construction was measurable on a signature (docs/PERFORMANCE.md)."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """An empty session when no session cookie came; Flask's own reading otherwise."""
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


REQUEST_STATE = ("now", "_login_user", "web_session", "api_user", "api_token")


def fresh_request_state() -> None:
    """Forget request-scoped values: `g` outlives a request when an app context was already
    pushed (tests, CLI), and a clock or user from an earlier request must never leak."""
    for key in REQUEST_STATE:
        g.pop(key, None)


def bounded_route_integers(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """A route integer beyond what the database holds names nothing: 404, not an overflow."""
    if values and any(isinstance(v, int) and v > MAX_ID for v in values.values()):
        raise NotFound("Page ou ressource inconnue.")


def init_app(app: Flask) -> None:
    """Wire the proxies, handlers and headers into the app."""
    networks = parse_networks(app.config.get("LIASSE_TRUSTED_PROXIES"))
    app.wsgi_app = TrustedProxies(app.wsgi_app, networks)  # type: ignore[method-assign]
    app.session_interface = CookieSessionInterface()
    app.before_request_funcs.setdefault(None, []).insert(0, fresh_request_state)
    app.before_request_funcs[None].insert(1, apply_body_limit)
    app.before_request_funcs[None].insert(2, bounded_chunked_body)
    app.url_value_preprocessor(bounded_route_integers)
    app.before_request(reject_nul_characters)
    app.after_request(security_headers)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(DBAPIError, handle_database_error)
    if not app.config.get("TESTING"):
        app.register_error_handler(Exception, handle_unexpected)
