"""POST /dispositifs and /dispositifs/apply: the generator and the applier behind the API."""

from __future__ import annotations

from typing import Any

import pytest

from drafting.db import commit
from drafting.services import amendments
from tests.conftest import NOW

NBSP = "\u00a0"


def _article(bill: Any, number: str) -> Any:
    return next(a for a in bill.articles if a.number == number)


def _alineas(bill: Any, number: str) -> list[str]:
    return [a.content for a in _article(bill, number).alineas]


def test_an_edited_word_is_written_as_a_substitution_placed_on_its_alinea(api, people, bill):
    edited = _alineas(bill, "7")
    edited[11] = "Alinéa 12 de la loi."
    response = api(people["regol"]).post(
        "/dispositifs", {"article_id": _article(bill, "7").id, "alineas": edited}
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["position"] == {"kind": "article", "article": "7", "alinea": 12}
    assert body["dispositif"].startswith(f"À l’alinéa{NBSP}12, substituer")
    assert f"«{NBSP}la loi{NBSP}»" in body["dispositif"]


def test_the_written_dispositif_applies_back_to_the_edited_article(api, people, bill):
    client = api(people["lea"])
    article_id = _article(bill, "7").id
    edited = _alineas(bill, "7")
    del edited[3:5]
    edited.insert(10, "Un alinéa nouveau.")
    written = client.post("/dispositifs", {"article_id": article_id, "alineas": edited})
    assert written.status_code == 200, written.get_json()
    applied = client.post(
        "/dispositifs/apply",
        {"article_id": article_id, "dispositif": written.get_json()["dispositif"]},
    )
    assert applied.status_code == 200
    assert applied.get_json() == {"alineas": edited}


def test_deleting_every_alinea_deletes_the_article(api, people, bill):
    response = api(people["claire"]).post(
        "/dispositifs", {"article_id": _article(bill, "10").id, "alineas": []}
    )
    assert response.get_json()["dispositif"] == "Supprimer cet article."
    assert response.get_json()["position"]["alinea"] is None


def test_an_edit_that_changes_nothing_is_422_no_change(api, people, bill):
    article = _article(bill, "8")
    spaced = [f"  {text}  " for text in _alineas(bill, "8")]
    response = api(people["regol"]).post(
        "/dispositifs", {"article_id": article.id, "alineas": spaced}
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "no_change"


def test_an_edit_touching_two_articles_is_refused_with_article_98(api, people, bill):
    edited = [*_alineas(bill, "8"), "Article 9", "Un nouvel article."]
    response = api(people["regol"]).post(
        "/dispositifs", {"article_id": _article(bill, "8").id, "alineas": edited}
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "several_articles"
    assert "art. 98" in error["message"]
    assert "alineas.2" in error["fields"]


def test_a_dispositif_not_understood_is_422_not_understood_never_a_guess(api, people, bill):
    response = api(people["regol"]).post(
        "/dispositifs/apply",
        {"article_id": _article(bill, "8").id, "dispositif": "Modifier un peu cet article."},
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "not_understood"


def test_a_dispositif_citing_a_missing_alinea_is_not_understood(api, people, bill):
    response = api(people["regol"]).post(
        "/dispositifs/apply",
        {"article_id": _article(bill, "8").id, "dispositif": "Supprimer l’alinéa 9."},
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "not_understood"
    assert "n’existe pas" in error["fields"]["dispositif"]


def test_applying_a_deletion_of_an_alinea(api, people, bill):
    response = api(people["regol"]).post(
        "/dispositifs/apply",
        {"article_id": _article(bill, "8").id, "dispositif": "Supprimer l’alinéa 1."},
    )
    assert response.status_code == 200
    assert response.get_json() == {"alineas": ["Second alinéa."]}


def test_a_sub_amendment_is_written_on_the_parent_s_paragraphs(api, people, bill):
    article = _article(bill, "8")
    draft = amendments.Draft(
        bill.id,
        amendments.PositionInput("article", "8"),
        f"Compléter cet article par l’alinéa suivant{NBSP}:\n«{NBSP}Un troisième alinéa.{NBSP}»",
        "Exposé.",
    )
    parent = amendments.create_amendment(people["peu"], draft, NOW)
    parent.state = "filed"
    commit()
    paragraphs = parent.dispositif.split("\n")
    edited = [paragraphs[0], f"«{NBSP}Un troisième et dernier alinéa.{NBSP}»"]
    client = api(people["regol"])
    body = {"article_id": article.id, "alineas": edited, "parent_id": parent.id}
    response = client.post("/dispositifs", body)
    assert response.status_code == 200, response.get_json()
    written = response.get_json()["dispositif"]
    assert written.startswith(f"À l’alinéa{NBSP}2,")
    applied = client.post(
        "/dispositifs/apply",
        {"article_id": article.id, "dispositif": written, "parent_id": parent.id},
    )
    assert applied.get_json()["alineas"] == edited


@pytest.mark.parametrize(
    ("path", "body", "status", "field"),
    [
        ("/dispositifs", {"alineas": []}, 422, "article_id"),
        ("/dispositifs", {"article_id": 1, "alineas": "texte"}, 422, "alineas"),
        ("/dispositifs", {"article_id": 1, "alineas": [3]}, 422, "alineas.0"),
        ("/dispositifs", {"article_id": 1, "alineas": ["x"] * 1_001}, 422, "alineas"),
        ("/dispositifs", {"article_id": 2**40, "alineas": []}, 422, "article_id"),
        ("/dispositifs/apply", {"article_id": 1}, 422, "dispositif"),
        ("/dispositifs/apply", {"article_id": 1, "dispositif": "x" * 100_001}, 422, "dispositif"),
        ("/dispositifs/apply", {"article_id": 1, "dispositif": "  "}, 422, "dispositif"),
    ],
)
def test_bad_input_is_a_clear_422(api, people, bill, path, body, status, field):
    response = api(people["regol"]).post(path, body)
    assert response.status_code == status
    assert field in response.get_json()["error"]["fields"]


def test_unknown_article_or_parent_is_404(api, people, bill):
    client = api(people["regol"])
    assert client.post("/dispositifs", {"article_id": 999, "alineas": []}).status_code == 404
    body = {"article_id": _article(bill, "8").id, "alineas": [], "parent_id": 999}
    assert client.post("/dispositifs", body).status_code == 404


def test_malformed_json_is_400(api, people, bill):
    response = api(people["regol"]).post("/dispositifs", data="{", content_type="application/json")
    assert response.status_code == 400


def test_admins_do_not_draft_and_get_403(api, people, bill):
    body = {"article_id": _article(bill, "8").id, "alineas": []}
    assert api(people["admin"]).post("/dispositifs", body).status_code == 403


def test_a_dispositif_the_applier_would_read_otherwise_is_never_handed_out(api, people, bill):
    """An unclosed guillemet in a restored article: « Rétablir cet article … » would not give
    the typed text back (the closing guillemet would be read as the text's), so none is given."""
    from drafting.services import texts

    data = texts.TextInput(
        "Proposition de loi",
        "12",
        "seance",
        articles=[texts.ArticleInput("3", None, ["(Supprimé)"])],
    )
    article = texts.create_text(people["claire"], data, NOW).articles[0]
    commit()
    response = api(people["regol"]).post(
        "/dispositifs", {"article_id": article.id, "alineas": ["Le mot « ouvert sans fin."]}
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "not_understood"
