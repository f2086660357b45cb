"""axe-core (pinned in package-lock.json, installed by npm) finds no serious or critical
violation on any main page, for each role."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import AXE, Console, log_in, new_page, open_amendment

pytestmark = pytest.mark.e2e

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter(v => ["serious", "critical"].includes(v.impact))
    .map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(" ")).join(", ")}`);
}"""
OPTIONAL = ["/a-signer", "/echeances", "/compte/securite", "/notifications"]


def serious_violations(page: Any, path: str) -> list[str]:
    """Open the page, inject axe-core and return its serious and critical violations."""
    page.goto(path)
    page.add_script_tag(path=str(AXE))
    return list(page.evaluate(RUN_AXE))


@pytest.fixture
def axe_page(browser: Any, server: str, console: Console) -> Iterator[Any]:
    """A page whose context bypasses the CSP, only so that axe-core can be injected."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run `npm ci` (make e2e-deps)")
    page = new_page(browser, server, console, bypass_csp=True)
    yield page
    page.context.close()


def _first_href(page: Any, pattern: str) -> str:
    for href in page.eval_on_selector_all("main a[href]", "els => els.map(e => e.pathname)"):
        if re.fullmatch(pattern, href):
            return str(href)
    raise AssertionError(f"no link matching {pattern}")


def main_pages(page: Any) -> list[str]:
    """The deputy's main pages: dashboard, texts, a text, the editor, an amendment, its edit."""
    page.goto("/textes")
    text = _first_href(page, r"/textes/\d+")
    text_id = text.rsplit("/", 1)[1]
    page.goto("/tableau-de-bord")
    amendment = _first_href(page, r"/amendements/\d+")
    pages = ["/tableau-de-bord", "/textes", text, f"/amendements/nouveau/{text_id}", amendment]
    pages += [amendment + "/modifier", amendment + "/inviter", text + "/texte-amende"]
    return pages + [p for p in OPTIONAL if page.request.get(p).status == 200]


def test_the_login_page_has_no_serious_accessibility_violation(axe_page: Any) -> None:
    assert serious_violations(axe_page, "/login") == []


def test_the_deputy_pages_have_no_serious_accessibility_violation(axe_page: Any) -> None:
    log_in(axe_page, "deputy")
    found = {path: serious_violations(axe_page, path) for path in main_pages(axe_page)}
    assert {path: v for path, v in found.items() if v} == {}


def test_the_secretariat_pages_have_no_serious_accessibility_violation(axe_page: Any) -> None:
    log_in(axe_page, "secretariat")
    axe_page.goto("/textes")
    text = _first_href(axe_page, r"/textes/\d+")
    axe_page.goto(text)
    axe_page.get_by_role("button", name="Exporter (ZIP)").click()
    axe_page.wait_for_url(re.compile(r"/taches/[0-9a-f-]+$"))
    export_job = urlsplit(axe_page.url).path
    paths = ["/tableau-de-bord", "/relecture", "/echeances", text, export_job]
    paths.append("/echeances/textes/" + text.rsplit("/", 1)[1])
    found = {path: serious_violations(axe_page, path) for path in paths}
    assert {path: v for path, v in found.items() if v} == {}


def test_the_signing_pages_have_no_serious_accessibility_violation(
    axe_page: Any, browser: Any, server: str, console: Console
) -> None:
    amendment_id = open_amendment(browser, server, console, "Supprimer l'alinéa 3.")
    consent = f"/amendements/{amendment_id}/signer"
    log_in(axe_page, "deputy2")
    found = {"consent": serious_violations(axe_page, consent)}
    axe_page.get_by_role("button", name="Je cosigne ce texte").click()
    author = new_page(browser, server, console)
    log_in(author, "deputy")
    author.goto(f"/amendements/{amendment_id}/modifier")
    author.get_by_label("Dispositif").fill("Supprimer les alinéas 3 et 4.")
    author.get_by_role("button", name="Enregistrer une nouvelle version").click()
    author.wait_for_url(re.compile(rf"/amendements/{amendment_id}$"))
    author.context.close()
    found["re-confirm with the diff"] = serious_violations(axe_page, consent)
    assert axe_page.locator("ins").count() >= 1, "the stale consent screen shows no diff"
    for path in ("/a-signer", "/notifications", f"/amendements/{amendment_id}"):
        found[path] = serious_violations(axe_page, path)
    assert {path: v for path, v in found.items() if v} == {}


def test_the_edit_the_article_mode_has_no_serious_accessibility_violation(axe_page: Any) -> None:
    log_in(axe_page, "deputy")
    axe_page.goto("/textes")
    text = _first_href(axe_page, r"/textes/\d+")
    axe_page.goto(f"/amendements/nouveau/{text.rsplit('/', 1)[1]}?article=7")
    axe_page.get_by_role("button", name="Modifier le texte de l'article").click()
    axe_page.get_by_label("Dispositif").fill("Supprimer l'alinéa 99.")
    axe_page.get_by_role("region", name="Vérifications en direct").wait_for()
    axe_page.add_script_tag(path=str(AXE))
    assert list(axe_page.evaluate(RUN_AXE)) == []
