"""Rate limits: fixed windows of the `limits` library, declared on each view with `@limited`.

Counters are kept in Redis (REDIS_URL) in production so every web process shares them, in memory
otherwise. A view carries its limit where it is declared (`@limited(SIGNATURE, scope=…)`), so a
reader sees it beside the route and a new route has none until one is written. A refused request
is a 429 `throttled` with Retry-After, in the API's error shape under /api and as a page
elsewhere. A storage outage lets the request through and is logged, in one place (`Limiter.hit`):
a limit must not take the application down. Rules that are not about one request's rate but
about an account (failed second-factor codes per user) count through `spend` and `spent`, from
the service that checks the code.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, request
from flask_login import current_user
from limits import RateLimitItem, parse_many
from limits.errors import ConfigurationError, StorageError
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

from drafting.errors import DomainError, Throttled
from drafting.infra.request_info import client_address

log = logging.getLogger(__name__)

LOGIN = "10 per minute; 60 per hour"  # failed logins per address (accounts throttle per account)
SIGNATURE = "60 per minute"  # per user: a deputy signs fast near a deadline, a script does not
BULK_SIGNATURE = "10 per minute"  # per user: each request signs up to a thousand amendments
LEGISTIQUE = "120 per minute"  # per user: the editor asks as the author types (debounced)
OTP_FAILURES = "5 per 15 minutes"  # failed second-factor codes per user, across every endpoint
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
POST = frozenset({"POST"})
LOGIN_FAILED = frozenset({401})  # what a failed login answers (429 is the refusal itself)
RETRY_AFTER_SECONDS = 60
EXTENSION = "liasse.limits"
F = TypeVar("F", bound=Callable[..., Any])


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
    return "ip:" + client_address()


def throttled() -> Throttled:
    """The refusal of a spent allowance."""
    return Throttled(
        "Trop de requêtes : réessayez dans quelques minutes.",
        code="throttled",
        retry_after=RETRY_AFTER_SECONDS,
    )


class Limiter:
    """One app's counters: a storage and the fixed-window strategy over it."""

    def __init__(self, uri: str, prefix: str) -> None:
        storage = storage_from_string(uri, key_prefix=prefix, wrap_exceptions=True)
        if not isinstance(storage, Storage):  # an asyncio storage ("async+redis://")
            raise ConfigurationError(f"{uri.split(':')[0]} is an asynchronous storage")
        self.storage = storage
        self.windows = FixedWindowRateLimiter(storage)

    def hit(self, limits: tuple[RateLimitItem, ...], scope: str, key: str, count: bool) -> bool:
        """Whether every limit still allows `key`; `count` spends one from each. Storage down:
        allowed, with a warning."""
        check = self.windows.hit if count else self.windows.test
        try:
            return all([check(item, scope, key) for item in limits])
        except StorageError:
            log.warning("rate-limit storage unavailable; request allowed", exc_info=True)
            return True

    def reset(self) -> None:
        """Forget every counter (tests, or an operator lifting a lock-out)."""
        self.storage.reset()


def limiter(app: Flask | None = None) -> Limiter | None:
    """The app's limiter (None when RATELIMIT_ENABLED is off)."""
    return (app or current_app).extensions.get(EXTENSION)


@functools.cache
def _parsed(limit: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(limit))


def limited(
    limit: str,
    *,
    scope: str,
    key: Callable[[], str] = identity,
    methods: frozenset[str] | None = None,
    failures: frozenset[int] | None = None,
) -> Callable[[F], F]:
    """Declare a rate limit on a view: `limit` ("10 per minute; 60 per hour") per `key()`,
    counted for `methods` (every method when None). With `failures` (statuses), only answers
    with one of them spend the allowance (a failed login, not a successful one); once spent,
    every request is refused. Views sharing a scope share counters."""
    items = _parsed(limit)

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            limits = limiter()
            if limits is None or (methods is not None and request.method not in methods):
                return view(*args, **kwargs)
            who = key()
            if not limits.hit(items, scope, who, failures is None):
                raise throttled()
            if failures is None:
                return view(*args, **kwargs)
            try:
                answer = view(*args, **kwargs)
            except DomainError as error:
                if error.status in failures:
                    limits.hit(items, scope, who, True)
                raise
            if _status(answer) in failures:
                limits.hit(items, scope, who, True)
            return answer

        guarded.rate_limit = (limit, scope)  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def _status(answer: Any) -> int:
    """The status of what a view returned (a response, or a (body, status) tuple)."""
    if isinstance(answer, tuple) and len(answer) > 1 and isinstance(answer[1], int):
        return answer[1]
    return int(getattr(answer, "status_code", 200))


def spent(limit: str, scope: str, key: str) -> bool:
    """Whether the allowance of `key` under `limit` is spent (nothing counted)."""
    limits = limiter()
    return limits is not None and not limits.hit(_parsed(limit), scope, key, False)


def spend(limit: str, scope: str, key: str) -> None:
    """Count one against the allowance of `key` under `limit` (a failure, for instance)."""
    limits = limiter()
    if limits is not None:
        limits.hit(_parsed(limit), scope, key, True)


def init_app(app: Flask) -> None:
    """Create this app's limiter (the limits themselves are declared on the views)."""
    app.config.setdefault("RATELIMIT_ENABLED", True)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "liasse")
    if not app.config["RATELIMIT_ENABLED"]:
        return
    try:
        limits = Limiter(app.config["RATELIMIT_STORAGE_URI"], app.config["RATELIMIT_KEY_PREFIX"])
    except ConfigurationError as exc:
        raise RuntimeError(f"RATELIMIT_STORAGE_URI: {exc}") from exc
    app.extensions[EXTENSION] = limits
