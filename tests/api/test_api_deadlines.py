"""API of deadlines: computed filing deadlines, overrides, reopenings, group deadlines, my
deadlines, and their enforcement on co-signature and filing (409 deadline_passed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from drafting.db import commit
from drafting.extensions import db
from drafting.models import Amendment, Event
from tests.conftest import draft_payload

FILING = "2023-03-16T16:00:00+00:00"  # the bill n° 809: jeudi 16 mars 2023 à 17 h 00 (art. 99)
REVIEW_BY = "2023-03-14T12:00:00+01:00"
COSIGN_BY = "2023-03-15T18:00:00+01:00"


def text_body(stage: str, starts: str | None, **extra) -> dict:
    body = {
        "title": "PROJET DE LOI de test",
        "number": "1",
        "stage": stage,
        "examination_starts_at": starts,
        "articles": [{"number": "1er", "alineas": ["A."]}],
    }
    return {**body, **extra}


@pytest.mark.parametrize(
    ("stage", "starts", "deadline", "rule"),
    [
        pytest.param(
            "seance",
            "2023-02-06T15:00:00+01:00",
            "2023-02-02T16:00:00+00:00",
            "art99",
            id="pension_reform_monday_6_february_2023",
        ),
        pytest.param(
            "seance",
            "2023-05-02T15:00:00+02:00",
            "2023-04-27T15:00:00+00:00",
            "art99",
            id="tuesday_after_1_may",
        ),
        pytest.param(
            "commission",
            "2023-07-17T09:30:00+02:00",
            "2023-07-12T15:00:00+00:00",
            "art86",
            id="commission_week_of_14_july",
        ),
        pytest.param(
            "seance",
            "2023-11-03T09:30:00+01:00",
            "2023-10-30T16:00:00+00:00",
            "art99",
            id="week_of_1_november_after_the_october_change",
        ),
        pytest.param(
            "commission",
            "2023-03-29T15:00:00+02:00",
            "2023-03-25T16:00:00+00:00",
            "art86",
            id="saturday_before_the_march_change",
        ),
        pytest.param(
            "seance",
            "2023-03-30T15:00:00+02:00",
            "2023-03-27T15:00:00+00:00",
            "art99",
            id="monday_after_the_march_change",
        ),
        pytest.param("seance", None, None, None, id="no_examination_date_no_deadline"),
    ],
)
def test_post_texts_computes_the_filing_deadline_from_the_reglement(
    api, people, stage, starts, deadline, rule
):
    created = api(people["claire"]).post("/texts", text_body(stage, starts))
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["filing_deadline"], body["filing_deadline_rule"]) == (deadline, rule)


def test_a_given_filing_deadline_is_an_override(api, people):
    given = "2019-02-14T18:00:00+01:00"
    created = (
        api(people["claire"])
        .post("/texts", text_body("seance", "2019-02-17T15:00:00+01:00", filing_deadline=given))
        .get_json()
    )
    assert created["filing_deadline_rule"] == "override"
    assert created["filing_deadline"] == "2019-02-14T17:00:00+00:00"


def test_put_filing_deadline_records_an_override_shown_on_the_text(api, people, bill):
    response = api(people["admin"]).put(
        f"/texts/{bill.id}/filing-deadline",
        {"filing_deadline": "2023-03-17T18:00:00+01:00", "reason": "Conférence des présidents"},
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["filing_deadline_rule"] == "override"
    shown = api(people["regol"]).get(f"/texts/{bill.id}").get_json()
    assert (shown["filing_deadline"], shown["filing_deadline_rule"]) == (
        "2023-03-17T17:00:00+00:00",
        "override",
    )


@pytest.mark.parametrize(
    ("who", "body", "status"),
    [
        pytest.param("regol", {"filing_deadline": FILING, "reason": "x"}, 403, id="deputy"),
        pytest.param("claire", {"filing_deadline": FILING, "reason": "x"}, 403, id="secretariat"),
        pytest.param("admin", {"filing_deadline": FILING, "reason": " "}, 422, id="no_reason"),
        pytest.param(
            "admin",
            {"filing_deadline": "2023-03-17T18:00:00", "reason": "x"},
            422,
            id="naive_datetime",
        ),
    ],
)
def test_put_filing_deadline_refusals(api, people, bill, who, body, status):
    response = api(people[who]).put(f"/texts/{bill.id}/filing-deadline", body)
    assert response.status_code == status, response.get_json()


def test_post_reopening_is_201_and_listed_on_the_text(api, people, bill):
    body = {
        "article": "7",
        "until": "2023-03-18T12:00:00+01:00",
        "reason": "Amendement n° 2 du Gouvernement",
    }
    response = api(people["admin"]).post(f"/texts/{bill.id}/reopenings", body)
    assert response.status_code == 201, response.get_json()
    assert response.get_json() == {**body, "until": "2023-03-18T11:00:00+00:00"}
    shown = api(people["peu"]).get(f"/texts/{bill.id}").get_json()
    assert shown["reopenings"] == [response.get_json()]


@pytest.mark.parametrize(
    ("who", "article", "status"),
    [
        pytest.param("regol", "7", 403, id="deputy"),
        pytest.param("hugo", "7", 403, id="secretariat"),
        pytest.param("admin", "42", 422, id="unknown_article"),
    ],
)
def test_post_reopening_refusals(api, people, bill, who, article, status):
    body = {"article": article, "until": "2023-03-18T12:00:00+01:00", "reason": "Motif"}
    response = api(people[who]).post(f"/texts/{bill.id}/reopenings", body)
    assert response.status_code == status
    if status == 422:
        assert "article" in response.get_json()["error"]["fields"]


def test_put_group_deadlines_sets_them_and_get_text_shows_the_caller_s(api, people, bill):
    response = api(people["claire"]).put(
        f"/texts/{bill.id}/deadlines/ECOS", {"review_by": REVIEW_BY, "cosign_by": COSIGN_BY}
    )
    assert response.status_code == 200, response.get_json()
    expected = {
        "group": "ECOS",
        "review_by": "2023-03-14T11:00:00+00:00",
        "cosign_by": "2023-03-15T17:00:00+00:00",
    }
    assert response.get_json() == expected
    for who in ("regol", "lea", "claire"):
        assert api(people[who]).get(f"/texts/{bill.id}").get_json()["group_deadlines"] == expected
    for who in ("peu", "admin"):
        assert api(people[who]).get(f"/texts/{bill.id}").get_json()["group_deadlines"] is None


def test_put_group_deadlines_keeps_an_absent_field_and_clears_a_null_one(api, people, bill):
    client = api(people["claire"])
    client.put(f"/texts/{bill.id}/deadlines/ECOS", {"review_by": REVIEW_BY, "cosign_by": COSIGN_BY})
    kept = client.put(f"/texts/{bill.id}/deadlines/ECOS", {"cosign_by": None}).get_json()
    assert (kept["review_by"], kept["cosign_by"]) == ("2023-03-14T11:00:00+00:00", None)


@pytest.mark.parametrize(
    ("who", "group", "body", "status", "fields"),
    [
        pytest.param("hugo", "ECOS", {"cosign_by": COSIGN_BY}, 403, set(), id="other_group"),
        pytest.param("regol", "ECOS", {"cosign_by": COSIGN_BY}, 403, set(), id="deputy"),
        pytest.param(
            "claire",
            "ECOS",
            {"cosign_by": "2023-03-16T18:00:00+01:00"},
            422,
            {"cosign_by"},
            id="after_the_filing_deadline",
        ),
        pytest.param(
            "claire",
            "ECOS",
            {"review_by": COSIGN_BY, "cosign_by": REVIEW_BY},
            422,
            {"review_by"},
            id="review_after_cosign",
        ),
        pytest.param("claire", "NOPE", {"cosign_by": COSIGN_BY}, 404, set(), id="unknown_group"),
    ],
)
def test_put_group_deadlines_refusals(api, people, bill, who, group, body, status, fields):
    response = api(people[who]).put(f"/texts/{bill.id}/deadlines/{group}", body)
    assert response.status_code == status, response.get_json()
    if fields:
        assert set(response.get_json()["error"]["fields"]) == fields


def test_get_deadlines_lists_mine_soonest_first(api, people, bill):
    soon = datetime.now(UTC) + timedelta(days=10)
    future = api(people["claire"]).post("/texts", text_body("seance", soon.isoformat())).get_json()
    review = datetime.fromisoformat(future["filing_deadline"]) - timedelta(days=2)
    api(people["claire"]).put(
        f"/texts/{future['id']}/deadlines/ECOS",
        {"review_by": review.isoformat(), "cosign_by": (review + timedelta(days=1)).isoformat()},
    )
    api(people["hugo"]).put(
        f"/texts/{future['id']}/deadlines/GDR", {"cosign_by": review.isoformat()}
    )
    items = api(people["regol"]).get("/deadlines?upcoming=true").get_json()["items"]
    assert [(i["kind"], i["group"], i["text_id"]) for i in items] == [
        ("review", "ECOS", future["id"]),
        ("cosign", "ECOS", future["id"]),
        ("filing", None, future["id"]),
    ]
    assert items[-1]["rule"] == "art99" and items[-1]["text_number"] == "1"
    everything = api(people["regol"]).get("/deadlines?upcoming=false").get_json()["items"]
    assert everything[0]["text_id"] == bill.id and everything[0]["kind"] == "filing"


def _amendment_in(api, people, bill, state: str) -> int:
    created = api(people["regol"]).post("/amendments", draft_payload(bill.id)).get_json()
    amendment = db.session.get(Amendment, created["id"])
    amendment.state = state
    commit()
    return int(amendment.id)


def test_cosigning_after_cosign_by_is_409_deadline_passed_naming_it(api, people, bill):
    amendment_id = _amendment_in(api, people, bill, "open")
    api(people["claire"]).put(f"/texts/{bill.id}/deadlines/ECOS", {"cosign_by": COSIGN_BY})
    response = api(people["lucas"]).post(f"/amendments/{amendment_id}/signatures", {})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "deadline_passed"
    assert "mercredi 15 mars 2023 à 18 h 00" in error["message"]


def test_filing_after_the_deadline_needs_a_reason_which_is_journalled(api, people, bill):
    amendment_id = _amendment_in(api, people, bill, "ready")
    path = f"/amendments/{amendment_id}/transitions"
    refused = api(people["claire"]).post(path, {"action": "file", "number": "27"})
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "deadline_passed"
    assert "jeudi 16 mars 2023 à 17 h 00" in refused.get_json()["error"]["message"]
    reason = "Réouverture décidée en Conférence des présidents"
    filed = api(people["claire"]).post(
        path, {"action": "file", "number": "27", "deadline_exception_reason": reason}
    )
    assert filed.status_code == 200, filed.get_json()
    event = db.session.scalar(
        select(Event).where(Event.amendment_id == amendment_id, Event.action == "filed")
    )
    assert event is not None and event.data["deadline_exception_reason"] == reason


def test_filing_on_a_reopened_article_needs_no_reason(api, people, bill):
    amendment_id = _amendment_in(api, people, bill, "ready")
    until = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    api(people["admin"]).post(
        f"/texts/{bill.id}/reopenings", {"article": "7", "until": until, "reason": "Gouvernement"}
    )
    filed = api(people["claire"]).post(
        f"/amendments/{amendment_id}/transitions", {"action": "file", "number": "27"}
    )
    assert filed.status_code == 200, filed.get_json()


def test_a_filing_deadline_change_is_told_to_every_group_and_can_be_undone(api, people, bill):
    from drafting.models import Notification

    api(people["claire"]).put(f"/texts/{bill.id}/deadlines/ECOS", {"cosign_by": COSIGN_BY})
    moved = api(people["admin"]).put(
        f"/texts/{bill.id}/filing-deadline",
        {"filing_deadline": "2023-03-14T17:00:00+01:00", "reason": "Conférence des présidents"},
    )
    assert moved.status_code == 200
    notes = db.session.query(Notification).filter_by(kind="filing_deadline_changed").all()
    told = {note.user_id for note in notes}
    assert {people["claire"].id, people["hugo"].id} <= told  # every group, not only one
    assert any("ECOS" in note.message for note in notes), "the late group deadline is flagged"
    assert all("Admin" in note.message and "Conférence" in note.message for note in notes)
    back = api(people["admin"]).delete(
        f"/texts/{bill.id}/filing-deadline", json={"reason": "Décision annulée"}
    )
    assert back.status_code == 200, back.get_json()
    assert back.get_json()["filing_deadline_rule"] == "art99"
    assert back.get_json()["filing_deadline"] == FILING
    refused = api(people["claire"]).delete(
        f"/texts/{bill.id}/filing-deadline", json={"reason": "Non"}
    )
    assert refused.status_code == 403
