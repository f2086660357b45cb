"""Fetching a URL: allow-listed hosts only (redirects included), a size limit counted as it
streams, whatever the server declares."""

from __future__ import annotations

import io
from typing import Any

import pytest

from drafting.infra import fetch as fetching
from drafting.infra.fetch import FetchError, Policy, check_url, parse_hosts

POLICY = Policy(hosts=parse_hosts(None), timeout=1, max_bytes=10)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.assemblee-nationale.fr/dyn/opendata/PIONANR5L17B1187.html",
        "http://www.assemblee-nationale.fr/17/textes/1187.asp",
        "https://www.senat.fr/leg/pjl17-063.html",
        "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000047561974",
        "HTTPS://WWW.SENAT.FR./leg/x.html",
    ],
)
def test_the_assembly_the_senat_and_legifrance_are_allowed_by_default(url: str):
    assert check_url(url, POLICY) == url.strip()


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://169.254.169.254/latest/meta-data/", "Hôte non autorisé"),
        ("http://localhost/x", "Hôte non autorisé"),
        ("https://www.assemblee-nationale.fr.evil.example/x", "Hôte non autorisé"),
        ("https://evil.example/www.assemblee-nationale.fr", "Hôte non autorisé"),
        ("https://www.senat.fr:8080/x", "port particulier"),
        ("https://user:pw@www.senat.fr/x", "identifiants"),
        ("ftp://www.senat.fr/x", "http:// et https://"),
        ("file:///etc/passwd", "http:// et https://"),
        ("https://[::1/x", "Adresse invalide"),
    ],
)
def test_any_other_address_is_refused(url: str, why: str):
    with pytest.raises(FetchError) as refused:
        check_url(url, POLICY)
    assert why in refused.value.message and refused.value.refused


def test_the_allow_list_comes_from_the_setting():
    hosts = parse_hosts(" Data.Example.org , www.senat.fr ")
    assert hosts == {"data.example.org", "www.senat.fr"}
    assert check_url("https://data.example.org/x", Policy(hosts=hosts))


def test_a_redirect_to_a_host_outside_the_allow_list_is_not_followed(monkeypatch):
    calls: list[str] = []

    def fake_get(url: str, policy: Any, out: Any) -> str | None:
        calls.append(url)
        return "http://169.254.169.254/latest/meta-data/"

    monkeypatch.setattr(fetching, "_get", fake_get)
    with pytest.raises(FetchError, match="Hôte non autorisé"):
        fetching.fetch("https://www.senat.fr/leg/x.html", POLICY, io.BytesIO())
    assert calls == ["https://www.senat.fr/leg/x.html"]


def test_redirects_within_the_allow_list_are_followed_a_few_times(monkeypatch):
    monkeypatch.setattr(fetching, "_get", lambda url, policy, out: "/ailleurs.html")
    with pytest.raises(FetchError, match="Trop de redirections"):
        fetching.fetch("https://www.senat.fr/leg/x.html", POLICY, io.BytesIO())


class _Response:
    def __init__(self, body: bytes, length: str | None) -> None:
        self.stream, self.length = io.BytesIO(body), length

    def getheader(self, name: str) -> str | None:
        return self.length if name == "Content-Length" else None

    def read(self, size: int) -> bytes:
        return self.stream.read(size)


def test_the_size_limit_holds_whatever_the_server_declares():
    with pytest.raises(FetchError, match="trop volumineux"):
        fetching._copy(_Response(b"x" * 11, "5"), io.BytesIO(), 10)  # type: ignore[arg-type]
    with pytest.raises(FetchError, match="trop volumineux"):
        fetching._copy(_Response(b"x", str(500 << 20)), io.BytesIO(), 10)  # type: ignore[arg-type]
    out = io.BytesIO()
    fetching._copy(_Response(b"x" * 10, None), out, 10)  # type: ignore[arg-type]
    assert out.getvalue() == b"x" * 10
