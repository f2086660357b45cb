"""The JSON API v1 contract of the foundation: auth, groups, users, texts, amendments."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

from drafting.extensions import db
from tests.conftest import PASSWORD, draft_payload


def test_token_is_issued_for_good_credentials_and_revoked_at_logout(client, people, api):
    response = client.post(
        "/api/v1/auth/token", json={"email": people["regol"].email, "password": PASSWORD}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["user"] == {
        "id": people["regol"].id,
        "email": "sandra.regol@an.example",
        "name": "Sandra Regol",
        "civility": "Mme",
        "role": "deputy",
        "group": "ECOS",
        "deputy_id": None,
    }
    headers = {"Authorization": f"Bearer {body['token']}"}
    assert client.get("/api/v1/texts", headers=headers).status_code == 200
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    revoked = client.get("/api/v1/texts", headers=headers)
    assert revoked.status_code == 401
    assert revoked.get_json()["error"]["code"] == "bad_token"


def test_bad_password_is_401_and_repeated_failures_are_throttled_with_429(client, people):
    body = {"email": people["regol"].email, "password": "wrong-password"}
    statuses = [client.post("/api/v1/auth/token", json=body).status_code for _ in range(6)]
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    good = {"email": people["regol"].email, "password": PASSWORD}
    assert client.post("/api/v1/auth/token", json=good).status_code == 429


def test_missing_or_unknown_token_is_401_with_error_shape(api, people):
    response = api(None).get("/texts")
    assert response.status_code == 401
    assert set(response.get_json()["error"]) == {"code", "message", "fields"}


def test_admin_creates_groups_and_others_get_403(api, people):
    created = api(people["admin"]).post("/groups", {"code": "soc", "name": "Socialistes"})
    assert created.status_code == 201
    assert created.get_json() == {
        "id": created.get_json()["id"],
        "code": "SOC",
        "name": "Socialistes",
    }
    assert api(people["claire"]).post("/groups", {"code": "X", "name": "X"}).status_code == 403
    duplicate = api(people["admin"]).post("/groups", {"code": "SOC", "name": "Autre"})
    assert duplicate.status_code == 409
    codes = [g["code"] for g in api(people["regol"]).get("/groups").get_json()["items"]]
    assert codes == ["ECOS", "GDR", "SOC"]


def test_admin_creates_an_assistant_for_a_deputy(api, people):
    response = api(people["admin"]).post(
        "/users",
        {
            "email": "assistant@an.example",
            "name": "Paul Durand",
            "civility": "M.",
            "role": "assistant",
            "group": "ECOS",
            "password": PASSWORD,
            "deputy_id": people["lucas"].id,
        },
    )
    assert response.status_code == 201
    assert response.get_json()["deputy_id"] == people["lucas"].id


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"role": "king"}, "role"),
        ({"group": "NOPE"}, "group"),
        ({"civility": "Dr"}, "civility"),
        ({"email": "not-an-address"}, "email"),
    ],
)
def test_invalid_user_fields_are_422_naming_the_field(api, people, changes, field):
    body = {
        "email": "x@an.example",
        "name": "X Y",
        "civility": "M.",
        "role": "deputy",
        "group": "ECOS",
        "password": PASSWORD,
    } | changes
    response = api(people["admin"]).post("/users", body)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_weak_password_is_refused(api, people):
    body = {
        "email": "x@an.example",
        "name": "X Y",
        "role": "deputy",
        "group": "ECOS",
        "password": "short",
    }
    response = api(people["admin"]).post("/users", body)
    assert response.status_code == 422
    assert "password" in response.get_json()["error"]["fields"]


def test_users_are_filtered_by_role_and_group(api, people):
    items = api(people["claire"]).get("/users?role=deputy&group=ECOS").get_json()["items"]
    assert sorted(u["name"] for u in items) == [
        "Benjamin Lucas-Lundy",
        "Julien Bayou",
        "Sandra Regol",
    ]


def text_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "title": "PROJET DE LOI relatif aux jeux Olympiques et Paralympiques de 2024",
        "number": "809",
        "stage": "seance",
        "examination_starts_at": "2023-02-06T15:00:00+01:00",
        "articles": [
            {"number": "7", "heading": "VSA", "alineas": ["Un.", "Deux."]},
            {"number": "8", "alineas": ["Trois."]},
        ],
    }
    return body | overrides


def test_secretariat_loads_a_text_and_everyone_reads_it(api, people):
    created = api(people["claire"]).post("/texts", text_body())
    assert created.status_code == 201
    text = created.get_json()
    assert [a["number"] for a in text["articles"]] == ["7", "8"]
    assert text["articles"][0]["alineas"] == ["Un.", "Deux."]
    assert text["filing_deadline_rule"] == "art99"
    fetched = api(people["peu"]).get(f"/texts/{text['id']}").get_json()
    assert fetched["articles"] == text["articles"]
    assert api(people["regol"]).post("/texts", text_body()).status_code == 403


def test_text_with_duplicate_articles_or_no_article_is_422(api, people):
    duplicate = text_body(articles=[{"number": "7"}, {"number": "7"}])
    assert api(people["claire"]).post("/texts", duplicate).status_code == 422
    assert api(people["claire"]).post("/texts", text_body(articles=[])).status_code == 422
    naive = text_body(examination_starts_at="2023-02-06T15:00:00")
    assert api(people["claire"]).post("/texts", naive).status_code == 422


def test_unknown_text_is_404(api, people):
    assert api(people["regol"]).get("/texts/999").status_code == 404


def test_deputy_drafts_an_amendment_with_the_contract_fields(api, people, bill):
    response = api(people["regol"]).post("/amendments", draft_payload(bill.id))
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) >= {
        "id",
        "text_id",
        "position",
        "dispositif",
        "expose",
        "author",
        "created_by",
        "group",
        "state",
        "version",
        "content_hash",
        "number",
        "outcome",
        "created_at",
        "updated_at",
    }
    assert body["position"] == {"kind": "article", "article": "7", "alinea": None}
    assert (body["state"], body["version"], body["group"]) == ("draft", 1, "ECOS")
    assert body["author"]["id"] == body["created_by"]["id"] == people["regol"].id
    assert len(body["content_hash"]) == 64 and body["number"] is None


def test_assistant_drafts_on_behalf_of_their_deputy(api, people, bill):
    body = api(people["lea"]).post("/amendments", draft_payload(bill.id)).get_json()
    assert body["author"]["id"] == people["regol"].id
    assert body["created_by"]["id"] == people["lea"].id
    other = draft_payload(bill.id, author_id=people["lucas"].id)
    assert api(people["lea"]).post("/amendments", other).status_code == 403


def test_secretariat_drafts_for_a_deputy_of_its_group_only(api, people, bill):
    mine = draft_payload(bill.id, author_id=people["lucas"].id)
    assert api(people["claire"]).post("/amendments", mine).status_code == 201
    theirs = draft_payload(bill.id, author_id=people["peu"].id)
    assert api(people["claire"]).post("/amendments", theirs).status_code == 403
    assert api(people["claire"]).post("/amendments", draft_payload(bill.id)).status_code == 422


def test_admin_cannot_draft(api, people, bill):
    assert api(people["admin"]).post("/amendments", draft_payload(bill.id)).status_code == 403


@pytest.mark.parametrize(
    ("position", "field"),
    [
        ({"kind": "article", "article": "99"}, "position.article"),
        ({"kind": "article", "article": "8", "alinea": 3}, "position.alinea"),
        ({"kind": "after_article", "article": "8", "alinea": 1}, "position.alinea"),
        ({"kind": "sideways", "article": "8"}, "position.kind"),
    ],
)
def test_position_must_exist_in_the_text(api, people, bill, position, field):
    response = api(people["regol"]).post("/amendments", draft_payload(bill.id, position=position))
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_empty_dispositif_is_422(api, people, bill):
    response = api(people["regol"]).post("/amendments", draft_payload(bill.id, dispositif=" \n"))
    assert response.status_code == 422
    assert "dispositif" in response.get_json()["error"]["fields"]


def test_oversized_text_is_refused_and_nothing_is_stored(api, people, bill):
    response = api(people["regol"]).post(
        "/amendments", draft_payload(bill.id, expose="x" * 100_001)
    )
    assert response.status_code in (413, 422)
    assert api(people["regol"]).get("/amendments").get_json()["total"] == 0


def test_request_body_over_the_limit_is_413(api, people, bill):
    response = api(people["regol"]).post(
        "/amendments", draft_payload(bill.id, expose="x" * 3_000_000)
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"


def test_malformed_json_is_400(api, people, bill):
    client = api(people["regol"])
    response = client.call("POST", "/amendments", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "malformed_json"
    array = client.call("POST", "/amendments", data="[1]", content_type="application/json")
    assert array.status_code == 400


def test_control_characters_are_removed_never_stored(api, people, bill):
    dirty = "Supprimer\x00 cet\x1b article.\u202e"
    body = (
        api(people["regol"])
        .post("/amendments", draft_payload(bill.id, dispositif=dirty))
        .get_json()
    )
    assert body["dispositif"] == "Supprimer cet article."


def test_edit_makes_a_new_version_and_a_stale_version_is_409(api, people, bill):
    client = api(people["regol"])
    created = client.post("/amendments", draft_payload(bill.id)).get_json()
    first = client.patch(f"/amendments/{created['id']}", {"version": 1, "expose": "Nouveau."})
    assert first.status_code == 200
    assert first.get_json()["version"] == 2
    assert first.get_json()["content_hash"] != created["content_hash"]
    stale = client.patch(f"/amendments/{created['id']}", {"version": 1, "expose": "Écrasé ?"})
    assert stale.status_code == 409
    assert stale.get_json()["error"]["code"] == "stale_version"
    assert client.get(f"/amendments/{created['id']}").get_json()["expose"] == "Nouveau."


def test_edit_can_move_the_position(api, people, bill):
    client = api(people["regol"])
    created = client.post("/amendments", draft_payload(bill.id)).get_json()
    moved = client.patch(
        f"/amendments/{created['id']}",
        {
            "version": 1,
            "position": {"kind": "article", "article": "7", "alinea": 22},
            "dispositif": "À l'alinéa 22, supprimer les mots : « en temps réel ».",
        },
    )
    assert moved.get_json()["position"] == {"kind": "article", "article": "7", "alinea": 22}


def test_content_hash_is_sha256_of_the_canonical_serialisation(api, people, bill):
    import hashlib
    import json

    body = api(people["regol"]).post("/amendments", draft_payload(bill.id)).get_json()
    canonical = json.dumps(
        {
            "text_id": bill.id,
            "position": {"kind": "article", "article": "7", "alinea": None},
            "dispositif": body["dispositif"],
            "expose": body["expose"],
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    assert body["content_hash"] == hashlib.sha256(canonical.encode()).hexdigest()


@pytest.mark.parametrize(
    ("viewer", "visible"),
    [
        ("regol", True),
        ("lea", True),
        ("claire", True),
        ("admin", True),
        ("lucas", False),
        ("peu", False),
        ("hugo", False),
    ],
)
def test_a_draft_is_visible_only_to_author_assistants_secretariat_and_admins(
    api, people, bill, viewer, visible
):
    created = api(people["regol"]).post("/amendments", draft_payload(bill.id)).get_json()
    response = api(people[viewer]).get(f"/amendments/{created['id']}")
    assert response.status_code == (200 if visible else 404)
    listed = api(people[viewer]).get(f"/amendments?text_id={bill.id}").get_json()
    assert listed["total"] == (1 if visible else 0)
    edit = api(people[viewer]).patch(f"/amendments/{created['id']}", {"version": 1, "expose": "."})
    if not visible:
        assert edit.status_code == 404


def test_list_filters_by_article_state_group_and_paginates(api, people, bill):
    client = api(people["regol"])
    for n in range(1, 6):
        client.post(
            "/amendments",
            draft_payload(
                bill.id,
                position={"kind": "article", "article": "7", "alinea": n},
                dispositif=f"Supprimer l'alinéa {n}.",
            ),
        )
    client.post("/amendments", draft_payload(bill.id, position={"kind": "article", "article": "8"}))
    page = api(people["claire"]).get(f"/amendments?text_id={bill.id}&article=7&per_page=2&page=2")
    body = page.get_json()
    assert (body["total"], body["page"], body["per_page"]) == (5, 2, 2)
    assert [a["position"]["alinea"] for a in body["items"]] == [3, 4]
    assert api(people["claire"]).get("/amendments?group=GDR").get_json()["total"] == 0
    assert api(people["claire"]).get("/amendments?state=draft").get_json()["total"] == 6
    assert api(people["claire"]).get("/amendments?per_page=1000").status_code == 422


def test_list_runs_a_constant_number_of_queries_whatever_the_page_size(api, people, bill):
    client = api(people["claire"])
    for _ in range(30):
        api(people["regol"]).post("/amendments", draft_payload(bill.id))
    client.get("/amendments?per_page=1")  # warm-up: records the token's first use
    text_id = bill.id
    counts = []
    for per_page in (1, 10, 30):
        statements: list[str] = []

        def count(*args: Any, statements: list[str] = statements, **kwargs: Any) -> None:
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            url = f"/amendments?text_id={text_id}&per_page={per_page}"
            assert client.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        counts.append(len(statements))
    assert counts[0] == counts[1] == counts[2]
    assert counts[0] <= 4


def test_unknown_amendment_is_404(api, people):
    assert api(people["regol"]).get("/amendments/4242").status_code == 404
    assert api(people["regol"]).patch("/amendments/4242", {"version": 1}).status_code == 404


def test_openapi_document_is_public_and_lists_every_endpoint(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert {
        "/auth/token",
        "/groups",
        "/users",
        "/texts",
        "/texts/{text_id}",
        "/amendments",
        "/amendments/{amendment_id}",
    } <= set(document["paths"])
    assert "AmendmentOut" in document["components"]["schemas"]
