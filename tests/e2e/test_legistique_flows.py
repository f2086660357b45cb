"""The editor's edit-the-article mode, end to end in Chromium: the author edits the article's own
alinéas, Liasse writes the dispositif, the applier re-checks it and the linter speaks live."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import TEXT_TITLE, log_in, screenshot

pytestmark = pytest.mark.e2e
NBSP = "\u00a0"


def _editor_on_article_7(page: Any) -> None:
    log_in(page, "deputy")
    page.goto("/textes")
    page.get_by_role("link", name=TEXT_TITLE).first.click()
    page.get_by_role("link", name="Amender l'article 7").click()
    page.wait_for_load_state()


def test_the_author_edits_the_article_and_liasse_writes_the_dispositif(page: Any) -> None:
    _editor_on_article_7(page)
    page.get_by_role("button", name="Modifier le texte de l'article").click()
    second = page.get_by_label("Alinéa 2", exact=True)
    expect(second).to_have_value(re.compile("^Ces traitements ont pour unique objet"))
    second.fill(second.input_value().replace("unique objet", "seul objet"))
    page.get_by_role("button", name="Écrire le dispositif").click()
    dispositif = page.get_by_label("Dispositif")
    expect(dispositif).to_have_value(
        f"À l’alinéa{NBSP}2, substituer au mot{NBSP}:\n«{NBSP}unique{NBSP}»\n"
        f"le mot{NBSP}:\n«{NBSP}seul{NBSP}»."
    )
    expect(page.get_by_label("Alinéa (facultatif)")).to_have_value("2")
    live = page.get_by_role("region", name="Vérifications en direct")
    expect(live).to_contain_text("L’exposé sommaire est obligatoire")
    page.get_by_label("Exposé sommaire").fill('Le mot "unique" est de trop : un seul objet suffit.')
    expect(page.get_by_label("Exposé sommaire")).to_have_value(
        f"Le mot «{NBSP}unique{NBSP}» est de trop{NBSP}: un seul objet suffit."
    )
    expect(live).to_contain_text("Aucune remarque")
    page.get_by_text("L'article tel que l'amendement le rédige").click()
    expect(page.locator("[data-applied-alineas] li").nth(1)).to_contain_text("pour seul objet")
    screenshot(page, "editeur-texte-modifie")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_url(re.compile(r"/amendements/\d+$"))
    main = page.inner_text("main")
    assert "Aucune remarque" in main and "substituer au mot" in main


def test_the_dispositif_stays_editable_and_is_checked_again(page: Any) -> None:
    _editor_on_article_7(page)
    dispositif = page.get_by_label("Dispositif")
    dispositif.fill("Supprimer l'alinéa 99.")
    expect(dispositif).to_have_value("Supprimer l’alinéa 99.")
    live = page.get_by_role("region", name="Vérifications en direct")
    expect(live).to_contain_text("L’alinéa 99 n’existe pas")
    dispositif.fill("")
    page.get_by_label("Alinéa (facultatif)").fill("3")
    page.get_by_role("button", name="Rédiger ainsi l'alinéa N").click()
    expect(dispositif).to_have_value(re.compile(f"Rédiger ainsi l’alinéa 3{NBSP}:\n«{NBSP}"))
    assert "II. – Les traitements mentionnés au I sont soumis" in dispositif.input_value()


def test_a_formula_left_unfilled_is_an_error_and_the_additional_article_has_no_heading(
    page: Any,
) -> None:
    _editor_on_article_7(page)
    page.get_by_role("button", name="Supprimer les alinéas N à M").click()
    dispositif = page.get_by_label("Dispositif")
    expect(dispositif).to_have_value("Supprimer les alinéas N à M.")
    live = page.get_by_role("region", name="Vérifications en direct")
    expect(live).to_contain_text("Un champ de la formule n’est pas rempli")
    dispositif.fill("")
    page.get_by_role("button", name="Article additionnel").click()
    expect(page.get_by_label("Emplacement")).to_have_value("after_article")
    expect(dispositif).to_have_value("")
    expect(page.get_by_text("la division « Après l'article …")).to_be_visible()


def test_the_amended_text_shows_the_group_s_amendments_and_one_amendment(page: Any) -> None:
    log_in(page, "secretariat")
    page.goto("/textes")
    page.get_by_role("link", name=TEXT_TITLE).first.click()
    page.get_by_role("link", name="Texte amendé").click()
    expect(page.get_by_role("heading", name="Texte amendé", level=1)).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("Texte amendé par les amendements en cours de votre groupe")
    page.get_by_label("Un amendement (choisi ci-dessous)").check()
    page.get_by_role("button", name="Afficher le texte amendé").click()
    expect(main).to_contain_text("Texte amendé par l'amendement")
    screenshot(page, "texte-amende")


def test_a_sub_amendment_is_written_by_editing_the_parent_s_paragraphs(page: Any) -> None:
    log_in(page, "deputy2")
    page.goto("/amendements/3")  # the demo's n° 322, open to co-signature
    expect(page.locator("main")).to_contain_text("nécessaire et")
    page.get_by_role("link", name="Sous-amender").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Nouveau sous-amendement")).to_be_visible()
    page.get_by_role("button", name="Modifier le texte de l'amendement").click()
    fourth = page.get_by_label("Alinéa 4", exact=True)
    expect(fourth).to_have_value(f"«{NBSP}nécessaire et{NBSP}».")
    fourth.fill(f"«{NBSP}nécessaire, adapté et{NBSP}».")
    page.get_by_role("button", name="Écrire le dispositif").click()
    dispositif = page.get_by_label("Dispositif")
    expect(dispositif).to_have_value(re.compile(f"^À l’alinéa{NBSP}4, après le mot"))
    page.get_by_label("Exposé sommaire").fill("Préciser le critère.")
    expect(page.get_by_role("region", name="Vérifications en direct")).to_contain_text(
        "Aucune remarque"
    )
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_url(re.compile(r"/amendements/\d+$"))
    main = page.inner_text("main")
    assert "Sous-amendement #" in main and "à l'amendement" in main
