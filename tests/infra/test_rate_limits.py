"""Rate limits on login, tokens, second-factor codes and signature routes."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
import pytest
from flask import Flask

from drafting import create_app
from drafting.db import commit
from drafting.extensions import db
from drafting.infra import rate_limits as limits
from drafting.services.accounts import api_tokens, second_factor
from tests.conftest import PASSWORD


@pytest.fixture
def sibling(limited: Flask) -> Iterator[Callable[..., Flask]]:
    """More apps on the same database (other web processes); their connections closed after."""
    made: list[Flask] = []

    def make(**overrides: Any) -> Flask:
        made.append(create_app(limited.config | overrides))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def _wrong(n: int) -> dict[str, str]:
    """A failed login: an unknown account (each one different, so no account throttle)."""
    return {"email": f"nobody{n}@an.example", "password": "wrong-password"}


def test_web_logins_from_one_address_are_limited_on_failures_only(limited, people):
    """A dozen deputies behind one address all log in; ten failures from it, and it waits."""
    good = {"email": people["regol"].email, "password": PASSWORD}
    browsers = [limited.test_client() for _ in range(12)]  # one per deputy, one address
    assert {browser.post("/login", data=good).status_code for browser in browsers} == {302}
    client = limited.test_client()
    assert [client.post("/login", data=_wrong(n)).status_code for n in range(11)] == [401] * 10 + [
        429
    ]
    assert "Trop de requêtes" in client.post("/login", data=good).get_data(as_text=True)
    assert client.get("/login").status_code in (200, 302), "only POSTs are counted"


def test_api_token_failures_are_limited_with_the_api_error_shape(limited, people):
    client = limited.test_client()
    good = {"email": people["regol"].email, "password": PASSWORD}
    assert {client.post("/api/v1/auth/token", json=good).status_code for _ in range(12)} == {200}
    failed = [client.post("/api/v1/auth/token", json=_wrong(n)).status_code for n in range(10)]
    assert failed == [401] * 10
    refused = client.post("/api/v1/auth/token", json=good)
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "throttled"
    assert refused.headers["Retry-After"] == "60"


def _enrolled_token(people: dict[str, Any]) -> tuple[str, str]:
    regol, now = people["regol"], datetime.now(UTC)
    enrolment = second_factor.start_enrolment(regol, now - timedelta(minutes=5))
    code = pyotp.TOTP(enrolment.secret).at(now - timedelta(minutes=5))
    second_factor.confirm_enrolment(regol, code, now - timedelta(minutes=5))
    token, _ = api_tokens.issue_token(regol, now)
    commit()
    return token, enrolment.secret


def test_failed_second_factor_codes_are_limited_and_successes_do_not_count(limited, people):
    token, secret = _enrolled_token(people)
    client, headers = limited.test_client(), {"Authorization": f"Bearer {token}"}
    now = datetime.now(UTC)

    def verify(code: str) -> int:
        return client.post(
            "/api/v1/auth/second-factor/verify", json={"otp": code}, headers=headers
        ).status_code

    good = [pyotp.TOTP(secret).at(now + timedelta(seconds=s)) for s in (-30, 0)]
    assert [verify(code) for code in good] == [204, 204]
    assert [verify("000000") for _ in range(5)] == [403] * 5
    assert verify(pyotp.TOTP(secret).at(now + timedelta(seconds=30))) == 429


def test_after_five_failed_codes_a_signature_with_a_code_is_refused_and_one_without_is_not(
    limited, people, bill
):
    from drafting.services import amendments
    from drafting.services.workflow import transitions

    token, _ = _enrolled_token(people)
    client, headers = limited.test_client(), {"Authorization": f"Bearer {token}"}
    for _ in range(5):
        client.post("/api/v1/auth/second-factor/verify", json={"otp": "000000"}, headers=headers)
    now = datetime.now(UTC)
    draft = amendments.Draft(
        bill.id, amendments.PositionInput("article", "7"), "Supprimer cet article.", "Exposé."
    )
    amendment = amendments.create_amendment(people["lucas"], draft, now)
    transitions.transition(people["lucas"], amendment.id, "submit", now=now)
    transitions.transition(people["claire"], amendment.id, "approve", now=now)
    commit()
    url = f"/api/v1/amendments/{amendment.id}/signatures"
    assert client.post(url, json={"otp": "123456"}, headers=headers).status_code == 429
    assert client.post(url, headers=headers).status_code == 201  # no code: nothing to guess


@pytest.mark.parametrize(
    ("endpoint", "limit"),
    [
        ("api.sign_amendment", (limits.SIGNATURE, "signature")),
        ("api.withdraw_signature", (limits.SIGNATURE, "signature")),
        ("api.void_signature", (limits.SIGNATURE, "signature")),
        ("signing.sign", (limits.SIGNATURE, "signature")),
        ("signing.withdraw", (limits.SIGNATURE, "signature")),
        ("signing.void", (limits.SIGNATURE, "signature")),
        ("api.sign_many", (limits.BULK_SIGNATURE, "signature-bulk")),
        ("signing.bulk_sign", (limits.BULK_SIGNATURE, "signature-bulk")),
        ("auth.login", (limits.LOGIN, "login")),
        ("api.create_token", (limits.LOGIN, "login")),
        ("api.write_dispositif", (limits.LEGISTIQUE, "legistique")),
        ("api.apply_dispositif", (limits.LEGISTIQUE, "legistique")),
    ],
)
def test_signing_and_login_routes_declare_their_limit(limited, endpoint, limit):
    """Limits are declared on the views (`@limited`), found on the wrapped view."""
    view = limited.view_functions[endpoint]
    while not hasattr(view, "rate_limit") and hasattr(view, "__wrapped__"):
        view = view.__wrapped__
    assert getattr(view, "rate_limit", None) == limit


def test_a_route_without_a_declared_limit_is_not_limited(limited, people):
    client = limited.test_client()
    assert {client.get("/login").status_code for _ in range(15)} == {200}


def test_storage_is_redis_when_redis_url_is_set_and_memory_otherwise(app):
    base = {
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "LIASSE_DATA_DIR": app.config["LIASSE_DATA_DIR"],
        "RATELIMIT_ENABLED": False,
    }
    with_redis = create_app(base | {"REDIS_URL": "redis://127.0.0.1:6379/7"})
    assert with_redis.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/7"
    without = create_app(base | {"REDIS_URL": None})
    assert without.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_an_app_with_limits_off_is_not_limited_even_after_another_turned_them_on(
    limited, client, people
):
    body = {"email": people["regol"].email, "password": PASSWORD}
    statuses = {client.post("/api/v1/auth/token", json=body).status_code for _ in range(12)}
    assert statuses == {200}


def test_each_app_has_its_own_counters_and_none_when_limits_are_off(limited, app, sibling):
    assert limits.limiter(limited) is not None
    assert limits.limiter(app) is None  # the suite's app runs with RATELIMIT_ENABLED off
    other = sibling(RATELIMIT_STORAGE_URI="memory://")
    assert limits.limiter(other) is not limits.limiter(limited)


def test_a_web_page_refusal_carries_retry_after_too(limited, people):
    client = limited.test_client()
    for n in range(10):
        client.post("/login", data=_wrong(n))
    refused = client.post("/login", data=_wrong(10))
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "60"
    assert refused.mimetype == "text/html"


def test_a_limit_storage_outage_lets_requests_through_and_is_logged(
    limited, people, caplog, sibling
):
    """Redis down must not take logins and signatures down: the request passes, logged."""
    down = sibling(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
    client = down.test_client()
    statuses = {client.post("/api/v1/auth/token", json=_wrong(n)).status_code for n in range(12)}
    assert statuses == {401}
    assert "rate-limit storage unavailable" in caplog.text


def test_limits_on_redis_are_shared_by_two_apps(limited, people, sibling):
    """Two web processes (two apps) on one Redis spend one allowance."""
    url = limited.config["REDIS_URL"]
    if not url:
        pytest.skip("REDIS_URL not set (the PostgreSQL + Redis run covers it)")
    prefix = "liasse-test-" + str(id(limited))
    config = {"RATELIMIT_STORAGE_URI": url, "RATELIMIT_KEY_PREFIX": prefix}
    first, second = sibling(**config), sibling(**config)
    limits.limiter(first).reset()  # type: ignore[union-attr]
    statuses = [
        (first if i % 2 else second).test_client().post("/api/v1/auth/token", json=_wrong(i))
        for i in range(11)
    ]
    assert [answer.status_code for answer in statuses] == [401] * 10 + [429]
    limits.limiter(first).reset()  # type: ignore[union-attr]


@pytest.fixture
def redis_limiter() -> Iterator[limits.Limiter]:
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL not set (the PostgreSQL + Redis run covers it)")
    made = limits.Limiter(url, "liasse-limits-" + secrets.token_hex(4))
    yield made
    made.reset()


THREE = limits._parsed("3 per minute")


def test_hits_on_redis_count_per_key_and_refuse_past_the_limit(redis_limiter):
    assert [redis_limiter.hit(THREE, "scope", "me", True) for _ in range(4)] == [True] * 3 + [False]
    assert redis_limiter.hit(THREE, "scope", "someone else", True)
    assert not redis_limiter.hit(THREE, "scope", "me", False)  # a test spends nothing


def test_a_script_redis_forgot_is_loaded_again(redis_limiter):
    assert redis_limiter.hit(THREE, "flushed", "me", True)
    redis_limiter.storage.storage.script_flush()  # type: ignore[attr-defined]
    assert redis_limiter.hit(THREE, "flushed", "me", True)
    assert redis_limiter.hit(THREE, "flushed", "me", True)
    assert not redis_limiter.hit(THREE, "flushed", "me", True)  # the count survived


def test_connections_killed_under_the_limiter_are_reopened(redis_limiter):
    client = redis_limiter.storage.storage  # type: ignore[attr-defined]
    assert redis_limiter.hit(THREE, "killed", "me", True)
    mine = client.client_id()
    for connection in client.client_list():
        if int(connection["id"]) != mine:
            client.client_kill_filter(_id=connection["id"])
    assert redis_limiter.hit(THREE, "killed", "me", True)


def test_redis_out_of_reach_lets_the_request_through_with_a_warning(caplog):
    down = limits.Limiter("redis://127.0.0.1:1/0", "liasse")
    assert down.hit(THREE, "scope", "me", True)
    assert "rate-limit storage unavailable" in caplog.text


def test_a_forked_child_counts_the_same_window(redis_limiter):
    assert redis_limiter.hit(THREE, "forked", "me", True)
    pid = os.fork()
    if pid == 0:  # the child: its own connection, the same counter
        ok = redis_limiter.hit(THREE, "forked", "me", True)
        os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert redis_limiter.hit(THREE, "forked", "me", True)
    assert not redis_limiter.hit(THREE, "forked", "me", True)
