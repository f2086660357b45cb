"""Rate limits on login, tokens, second-factor codes and signatures.

Counters are fixed windows of the `limits` library, kept in Redis (REDIS_URL) in production so
every web process shares them, in memory otherwise. Limits are attached here, by endpoint name or
by rule, so feature modules stay free of them and a new signature route is limited without anyone
remembering to decorate it. A refused request is a 429 `throttled` (with Retry-After), in the
API's error shape under /api and as a page elsewhere.

One guard per limited view, one storage round trip per limit it counts: this sits on the
co-signing hot path (a general-purpose extension cost 16 % of a signature, its own bookkeeping
being half of it).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, g, request
from flask_login import current_user
from limits import RateLimitItem, parse_many
from limits.errors import ConfigurationError, StorageError
from limits.storage import RedisStorage, Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

from drafting.errors import Throttled
from drafting.infra.redis_windows import RedisWindows
from drafting.infra.request_info import carries_body, carries_form, client_address

log = logging.getLogger(__name__)

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
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
RETRY_AFTER_SECONDS = 60
EXTENSION = "liasse.limits"


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


def carries_no_code() -> bool:
    """A signing request without a second-factor code cannot guess one: the failed-code limit
    neither blocks nor counts it (one storage round trip less on every signature)."""
    if not carries_body():
        return True
    if carries_form():
        return not request.form.get("otp")
    body = request.get_json(silent=True) if request.is_json else None
    return not (isinstance(body, dict) and body.get("otp"))


@dataclass(frozen=True)
class Rule:
    """One limit on a view: `scope` names the counters (views sharing a scope share them).

    `failures_only`: the request is refused once the allowance is spent, but only requests that
    failed a second-factor check spend it. `exempt`: requests the rule ignores altogether.
    """

    limits: tuple[RateLimitItem, ...]
    scope: str
    key: Callable[[], str]
    methods: frozenset[str] | None = None
    failures_only: bool = False
    exempt: Callable[[], bool] | None = None

    def applies(self) -> bool:
        """Whether this request is counted (method and exemption)."""
        if self.methods is not None and request.method not in self.methods:
            return False
        return self.exempt is None or not self.exempt()


class Limiter:
    """One app's counters: a storage and the fixed-window strategy over it."""

    def __init__(self, uri: str, prefix: str) -> None:
        storage = storage_from_string(uri, key_prefix=prefix, wrap_exceptions=True)
        if not isinstance(storage, Storage):  # an asyncio storage ("async+redis://")
            raise ConfigurationError(f"{uri.split(':')[0]} is an asynchronous storage")
        self.storage = storage
        self.windows = FixedWindowRateLimiter(self.storage)
        # Hits on plain Redis (not Sentinel, not Cluster) skip redis-py's client: counters.py.
        self.redis = RedisWindows(storage) if type(storage) is RedisStorage else None

    def allowed(self, rule: Rule, key: str, *, count: bool) -> bool:
        """Whether the rule still allows this key; `count` spends one from each limit.
        Storage down: allowed, with a warning (a limit must not take the application down)."""
        check = self.windows.hit if count else self.windows.test
        if count and self.redis is not None:
            check = self.redis.hit
        try:
            return all([check(item, rule.scope, key) for item in rule.limits])
        except StorageError:
            log.warning("rate-limit storage unavailable; request allowed", exc_info=True)
            return True

    def spend(self, rule: Rule, key: str) -> None:
        """Count one failure against the rule's limits."""
        self.allowed(rule, key, count=True)

    def reset(self) -> None:
        """Forget every counter (tests, or an operator lifting a lock-out)."""
        self.storage.reset()

    def guard(self, rule: Rule, view: Callable[..., Any]) -> Callable[..., Any]:
        """The view behind this rule: 429 when spent; failures counted after the view ran."""

        @functools.wraps(view)
        def limited(*args: Any, **kwargs: Any) -> Any:
            if not rule.applies():
                return view(*args, **kwargs)
            key = rule.key()
            if not self.allowed(rule, key, count=not rule.failures_only):
                raise Throttled(
                    "Trop de requêtes : réessayez dans quelques minutes.",
                    code="throttled",
                    retry_after=RETRY_AFTER_SECONDS,
                )
            if not rule.failures_only:
                return view(*args, **kwargs)
            try:
                return view(*args, **kwargs)
            finally:
                if g.get("second_factor_failed"):
                    self.spend(rule, key)

        return limited


def limiter(app: Flask | None = None) -> Limiter | None:
    """The app's limiter (None when RATELIMIT_ENABLED is off)."""
    return (app or current_app).extensions.get(EXTENSION)


def _signature_endpoints(app: Flask) -> Iterator[str]:
    for rule in app.url_map.iter_rules():
        writes = set(rule.methods or ()) & WRITE_METHODS
        if writes and SIGNATURE_RULE.search(rule.rule):
            yield rule.endpoint


def _rules() -> dict[str, Rule]:
    failed_codes = parse_many(OTP_FAILURES)
    return {
        "login": Rule(tuple(parse_many(LOGIN)), "login", client_address, frozenset({"POST"})),
        "otp": Rule(tuple(failed_codes), "second-factor", identity, failures_only=True),
        "signing_otp": Rule(
            tuple(failed_codes),
            "second-factor",
            identity,
            failures_only=True,
            exempt=carries_no_code,
        ),
        "sign": Rule(tuple(parse_many(SIGNATURE)), "signature", identity, WRITE_METHODS),
    }


def _wrap(app: Flask, endpoint: str, guards: list[Callable[[Callable[..., Any]], Any]]) -> None:
    view = app.view_functions.get(endpoint)
    if view is None:
        return
    for guard in guards:
        view = guard(view)
    app.view_functions[endpoint] = view


def init_app(app: Flask) -> None:
    """Create this app's limiter and attach the limits to their endpoints (after blueprints)."""
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
    rules = _rules()

    def guards(*names: str) -> list[Callable[[Callable[..., Any]], Any]]:
        return [functools.partial(limits.guard, rules[name]) for name in names]

    for endpoint in CREDENTIAL_ENDPOINTS:
        _wrap(app, endpoint, guards("login"))
    for endpoint in OTP_ENDPOINTS:
        _wrap(app, endpoint, guards("otp"))
    for endpoint in set(_signature_endpoints(app)):
        _wrap(app, endpoint, guards("signing_otp", "sign"))  # the signing limit checked first
