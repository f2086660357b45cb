"""Languages: French by default, English on request (?lang=en, remembered), else Accept-Language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from drafting import ROOT
from tests.conftest import login

CATALOGUE = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages"


@pytest.fixture(scope="module", autouse=True)
def _compiled() -> None:
    """`make install` compiles the catalogue; compile it here too when tests run without it."""
    po, mo = Path(f"{CATALOGUE}.po"), Path(f"{CATALOGUE}.mo")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        with po.open("rb") as source, mo.open("wb") as target:
            write_mo(target, read_po(source, locale="en"))


def test_pages_are_in_french_by_default(client):
    body = client.get("/login").get_data(as_text=True)
    assert '<html lang="fr">' in body and "Se connecter" in body


def test_english_is_chosen_with_lang_and_remembered_in_a_cookie(client):
    body = client.get("/login?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in body and "E-mail address" in body
    assert "Log in" in client.get("/login").get_data(as_text=True)
    assert "Se connecter" in client.get("/login?lang=fr").get_data(as_text=True)


def test_the_browser_language_is_the_fallback(client):
    english = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.8"})
    german = client.get("/login", headers={"Accept-Language": "de-DE"})
    assert "E-mail address" in english.get_data(as_text=True)
    assert "Se connecter" in german.get_data(as_text=True)


def test_a_deputy_sees_the_dashboard_and_editor_in_english(client, people, bill):
    login(client, people["regol"])
    dashboard = client.get("/tableau-de-bord?lang=en").get_data(as_text=True)
    assert "Dashboard" in dashboard and "My amendments" in dashboard
    editor = client.get(f"/amendements/nouveau/{bill.id}").get_data(as_text=True)
    assert "Operative text" in editor and "Drafting formulas" in editor


def test_every_message_has_an_english_translation():
    with Path(f"{CATALOGUE}.po").open("rb") as source:
        catalogue = read_po(source, locale="en")
    assert [m.id for m in catalogue if m.id and not m.string] == []


def _extracted(tmp_path: Path) -> list[Any]:
    """Every translatable string of the code and templates, as `make messages` extracts them."""
    from babel.messages.frontend import CommandLineInterface

    pot = tmp_path / "messages.pot"
    argv = ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "lazy_gettext"]
    CommandLineInterface().run([*argv, "-o", str(pot), str(ROOT)])
    with pot.open("rb") as source:
        return [message for message in read_po(source) if message.id]


def test_every_translatable_string_of_the_pages_is_in_the_english_catalogue(tmp_path):
    with Path(f"{CATALOGUE}.po").open("rb") as source:
        catalogue = read_po(source, locale="en")
    missing = []
    for message in _extracted(tmp_path):
        translated = catalogue.get(message.id)
        strings = translated.string if translated is not None else None
        forms = strings if isinstance(strings, tuple) else (strings,)
        if translated is None or translated.fuzzy or not all(forms):
            missing.append((message.id, sorted({f for f, _ in message.locations})))
    assert missing == [], "run `make messages` and translate these"
