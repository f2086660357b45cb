"""The workflow through the JSON API: every row of the table, allowed and refused; history,
revisions, comments, the group flag, the inbox; two secretariats approving at once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from drafting.db import commit
from drafting.extensions import db
from drafting.models import Amendment, Event, Notification
from tests.conftest import draft_payload, make_user

STATES = ["draft", "in_review", "open", "ready", "filed", "abandoned"]
# (action, from) -> to, and who may, as the issue writes it (roles of the fixture people).
TABLE = {
    ("submit", "draft"): ("in_review", ["regol", "lea"]),
    ("request_changes", "in_review"): ("draft", ["claire"]),
    ("approve", "in_review"): ("open", ["claire"]),
    ("close", "open"): ("ready", ["claire", "regol"]),
    ("reopen", "ready"): ("open", ["claire"]),
    ("file", "ready"): ("filed", ["claire"]),
    ("record_outcome", "filed"): ("filed", ["claire"]),
    **{
        ("abandon", s): ("abandoned", ["regol", "claire"])
        for s in ("draft", "in_review", "open", "ready")
    },
}
INSIDERS = ["regol", "lea", "claire"]
FIELDS = {
    "request_changes": {"comment": "Précisez l'alinéa visé."},
    "file": {"number": "27"},
    "record_outcome": {"outcome": "rejete"},
}
ALLOWED = [(a, s, who, to) for (a, s), (to, whos) in TABLE.items() for who in whos]
REFUSED_ROLE = [
    (a, s, who) for (a, s), (_, whos) in TABLE.items() for who in INSIDERS if who not in whos
]
OUT_OF_TURN = [(a, s) for a in {a for a, _ in TABLE} for s in STATES if (a, s) not in TABLE]


@pytest.fixture
def amendment_in(api, people, bill):
    """amendment_in(state) -> id of an amendment by Sandra Regol put in that state."""

    bill.filing_deadline = datetime.now(UTC) + timedelta(days=30)  # the API's clock is real
    commit()

    def make(state: str) -> int:
        created = api(people["regol"]).post("/amendments", draft_payload(bill.id))
        amendment = db.session.get(Amendment, created.get_json()["id"])
        amendment.state = state
        amendment.number = "1" if state == "filed" else None
        commit()
        return amendment.id

    return make


def _act(api, user, amendment_id, action, **extra):
    body = {"action": action, **FIELDS.get(action, {}), **extra}
    return api(user).post(f"/amendments/{amendment_id}/transitions", body)


@pytest.mark.parametrize(("action", "state", "who", "target"), ALLOWED)
def test_every_allowed_row_of_the_table_succeeds_with_the_expected_state(
    api, people, amendment_in, action, state, who, target
):
    amendment_id = amendment_in(state)
    response = _act(api, people[who], amendment_id, action)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["state"] == target


@pytest.mark.parametrize(("action", "state", "who"), REFUSED_ROLE)
def test_every_row_refuses_the_other_insiders_with_403(
    api, people, amendment_in, action, state, who
):
    amendment_id = amendment_in(state)
    response = _act(api, people[who], amendment_id, action)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    assert db.session.get(Amendment, amendment_id).state == state


@pytest.mark.parametrize(("action", "state"), OUT_OF_TURN)
def test_every_action_out_of_turn_is_409_naming_the_current_state(
    api, people, amendment_in, action, state
):
    amendment_id = amendment_in(state)
    response = _act(api, people["claire"], amendment_id, action)
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "invalid_state"
    names = {
        "draft": "brouillon",
        "in_review": "en relecture",
        "open": "ouvert",
        "ready": "clos",
        "filed": "déposé",
        "abandoned": "abandonné",
    }
    assert f"« {names[state]}" in error["message"]


@pytest.mark.parametrize("state", ["open", "ready"])
def test_a_colleague_who_sees_a_shared_amendment_still_cannot_act_on_it(
    api, people, amendment_in, state
):
    amendment_id = amendment_in(state)
    action = "close" if state == "open" else "reopen"
    assert _act(api, people["lucas"], amendment_id, action).status_code == 403


def test_another_group_gets_404_on_a_draft(api, people, amendment_in):
    amendment_id = amendment_in("draft")
    assert _act(api, people["hugo"], amendment_id, "abandon").status_code == 404
    assert api(people["hugo"]).get(f"/amendments/{amendment_id}/history").status_code == 404


def test_an_unknown_action_is_422_naming_the_action(api, people, amendment_in):
    amendment_id = amendment_in("draft")
    response = api(people["regol"]).post(
        f"/amendments/{amendment_id}/transitions", {"action": "publish"}
    )
    assert response.status_code == 422
    assert "action" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize(
    ("action", "state", "field"),
    [
        ("request_changes", "in_review", "comment"),
        ("file", "ready", "number"),
        ("record_outcome", "filed", "outcome"),
    ],
)
def test_a_missing_required_field_is_422_naming_it(api, people, amendment_in, action, state, field):
    amendment_id = amendment_in(state)
    response = api(people["claire"]).post(
        f"/amendments/{amendment_id}/transitions", {"action": action}
    )
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_filing_returns_the_number_and_outcome(api, people, amendment_in):
    amendment_id = amendment_in("ready")
    filed = _act(api, people["claire"], amendment_id, "file", number="358")
    assert filed.get_json()["number"] == "358"
    judged = _act(api, people["claire"], amendment_id, "record_outcome", outcome="adopte")
    assert judged.get_json()["outcome"] == "adopte"


def test_history_lists_every_event_oldest_first_with_actor_and_on_behalf_of(
    api, people, amendment_in
):
    amendment_id = amendment_in("draft")
    _act(api, people["lea"], amendment_id, "submit")
    _act(api, people["claire"], amendment_id, "request_changes")
    items = api(people["regol"]).get(f"/amendments/{amendment_id}/history").get_json()["items"]
    assert [i["action"] for i in items] == ["created", "submitted", "changes_requested"]
    submitted = items[1]
    assert submitted["actor"]["id"] == people["lea"].id
    assert submitted["on_behalf_of"]["id"] == people["regol"].id
    assert (submitted["from_state"], submitted["to_state"]) == ("draft", "in_review")
    assert items[2]["data"]["comment"] == "Précisez l'alinéa visé."


def test_a_colleague_sees_the_history_without_the_group_s_internal_comments(
    api, people, amendment_in
):
    amendment_id = amendment_in("in_review")
    _act(api, people["claire"], amendment_id, "request_changes")
    api(people["claire"]).post(f"/amendments/{amendment_id}/comments", {"text": "Interne."})
    _act(api, people["regol"], amendment_id, "submit")
    _act(api, people["claire"], amendment_id, "approve")
    items = api(people["lucas"]).get(f"/amendments/{amendment_id}/history").get_json()["items"]
    assert "commented" not in [i["action"] for i in items]
    assert all("comment" not in i["data"] for i in items)


def test_revisions_list_every_version_with_its_hash(api, people, amendment_in):
    amendment_id = amendment_in("draft")
    api(people["regol"]).patch(
        f"/amendments/{amendment_id}",
        {"version": 1, "dispositif": "Rédiger ainsi cet article : « »"},
    )
    items = api(people["lea"]).get(f"/amendments/{amendment_id}/revisions").get_json()["items"]
    assert [r["version"] for r in items] == [1, 2]
    assert items[0]["dispositif"] == "Supprimer cet article."
    assert items[1]["position"] == {"kind": "article", "article": "7", "alinea": None}
    assert items[0]["content_hash"] != items[1]["content_hash"]


def test_comments_are_201_and_refused_to_outsiders(api, people, amendment_in):
    amendment_id = amendment_in("open")
    created = api(people["lea"]).post(
        f"/amendments/{amendment_id}/comments", {"text": "Relu avec la députée."}
    )
    assert created.status_code == 201
    body = created.get_json()
    assert body["action"] == "commented" and body["on_behalf_of"]["id"] == people["regol"].id
    outsider = api(people["lucas"]).post(f"/amendments/{amendment_id}/comments", {"text": "x"})
    assert outsider.status_code == 403


def test_the_secretariat_presents_an_amendment_with_the_group(api, people, amendment_in):
    amendment_id = amendment_in("open")
    path = f"/amendments/{amendment_id}/group-amendment"
    response = api(people["claire"]).put(path, {"presented_by_group": True})
    assert response.status_code == 200 and response.get_json()["presented_by_group"] is True
    assert api(people["regol"]).put(path, {"presented_by_group": False}).status_code == 403


def test_review_requested_reaches_the_secretariat_once_and_is_marked_read(
    api, people, amendment_in, run_jobs
):
    amendment_id = amendment_in("draft")
    _act(api, people["regol"], amendment_id, "submit")
    _act(api, people["regol"], amendment_id, "submit")  # 409: no second notification
    run_jobs()
    items = api(people["claire"]).get("/notifications").get_json()["items"]
    assert [(i["kind"], i["amendment_id"]) for i in items] == [("review_requested", amendment_id)]
    assert items[0]["read_at"] is None
    assert api(people["hugo"]).get("/notifications").get_json()["items"] == []
    read = api(people["claire"]).post(f"/notifications/{items[0]['id']}/read")
    assert read.status_code == 204
    assert api(people["claire"]).get("/notifications?unread=true").get_json()["items"] == []
    db.session.expire_all()
    assert db.session.get(Notification, items[0]["id"]).emailed_at is not None


def test_nobody_marks_another_user_s_notification_read(api, people, amendment_in):
    amendment_id = amendment_in("draft")
    _act(api, people["regol"], amendment_id, "submit")
    note_id = api(people["claire"]).get("/notifications").get_json()["items"][0]["id"]
    assert api(people["regol"]).post(f"/notifications/{note_id}/read").status_code == 204
    assert api(people["claire"]).get("/notifications?unread=true").get_json()["items"] != []


def _approve_in_thread(app, client, token, amendment_id, barrier, statuses):
    with app.app_context():
        barrier.wait()
        response = client.post(
            f"/api/v1/amendments/{amendment_id}/transitions",
            json={"action": "approve"},
            headers={"Authorization": f"Bearer {token}"},
        )
        statuses.append(response.status_code)


def test_two_secretariats_approving_at_once_make_one_transition_and_one_409(
    app, api, people, amendment_in
):
    """Row locks on PostgreSQL, the write lock taken first on SQLite: either way, one wins."""
    second = make_user("Nina Roussel", "secretariat", "ECOS", civility="Mme")
    tokens = [api(people["claire"]).token, api(second).token]
    amendment_id = amendment_in("in_review")
    barrier, statuses = threading.Barrier(2), []
    threads = [
        threading.Thread(
            target=_approve_in_thread,
            args=(app, app.test_client(), t, amendment_id, barrier, statuses),
        )
        for t in tokens
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [200, 409]
    db.session.expire_all()
    approvals = db.session.scalar(
        select(func.count(Event.id)).where(
            Event.amendment_id == amendment_id, Event.action == "approved"
        )
    )
    assert approvals == 1
