"""Rate limits (Flask-Limiter) on login, tokens, second-factor codes and signatures.

Storage is Redis (REDIS_URL) in production so every worker shares the counters, memory otherwise.
Limits are attached here, by endpoint name or by rule, so feature modules stay free of them and a
new signature route is limited without anyone remembering to decorate it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator

from flask import Flask, Response, current_app, g, request
from flask_limiter import RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import current_user

from drafting.errors import Throttled
from drafting.extensions import limiter

LOGIN = "10 per minute; 60 per hour"  # per address: password guessing (accounts also throttles)
SIGNATURE = "60 per minute"  # per user: a deputy signs fast near a deadline, a script does not
OTP_FAILURES = "5 per 15 minutes"  # failed second-factor codes per user, across every endpoint
CREDENTIAL_ENDPOINTS = ("auth.login", "api.create_token")
OTP_ENDPOINTS = (
    "security.verify",
    "security.confirm",
    "security.recovery_codes",
    "security.enrol",
    "api.verify_second_factor",
)
SIGNATURE_RULE = re.compile(r"signature|/(co)?sign|signer|cosign", re.IGNORECASE)
WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE"]
_FILTER_ADDED = False


def _disabled() -> bool:
    """The limiter is one shared object: each app's own RATELIMIT_ENABLED decides for it."""
    return not current_app.config.get("RATELIMIT_ENABLED", True)


def identity() -> str:
    """Who is calling: the user behind the API token or the web session, else the address."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        # The token's digest, not its user: no database query on every limited request.
        # Tokens are only issued through the (address-limited) login, so one user cannot
        # multiply its allowance cheaply.
        return "token:" + hashlib.sha256(token.strip().encode("utf-8")).hexdigest()[:32]
    if current_user.is_authenticated:
        return f"user:{current_user.get_id()}"
    return "ip:" + get_remote_address()


def _second_factor_failed(response: Response) -> bool:
    return bool(g.get("second_factor_failed"))


def _carries_no_code() -> bool:
    """A signing request without a second-factor code cannot guess one: the failed-code limit
    neither blocks nor counts it (one storage round trip less on every signature)."""
    if request.form.get("otp"):
        return False
    body = request.get_json(silent=True) if request.is_json else None
    return not (isinstance(body, dict) and body.get("otp"))


def _signature_endpoints(app: Flask) -> Iterator[str]:
    for rule in app.url_map.iter_rules():
        writes = set(rule.methods or ()) & set(WRITE_METHODS)
        if writes and SIGNATURE_RULE.search(rule.rule):
            yield rule.endpoint


def _wrap(app: Flask, endpoint: str, decorators: list[Callable[..., object]]) -> None:
    view = app.view_functions.get(endpoint)
    if view is None:
        return
    for decorate in decorators:
        view = decorate(view)  # type: ignore[assignment]
    app.view_functions[endpoint] = view


def throttled(error: RateLimitExceeded) -> Response | tuple[str, int]:
    """429 in the app's shapes: {"error": {"code": "throttled"}} under /api, a page elsewhere."""
    from drafting.http import handle_domain_error

    response = handle_domain_error(
        Throttled("Trop de requêtes : réessayez dans quelques minutes.", code="throttled")
    )
    if isinstance(response, Response):
        response.headers["Retry-After"] = "60"
    return response


def init_app(app: Flask) -> None:
    """Configure the shared limiter for this app and attach the limits to their endpoints."""
    app.config.setdefault("RATELIMIT_ENABLED", True)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "liasse")
    limiter.init_app(app)
    global _FILTER_ADDED
    if not _FILTER_ADDED:
        limiter.request_filter(_disabled)
        _FILTER_ADDED = True
    login = limiter.limit(LOGIN, methods=["POST"], key_func=get_remote_address)
    otp = limiter.shared_limit(
        OTP_FAILURES, scope="second-factor", key_func=identity, deduct_when=_second_factor_failed
    )
    signing_otp = limiter.shared_limit(
        OTP_FAILURES,
        scope="second-factor",
        key_func=identity,
        deduct_when=_second_factor_failed,
        exempt_when=_carries_no_code,
    )
    sign = limiter.limit(SIGNATURE, methods=WRITE_METHODS, key_func=identity)
    for endpoint in CREDENTIAL_ENDPOINTS:
        _wrap(app, endpoint, [login])
    for endpoint in OTP_ENDPOINTS:
        _wrap(app, endpoint, [otp])
    for endpoint in set(_signature_endpoints(app)):
        _wrap(app, endpoint, [signing_otp, sign])
    app.register_error_handler(RateLimitExceeded, throttled)
