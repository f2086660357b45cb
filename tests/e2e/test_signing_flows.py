"""Co-signature in the browser: consent screen, stale re-confirmation with its diff, withdrawal,
invitation of another group's deputy, the inbox, the timeline, and the deputy's phone.

Each test opens its own amendment through the pages (draft, submit, approve), so the tests do not
depend on each other's order even though they share one server and one database."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    OVERFLOW,
    PHONE,
    SMALL_TARGETS,
    Console,
    cosign_from_the_amendment_page,
    draft_on_article_7,
    log_in,
    new_page,
    open_amendment,
    screenshot,
    take_action,
)

pytestmark = pytest.mark.e2e

SUBSTITUTE = "À l'alinéa 1, substituer aux mots :\n« 31 décembre 2024 »\nles mots :\n« {} »."
TO_SIGN = re.compile("^À signer")


def signatures_panel(page: Any) -> Any:
    """The "Signataires" panel of the amendment page."""
    return page.get_by_role("region", name="Signataires")


def timeline(page: Any) -> Any:
    """The "Historique" section of the amendment page."""
    return page.get_by_role("region", name="Historique")


def to_sign_item(page: Any, amendment_id: int) -> Any:
    """The entry of the "À signer" list for this amendment."""
    heading = page.get_by_role("link", name=re.compile(rf"^Amendement #{amendment_id} —"))
    return page.locator("li.to-sign-item").filter(has=heading)


def inbox_item(page: Any, amendment_id: int, words: str) -> Any:
    """The inbox entry about this amendment that contains these words."""
    return (
        page.locator("ul.inbox > li").filter(has_text=f"#{amendment_id} (").filter(has_text=words)
    )


def test_a_colleague_cosigns_from_the_consent_screen_of_the_to_sign_list(
    page: Any, browser: Any, server: str, console: Console
) -> None:
    dispositif = SUBSTITUTE.format("31 décembre 2024")
    amendment_id = open_amendment(browser, server, console, dispositif)
    log_in(page, "deputy2")
    page.get_by_role("link", name=TO_SIGN).click()
    expect(page.get_by_role("heading", name="À signer", level=1)).to_be_visible()
    item = to_sign_item(page, amendment_id)
    expect(item).to_contain_text("Amendement de votre groupe")
    item.get_by_role("link", name="Lire et cosigner").click()
    expect(page.get_by_role("heading", name="Cosigner cet amendement")).to_be_visible()
    sheet = page.get_by_role("region", name="Texte soumis à votre signature")
    expect(sheet).to_contain_text("« 31 décembre 2024 »")  # typed with its no-break spaces
    expect(page.get_by_text("ce texte exact")).to_be_visible()
    screenshot(page, "signer-consentement")
    page.get_by_role("button", name="Je cosigne ce texte").click()
    expect(page.locator(".flash")).to_contain_text(
        "Signature enregistrée : vous cosignez la version 1."
    )
    expect(to_sign_item(page, amendment_id)).to_have_count(0)
    page.goto(f"/amendements/{amendment_id}")
    panel = signatures_panel(page)
    expect(panel).to_contain_text("1 cosignataire de la version 1")
    expect(panel.locator("li.sig-current")).to_contain_text("Julien Bayou")
    expect(panel).to_contain_text("Vous cosignez cette version depuis le")


def test_a_cosignatory_reconfirms_a_stale_signature_after_reading_the_word_diff(
    page: Any, browser: Any, server: str, console: Console
) -> None:
    amendment_id = open_amendment(browser, server, console, SUBSTITUTE.format("30 septembre 2024"))
    log_in(page, "deputy2")
    cosign_from_the_amendment_page(page, amendment_id)
    author = new_page(browser, server, console)
    log_in(author, "deputy")
    author.goto(f"/amendements/{amendment_id}")
    author.get_by_role("link", name="Modifier").click()
    author.wait_for_url(re.compile(r"/modifier$"))
    author.wait_for_load_state()  # the editor's script types French typography as one fills
    author.get_by_label("Dispositif").fill(
        SUBSTITUTE.format("8 septembre 2024, lendemain de la clôture des Jeux paralympiques")
    )
    author.get_by_role("button", name="Enregistrer une nouvelle version").click()
    expect(author.locator("main")).to_contain_text("version 2")
    author.context.close()

    page.goto(f"/amendements/{amendment_id}")
    panel = signatures_panel(page)
    expect(panel.locator("li.sig-stale")).to_contain_text("à reconfirmer")
    expect(panel).to_contain_text("Le texte a changé depuis votre signature")
    page.get_by_role("link", name=re.compile("^Notifications")).click()
    expect(inbox_item(page, amendment_id, "a changé (version 2)")).to_contain_text(
        "votre signature est à reconfirmer"
    )
    page.get_by_role("link", name=TO_SIGN).click()
    item = to_sign_item(page, amendment_id)
    expect(item).to_contain_text("Texte modifié : signature à reconfirmer")
    item.get_by_role("link", name="Voir les changements et reconfirmer").click()
    expect(page.get_by_role("heading", name="Reconfirmer ma signature")).to_be_visible()
    changes = page.get_by_role("region", name="Ce qui a changé depuis votre signature")
    expect(changes).to_contain_text("Vous aviez signé la version 1")
    expect(changes.locator("del")).to_have_text("30")
    expect(changes.locator("ins").first).to_have_text("8")
    expect(changes.locator("ins").last).to_contain_text("lendemain de la clôture")
    screenshot(page, "reconfirmer-diff")
    page.get_by_role("button", name="Je reconfirme").click()
    expect(page.locator(".flash")).to_contain_text("vous cosignez la version 2")
    page.goto(f"/amendements/{amendment_id}")
    panel = signatures_panel(page)
    expect(panel).to_contain_text("1 cosignataire de la version 2")
    expect(panel.locator("li.sig-current")).to_contain_text("Julien Bayou")
    expect(panel.locator("li.sig-stale")).to_have_count(0)
    expect(timeline(page)).to_contain_text("a reconfirmé sa signature")


def test_a_withdrawn_signature_stays_in_the_history(
    page: Any, browser: Any, server: str, console: Console
) -> None:
    amendment_id = open_amendment(browser, server, console, SUBSTITUTE.format("1er octobre 2024"))
    log_in(page, "deputy2")
    cosign_from_the_amendment_page(page, amendment_id)
    page.get_by_role("button", name="Retirer ma signature").click()
    expect(page.locator(".flash")).to_contain_text(
        "Signature retirée : le retrait est daté dans l'historique."
    )
    panel = signatures_panel(page)
    expect(panel).to_contain_text("0 cosignataire de la version 1")
    expect(panel).to_contain_text("1 retirée")
    expect(panel.locator("li.sig-withdrawn")).to_contain_text(
        re.compile(r"Julien Bayou.*retirée le")
    )
    expect(panel.get_by_role("link", name="Lire et cosigner")).to_be_visible()
    events = timeline(page).locator("li.event")
    expect(events.filter(has_text="a cosigné")).to_contain_text("Julien Bayou")
    expect(events.filter(has_text="a retiré sa signature")).to_contain_text("Julien Bayou")


def test_the_author_invites_a_deputy_of_another_group_who_signs_from_the_invitation(
    page: Any, browser: Any, server: str, console: Console
) -> None:
    amendment_id = open_amendment(browser, server, console, SUBSTITUTE.format("15 octobre 2024"))
    log_in(page, "deputy")
    page.goto(f"/amendements/{amendment_id}")
    page.get_by_role("link", name="Inviter des députés d'autres groupes à cosigner").click()
    expect(page.get_by_role("heading", name="Inviter des députés à cosigner")).to_be_visible()
    gdr = page.get_by_role("group", name="Gauche Démocrate et Républicaine")
    gdr.get_by_label("Stéphane Peu").check()
    page.get_by_role("button", name="Inviter").click()
    expect(page.locator(".flash")).to_contain_text("Invitation envoyée (1 député).")
    expect(signatures_panel(page)).to_contain_text(
        re.compile(r"Invités à cosigner\s*:\s*M.\sStéphane Peu \(GDR\)")
    )

    invited = new_page(browser, server, console)
    log_in(invited, "other_deputy")
    invited.get_by_role("link", name=re.compile("^Notifications")).click()
    notice = inbox_item(invited, amendment_id, "vous invite à cosigner")
    expect(notice).to_contain_text("Sandra Regol vous invite à cosigner")
    invited.get_by_role("link", name=TO_SIGN).click()
    item = to_sign_item(invited, amendment_id)
    expect(item).to_contain_text("Vous êtes invité à cosigner")
    item.get_by_role("link", name="Lire et cosigner").click()
    expect(invited.get_by_role("button", name="Décliner l'invitation")).to_be_visible()
    invited.get_by_role("button", name="Je cosigne ce texte").click()
    expect(invited.locator(".flash")).to_contain_text("Signature enregistrée")
    invited.context.close()

    page.reload()
    panel = signatures_panel(page)
    expect(panel.locator("li.sig-current")).to_contain_text(re.compile(r"Stéphane Peu\s*\(GDR\)"))
    invited_event = timeline(page).locator("li.event").filter(has_text="a invité à cosigner")
    expect(invited_event.locator("strong")).to_contain_text("Sandra Regol")
    expect(invited_event).to_contain_text("Invités : Stéphane Peu")
    expect(timeline(page).locator("li.event").last).to_contain_text(
        re.compile(r"Stéphane Peu\s+a cosigné")
    )


def test_a_request_for_changes_reaches_the_author_s_inbox_and_is_marked_read(
    page: Any, browser: Any, server: str, console: Console
) -> None:
    author = new_page(browser, server, console)
    log_in(author, "deputy")
    amendment_id = draft_on_article_7(author, SUBSTITUTE.format("30 juin 2024"))
    take_action(author, amendment_id, "Soumettre à la relecture")
    author.context.close()
    secretariat = new_page(browser, server, console)
    log_in(secretariat, "secretariat")
    secretariat.goto(f"/amendements/{amendment_id}")
    secretariat.get_by_label("Modifications demandées (obligatoire)").fill(
        "Préciser la date de fin des Jeux paralympiques."
    )
    secretariat.get_by_role("button", name="Demander des modifications").click()
    expect(secretariat.locator(".flash")).to_contain_text("Modifications demandées")
    secretariat.context.close()

    log_in(page, "deputy")
    nav = page.get_by_role("navigation", name="Navigation principale")
    expect(nav.get_by_role("link", name=re.compile(r"^Notifications \d+ non lue"))).to_be_visible()
    nav.get_by_role("link", name=re.compile("^Notifications")).click()
    notice = inbox_item(page, amendment_id, "demande des modifications")
    expect(notice).to_contain_text("Préciser la date de fin des Jeux paralympiques.")
    expect(notice).to_contain_text("Nouveau")
    notice.scroll_into_view_if_needed()
    screenshot(page, "boite-de-reception")
    notice.get_by_role("button", name="Marquer comme lu").click()
    expect(page).to_have_url(re.compile("/notifications$"))
    notice = inbox_item(page, amendment_id, "demande des modifications")
    expect(notice).to_contain_text("· lu")
    expect(notice).not_to_contain_text("Nouveau")
    expect(notice.get_by_role("button", name="Marquer comme lu")).to_have_count(0)
    notice.get_by_role("link", name="Voir l'amendement").click()
    expect(page.locator("p .state")).to_have_text("Brouillon")
    requested = timeline(page).locator("li.event").filter(has_text="a demandé des modifications")
    expect(requested).to_contain_text("Claire Dupont")
    expect(requested).to_contain_text("Préciser la date de fin des Jeux paralympiques.")


def test_the_timeline_lists_every_step_with_its_actor_in_order(
    page: Any, browser: Any, server: str, console: Console
) -> None:
    amendment_id = open_amendment(browser, server, console, SUBSTITUTE.format("11 septembre 2024"))
    secretariat = new_page(browser, server, console)
    log_in(secretariat, "secretariat")
    secretariat.goto(f"/amendements/{amendment_id}")
    secretariat.get_by_label("Ajouter un commentaire").fill("Vu en réunion de groupe.")
    secretariat.get_by_role("button", name="Commenter").click()
    expect(secretariat.locator(".flash")).to_contain_text("Commentaire ajouté.")
    secretariat.context.close()
    cosigner = new_page(browser, server, console)
    log_in(cosigner, "deputy2")
    cosign_from_the_amendment_page(cosigner, amendment_id)
    cosigner.context.close()

    log_in(page, "deputy")
    page.goto(f"/amendements/{amendment_id}")
    events = timeline(page).locator("li.event")
    expected = [
        ("Sandra Regol", "a créé l'amendement"),
        ("Sandra Regol", "a soumis l'amendement à la relecture (Brouillon → En relecture)"),
        ("Claire Dupont", "a approuvé l'amendement"),
        ("Claire Dupont", "a commenté"),
        ("Julien Bayou", "a cosigné"),
    ]
    expect(events).to_have_count(len(expected))
    for index, (actor, words) in enumerate(expected):
        expect(events.nth(index).locator("strong")).to_contain_text(actor)
        expect(events.nth(index)).to_contain_text(words)
    expect(events.nth(3)).to_contain_text("Vu en réunion de groupe.")
    expect(events.first.locator("time")).to_contain_text(re.compile(r"\d{4} à \d{1,2} h \d\d"))
    timeline(page).scroll_into_view_if_needed()
    screenshot(page, "historique")


def assert_fits_a_phone(page: Any, where: str) -> None:
    """Nothing scrolls sideways and every tap target is at least 44 px (as in test_flows)."""
    page.wait_for_load_state("load")  # measure with the stylesheet applied
    assert page.evaluate(OVERFLOW) <= 390, f"{where} scrolls sideways"
    small = page.evaluate(SMALL_TARGETS)
    assert small == [], f"{where} has tap targets under 44 px: {small}"


def test_an_invited_deputy_on_a_phone_reads_the_list_the_consent_screen_and_the_inbox(
    browser: Any, server: str, console: Console
) -> None:
    amendment_id = open_amendment(browser, server, console, SUBSTITUTE.format("20 août 2024"))
    author = new_page(browser, server, console)
    log_in(author, "deputy")
    author.goto(f"/amendements/{amendment_id}/inviter")
    author.get_by_label("Stéphane Peu").check()
    author.get_by_role("button", name="Inviter").click()
    expect(author.locator(".flash")).to_contain_text("Invitation envoyée")
    author.context.close()

    page = new_page(browser, server, console, **PHONE)
    log_in(page, "other_deputy")
    page.get_by_role("link", name=TO_SIGN).tap()
    item = to_sign_item(page, amendment_id)
    expect(item).to_contain_text("Vous êtes invité à cosigner")
    assert_fits_a_phone(page, "À signer")
    screenshot(page, "telephone-a-signer-invitation")
    item.get_by_role("link", name="Lire et cosigner").tap()
    expect(page.get_by_role("heading", name="Cosigner cet amendement")).to_be_visible()
    assert_fits_a_phone(page, "the consent screen")
    screenshot(page, "telephone-consentement")
    page.get_by_role("link", name=re.compile("^Notifications")).tap()
    expect(inbox_item(page, amendment_id, "vous invite à cosigner")).to_be_visible()
    assert_fits_a_phone(page, "the inbox")
    screenshot(page, "telephone-boite-de-reception")
    page.get_by_role("link", name=TO_SIGN).tap()
    to_sign_item(page, amendment_id).get_by_role("link", name="Lire et cosigner").tap()
    page.get_by_role("button", name="Décliner l'invitation").tap()
    expect(page.locator(".flash")).to_contain_text("Invitation déclinée.")
    expect(to_sign_item(page, amendment_id)).to_have_count(0)
    page.context.close()
    assert console.errors == []
