"""Bulk actions and bulk co-signing in the browser, with the second factor required (the
production default): the author submits several drafts from the list, the secretariat approves
everything the filter matches, and a colleague on a 390 px phone ticks them on « À signer »,
is told to set up the second factor before « Je cosigne », enrols on the phone, comes back to
the consent screen and signs them all with one action; one the author rewrote meanwhile is
refused and listed.

This module runs its own server (LIASSE_REQUIRE_2FA=1), the shared one signing without codes.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    CHROMIUM,
    DEMO_PASSWORD,
    OVERFLOW,
    PHONE,
    ROOT,
    SMALL_TARGETS,
    USERS,
    Console,
    _free_port,
    _liasse,
    _liasse_command,
    _server_env,
    _wait_until_up,
    new_page,
    screenshot,
)

pytestmark = pytest.mark.e2e
TO_SIGN = re.compile("^À signer")


@pytest.fixture(scope="module")
def strict_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A `liasse run` of its own, with the second factor required to sign."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium (/usr/bin/chromium) is not installed: run `make e2e-deps`")
    data_dir: Path = tmp_path_factory.mktemp("e2e-strict")
    env = _server_env(data_dir) | {"LIASSE_REQUIRE_2FA": "1"}
    _liasse("db", "upgrade", env=env)
    _liasse("demo", env=env)
    port = _free_port()
    log = (data_dir / "server.log").open("wb")
    proc = subprocess.Popen(
        _liasse_command("run", "--host", "127.0.0.1", "--port", str(port)),
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def _log_in(page: Any, role: str) -> None:
    """Through the login form (no cookie reuse: this server is not the shared one)."""
    page.goto("/login")
    page.get_by_label("Adresse électronique").fill(USERS[role])
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/tableau-de-bord")


def _text_list(page: Any) -> None:
    page.goto("/textes")
    page.get_by_role("link", name=re.compile("jeux Olympiques")).first.click()
    page.get_by_role(
        "link", name="Tous les amendements : filtres, recherche, actions groupées"
    ).click()
    expect(page.get_by_role("heading", name=re.compile("^Amendements du texte"))).to_be_visible()


def _fits_a_phone(page: Any, where: str) -> None:
    page.wait_for_load_state("load")
    assert page.evaluate(OVERFLOW) <= 390, f"{where} scrolls sideways"
    small = page.evaluate(SMALL_TARGETS)
    assert small == [], f"{where} has tap targets under 44 px: {small}"


def _submit_her_drafts(browser: Any, server: str, console: Console) -> None:
    """The author filters her drafts in the list and submits them all in one action."""
    author = new_page(browser, server, console, viewport={"width": 1280, "height": 900})
    _log_in(author, "deputy")
    _text_list(author)
    author.get_by_label("Brouillon").check()
    author.get_by_label("Auteur").select_option(label="Mme Sandra Regol")
    author.get_by_role("button", name="Filtrer").click()
    author.get_by_label(re.compile("Tous les \\d+ amendements du filtre")).check()
    author.get_by_label("Action", exact=True).select_option("submit")
    author.get_by_role("button", name="Appliquer").click()
    # One of the demo's real drafts says « substituer » twice: the linter refuses it, alone.
    expect(author.get_by_role("status")).to_contain_text("1 refusé")
    expect(author.get_by_role("table", name="Refusés, et pourquoi")).to_contain_text(
        "figure deux fois dans la même formule"
    )
    author.context.close()


def _approve_everything_in_review(browser: Any, server: str, console: Console) -> None:
    """The secretariat approves every amendment the filter « en relecture » matches."""
    staff = new_page(browser, server, console, viewport={"width": 1280, "height": 900})
    _log_in(staff, "secretariat")
    _text_list(staff)
    staff.get_by_label("En relecture").check()
    staff.get_by_role("button", name="Filtrer").click()
    staff.get_by_label(re.compile("Tous les \\d+ amendements du filtre")).check()
    staff.get_by_label("Action", exact=True).select_option("approve")
    staff.get_by_role("button", name="Appliquer").click()
    expect(staff.get_by_role("status")).to_contain_text("0 refusé")
    staff.context.close()


def _rewrite(browser: Any, server: str, console: Console, amendment_id: int) -> None:
    """The author changes one of them while the colleague reads the consent screen."""
    author = new_page(browser, server, console, viewport={"width": 1280, "height": 900})
    _log_in(author, "deputy")
    author.goto(f"/amendements/{amendment_id}/modifier")
    author.get_by_label("Exposé sommaire").fill("Un exposé réécrit pendant la lecture.")
    author.get_by_role("button", name=re.compile("^Enregistrer")).click()
    author.wait_for_url(re.compile(rf"/amendements/{amendment_id}$"))
    author.context.close()


def test_a_colleague_on_a_phone_enrols_then_cosigns_several_amendments_at_once(
    browser: Any, strict_server: str, console: Console
) -> None:
    server = strict_server
    _submit_her_drafts(browser, server, console)
    _approve_everything_in_review(browser, server, console)

    phone = new_page(browser, server, console, **PHONE)
    _log_in(phone, "deputy2")
    phone.get_by_role("link", name=TO_SIGN).tap()
    expect(phone.get_by_role("status")).to_contain_text("amendements à signer")
    _fits_a_phone(phone, "À signer")
    boxes = phone.locator("input[name=ids]")
    expect(boxes).to_have_count(3)  # the demo's open amendment and the two just approved
    submitted = [int(boxes.nth(n).get_attribute("value") or 0) for n in range(3)]
    for n in range(3):
        boxes.nth(n).check()
    phone.get_by_role("button", name="Cosigner les amendements cochés").tap()
    expect(phone.get_by_role("heading", name="Cosigner 3 amendements")).to_be_visible()
    # What is needed comes first: no « Je cosigne » before the second factor is set up.
    expect(phone.get_by_role("heading", name=re.compile("^Avant de cosigner"))).to_be_visible()
    expect(phone.get_by_role("button", name=re.compile("^Je cosigne"))).to_have_count(0)
    _fits_a_phone(phone, "the consent screen without a second factor")
    consent_url = phone.url

    phone.get_by_role("link", name="Activer la double authentification").tap()
    phone.get_by_role("button", name="Activer la double authentification").tap()
    expect(phone.get_by_role("heading", name="Activer la double authentification")).to_be_visible()
    _fits_a_phone(phone, "the enrolment page")
    expect(phone.locator("figure.qr svg")).to_be_visible()
    assert phone.locator("figure.qr svg").bounding_box()["width"] <= 390
    screenshot(phone, "telephone-double-authentification")
    secret = phone.locator("code.secret").get_attribute("data-secret")
    phone.get_by_label("Code à six chiffres").fill(pyotp.TOTP(secret).now())
    phone.get_by_role("button", name="Confirmer").tap()
    expect(phone.get_by_role("heading", name="Vos codes de secours")).to_be_visible()
    _fits_a_phone(phone, "the recovery codes")
    phone.get_by_role("link", name="J'ai noté mes codes : continuer").tap()
    phone.wait_for_url(consent_url)

    # Back on the consent screen: the check just passed covers the next ten minutes.
    expect(phone.get_by_role("heading", name="Cosigner 3 amendements")).to_be_visible()
    first = phone.locator("li.consent-item").first
    first.get_by_text("Lire le texte").tap()
    expect(first.get_by_role("region", name="Texte soumis à votre signature")).to_be_visible()
    _fits_a_phone(phone, "the consent screen")
    screenshot(phone, "telephone-cosigner-plusieurs")
    _rewrite(browser, server, console, submitted[1])
    phone.get_by_role("button", name="Je cosigne ces 3 amendements").tap()
    expect(phone.get_by_role("status")).to_contain_text("2 amendements cosignés · 1 non signé")
    refused = phone.get_by_role("region", name="Non signés, et pourquoi")
    expect(refused).to_contain_text(f"#{submitted[1]}")
    expect(refused).to_contain_text("Le texte a changé depuis que vous l'avez lu")
    _fits_a_phone(phone, "the results")
    phone.get_by_role("link", name="Retour à la liste « À signer »").tap()
    for amendment_id in (submitted[0], submitted[2]):
        expect(phone.locator(f"input[name=ids][value='{amendment_id}']")).to_have_count(0)
    expect(phone.locator(f"input[name=ids][value='{submitted[1]}']")).to_have_count(1)
    phone.context.close()
    assert console.errors == []
