"""Rate limits on login, tokens, second-factor codes and signature routes (Flask-Limiter)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
import pytest
from flask import Flask

from drafting import create_app, limits
from drafting.db import commit
from drafting.extensions import db, limiter
from drafting.services import accounts, second_factor
from tests.conftest import PASSWORD


@pytest.fixture
def limited(app: Flask) -> Iterator[Flask]:
    """A fresh app on the same database with rate limiting on (memory storage)."""
    config = {
        key: app.config[key]
        for key in (
            "SQLALCHEMY_DATABASE_URI",
            "LIASSE_DATA_DIR",
            "LIASSE_STORAGE_PATH",
            "LIASSE_PASSWORD_HASH_COST",
            "REDIS_URL",
        )
    }
    config |= {
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "LIASSE_REQUIRE_2FA": False,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    fresh = create_app(config)
    limiter.reset()
    yield fresh
    with fresh.app_context():
        db.session.remove()
        db.engine.dispose()


def test_web_login_is_limited_per_address(limited, people):
    client = limited.test_client()
    form = {"email": people["regol"].email, "password": PASSWORD}
    statuses = [client.post("/login", data=form).status_code for _ in range(11)]
    assert statuses == [302] * 10 + [429]
    assert "Trop de requêtes" in client.post("/login", data=form).get_data(as_text=True)
    assert client.get("/login").status_code in (200, 302), "only POSTs are counted"


def test_api_token_requests_are_limited_with_the_api_error_shape(limited, people):
    client = limited.test_client()
    body = {"email": people["regol"].email, "password": PASSWORD}
    statuses = [client.post("/api/v1/auth/token", json=body).status_code for _ in range(10)]
    assert statuses == [200] * 10
    refused = client.post("/api/v1/auth/token", json=body)
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "throttled"
    assert refused.headers["Retry-After"] == "60"


def _enrolled_token(people: dict[str, Any]) -> tuple[str, str]:
    regol, now = people["regol"], datetime.now(UTC)
    enrolment = second_factor.start_enrolment(regol, now - timedelta(minutes=5))
    code = pyotp.TOTP(enrolment.secret).at(now - timedelta(minutes=5))
    second_factor.confirm_enrolment(regol, code, now - timedelta(minutes=5))
    token, _ = accounts.issue_token(regol, now)
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
    from drafting.services import amendments, workflow

    token, _ = _enrolled_token(people)
    client, headers = limited.test_client(), {"Authorization": f"Bearer {token}"}
    for _ in range(5):
        client.post("/api/v1/auth/second-factor/verify", json={"otp": "000000"}, headers=headers)
    now = datetime.now(UTC)
    draft = amendments.Draft(
        bill.id, amendments.PositionInput("article", "7"), "Supprimer cet article.", "Exposé."
    )
    amendment = amendments.create_amendment(people["lucas"], draft, now)
    workflow.transition(people["lucas"], amendment.id, "submit", now=now)
    workflow.transition(people["claire"], amendment.id, "approve", now=now)
    commit()
    url = f"/api/v1/amendments/{amendment.id}/signatures"
    assert client.post(url, json={"otp": "123456"}, headers=headers).status_code == 429
    assert client.post(url, headers=headers).status_code == 201  # no code: nothing to guess


def test_signature_routes_are_found_by_their_rule():
    app = Flask("probe")
    for rule, methods in [
        ("/api/v1/amendments/<int:a>/signatures", ["POST"]),
        ("/api/v1/amendments/<int:a>/signatures/me", ["DELETE"]),
        ("/amendements/<int:a>/signer", ["POST"]),
        ("/amendements/<int:a>/signatures", ["GET"]),
        ("/api/v1/amendments/<int:a>/transitions", ["POST"]),
    ]:
        app.add_url_rule(rule, endpoint=rule, view_func=lambda **_: "", methods=methods)
    assert set(limits._signature_endpoints(app)) == {
        "/api/v1/amendments/<int:a>/signatures",
        "/api/v1/amendments/<int:a>/signatures/me",
        "/amendements/<int:a>/signer",
    }


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


def test_limits_live_on_routes_only(limited):
    """RouteLimiter skips Flask-Limiter's before-request pass: it would be the one to apply
    default or application-wide limits, so there must be none."""
    assert limiter.limit_manager.default_limits == []
    assert limiter.limit_manager.application_limits == []
