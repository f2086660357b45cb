"""Web pages of the foundation: login, dashboard, text, editor, amendment page."""

from __future__ import annotations

from drafting.extensions import db
from drafting.models import Amendment
from drafting.services.cosigning import signatures
from tests.conftest import NOW, PASSWORD, login, open_amendment


def test_pages_require_login(client):
    response = client.get("/tableau-de-bord")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_login_with_bad_password_shows_an_error_in_french(client, people):
    response = client.post("/login", data={"email": people["regol"].email, "password": "nope"})
    assert response.status_code == 401
    assert "Adresse ou mot de passe incorrect" in response.get_data(as_text=True)


def test_web_login_is_throttled_after_repeated_failures(client, people):
    for _ in range(5):
        client.post("/login", data={"email": people["regol"].email, "password": "nope"})
    response = client.post("/login", data={"email": people["regol"].email, "password": PASSWORD})
    assert response.status_code == 429


def test_login_then_logout_revokes_the_session(client, people):
    login(client, people["regol"])
    assert client.get("/tableau-de-bord").status_code == 200
    client.post("/logout")
    assert client.get("/tableau-de-bord").status_code == 302


def test_login_ignores_an_offsite_next_parameter(client, people):
    response = client.post(
        "/login?next=//evil.example/", data={"email": people["regol"].email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/tableau-de-bord"


def test_text_page_lists_articles_alineas_and_amender_actions(client, people, bill):
    login(client, people["regol"])
    page = client.get(f"/textes/{bill.id}").get_data(as_text=True)
    assert "Article 7" in page and "Alinéa 25 de l&#39;article 7." in page
    assert f"/amendements/nouveau/{bill.id}?article=7" in page


def test_editor_shows_formulas_and_the_targeted_article_text(client, people, bill):
    login(client, people["regol"])
    page = client.get(f"/amendements/nouveau/{bill.id}?article=8").get_data(as_text=True)
    assert "Supprimer cet article." in page
    assert "substituer aux mots" in page
    assert "Premier alinéa." in page


def test_deputy_drafts_through_the_form_and_sees_the_amendment(client, people, bill):
    login(client, people["regol"])
    response = client.post(
        f"/amendements/nouveau/{bill.id}",
        data={
            "kind": "article",
            "article": "7",
            "alinea": "",
            "dispositif": "Supprimer cet article.",
            "expose": "<script>alert(1)</script>",
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Supprimer cet article." in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_invalid_form_keeps_the_input_and_names_the_field(client, people, bill):
    login(client, people["regol"])
    response = client.post(
        f"/amendements/nouveau/{bill.id}",
        data={
            "kind": "article",
            "article": "7",
            "alinea": "99",
            "dispositif": "Mon texte précieux",
            "expose": "",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Mon texte précieux" in page and "position.alinea" in page


def _draft(client, bill) -> int:
    response = client.post(
        f"/amendements/nouveau/{bill.id}",
        data={
            "kind": "article",
            "article": "7",
            "dispositif": "Supprimer cet article.",
            "expose": "A",
        },
    )
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_stale_edit_from_the_page_is_refused_and_loses_nothing(client, people, bill):
    login(client, people["regol"])
    amendment_id = _draft(client, bill)
    form = {
        "version": "1",
        "kind": "article",
        "article": "7",
        "dispositif": "Supprimer cet article.",
        "expose": "B",
    }
    assert client.post(f"/amendements/{amendment_id}/modifier", data=form).status_code == 302
    stale = client.post(f"/amendements/{amendment_id}/modifier", data=form | {"expose": "Mon C"})
    assert stale.status_code == 409
    assert "Mon C" in stale.get_data(as_text=True)
    assert db.session.get(Amendment, amendment_id).expose == "B"


def test_other_group_deputy_gets_404_on_a_draft_page(client, people, bill):
    login(client, people["regol"])
    amendment_id = _draft(client, bill)
    client.post("/logout")
    login(client, people["peu"])
    assert client.get(f"/amendements/{amendment_id}").status_code == 404
    assert client.get(f"/amendements/{amendment_id}/modifier").status_code == 404


def test_assistant_drafts_for_their_deputy_from_the_page(client, people, bill):
    login(client, people["lea"])
    amendment_id = _draft(client, bill)
    assert db.session.get(Amendment, amendment_id).author_id == people["regol"].id


def test_dashboard_lists_my_amendments(client, people, bill):
    login(client, people["regol"])
    _draft(client, bill)
    page = client.get("/tableau-de-bord").get_data(as_text=True)
    assert "Mes amendements" in page and "Brouillon" in page


def test_the_editor_warns_the_author_before_an_edit_makes_signatures_stale(client, people, bill):
    amendment = open_amendment(people, bill)
    login(client, people["regol"])
    page = client.get(f"/amendements/{amendment.id}/modifier").get_data(as_text=True)
    assert "stale-warning" not in page
    signatures.sign(people["lucas"], amendment.id, NOW)
    db.session.commit()
    page = client.get(f"/amendements/{amendment.id}/modifier").get_data(as_text=True)
    assert "Cette version porte 1 cosignature" in page
