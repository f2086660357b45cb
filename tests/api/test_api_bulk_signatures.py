"""POST /api/v1/signatures: several consents, one second-factor code, one signature each, bound
to the text shown; what changed or closed since is refused one by one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
import pytest
from sqlalchemy import select, update

from drafting.db import commit
from drafting.extensions import db
from drafting.models import Amendment, Signature
from drafting.services import amendments, journal
from drafting.services.accounts import second_factor
from tests.conftest import NOW, open_amendment


def _opened(people, bill, count: int, author: str = "regol") -> list[Amendment]:
    return [open_amendment(people, bill, author) for _ in range(count)]


def _items(found: list[Amendment]) -> list[dict[str, Any]]:
    return [{"amendment_id": a.id, "content_hash": a.content_hash} for a in found]


def _signature(amendment_id: int, deputy_id: int) -> Signature | None:
    query = select(Signature).where(
        Signature.amendment_id == amendment_id, Signature.deputy_id == deputy_id
    )
    return db.session.scalar(query)


def test_each_amendment_gets_its_own_signature_on_the_text_shown(api, people, bill):
    found = _opened(people, bill, 3)
    answer = api(people["lucas"]).post("/signatures", json={"items": _items(found)})
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert (body["signed"], body["refused"]) == (3, 0)
    assert body["items"] == [
        {"amendment_id": a.id, "status": "signed", "error": None} for a in found
    ]
    for amendment in found:
        signature = _signature(amendment.id, people["lucas"].id)
        assert signature is not None
        assert (signature.version, signature.content_hash) == (1, amendment.content_hash)
    assert journal.verify_all() == []


def test_what_changed_closed_or_is_not_theirs_is_refused_one_by_one(api, people, bill):
    fine, edited, closed = _opened(people, bill, 3)
    foreign = open_amendment(people, bill, "peu")
    shown = _items([fine, edited, closed, foreign])
    edit = amendments.Edit(edited.version, expose="Un exposé réécrit.")
    amendments.update_amendment(people["regol"], edited.id, edit, NOW)
    db.session.execute(update(Amendment).where(Amendment.id == closed.id).values(state="ready"))
    commit()
    draft = amendments.create_amendment(
        people["regol"],
        amendments.Draft(
            bill.id, amendments.PositionInput("article", "8"), "Supprimer cet article."
        ),
        NOW,
    )
    commit()
    shown.append({"amendment_id": draft.id, "content_hash": draft.content_hash})
    body = api(people["lucas"]).post("/signatures", json={"items": shown}).get_json()
    codes = [None if i["error"] is None else i["error"]["code"] for i in body["items"]]
    assert codes == [None, "stale_version", "invalid_state", "not_found", "not_found"]
    assert (body["signed"], body["refused"]) == (1, 4)
    assert "relisez la nouvelle version" in body["items"][1]["error"]["message"]
    assert [_signature(a.id, people["lucas"].id) is not None for a in (fine, edited, closed)] == [
        True,
        False,
        False,
    ]


def test_signing_again_the_same_text_is_signed_and_a_repeat_is_refused(api, people, bill):
    one, two = _opened(people, bill, 2)
    lucas = api(people["lucas"])
    lucas.post("/signatures", json={"items": _items([one])})
    body = lucas.post("/signatures", json={"items": _items([one, two, one])}).get_json()
    assert [i["status"] for i in body["items"]] == ["signed", "signed", "refused"]
    assert body["items"][2]["error"]["code"] == "duplicate"


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"items": []}, "items"),
        ({}, "items"),
        ({"items": [{"amendment_id": 1, "content_hash": "abc"}]}, "items.0.content_hash"),
        ({"items": [{"amendment_id": 1, "content_hash": "G" * 64}]}, "items.0.content_hash"),
        ({"items": [{"amendment_id": 1}]}, "items.0.content_hash"),
        ({"items": [{"amendment_id": i, "content_hash": "a" * 64} for i in range(1001)]}, "items"),
    ],
)
def test_bad_requests_are_422_and_sign_nothing(api, people, bill, payload, field):
    response = api(people["lucas"]).post("/signatures", json=payload)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert db.session.scalar(select(Signature.id)) is None


def test_only_deputies_sign(api, people, bill):
    found = _opened(people, bill, 1)
    for who in ("claire", "lea", "admin"):
        response = api(people[who]).post("/signatures", json={"items": _items(found)})
        assert response.status_code == 403


@pytest.fixture
def second_factor_required(app, monkeypatch):
    monkeypatch.setitem(app.config, "LIASSE_REQUIRE_2FA", True)


def _enrol(user) -> str:
    now = datetime.now(UTC)
    enrolment = second_factor.start_enrolment(user, now)
    second_factor.confirm_enrolment(user, pyotp.TOTP(enrolment.secret).at(now), now)
    commit()
    return enrolment.secret


@pytest.mark.usefixtures("second_factor_required")
def test_one_code_covers_the_whole_batch(api, people, bill):
    secret = _enrol(people["lucas"])
    found = _opened(people, bill, 4)
    lucas = api(people["lucas"])
    refused = lucas.post("/signatures", json={"items": _items(found)})
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "second_factor_required"
    wrong = lucas.post("/signatures", json={"items": _items(found), "otp": "000000"})
    assert wrong.status_code == 403
    assert db.session.scalar(select(Signature.id)) is None  # nothing signed without the code
    code = pyotp.TOTP(secret).at(datetime.now(UTC) + timedelta(seconds=30))
    body = lucas.post("/signatures", json={"items": _items(found), "otp": code}).get_json()
    assert body["signed"] == 4


@pytest.mark.usefixtures("second_factor_required")
def test_without_a_second_factor_set_up_nothing_is_signed(api, people, bill):
    found = _opened(people, bill, 2)
    response = api(people["lucas"]).post("/signatures", json={"items": _items(found)})
    assert response.status_code == 403
    assert "activez la double authentification" in response.get_json()["error"]["message"]


def test_who_has_not_signed_and_reminders_through_the_api(api, people, bill):
    amendment = open_amendment(people, bill)
    staff = api(people["claire"])
    names = [
        u["name"]
        for u in staff.get(f"/amendments/{amendment.id}/non-signatories").get_json()["items"]
    ]
    assert names == ["Julien Bayou", "Benjamin Lucas-Lundy"]
    assert (
        api(people["lucas"]).get(f"/amendments/{amendment.id}/non-signatories").status_code == 403
    )
    assert api(people["hugo"]).get(f"/amendments/{amendment.id}/non-signatories").status_code == 404
    reminded = staff.post(f"/amendments/{amendment.id}/reminders").get_json()["reminded"]
    assert len(reminded) == 2
    assert staff.post(f"/amendments/{amendment.id}/reminders").get_json() == {"reminded": []}
    backlog = staff.get(f"/texts/{bill.id}/signing-backlog").get_json()["items"]
    assert {(b["deputy"]["name"], b["to_sign"]) for b in backlog} == {
        ("Julien Bayou", 1),
        ("Benjamin Lucas-Lundy", 1),
        ("Sandra Regol", 0),
    }
    admin = api(people["admin"])
    assert admin.get(f"/texts/{bill.id}/signing-backlog?group=GDR").get_json()["items"] == [
        {"deputy": admin.get("/users?role=deputy&group=GDR").get_json()["items"][0], "to_sign": 0}
    ]
    assert admin.get(f"/texts/{bill.id}/signing-backlog?group=XXX").status_code == 422
    assert api(people["lucas"]).get(f"/texts/{bill.id}/signing-backlog").status_code == 403
    sent = staff.post(f"/texts/{bill.id}/reminders", json={"deputy_ids": [people["lucas"].id]})
    assert [u["name"] for u in sent.get_json()["reminded"]] == ["Benjamin Lucas-Lundy"]
    again = staff.post(f"/texts/{bill.id}/reminders", json={"deputy_ids": [people["lucas"].id]})
    assert again.get_json() == {"reminded": []}  # once a day
