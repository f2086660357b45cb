"""Security of the served pages: CSP without inline code, CSRF on every form, no framing, secure
cookies in production, and nothing fetched from another host (the app works on an intranet)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest

from drafting.config import load_config
from tests.conftest import login


class Page(HTMLParser):
    """The parts of a page that matter for its security."""

    def __init__(self) -> None:
        super().__init__()
        self.inline_scripts = 0
        self.styled = 0
        self.handlers: list[str] = []
        self.resources: list[str] = []
        self.post_forms = 0
        self.tokens = 0
        self._in_post_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Count inline code and collect resource URLs and form tokens."""
        a = {k: v or "" for k, v in attrs}
        self.styled += "style" in a
        self.handlers += [k for k in a if k.startswith("on")]
        if tag == "script":
            self.inline_scripts += "src" not in a
        if tag in ("script", "img", "link", "iframe", "source"):
            self.resources += [a[k] for k in ("src", "href") if k in a]
        if tag == "style":
            self.styled += 1
        self._form(tag, a)

    def _form(self, tag: str, a: dict[str, str]) -> None:
        if tag == "form" and a.get("method", "get").lower() == "post":
            self.post_forms += 1
        if tag == "input" and a.get("name") == "csrf_token" and a.get("value"):
            self.tokens += 1


def parse(response: Any) -> Page:
    """Parse a served page."""
    page = Page()
    page.feed(response.get_data(as_text=True))
    return page


def _new_amendment(client: Any, text_id: int) -> int:
    data = {"kind": "article", "article": "7", "dispositif": "Supprimer cet article.", "expose": ""}
    response = client.post(f"/amendements/nouveau/{text_id}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.findall(r"\d+", response.headers["Location"])[-1])


@pytest.fixture
def pages(client: Any, people: dict[str, Any], bill: Any) -> list[str]:
    """The main pages of a logged-in deputy (and the ones other features add, when present)."""
    login(client, people["regol"])
    amendment_id = _new_amendment(client, bill.id)
    paths = [
        "/tableau-de-bord",
        "/textes",
        f"/textes/{bill.id}",
        f"/amendements/nouveau/{bill.id}",
        f"/amendements/{amendment_id}",
        f"/amendements/{amendment_id}/modifier",
    ]
    optional = ["/notifications", "/a-signer", "/echeances", "/compte/securite"]
    return paths + [p for p in optional if client.get(p).status_code == 200]


def test_pages_have_no_inline_script_style_or_event_handler(client, pages):
    for path in [*pages, "/login?lang=en"]:
        page = parse(client.get(path))
        assert (page.inline_scripts, page.styled, page.handlers) == (0, 0, []), path


def test_pages_fetch_nothing_from_another_host(client, pages):
    for path in pages:
        page = parse(client.get(path))
        outside = [url for url in page.resources if re.match(r"(https?:)?//", url)]
        assert outside == [], path


def test_every_post_form_carries_a_csrf_token(client, pages):
    for path in pages:
        page = parse(client.get(path))
        assert page.tokens >= page.post_forms, path


def test_pages_send_a_csp_without_inline_scripts_and_refuse_framing(client, pages):
    for path in [*pages, "/login"]:
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self';" in csp and "unsafe-inline" not in csp, path
        assert "frame-ancestors 'none'" in csp and headers["X-Frame-Options"] == "DENY", path


def test_a_form_posted_without_its_csrf_token_is_refused(app, client, people, bill, monkeypatch):
    login(client, people["regol"])
    amendment_id = _new_amendment(client, bill.id)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    data = {"kind": "article", "article": "7", "dispositif": "Supprimer cet article."}
    assert client.post(f"/amendements/nouveau/{bill.id}", data=data).status_code == 400
    assert client.post(f"/amendements/{amendment_id}/modifier", data=data).status_code == 400
    assert client.post("/logout").status_code == 400
    assert client.post("/login", data={"email": "x@y.z", "password": "p"}).status_code == 400


def test_production_cookies_are_secure_http_only_and_same_site(monkeypatch):
    monkeypatch.setenv("LIASSE_ENV", "production")
    monkeypatch.delenv("LIASSE_SECURE_COOKIES", raising=False)
    config = load_config()
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    assert config["SESSION_COOKIE_HTTPONLY"] and config["REMEMBER_COOKIE_HTTPONLY"]
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
