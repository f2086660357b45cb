"""POST /api/v1/bulk/transitions and /bulk/exports: a selection (ids or a filter), each amendment
checked as the single action would, one result each, never a silent cap."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, update

from drafting.db import commit
from drafting.extensions import db
from drafting.models import Amendment, Event, Notification
from drafting.services import amendments, journal
from drafting.services.bulk import actions
from drafting.services.workflow import filing, transitions
from tests.conftest import NOW


def _drafts(people, bill, count: int, author: str = "regol", article: str = "7") -> list[int]:
    ids = []
    for n in range(count):
        position = amendments.PositionInput("article", article, None)
        text = f"À l'alinéa {n % 25 + 1}, supprimer le mot : « de »."
        data = amendments.Draft(bill.id, position, text, "Exposé.")
        ids.append(amendments.create_amendment(people[author], data, NOW).id)
    commit()
    return ids


def _submitted(people, bill, count: int, author: str = "regol") -> list[int]:
    ids = _drafts(people, bill, count, author)
    for amendment_id in ids:
        transitions.transition(people[author], amendment_id, "submit", now=NOW)
    commit()
    return ids


def _state(amendment_id: int) -> str:
    db.session.expire_all()
    return db.session.get_one(Amendment, amendment_id).state


def _events(amendment_id: int, action: str) -> int:
    query = select(func.count(Event.id)).where(
        Event.amendment_id == amendment_id, Event.action == action
    )
    return db.session.scalar(query) or 0


def test_bulk_approve_answers_for_each_amendment_and_touches_only_what_it_may(api, people, bill):
    """One amendment of another group and one draft: both refused as the single action refuses
    them (404 not visible, 409 wrong state), the others approved, one event each."""
    mine = _submitted(people, bill, 3)
    draft = _drafts(people, bill, 1)[0]
    foreign = _submitted(people, bill, 1, author="peu")[0]
    body = {"action": "approve", "ids": [*mine, foreign, draft]}
    response = api(people["claire"]).post("/bulk/transitions", json=body)
    assert response.status_code == 200, response.get_json()
    answer = response.get_json()
    assert (answer["done"], answer["refused"]) == (3, 2)
    assert [i["amendment_id"] for i in answer["items"]] == body["ids"]  # the request's order
    by_id = {i["amendment_id"]: i for i in answer["items"]}
    assert all(by_id[i] == {"amendment_id": i, "status": "done", "error": None} for i in mine)
    assert by_id[foreign]["error"] == {"code": "not_found", "message": "Amendement inconnu."}
    assert by_id[draft]["error"]["code"] == "invalid_state"
    assert [_state(i) for i in mine] == ["open"] * 3
    assert (_state(foreign), _state(draft)) == ("in_review", "draft")
    assert [_events(i, "approved") for i in mine] == [1, 1, 1]
    assert _events(foreign, "approved") == 0
    assert journal.verify_all() == []


def test_a_filter_selects_every_match_server_side(api, people, bill):
    ids = _submitted(people, bill, 4)
    _drafts(people, bill, 2)
    body = {"action": "approve", "filter": {"text_id": bill.id, "state": "in_review"}}
    answer = api(people["claire"]).post("/bulk/transitions", json=body).get_json()
    assert answer["done"] == 4 and answer["refused"] == 0
    assert sorted(i["amendment_id"] for i in answer["items"]) == ids


def test_a_filter_matching_nothing_is_an_empty_answer(api, people, bill):
    body = {"action": "approve", "filter": {"text_id": bill.id, "q": "introuvable"}}
    response = api(people["claire"]).post("/bulk/transitions", json=body)
    assert response.status_code == 200
    assert response.get_json() == {"items": [], "done": 0, "refused": 0}


@pytest.mark.parametrize(
    "body, field",
    [
        ({"action": "approve", "ids": []}, "ids"),
        ({"action": "approve"}, "body"),
        ({"action": "approve", "ids": [1], "filter": {"text_id": 1}}, "body"),
        ({"action": "promote", "ids": [1]}, "action"),
        ({"action": "record_outcome", "ids": [1]}, "outcome"),
        ({"action": "record_outcome", "ids": [1], "outcome": "gagné"}, "outcome"),
        ({"action": "request_changes", "ids": [1]}, "comment"),
        ({"action": "file", "ids": [1]}, "numbers"),
        ({"action": "file", "ids": [1], "numbers": {"x": "12"}}, "numbers"),
        ({"action": "file", "ids": [1], "numbers": {"2": "12"}}, "numbers"),
        ({"action": "file", "ids": [1], "numbers": {"1": "douze"}}, "numbers.1"),
        ({"action": "invite", "ids": [1]}, "deputy_ids"),
        ({"action": "approve", "ids": None, "filter": None}, "body"),
        ({"action": "approve", "filter": {"state": "pending"}}, "state"),
        ({"action": "approve", "ids": [2**40]}, "ids.0"),
        ({"action": "approve", "ids": list(range(1, 100_002))}, "ids"),
    ],
)
def test_bad_requests_are_422_naming_the_field_and_change_nothing(api, people, bill, body, field):
    ids = _submitted(people, bill, 2)
    response = api(people["claire"]).post("/bulk/transitions", json=body)
    assert response.status_code == 422, response.get_json()
    fields = response.get_json()["error"]["fields"]
    assert field in fields or any(k.startswith(field) for k in fields), fields
    assert [_state(i) for i in ids] == ["in_review", "in_review"]


def test_a_repeated_id_is_refused_where_it_repeats_and_acted_on_once(api, people, bill):
    one, two = _submitted(people, bill, 2)
    body = {"action": "approve", "ids": [one, two, one]}
    answer = api(people["claire"]).post("/bulk/transitions", json=body).get_json()
    assert [i["status"] for i in answer["items"]] == ["done", "done", "refused"]
    assert answer["items"][2]["error"]["code"] == "duplicate"
    assert _events(one, "approved") == 1


def test_a_large_selection_is_a_job_whose_result_is_the_same_body(
    api, people, bill, monkeypatch, run_jobs
):
    monkeypatch.setattr(actions, "INLINE_LIMIT", 2)
    monkeypatch.setattr(actions, "BATCH", 2)
    ids = _submitted(people, bill, 5)
    client = api(people["claire"])
    response = client.post("/bulk/transitions", json={"action": "approve", "ids": [*ids, 999]})
    assert response.status_code == 202
    run_jobs()  # a real worker on Redis; inline (already done) without it
    job = response.get_json()["job"]
    polled = client.get(f"/jobs/{job['id']}").get_json()
    assert polled["status"] == "finished" and polled["progress"] == 100
    result = polled["result"]
    assert (result["done"], result["refused"]) == (5, 1)
    assert result["items"][-1]["error"]["code"] == "not_found"
    assert [_state(i) for i in ids] == ["open"] * 5
    assert api(people["hugo"]).get(f"/jobs/{job['id']}").status_code == 404


def test_a_hundred_thousand_ids_are_answered_one_by_one(api, people, bill, monkeypatch, run_jobs):
    ids = _submitted(people, bill, 2)
    requested = [*ids, *range(10_000_000, 10_099_998)]
    client = api(people["claire"])
    response = client.post("/bulk/transitions", json={"action": "approve", "ids": requested})
    assert response.status_code == 202
    run_jobs()  # a real worker on Redis; inline (already done) without it
    result = client.get(f"/jobs/{response.get_json()['job']['id']}").get_json()["result"]
    assert (result["done"], result["refused"]) == (2, 99_998)
    assert len(result["items"]) == 100_000


def test_bulk_file_takes_pasted_numbers_or_numbers_in_order(api, people, bill):
    bill.stage = "commission"  # committee numbers (CL12) on a committee text
    ids = _submitted(people, bill, 4)
    db.session.execute(update(Amendment).where(Amendment.id.in_(ids)).values(state="ready"))
    commit()
    client = api(people["claire"])
    reason = {"deadline_exception_reason": "Délai prorogé par la Conférence des présidents"}
    numbers = {str(ids[0]): "cl12", str(ids[1]): "CL12"}  # the same number twice
    response = client.post(
        "/bulk/transitions",
        json={"action": "file", "ids": ids[:2], "numbers": numbers, **reason},
    )
    assert response.status_code == 422 and "numbers" in response.get_json()["error"]["fields"]
    numbers = {str(ids[0]): "cl12", str(ids[1]): "CL13"}
    answer = client.post(
        "/bulk/transitions", json={"action": "file", "ids": ids[:3], "numbers": numbers, **reason}
    ).get_json()
    assert [i["status"] for i in answer["items"]] == ["done", "done", "refused"]
    assert answer["items"][2]["error"]["code"] == "missing_number"
    answer = client.post(
        "/bulk/transitions",
        json={"action": "file", "ids": ids[2:], "first_number": "CL13", **reason},
    ).get_json()
    assert answer["refused"] == 1
    assert answer["items"][0]["error"]["code"] == "invalid"  # CL13 is taken: refused, untouched
    assert _state(ids[2]) == "ready"
    db.session.expire_all()
    assert db.session.get_one(Amendment, ids[3]).number == "CL14"


def test_bulk_notices_are_grouped_per_person_and_text(api, people, bill):
    ids = _submitted(people, bill, 3)
    db.session.execute(Notification.__table__.delete())
    commit()
    api(people["claire"]).post("/bulk/transitions", json={"action": "approve", "ids": ids})
    notes = list(
        db.session.scalars(select(Notification).where(Notification.user_id == people["regol"].id))
    )
    assert [(n.count, n.message) for n in notes] == [
        (3, "3 amendements approuvés, ouverts à la cosignature (texte n° 809).")
    ]


def test_bulk_invite_and_outcome(api, people, bill):
    ids = _drafts(people, bill, 2)
    client = api(people["regol"])
    answer = client.post(
        "/bulk/transitions", json={"action": "invite", "ids": ids, "deputy_ids": [people["peu"].id]}
    ).get_json()
    assert answer["done"] == 2
    refused = client.post(
        "/bulk/transitions",
        json={"action": "invite", "ids": ids, "deputy_ids": [people["claire"].id]},
    )
    assert refused.status_code == 422
    db.session.execute(
        update(Amendment).where(Amendment.id.in_(ids)).values(state="filed", number="7")
    )
    commit()
    answer = (
        api(people["claire"])
        .post(
            "/bulk/transitions", json={"action": "record_outcome", "ids": ids, "outcome": "tombe"}
        )
        .get_json()
    )
    assert answer["done"] == 2


def test_the_partial_liasse_of_a_selection(api, people, bill, run_jobs):
    ids = _drafts(people, bill, 2)
    foreign = _drafts(people, bill, 1, author="peu")
    response = api(people["claire"]).post("/bulk/exports", json={"ids": [*ids, *foreign]})
    assert response.status_code == 202
    run_jobs()  # a real worker on Redis; inline (already done) without it
    job = api(people["claire"]).get(f"/jobs/{response.get_json()['job']['id']}").get_json()
    assert job["status"] == "finished"
    assert api(people["regol"]).post("/bulk/exports", json={"ids": ids}).status_code == 403
    assert api(people["claire"]).post("/bulk/exports", json={"ids": foreign}).status_code == 422


def test_the_list_takes_the_new_query_parameters(api, people, bill):
    ids = _drafts(people, bill, 3)
    client = api(people["regol"])
    page = client.get(f"/amendments?text_id={bill.id}&order=discussion&q=supprimer&per_page=2")
    answer: dict[str, Any] = page.get_json()
    assert answer["total"] == 3 and [a["id"] for a in answer["items"]] == ids[:2]
    assert client.get("/amendments?order=random").status_code == 422
    assert client.get("/amendments?to_sign=you").status_code == 422
    assert client.get("/amendments?to_sign=me").get_json()["total"] == 0
    assert client.get(f"/amendments?not_signed_by={people['lucas'].id}").get_json()["total"] == 3
    assert client.get("/amendments?not_signed_by=999").status_code == 422
    assert client.get("/amendments?lint=errors").status_code == 422
    assert client.get("/amendments?identical=true").get_json()["total"] == 0


SINGLE_CASES = [
    ("submit", "draft", {}),
    ("request_changes", "in_review", {"comment": "À revoir."}),
    ("approve", "in_review", {}),
    ("close", "open", {}),
    ("reopen", "ready", {}),
    ("abandon", "open", {}),
    ("record_outcome", "filed", {"outcome": "rejete"}),
    ("approve", "draft", {}),
]


@pytest.mark.parametrize("action, state, fields", SINGLE_CASES)
def test_every_role_gets_from_the_bulk_action_what_the_single_action_answers(
    api, people, bill, action, state, fields
):
    """For each role, on an amendment of its own group and one of the other group: done where
    the single route succeeds, refused with the single route's error code where it refuses."""
    own, other = _drafts(people, bill, 1)[0], _drafts(people, bill, 1, author="peu")[0]

    def reset() -> None:
        number = "1" if state == "filed" else None
        db.session.execute(
            update(Amendment)
            .where(Amendment.id.in_([own, other]))
            .values(state=state, number=number)
        )
        commit()

    for name in ("claire", "hugo", "regol", "lucas", "peu", "lea", "admin"):
        client = api(people[name])
        expected = {}
        for amendment_id in (own, other):
            reset()
            single = client.post(
                f"/amendments/{amendment_id}/transitions", json={"action": action, **fields}
            )
            code = None if single.status_code == 200 else single.get_json()["error"]["code"]
            expected[amendment_id] = code
        reset()
        answer = client.post(
            "/bulk/transitions", json={"action": action, "ids": [own, other], **fields}
        ).get_json()
        got = {
            i["amendment_id"]: None if i["status"] == "done" else i["error"]["code"]
            for i in answer["items"]
        }
        assert got == expected, (name, action, state)


def test_bulk_filing_asks_each_author_s_consent(api, people, bill):
    """Regol delegated filing to her secretariat (the test world); Bayou did not: his amendment
    is refused alone, the others are filed."""
    bill.stage = "commission"
    filing.set_delegation(people["bayou"], [], False, NOW)
    ids = _submitted(people, bill, 2) + _submitted(people, bill, 1, author="bayou")
    db.session.execute(update(Amendment).where(Amendment.id.in_(ids)).values(state="ready"))
    commit()
    answer = (
        api(people["claire"])
        .post(
            "/bulk/transitions",
            json={
                "action": "file",
                "ids": ids,
                "first_number": "CL20",
                "deadline_exception_reason": "Délai prorogé",
            },
        )
        .get_json()
    )
    assert [i["status"] for i in answer["items"]] == ["done", "done", "refused"]
    assert answer["items"][2]["error"]["code"] == "author_consent_required"
    assert _state(ids[2]) == "ready"
