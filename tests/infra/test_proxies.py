"""Behind reverse proxies: forwarding headers are believed only from trusted proxies."""

from __future__ import annotations

from typing import Any

import pytest

from drafting.infra.proxies import TrustedProxies, parse_networks


def _seen(networks: str, peer: str, headers: dict[str, str]) -> tuple[str, str]:
    """(REMOTE_ADDR, scheme) as the app behind the middleware sees them."""
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.update(environ)
        return [b""]

    environ = {"REMOTE_ADDR": peer, "wsgi.url_scheme": "http"}
    environ |= {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}
    TrustedProxies(app, parse_networks(networks))(environ, lambda *a: None)
    return seen["REMOTE_ADDR"], seen["wsgi.url_scheme"]


FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}


def test_without_trusted_proxies_the_headers_are_ignored():
    assert _seen("", "198.51.100.1", FORWARDED) == ("198.51.100.1", "http")


def test_a_trusted_proxy_gives_the_client_address_and_scheme():
    assert _seen("10.0.0.0/8", "10.0.0.2", FORWARDED) == ("203.0.113.7", "https")


def test_an_untrusted_peer_cannot_pose_as_a_proxy():
    assert _seen("10.0.0.0/8", "198.51.100.1", FORWARDED) == ("198.51.100.1", "http")


def test_the_chain_is_walked_back_to_the_first_untrusted_hop():
    chain = {"X-Forwarded-For": "6.6.6.6, 203.0.113.7, 10.0.0.9"}  # 6.6.6.6: the client's claim
    assert _seen("10.0.0.0/8, 127.0.0.1", "127.0.0.1", chain)[0] == "203.0.113.7"


def test_a_malformed_chain_keeps_the_proxys_address():
    assert _seen("10.0.0.0/8", "10.0.0.2", {"X-Forwarded-For": "nonsense"})[0] == "10.0.0.2"


def test_a_bad_setting_is_refused_with_its_name():
    with pytest.raises(ValueError, match="LIASSE_TRUSTED_PROXIES"):
        parse_networks("10.0.0.0/8, not-an-address")


def test_hsts_only_when_a_trusted_proxy_says_https(app, client, monkeypatch):
    forged = client.get("/login", headers=FORWARDED)
    assert "Strict-Transport-Security" not in forged.headers
    monkeypatch.setattr(app.wsgi_app, "networks", parse_networks("127.0.0.1"))
    trusted = client.get("/login", headers=FORWARDED)
    assert "Strict-Transport-Security" in trusted.headers
