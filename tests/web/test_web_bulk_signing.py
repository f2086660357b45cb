"""Bulk co-signing pages: tick on « À signer », one consent screen, one code, one result each;
what the second factor needs is said before « Je cosigne », and enrolment comes back here."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

import pyotp
import pytest
from sqlalchemy import select

from drafting.db import commit
from drafting.extensions import db
from drafting.models import Signature, User
from drafting.services import amendments
from tests.conftest import NOW, login, open_amendment


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return unescape(response.get_data(as_text=True))


def _signed_by(user: User) -> set[int]:
    query = select(Signature.amendment_id).where(Signature.deputy_id == user.id)
    return set(db.session.scalars(query))


def test_the_list_offers_to_tick_and_to_sign_everything(client, people, bill):
    found = [open_amendment(people, bill) for _ in range(3)]
    login(client, people["lucas"])
    page = _page(client, "/a-signer")
    assert "3 amendements à signer" in page
    assert "Cosigner les 3 amendements de la liste" in page
    assert all(f'name="ids" value="{a.id}"' in page for a in found)


def test_one_consent_screen_lists_each_amendment_and_signs_each_on_its_text(client, people, bill):
    one, two, three = (open_amendment(people, bill) for _ in range(3))
    login(client, people["lucas"])
    page = _page(client, f"/a-signer/consentement?ids={one.id}&ids={two.id}")
    assert "Cosigner 2 amendements" in page and "Je cosigne ces 2 amendements" in page
    assert one.content_hash[:12] in page and "Lire le texte" in page
    assert f"#{three.id}" not in page
    consents = re.findall(r'name="consent" value="([^"]+)"', page)
    assert consents == [f"{one.id}:{one.content_hash}", f"{two.id}:{two.content_hash}"]
    # The author rewrites one while the deputy reads: it is refused and listed, the other signed.
    edit = amendments.Edit(two.version, expose="Réécrit pendant la lecture.")
    amendments.update_amendment(people["regol"], two.id, edit, NOW)
    commit()
    result = client.post("/a-signer/signer", data={"consent": consents})
    text = unescape(result.get_data(as_text=True))
    assert "1 amendement cosigné" in text and "1 non signé" in text
    assert "Le texte a changé depuis que vous l'avez lu" in text
    assert _signed_by(people["lucas"]) == {one.id}


def test_all_takes_every_amendment_the_filters_keep(client, people, bill):
    found = [open_amendment(people, bill) for _ in range(4)]
    login(client, people["lucas"])
    page = _page(client, f"/a-signer/consentement?all=1&text_id={bill.id}")
    assert "Je cosigne ces 4 amendements" in page
    consents = re.findall(r'name="consent" value="([^"]+)"', page)
    client.post("/a-signer/signer", data={"consent": consents})
    assert _signed_by(people["lucas"]) == {a.id for a in found}


def test_nothing_ticked_goes_back_to_the_list(client, people, bill):
    login(client, people["lucas"])
    response = client.get("/a-signer/consentement", follow_redirects=True)
    assert "Cochez au moins un amendement à cosigner." in unescape(response.get_data(as_text=True))


@pytest.fixture
def second_factor_required(app, monkeypatch):
    monkeypatch.setitem(app.config, "LIASSE_REQUIRE_2FA", True)


@pytest.mark.usefixtures("second_factor_required")
def test_without_a_second_factor_the_screens_say_so_instead_of_offering_to_sign(
    client, people, bill
):
    amendment = open_amendment(people, bill)
    login(client, people["lucas"])
    for path in (
        f"/a-signer/consentement?ids={amendment.id}",
        f"/amendements/{amendment.id}/signer",
    ):
        page = _page(client, path)
        assert "Avant de cosigner : la double authentification" in page
        assert "Je cosigne" not in page
        assert "/compte/securite/?next=" in page


@pytest.mark.usefixtures("second_factor_required")
def test_enrolment_comes_back_to_the_consent_screen_and_one_code_signs_them_all(
    client, people, bill
):
    found = [open_amendment(people, bill) for _ in range(2)]
    login(client, people["lucas"])
    back = f"/a-signer/consentement?all=1&text_id={bill.id}"
    enrol = client.post("/compte/securite/double-authentification", data={"next": back})
    page = unescape(enrol.get_data(as_text=True))
    assert f'name="next" value="{back}"' in page
    assert "secret-group" in page and 'viewBox="0 0' in page
    secret = re.search(r'data-secret="([A-Z2-7]+)"', page).group(1)
    code = pyotp.TOTP(secret).now()
    done = unescape(
        client.post(
            "/compte/securite/double-authentification/confirmer", data={"otp": code, "next": back}
        ).get_data(as_text=True)
    )
    assert f'href="{back}"' in done and "continuer" in done
    consent = _page(client, back)  # the check just passed covers the next ten minutes
    assert "Je cosigne ces 2 amendements" in consent and 'name="otp"' not in consent
    consents = re.findall(r'name="consent" value="([^"]+)"', consent)
    client.post("/a-signer/signer", data={"consent": consents})
    assert _signed_by(people["lucas"]) == {a.id for a in found}


@pytest.mark.usefixtures("second_factor_required")
def test_a_wrong_code_signs_nothing_and_shows_the_screen_again(client, people, bill):
    amendment = open_amendment(people, bill)
    lucas = people["lucas"]
    lucas.totp_secret, lucas.totp_enabled_at = pyotp.random_base32(), datetime.now(UTC)
    commit()
    login(client, lucas)
    page = _page(client, f"/a-signer/consentement?ids={amendment.id}")
    assert 'name="otp"' in page and "un seul pour tous" in page
    consents = re.findall(r'name="consent" value="([^"]+)"', page)
    refused = client.post("/a-signer/signer", data={"consent": consents, "otp": "000000"})
    assert refused.status_code == 403
    assert "incorrect" in unescape(refused.get_data(as_text=True))
    assert _signed_by(lucas) == set()


def test_a_foreign_next_is_ignored(client, people):
    login(client, people["lucas"])
    page = _page(client, "/compte/securite/?next=https://evil.example/")
    assert "evil.example" not in page


def test_insiders_see_who_has_not_signed_and_remind_them_in_one_action(client, people, bill):
    amendment = open_amendment(people, bill)
    login(client, people["claire"])
    page = _page(client, f"/amendements/{amendment.id}")
    assert "2 députés n'ont pas encore signé" in page
    assert "Julien Bayou" in page and "Relancer les non-signataires" in page
    done = client.post(f"/amendements/{amendment.id}/relancer", follow_redirects=True)
    assert "2 députés relancés." in unescape(done.get_data(as_text=True))
    again = client.post(f"/amendements/{amendment.id}/relancer", follow_redirects=True)
    assert "déjà été relancé aujourd'hui" in unescape(again.get_data(as_text=True))


def test_a_colleague_does_not_see_who_has_not_signed(client, people, bill):
    amendment = open_amendment(people, bill)
    login(client, people["lucas"])
    assert "n'ont pas encore signé" not in _page(client, f"/amendements/{amendment.id}")
    assert client.post(f"/amendements/{amendment.id}/relancer").status_code == 303
    assert client.get(f"/textes/{bill.id}/signatures").status_code == 403


def test_the_group_page_lists_each_deputy_backlog_and_reminds_them(client, people, bill):
    for _ in range(2):
        open_amendment(people, bill)
    login(client, people["claire"])
    board = _page(client, "/echeances")
    assert f'href="/textes/{bill.id}/signatures"' in board
    page = _page(client, f"/textes/{bill.id}/signatures")
    assert "Qui n'a pas signé ? — groupe ECOS" in page
    lucas = people["lucas"].id
    link = f"/textes/{bill.id}/amendements?state=open&group=ECOS&not_signed_by={lucas}"
    assert f'href="{link}"' in page and "2 amendements" in page
    listed = _page(client, link)
    assert "2 amendements" in listed
    done = client.post(
        f"/textes/{bill.id}/signatures/relancer", data={"all": "1"}, follow_redirects=True
    )
    assert "2 députés relancés." in unescape(done.get_data(as_text=True))
