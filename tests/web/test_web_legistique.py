"""Légistique pages: the linter's findings on the amendment page, the approval's reason field."""

from __future__ import annotations

import re
from typing import Any

import pytest

from drafting.db import commit
from drafting.services import amendments
from drafting.services.workflow import transitions
from tests.conftest import NOW, login

NBSP = "\u00a0"
PLAIN_SPACES = "À l’alinéa 3, supprimer le mot :\n« article »."


def _draft(people: dict[str, Any], bill: Any, dispositif: str, expose: str = "Exposé.") -> Any:
    data = amendments.Draft(bill.id, amendments.PositionInput("article", "7"), dispositif, expose)
    amendment = amendments.create_amendment(people["regol"], data, NOW)
    commit()
    return amendment


def test_the_amendment_page_lists_the_findings_with_their_span(client, people, bill):
    amendment = _draft(people, bill, f"Supprimer l’alinéa{NBSP}99.")
    login(client, people["regol"])
    page = client.get(f"/amendements/{amendment.id}").get_data(as_text=True)
    assert "Vérifications de rédaction" in page
    assert "L’alinéa 99 n’existe pas" in page
    assert "les erreurs empêchent la soumission au groupe" in page


def test_a_clean_amendment_page_says_so(client, people, bill):
    amendment = _draft(people, bill, "Supprimer cet article.")
    login(client, people["regol"])
    page = client.get(f"/amendements/{amendment.id}").get_data(as_text=True)
    assert "Aucune remarque" in page


def test_the_secretariat_may_give_a_reason_to_approve_with_warnings(client, people, bill):
    amendment = _draft(people, bill, PLAIN_SPACES)
    transitions.transition(people["regol"], amendment.id, "submit", now=NOW)
    commit()
    login(client, people["claire"])
    page = client.get(f"/amendements/{amendment.id}").get_data(as_text=True)
    assert 'name="lint_reason"' in page
    url = f"/amendements/{amendment.id}/transitions"
    client.post(url, data={"action": "approve", "lint_reason": "Vu."})
    commit()
    assert amendments.get_visible_amendment(people["claire"], amendment.id).state == "open"


def _article_id(bill: Any, number: str) -> int:
    return next(a.id for a in bill.articles if a.number == number)


def test_the_editor_writes_the_dispositif_of_the_edited_article(client, people, bill):
    login(client, people["lea"])
    alineas = [f"Alinéa {n} de l'article 7." for n in range(1, 26)]
    alineas[4] = "Alinéa 5 de la loi."
    response = client.post(
        "/amendements/legistique/dispositif",
        json={"article_id": _article_id(bill, "7"), "alineas": alineas},
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["position"] == {"kind": "article", "article": "7", "alinea": 5}
    assert "substituer" in body["dispositif"]


def test_the_editor_says_no_change_and_several_articles_as_json(client, people, bill):
    login(client, people["regol"])
    url = "/amendements/legistique/dispositif"
    same = client.post(url, json={"article_id": _article_id(bill, "8"), "alineas": []})
    assert same.status_code == 200  # every alinéa emptied: the article is deleted
    unchanged = client.post(
        url,
        json={
            "article_id": _article_id(bill, "8"),
            "alineas": ["Premier alinéa.", "Second alinéa."],
        },
    )
    assert unchanged.status_code == 422
    assert unchanged.get_json()["error"]["code"] == "no_change"
    two = client.post(
        url, json={"article_id": _article_id(bill, "8"), "alineas": ["Art. 9", "Texte."]}
    )
    assert two.get_json()["error"]["code"] == "several_articles"


def test_the_editor_checks_the_draft_live(client, people, bill):
    login(client, people["regol"])
    response = client.post(
        "/amendements/legistique/verification",
        json={
            "article_id": _article_id(bill, "8"),
            "dispositif": f"Supprimer l’alinéa{NBSP}1.",
            "expose": "",
            "kind": "article",
            "alinea": 2,
        },
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["alineas"] == ["Second alinéa."]
    assert body["reason"] is None
    assert {f["code"] for f in body["lint"]} == {"expose_empty", "position_mismatch"}


def test_a_draft_the_applier_does_not_understand_says_why(client, people, bill):
    login(client, people["regol"])
    response = client.post(
        "/amendements/legistique/verification",
        json={"article_id": _article_id(bill, "8"), "dispositif": "Supprimer l’alinéa 7."},
    )
    body = response.get_json()
    assert body["alineas"] is None
    assert "n’existe pas" in body["reason"]
    assert [f["code"] for f in body["lint"]] == ["alinea_missing"]


def test_an_additional_article_is_checked_without_the_article_s_alineas(client, people, bill):
    login(client, people["regol"])
    response = client.post(
        "/amendements/legistique/verification",
        json={
            "article_id": _article_id(bill, "8"),
            "dispositif": f"Après l’article 8, insérer l’article suivant{NBSP}:\nTexte.",
            "kind": "after_article",
        },
    )
    body = response.get_json()
    assert body["alineas"] is None and body["reason"] is None
    assert "heading_in_dispositif" in {f["code"] for f in body["lint"]}


@pytest.mark.parametrize(
    ("url", "body", "status", "code"),
    [
        ("/amendements/legistique/dispositif", None, 400, "malformed_json"),
        ("/amendements/legistique/dispositif", {"alineas": []}, 422, "invalid"),
        ("/amendements/legistique/dispositif", {"article_id": "1", "alineas": []}, 422, "invalid"),
        ("/amendements/legistique/dispositif", {"article_id": 1, "alineas": [1]}, 422, "invalid"),
        (
            "/amendements/legistique/dispositif",
            {"article_id": 2**40, "alineas": []},
            422,
            "invalid",
        ),
        (
            "/amendements/legistique/dispositif",
            {"article_id": 999, "alineas": []},
            404,
            "not_found",
        ),
        ("/amendements/legistique/verification", {"article_id": 1}, 422, "invalid"),
        (
            "/amendements/legistique/verification",
            {"article_id": 1, "dispositif": "x", "kind": "nowhere"},
            422,
            "invalid",
        ),
        (
            "/amendements/legistique/verification",
            {"article_id": 1, "dispositif": "x", "alinea": True},
            422,
            "invalid",
        ),
        (
            "/amendements/legistique/verification",
            {"article_id": 1, "dispositif": "x", "parent_id": 999},
            404,
            "not_found",
        ),
    ],
)
def test_the_editor_endpoints_refuse_bad_input_clearly(
    client, people, bill, url, body, status, code
):
    login(client, people["regol"])
    if body is None:
        response = client.post(url, data="{", content_type="application/json")
    else:
        response = client.post(url, json=body)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code


def test_the_editor_page_carries_the_edit_mode_and_the_new_formulas(client, people, bill):
    login(client, people["regol"])
    page = client.get(f"/amendements/nouveau/{bill.id}?article=7").get_data(as_text=True)
    assert "Modifier le texte de l'article" in page
    assert 'data-formula="Rédiger ainsi l\'alinéa {n} :&#10;« {text} »"' in page
    assert "Supprimer les alinéas {n} à {m}." in page
    assert "Rétablir cet article dans la rédaction suivante" in page
    assert "data-formula=\"Compléter l'alinéa {n} par les mots" in page
    assert "après le mot :&#10;« … »,&#10;insérer les mots" in page
    formulas = re.findall(r'data-formula="([^"]*)"', page)
    assert not [f for f in formulas if "insérer l'article suivant" in f]
    assert 'data-additional-article="after_article"' in page
    assert "editor.js" in page and "<script>" not in page


def test_the_amended_text_page_marks_the_changes_and_the_conflicts(client, people, bill):
    from tests.documents_helpers import make_amendment

    first = make_amendment(
        people["regol"], bill, dispositif=f"Supprimer l’alinéa{NBSP}2.", state="open"
    )
    second = make_amendment(
        people["lucas"], bill, dispositif=f"Supprimer l’alinéa{NBSP}2.", state="open"
    )
    login(client, people["claire"])
    page = client.get(f"/textes/{bill.id}/texte-amende").get_data(as_text=True)
    assert "Texte amendé par les amendements en cours de votre groupe (2)" in page
    deleted = f'<del>Alinéa 2 de l&#39;article 7.</del> <span class="by">[#{first.id}]</span>'
    assert deleted in page
    assert f"#{second.id} n&#39;est pas appliqué : #{first.id} modifie déjà le même texte." in page


def test_the_amended_text_of_one_amendment_is_linked_from_its_page(client, people, bill):
    from tests.documents_helpers import make_amendment

    amendment = make_amendment(people["regol"], bill, dispositif=f"Supprimer l’alinéa{NBSP}2.")
    login(client, people["regol"])
    page = client.get(f"/amendements/{amendment.id}").get_data(as_text=True)
    link = f"/textes/{bill.id}/texte-amende?ensemble=un&amp;amendement={amendment.id}&amp;article=7"
    assert link in page
    amended = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert "Texte amendé par l&#39;amendement #" in amended
    assert amended.count("<h2>ARTICLE") == 1


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("ensemble=tout", 422),
        ("ensemble=un&amendement=abc", 422),
        ("ensemble=un", 422),
        ("ensemble=selection", 422),
        ("ensemble=selection&ids=1&ids=x", 422),
        ("ensemble=un&amendement=99999", 404),
        ("article=99", 422),
        ("ensemble=selection&" + "&".join(f"ids={n}" for n in range(1_001)), 422),
    ],
)
def test_the_amended_text_page_refuses_bad_input(client, people, bill, query, status):
    login(client, people["regol"])
    assert client.get(f"/textes/{bill.id}/texte-amende?{query}").status_code == status


def test_the_amended_text_of_an_unknown_text_is_404(client, people, bill):
    login(client, people["regol"])
    assert client.get("/textes/999/texte-amende").status_code == 404


SUB_PARENT = (
    f"Compléter cet article par l’alinéa suivant{NBSP}:\n"
    f"«{NBSP}Le traitement est autorisé pour douze mois.{NBSP}»"
)
SUB_DISPOSITIF = (
    f"À l’alinéa{NBSP}2, substituer aux mots{NBSP}:\n«{NBSP}douze mois{NBSP}»\n"
    f"les mots{NBSP}:\n«{NBSP}six mois{NBSP}»."
)


def _filed_parent(people: dict[str, Any], bill: Any) -> Any:
    from tests.documents_helpers import make_amendment

    return make_amendment(
        people["peu"], bill, article="8", dispositif=SUB_PARENT, state="filed", number="27"
    )


def test_a_deputy_sub_amends_a_filed_amendment_from_its_page(client, people, bill):
    parent = _filed_parent(people, bill)
    login(client, people["regol"])
    page = client.get(f"/amendements/{parent.id}").get_data(as_text=True)
    editor_url = f"/amendements/nouveau/{bill.id}?parent={parent.id}"
    assert f'href="{editor_url}"' in page and "Sous-amender" in page
    editor = client.get(editor_url).get_data(as_text=True)
    assert "Nouveau sous-amendement" in editor
    assert f'name="parent_id" value="{parent.id}"' in editor
    assert "Le traitement est autorisé pour douze mois." in editor  # the parent's paragraphs
    assert "Compléter cet amendement par les mots" in editor
    saved = client.post(
        editor_url,
        data={
            "parent_id": str(parent.id),
            "kind": "article",
            "article": "8",
            "alinea": "2",
            "dispositif": SUB_DISPOSITIF,
            "expose": "Six mois suffisent.",
        },
        follow_redirects=True,
    )
    shown = saved.get_data(as_text=True)
    assert "Sous-amendement #" in shown and "à l'amendement <a" in shown
    assert "non soumis au délai de dépôt" in shown
    listed = client.get(f"/amendements/{parent.id}").get_data(as_text=True)
    assert "Sous-amendements" in listed


def test_a_sub_amendment_out_of_the_parent_s_paragraphs_is_422_with_the_input_kept(
    client, people, bill
):
    parent = _filed_parent(people, bill)
    login(client, people["regol"])
    response = client.post(
        f"/amendements/nouveau/{bill.id}",
        data={
            "parent_id": str(parent.id),
            "kind": "article",
            "article": "8",
            "alinea": "9",
            "dispositif": SUB_DISPOSITIF,
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "paragraphe absent de l&#39;amendement (1 à 2)" in page
    assert "Nouveau sous-amendement" in page


@pytest.mark.parametrize(("parent", "status"), [("abc", 422), ("99999", 404), ("", 200)])
def test_the_sub_amendment_editor_refuses_a_bad_parent(client, people, bill, parent, status):
    login(client, people["regol"])
    assert client.get(f"/amendements/nouveau/{bill.id}?parent={parent}").status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("regol", 302),
        ("lucas", 302),
        ("peu", 302),
        ("lea", 302),
        ("claire", 302),
        ("hugo", 302),
        ("admin", 403),
    ],
)
def test_who_may_sub_amend_a_filed_amendment(client, people, bill, who, status):
    parent = _filed_parent(people, bill)
    login(client, people[who])
    author = {"claire": people["regol"], "hugo": people["peu"]}.get(who)
    data = {
        "parent_id": str(parent.id),
        "kind": "article",
        "article": "8",
        "dispositif": SUB_DISPOSITIF,
        "expose": "E.",
    }
    if author is not None:
        data["author_id"] = str(author.id)
    response = client.post(f"/amendements/nouveau/{bill.id}", data=data)
    assert response.status_code == status


@pytest.mark.parametrize(("who", "status"), [("regol", 404), ("peu", 409)])
def test_a_draft_cannot_be_sub_amended_nor_seen_by_another_group(client, people, bill, who, status):
    from tests.documents_helpers import make_amendment

    draft = make_amendment(people["peu"], bill, article="8", dispositif=SUB_PARENT)
    login(client, people[who])
    assert client.get(f"/amendements/nouveau/{bill.id}?parent={draft.id}").status_code == status


def test_the_api_drafts_a_sub_amendment(api, people, bill):
    parent = _filed_parent(people, bill)
    client = api(people["lucas"])
    body = {
        "text_id": bill.id,
        "position": {"kind": "article", "article": "8", "alinea": 2},
        "dispositif": SUB_DISPOSITIF,
        "expose": "Six mois.",
        "parent_id": parent.id,
    }
    created = client.post("/amendments", body)
    assert created.status_code == 201
    assert created.get_json()["parent_id"] == parent.id
    assert created.get_json()["lint"] == []
    assert client.post("/amendments", body | {"parent_id": 99999}).status_code == 404
    other_article = body | {"position": {"kind": "article", "article": "7"}}
    refused = client.post("/amendments", other_article)
    assert refused.status_code == 422
    assert "position.article" in refused.get_json()["error"]["fields"]
