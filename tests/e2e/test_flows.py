"""One scenario per role, end to end in Chromium against the real server, plus the phone layout."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    OVERFLOW,
    PHONE,
    SMALL_TARGETS,
    TEXT_TITLE,
    Console,
    draft_on_article_7,
    log_in,
    new_page,
    screenshot,
)

pytestmark = pytest.mark.e2e


def page_exists(page: Any, path: str) -> bool:
    """Whether the server has this page yet (other features land in parallel)."""
    return bool(page.request.get(path).status != 404)


def test_deputy_drafts_with_the_formula_helpers_beside_the_article_then_edits_a_new_version(
    page: Any,
) -> None:
    log_in(page, "deputy")
    screenshot(page, "tableau-de-bord")
    page.get_by_role("link", name="Textes", exact=True).click()
    page.get_by_role("link", name=TEXT_TITLE).first.click()
    screenshot(page, "texte")
    page.get_by_role("link", name="Amender l'article 7").click()
    aside = page.get_by_role("complementary", name="Texte de l'article visé")
    assert "À titre expérimental" in aside.inner_text()
    page.get_by_label("Alinéa (facultatif)").fill("1")
    page.get_by_role("button", name="Substituer des mots").click()
    formula = page.get_by_label("Dispositif").input_value()
    assert formula.startswith("À l’alinéa 1, substituer aux mots\u00a0:\n«\u00a0…\u00a0»")
    page.get_by_label("Dispositif").fill(
        "À l'alinéa 1, substituer aux mots :\n« jusqu'au 31 décembre 2024 »\n"
        "les mots :\n« jusqu'au 8 septembre 2024 »."
    )
    page.get_by_label("Exposé sommaire").fill("Limiter l'expérimentation à la durée des Jeux.")
    screenshot(page, "editeur")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r"/amendements/\d+$"))
    assert "version 1" in page.inner_text("main")
    page.get_by_role("link", name="Modifier").click()
    page.get_by_label("Dispositif").fill("Supprimer cet article.")
    page.get_by_role("button", name="Enregistrer une nouvelle version").click()
    page.wait_for_url(re.compile(r"/amendements/\d+$"))
    main = page.inner_text("main")
    assert "version 2" in main and "Supprimer cet article." in main
    assert page.locator("ol.versions li").count() == 2
    screenshot(page, "amendement")


def test_assistant_drafts_for_their_deputy(page: Any) -> None:
    log_in(page, "assistant")
    page.goto("/textes")
    page.get_by_role("link", name=TEXT_TITLE).first.click()
    page.get_by_role("link", name="Amender l'article 7").click()
    page.get_by_label("Dispositif").fill("Supprimer cet article.")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r"/amendements/\d+$"))
    main = page.inner_text("main")
    assert "Présenté par" in main and "Regol" in main and "rédigé par" in main


def test_secretariat_approves_a_submitted_amendment_from_the_review_queue(
    page: Any, browser: Any, server: str, console: Console
) -> None:
    deputy = new_page(browser, server, console)
    log_in(deputy, "deputy")
    amendment_id = draft_on_article_7(deputy, "Supprimer l'alinéa 2.")
    submit = deputy.get_by_role("button", name="Soumettre à la relecture")
    if submit.count() == 0:
        pytest.skip("the workflow buttons are not on the amendment page yet")
    submit.click()
    deputy.context.close()
    log_in(page, "secretariat")
    if not page_exists(page, "/relecture"):
        pytest.skip("the review queue is not served yet")
    page.get_by_role("link", name="Relecture").click()
    page.get_by_label(f"Sélectionner l'amendement #{amendment_id}").check()
    screenshot(page, "relecture")
    page.get_by_role("button", name="Approuver la sélection").click()
    page.goto(f"/amendements/{amendment_id}")
    assert "relecture" not in page.locator("p .state").inner_text().lower()


def test_admin_logs_in_and_sees_the_dashboard_and_the_texts(page: Any) -> None:
    log_in(page, "admin")
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()
    page.get_by_role("link", name="Textes", exact=True).click()
    expect(page.get_by_role("link", name=TEXT_TITLE).first).to_be_visible()
    page.get_by_role("link", name="English").click()  # waits for the English page, not a snapshot
    expect(page.get_by_role("heading", name="Texts")).to_be_visible()
    page.get_by_role("link", name="Dashboard").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="Français").click()


def phone_pages(page: Any, amendment_id: int) -> list[str]:
    """The deputy's phone pages that exist now."""
    wanted = ["/tableau-de-bord", "/a-signer", "/notifications", f"/amendements/{amendment_id}"]
    return [path for path in wanted if page_exists(page, path)]


def test_deputy_on_a_phone_has_nothing_cut_off_and_large_tap_targets(
    browser: Any, server: str, console: Console
) -> None:
    page = new_page(browser, server, console, **PHONE)
    log_in(page, "deputy")
    amendment_id = draft_on_article_7(page, "Supprimer cet article.")
    for path in phone_pages(page, amendment_id):
        page.goto(path)
        assert page.evaluate(OVERFLOW) <= 390, f"{path} scrolls sideways"
        assert page.evaluate(SMALL_TARGETS) == [], f"{path} has tap targets under 44 px"
        name = path.strip("/").split("/")[0]
        screenshot(page, f"telephone-{name}")
    page.context.close()
    assert console.errors == []
