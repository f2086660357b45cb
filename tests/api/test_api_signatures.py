"""Co-signature API: sign, re-confirm, withdraw, void, invite, decline, the "À signer" list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, insert, update

from drafting.db import commit
from drafting.extensions import db
from drafting.models import ApiToken, Signature
from drafting.services.accounts import registration
from tests.conftest import NOW


def url(amendment, tail: str = "/signatures") -> str:
    return f"/amendments/{amendment.id}{tail}"


def test_a_colleague_signs_with_an_empty_body_201(api, people, opened):
    response = api(people["lucas"]).post(url(opened))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["deputy"]["id"] == people["lucas"].id and body["current"] is True
    assert (body["version"], body["content_hash"]) == (1, opened.content_hash)
    assert body["withdrawn_at"] is None and body["voided_at"] is None


def test_signing_twice_the_same_version_is_200_with_the_same_signature(api, people, opened):
    lucas = api(people["lucas"])
    first = lucas.post(url(opened), json={})
    again = lucas.post(url(opened), json={"otp": None})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["signed_at"] == first.json["signed_at"]
    assert len(lucas.get(url(opened)).json["items"]) == 1


@pytest.mark.parametrize("who", ["lea", "claire", "admin"])
def test_assistants_secretariats_and_admins_cannot_sign_403(api, people, opened, who):
    assert api(people[who]).post(url(opened)).status_code == 403


def test_the_author_never_signs_409(api, people, opened):
    response = api(people["regol"]).post(url(opened))
    assert response.status_code == 409
    assert response.json["error"]["code"] == "author_signs_by_right"


def test_another_group_s_deputy_signs_once_invited(api, people, opened):
    peu = api(people["peu"])
    assert peu.post(url(opened)).status_code == 404  # not invited: not visible at all
    invited = api(people["lea"]).post(
        url(opened, "/invitations"), json={"deputy_ids": [people["peu"].id]}
    )
    assert invited.status_code == 201
    [item] = invited.json["items"]
    assert item["deputy"]["name"] == "Stéphane Peu" and item["declined_at"] is None
    assert peu.post(url(opened)).status_code == 201


def test_a_declined_invitation_forbids_signing(api, people, opened):
    api(people["regol"]).post(url(opened, "/invitations"), json={"deputy_ids": [people["peu"].id]})
    peu = api(people["peu"])
    assert peu.delete(url(opened, "/invitations/me")).status_code == 204
    assert peu.post(url(opened)).status_code == 403
    [item] = api(people["regol"]).get(url(opened, "/invitations")).json["items"]
    assert item["declined_at"] is not None


def test_invitations_are_checked(api, people, opened):
    body = {"deputy_ids": [people["peu"].id]}
    assert api(people["lucas"]).post(url(opened, "/invitations"), json=body).status_code == 403
    bad = api(people["regol"]).post(
        url(opened, "/invitations"), json={"deputy_ids": [people["hugo"].id]}
    )
    assert bad.status_code == 422 and "deputy_ids" in bad.json["error"]["fields"]
    empty = api(people["regol"]).post(url(opened, "/invitations"), json={"deputy_ids": []})
    assert empty.status_code == 422


def test_an_edit_makes_the_signature_stale_then_it_is_reconfirmed(api, people, opened):
    lucas = api(people["lucas"])
    lucas.post(url(opened))
    patched = api(people["regol"]).patch(
        url(opened, ""), json={"version": 1, "dispositif": "Supprimer les alinéas 1 à 3."}
    )
    assert patched.status_code == 200
    listed = lucas.get(url(opened)).json
    assert listed["items"][0]["current"] is False and listed["current_count"] == 0
    [pending] = lucas.get("/signatures/pending").json["items"]
    assert (pending["amendment"]["id"], pending["reason"]) == (opened.id, "stale")
    reconfirmed = lucas.post(url(opened))
    assert reconfirmed.status_code == 201
    assert reconfirmed.json["current"] is True and reconfirmed.json["version"] == 2
    assert lucas.get(url(opened)).json["current_count"] == 1


def test_a_consent_given_on_an_older_text_is_409(api, people, opened):
    read = opened.content_hash
    api(people["regol"]).patch(url(opened, ""), json={"version": 1, "dispositif": "Autre."})
    response = api(people["lucas"]).post(url(opened), json={"content_hash": read})
    assert response.status_code == 409 and response.json["error"]["code"] == "stale_version"


def test_withdrawal_is_204_and_the_row_stays_with_its_date(api, people, opened):
    lucas = api(people["lucas"])
    lucas.post(url(opened))
    assert lucas.delete(url(opened, "/signatures/me")).status_code == 204
    [item] = lucas.get(url(opened)).json["items"]
    assert item["withdrawn_at"] is not None and item["current"] is False
    history = lucas.get(url(opened, "/history")).json["items"]
    assert [e["action"] for e in history][-2:] == ["signed", "withdrawn"]


def test_withdrawing_without_a_signature_is_404(api, people, opened):
    assert api(people["lucas"]).delete(url(opened, "/signatures/me")).status_code == 404


def test_void_needs_the_group_secretariat_and_a_reason(api, people, opened):
    api(people["bayou"]).post(url(opened))
    void = url(opened, f"/signatures/{people['bayou'].id}/void")
    assert api(people["lucas"]).post(void, json={"reason": "Erreur"}).status_code == 403
    assert api(people["claire"]).post(void, json={}).status_code == 422
    assert api(people["claire"]).post(void, json={"reason": " "}).status_code == 422
    done = api(people["claire"]).post(void, json={"reason": "Ajoutée par erreur"})
    assert done.status_code == 200
    assert done.json["void_reason"] == "Ajoutée par erreur" and done.json["current"] is False


def test_signatures_are_listed_in_signing_order(api, people, opened):
    for who in ("bayou", "lucas"):
        api(people[who]).post(url(opened))
    names = [i["deputy"]["name"] for i in api(people["regol"]).get(url(opened)).json["items"]]
    assert names == ["Julien Bayou", "Benjamin Lucas-Lundy"]


def test_the_pending_list_holds_group_and_invited_amendments(api, people, opened):
    [item] = api(people["lucas"]).get("/signatures/pending").json["items"]
    assert (item["amendment"]["id"], item["reason"]) == (opened.id, "group")
    api(people["claire"]).post(url(opened, "/invitations"), json={"deputy_ids": [people["peu"].id]})
    [item] = api(people["peu"]).get("/signatures/pending").json["items"]
    assert item["reason"] == "invited"
    assert api(people["claire"]).get("/signatures/pending").json["items"] == []


def test_the_openapi_document_shows_the_optional_body_and_both_success_codes(api):
    spec = api(None).get("/openapi.json").json
    post = spec["paths"]["/amendments/{amendment_id}/signatures"]["post"]
    assert post["requestBody"]["required"] is False
    assert {"200", "201"} <= set(post["responses"])
    assert spec["paths"]["/amendments"]["post"]["requestBody"]["required"] is True


def _cosignatories(amendment, count: int, prefix: str) -> None:
    """`count` more ECOS deputies with a current signature each (bulk inserted, in order)."""
    ids = [
        registration.create_user(
            email=f"{prefix}{n}@an.example",
            name=f"Député {prefix} {n}",
            role="deputy",
            password="Motdepasse-solide-42",
            group_code="ECOS",
        ).id
        for n in range(count)
    ]
    start = NOW + timedelta(hours=len(prefix))
    rows = [
        {
            "amendment_id": amendment.id,
            "deputy_id": deputy_id,
            "version": 1,
            "content_hash": amendment.content_hash,
            "first_signed_at": start + timedelta(seconds=n),
            "signed_at": start + timedelta(seconds=n),
        }
        for n, deputy_id in enumerate(ids)
    ]
    db.session.execute(insert(Signature), rows)
    commit()


def _queries(call) -> int:
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    db.session.expunge_all()  # the test shares the requests' session: start from an empty one
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def _driver_statements(call) -> int:
    """Statements the database driver was given during `call`: SQLAlchemy's and the ones run on
    the driver's cursor directly (drafting.infra.direct), which SQLAlchemy's events do not see."""
    if db.engine.dialect.name != "postgresql":
        return _queries(call)
    import psycopg

    seen: list[str] = []

    class Counting(psycopg.Cursor):
        def execute(self, query, params=None, **kwargs):  # type: ignore[no-untyped-def]
            seen.append(str(query))
            return super().execute(query, params, **kwargs)

    def counting(dbapi_connection, _record, _proxy) -> None:
        dbapi_connection.cursor_factory = Counting

    db.session.remove()  # the request checks a connection out afresh, and is counted
    event.listen(db.engine, "checkout", counting)
    try:
        call()
    finally:
        event.remove(db.engine, "checkout", counting)
        db.session.remove()
        for record in list(db.engine.pool._pool.queue):  # type: ignore[attr-defined]
            record.dbapi_connection.cursor_factory = psycopg.Cursor
    return len(seen)


def test_200_cosignatories_are_listed_in_a_constant_number_of_queries(api, people, opened):
    """How fast is measured in benchmarks/, not here: the number of queries does not grow."""
    regol = api(people["regol"])
    _cosignatories(opened, 3, "a")
    regol.get(url(opened))  # the token's first use is recorded once
    few = _queries(lambda: regol.get(url(opened)))
    _cosignatories(opened, 197, "bb")
    response = regol.get(url(opened))
    assert response.json["current_count"] == 200 and len(response.json["items"]) == 200
    assert _queries(lambda: regol.get(url(opened))) == few


def test_with_the_second_factor_required_signing_sends_no_more_statements(
    app, api, people, opened, monkeypatch
):
    """The production default: the deputy is enrolled and passed a check a moment ago, which
    the token carries; nothing more is read to let them sign (the user's TOTP secret comes with
    the token's row)."""
    monkeypatch.setitem(app.config, "LIASSE_REQUIRE_2FA", True)
    lucas_id = people["lucas"].id
    people["lucas"].totp_secret, people["lucas"].totp_enabled_at = "JBSWY3DPEHPK3PXP", NOW
    lucas, signatures_url = api(people["lucas"]), url(opened)
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == lucas_id)
        .values(last_used_at=datetime.now(UTC), second_factor_at=datetime.now(UTC))
    )
    commit()
    responses = []
    count = _driver_statements(lambda: responses.append(lucas.post(signatures_url)))
    assert responses[0].status_code == 201, responses[0].get_json()
    assert count == (3 if db.engine.dialect.name == "postgresql" else 5)


def test_a_first_signature_is_written_in_three_statements_on_postgresql(api, people, opened):
    """Token; amendment under lock with its journal chain head, the deputy's signature and the
    group's deadlines; then the signature, its event and the new chain head, in one statement on
    PostgreSQL (data-modifying WITHs) and three on SQLite. BEGIN and COMMIT come on top."""
    lucas, lucas_id = api(people["lucas"]), people["lucas"].id
    signatures_url, history_url = url(opened), url(opened, "/history")
    db.session.execute(  # the token was used a moment ago: no last-use stamp to write
        update(ApiToken).where(ApiToken.user_id == lucas_id).values(last_used_at=datetime.now(UTC))
    )
    commit()
    responses = []
    count = _driver_statements(lambda: responses.append(lucas.post(signatures_url)))
    assert responses[0].status_code == 201
    assert count == (3 if db.engine.dialect.name == "postgresql" else 5)
    last = lucas.get(history_url).json["items"][-1]
    assert last["action"] == "signed" and last["data"]["deputy_id"] == lucas_id
    assert [s["deputy"]["id"] for s in lucas.get(signatures_url).json["items"]] == [lucas_id]
