"""Logging in: redirects stay on this site; a deputy's own browser is never locked out by a
stranger's failures; an unknown e-mail costs the same work as a known one."""

from __future__ import annotations

import pytest

from drafting.services.accounts import authentication
from tests.conftest import PASSWORD


def _login(client, email, password=PASSWORD, next_=None):
    url = "/login" + (f"?next={next_}" if next_ is not None else "")
    return client.post(url, data={"email": email, "password": password})


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "/%09/evil.example/",
        "/%5C/evil.example/",
        "/\\evil.example",
        "https://evil.example/",
        "/%0d%0aSet-Cookie:%20x=y",
        "javascript:alert(1)",
    ],
)
def test_login_never_redirects_off_site(client, people, target):
    response = _login(client, people["regol"].email, next_=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/tableau-de-bord"


def test_login_follows_a_path_of_this_site(client, people):
    response = _login(client, people["regol"].email, next_="/textes?x=1")
    assert response.headers["Location"] == "/textes?x=1"


def test_a_strangers_failures_do_not_lock_the_deputy_out_of_their_own_browser(app, people):
    email = people["regol"].email
    own = app.test_client()
    assert _login(own, email).status_code == 302  # this browser is now known for the account
    own.post("/logout")
    stranger = app.test_client()
    for _ in range(5):
        assert _login(stranger, email, "wrong-password").status_code == 401
    assert _login(stranger, email).status_code == 429, "strangers are throttled"
    assert _login(own, email).status_code == 302, "the owner's browser is not"


def test_a_known_browser_has_its_own_failure_count(app, people):
    email = people["regol"].email
    own = app.test_client()
    _login(own, email)
    own.post("/logout")
    for _ in range(5):
        _login(own, email, "wrong-password")
    assert _login(own, email).status_code == 429


def test_an_unknown_account_costs_a_password_verification_too(client, people, monkeypatch):
    calls = []
    monkeypatch.setattr(authentication, "spend_equal_time", lambda password: calls.append(1))
    assert _login(client, "nobody@an.example", "whatever-1234").status_code == 401
    assert calls == [1]
    assert _login(client, people["regol"].email, "wrong-password").status_code == 401
    assert calls == [1], "a known account verifies its own hash"


@pytest.mark.parametrize("target", ["/\t/evil.example/", "/\r\nX: y", "//evil.example", "/\\x"])
def test_the_second_factor_page_never_sends_back_off_site(app, target):
    from drafting.web import security

    with app.test_request_context():
        assert security._safe_next(target) == "/compte/securite/"
    with app.test_request_context():
        assert security._safe_next("/amendements/3/signer") == "/amendements/3/signer"
