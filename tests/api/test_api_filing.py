"""API of the author's consent to filing: « bon à déposer », delegations, the 409s."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from drafting.db import commit
from drafting.extensions import db
from drafting.models import Amendment
from drafting.services.workflow import filing
from tests.conftest import NOW, open_amendment


def _ready(people, bill) -> int:
    bill.filing_deadline = datetime.now(UTC) + timedelta(days=30)  # the API's clock is real
    amendment = open_amendment(people, bill)
    amendment.state = "ready"
    commit()
    return amendment.id


def test_the_author_gives_the_bon_a_deposer_and_the_secretariat_files(api, people, bill):
    filing.set_delegation(people["regol"], [], False, NOW)
    commit()
    amendment_id = _ready(people, bill)
    shown = api(people["claire"]).get(f"/amendments/{amendment_id}").get_json()
    assert shown["filing_consent"] is None
    refused = api(people["claire"]).post(
        f"/amendments/{amendment_id}/transitions", {"action": "file", "number": "27"}
    )
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "author_consent_required"
    given = api(people["regol"]).post(f"/amendments/{amendment_id}/filing-consent", {"otp": None})
    assert given.status_code == 200, given.get_json()
    assert given.get_json()["filing_consent"]["by"] == "author"
    filed = api(people["claire"]).post(
        f"/amendments/{amendment_id}/transitions", {"action": "file", "number": "27"}
    )
    assert filed.status_code == 200 and filed.get_json()["state"] == "filed"


def test_a_standing_delegation_to_the_secretariat_is_the_consent(api, people, bill):
    amendment_id = _ready(people, bill)
    regol = api(people["regol"])
    assert regol.get("/me/filing-delegation").get_json()["secretariat"] is True  # the test world
    off = regol.put(
        "/me/filing-delegation", {"assistants": [people["lea"].id], "secretariat": False}
    )
    assert off.get_json() | {"granted_at": None} == {
        "assistants": [people["lea"].id],
        "secretariat": False,
        "granted_at": None,
    }
    db.session.expire_all()
    shown = api(people["claire"]).get(f"/amendments/{amendment_id}").get_json()
    assert shown["filing_consent"] is None
    on = regol.put("/me/filing-delegation", {"assistants": [], "secretariat": True})
    assert on.status_code == 200
    shown = api(people["claire"]).get(f"/amendments/{amendment_id}").get_json()
    assert shown["filing_consent"]["by"] == "delegation"


def test_bad_delegations_are_422_and_non_deputies_403(api, people):
    stranger = api(people["lucas"]).put(
        "/me/filing-delegation", {"assistants": [people["lea"].id], "secretariat": False}
    )
    assert stranger.status_code == 422 and "assistants" in stranger.get_json()["error"]["fields"]
    typed = api(people["regol"]).put("/me/filing-delegation", {"assistants": "x"})
    assert typed.status_code == 422
    assert api(people["claire"]).get("/me/filing-delegation").status_code == 403


def test_the_gate_answers_409_with_what_blocks(api, people, bill):
    amendment_id = _ready(people, bill)
    db.session.get(Amendment, amendment_id).expose = ""
    commit()
    refused = api(people["claire"]).post(
        f"/amendments/{amendment_id}/transitions", {"action": "file", "number": "CL27"}
    )
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "filing_blocked"
    assert {"empty_expose", "number"} <= set(error["fields"])


def test_a_filed_amendment_is_rectified_through_the_api(api, people, bill):
    amendment_id = _ready(people, bill)
    secretariat, author = api(people["claire"]), api(people["regol"])
    filed = secretariat.post(
        f"/amendments/{amendment_id}/transitions", {"action": "file", "number": "27"}
    )
    assert filed.status_code == 200, filed.get_json()
    opened = author.post(
        f"/amendments/{amendment_id}/transitions", {"action": "rectify", "comment": "Coquille."}
    )
    assert opened.status_code == 200 and opened.get_json()["state"] == "open"
    assert (
        secretariat.post(f"/amendments/{amendment_id}/transitions", {"action": "close"}).status_code
        == 200
    )
    refiled = secretariat.post(f"/amendments/{amendment_id}/transitions", {"action": "file"})
    assert refiled.status_code == 200, refiled.get_json()
    assert refiled.get_json()["number"] == "27 rect."
    again = api(people["lea"]).post(
        f"/amendments/{amendment_id}/transitions", {"action": "rectify"}
    )
    assert again.status_code == 403  # an assistant neither rectifies nor files
