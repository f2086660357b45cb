"""Security API: my tokens and sessions, password, logout everywhere, second factor, reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
import pytest

from drafting.db import commit
from drafting.extensions import db
from drafting.models import Amendment, ApiToken, User
from drafting.services.accounts import api_tokens, second_factor, sessions
from tests.conftest import NOW, PASSWORD, draft_payload

NEW_PASSWORD = "Autre-motdepasse-2024"


def _token(user: User) -> tuple[str, ApiToken]:
    token, record = api_tokens.issue_token(user, datetime.now(UTC), label="script")
    commit()
    return token, record


def _headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _draft(api: Any, people: dict[str, User], bill: Any, state: str = "draft") -> int:
    response = api(people["regol"]).post("/amendments", draft_payload(bill.id))
    assert response.status_code == 201, response.get_json()
    amendment_id: int = response.get_json()["id"]
    if state != "draft":  # the workflow is not under test here: set the state directly
        db.session.get(Amendment, amendment_id).state = state
        commit()
    return amendment_id


def test_i_list_my_live_tokens_with_the_current_one_marked(api, people, client):
    _, other = _token(people["regol"])
    _, expired = _token(people["regol"])
    expired.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    _token(people["lucas"])
    commit()
    items = api(people["regol"]).get("/auth/tokens").get_json()["items"]
    assert len(items) == 2
    assert [i["current"] for i in items].count(True) == 1
    assert other.id in {i["id"] for i in items} and expired.id not in {i["id"] for i in items}


def test_i_revoke_my_token_but_not_someone_elses(api, people, client):
    token, record = _token(people["regol"])
    _, lucas_record = _token(people["lucas"])
    mine = api(people["regol"])
    assert mine.delete(f"/auth/tokens/{lucas_record.id}").status_code == 404
    assert mine.delete(f"/auth/tokens/{record.id}").status_code == 204
    assert client.get("/api/v1/texts", headers=_headers(token)).status_code == 401
    assert mine.delete(f"/auth/tokens/{record.id}").status_code == 404


def test_i_list_and_close_my_web_sessions(api, people):
    now = datetime.now(UTC)
    record = sessions.open_session(people["regol"], now, user_agent="Firefox", address="10.0.0.1")
    theirs = sessions.open_session(people["lucas"], now, user_agent="Edge", address="10.0.0.2")
    commit()
    mine = api(people["regol"])
    items = mine.get("/auth/sessions").get_json()["items"]
    assert [(i["id"], i["user_agent"], i["address"]) for i in items] == [
        (record.id, "Firefox", "10.0.0.1")
    ]
    assert mine.delete(f"/auth/sessions/{theirs.id}").status_code == 404
    assert mine.delete(f"/auth/sessions/{record.id}").status_code == 204
    assert mine.get("/auth/sessions").get_json()["items"] == []


def test_changing_my_password_keeps_this_token_and_revokes_the_others(api, people, client):
    other, _ = _token(people["regol"])
    session = sessions.open_session(people["regol"], datetime.now(UTC), user_agent="", address="")
    commit()
    mine = api(people["regol"])
    body = {"old_password": PASSWORD, "new_password": NEW_PASSWORD}
    assert mine.post("/auth/password", body).status_code == 204
    assert mine.get("/texts").status_code == 200
    assert client.get("/api/v1/texts", headers=_headers(other)).status_code == 401
    assert db.session.get(type(session), session.id).revoked_at is not None
    login = {"email": people["regol"].email, "password": NEW_PASSWORD}
    assert client.post("/api/v1/auth/token", json=login).status_code == 200


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("wrong-password", NEW_PASSWORD, "old_password"),
        (PASSWORD, "short", "new_password"),
        (PASSWORD, "onlylowercaseletters", "new_password"),
        (PASSWORD, PASSWORD, "new_password"),
    ],
)
def test_a_wrong_old_password_or_a_weak_new_one_is_422(api, people, old, new, field):
    response = api(people["regol"]).post(
        "/auth/password", {"old_password": old, "new_password": new}
    )
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_logout_everywhere_revokes_this_token_too(api, people, client):
    other, _ = _token(people["regol"])
    mine = api(people["regol"])
    assert mine.post("/auth/logout-everywhere").status_code == 204
    assert mine.get("/texts").status_code == 401
    assert client.get("/api/v1/texts", headers=_headers(other)).status_code == 401


def test_second_factor_status_and_verification_mark_this_token(api, people):
    regol = people["regol"]
    mine = api(regol)
    status = mine.get("/auth/second-factor").get_json()
    assert status == {
        "required": False,
        "enrolled": False,
        "enrolled_at": None,
        "recovery_codes_left": 0,
        "verified_at": None,
    }
    now = datetime.now(UTC)
    enrolment = second_factor.start_enrolment(regol, now)
    second_factor.confirm_enrolment(regol, pyotp.TOTP(enrolment.secret).at(now), now)
    commit()
    assert mine.post("/auth/second-factor/verify", {"otp": "000000"}).status_code == 403
    code = pyotp.TOTP(enrolment.secret).at(now + timedelta(seconds=30))
    assert mine.post("/auth/second-factor/verify", {"otp": code}).status_code == 204
    status = mine.get("/auth/second-factor").get_json()
    assert status["enrolled"] and status["recovery_codes_left"] == 10
    assert status["verified_at"] is not None


def test_second_factor_is_reported_required_for_deputies_when_configured(app, api, people):
    app.config["LIASSE_REQUIRE_2FA"] = True
    try:
        assert api(people["regol"]).get("/auth/second-factor").get_json()["required"] is True
        assert api(people["claire"]).get("/auth/second-factor").get_json()["required"] is False
    finally:
        app.config["LIASSE_REQUIRE_2FA"] = False


def test_only_an_admin_resets_a_second_factor_through_the_api(api, people):
    regol = people["regol"]
    now = datetime.now(UTC)
    enrolment = second_factor.start_enrolment(regol, now)
    second_factor.confirm_enrolment(regol, pyotp.TOTP(enrolment.secret).at(now), now)
    commit()
    assert api(people["claire"]).delete(f"/users/{regol.id}/second-factor").status_code == 403
    assert api(people["admin"]).delete("/users/999999/second-factor").status_code == 404
    assert api(people["admin"]).delete(f"/users/{regol.id}/second-factor").status_code == 204
    db.session.refresh(regol)
    assert not second_factor.is_enrolled(regol)


def test_reads_of_a_draft_by_others_are_recorded_and_shown_to_author_and_secretariat(
    api, people, bill
):
    amendment_id = _draft(api, people, bill)
    assert api(people["regol"]).get(f"/amendments/{amendment_id}").status_code == 200
    assert api(people["claire"]).get(f"/amendments/{amendment_id}").status_code == 200
    assert api(people["lea"]).get(f"/amendments/{amendment_id}").status_code == 200
    for reader in ("regol", "lea", "claire"):
        response = api(people[reader]).get(f"/amendments/{amendment_id}/reads")
        assert response.status_code == 200
        items = response.get_json()["items"]
        assert [(i["user"]["id"], i["channel"]) for i in items] == [
            (people["lea"].id, "api"),
            (people["claire"].id, "api"),
        ]


def test_a_group_deputy_who_may_see_the_amendment_may_not_see_its_reads(api, people, bill):
    amendment_id = _draft(api, people, bill, state="open")
    assert api(people["lucas"]).get(f"/amendments/{amendment_id}").status_code == 200
    assert api(people["lucas"]).get(f"/amendments/{amendment_id}/reads").status_code == 403
    items = api(people["regol"]).get(f"/amendments/{amendment_id}/reads").get_json()["items"]
    assert [i["user"]["id"] for i in items] == [people["lucas"].id]


def test_reads_of_another_groups_draft_are_404(api, people, bill):
    amendment_id = _draft(api, people, bill)
    assert api(people["hugo"]).get(f"/amendments/{amendment_id}/reads").status_code == 404
    assert api(people["peu"]).get(f"/amendments/{amendment_id}/reads").status_code == 404


def test_reads_of_a_filed_amendment_are_not_recorded(api, people, bill):
    amendment_id = _draft(api, people, bill, state="filed")
    assert api(people["peu"]).get(f"/amendments/{amendment_id}").status_code == 200
    assert api(people["regol"]).get(f"/amendments/{amendment_id}/reads").get_json() == {"items": []}


def test_a_token_records_its_last_use_to_within_five_minutes(app, people, client, opened):
    """Signing commits the token's last use; another call a minute later leaves it."""
    token, record = _token(people["lucas"])
    assert record.last_used_at is None
    signed = client.post(f"/api/v1/amendments/{opened.id}/signatures", headers=_headers(token))
    assert signed.status_code == 201, signed.get_json()
    db.session.expire_all()
    first = db.session.get(ApiToken, record.id).last_used_at
    assert first is not None and datetime.now(UTC) - first < timedelta(minutes=1)
    earlier = first - timedelta(minutes=4)
    db.session.get(ApiToken, record.id).last_used_at = earlier
    commit()
    again = client.post(f"/api/v1/amendments/{opened.id}/signatures", headers=_headers(token))
    assert again.status_code == 200
    db.session.expire_all()
    assert db.session.get(ApiToken, record.id).last_used_at == earlier
    db.session.get(ApiToken, record.id).last_used_at = first - timedelta(minutes=6)
    commit()
    client.post(f"/api/v1/amendments/{opened.id}/signatures", headers=_headers(token))
    db.session.expire_all()
    assert db.session.get(ApiToken, record.id).last_used_at > first


def test_a_tokens_last_use_is_recorded_by_reads_and_refusals_too(people, client):
    """The stamp is committed on its own, before the view: a request that only reads (nothing
    to commit) or is refused records it, and the next one within five minutes writes nothing."""
    for path in ("/api/v1/texts", "/api/v1/amendments/999999"):
        token, record = _token(people["peu"])
        client.get(path, headers=_headers(token))
        db.session.rollback()  # the requests share the test's session: keep what was committed
        stamped = db.session.get(ApiToken, record.id).last_used_at
        assert stamped is not None and datetime.now(UTC) - stamped < timedelta(minutes=1)
        client.get(path, headers=_headers(token))
        db.session.rollback()
        assert db.session.get(ApiToken, record.id).last_used_at == stamped


def test_a_token_carries_its_user_as_the_mapped_user_reads(app, people):
    """The token lookup reads its user as plain columns (`api_tokens.Caller`, no ORM): for every
    kind of user (with a group or none, an assistant's deputy, an enrolled second factor) the
    same values as the mapped user, and `mapped` gives back the mapped one."""
    from drafting.api.schemas.people import UserOut

    people["bayou"].totp_secret, people["bayou"].totp_enabled_at = "JBSWY3DPEHPK3PXP", NOW
    commit()
    for user in people.values():
        token, _ = _token(user)
        caller = api_tokens.token_record(token, datetime.now(UTC)).caller
        assert not isinstance(caller, User)
        assert UserOut.of(caller) == UserOut.of(user)
        assert caller.display_name == user.display_name
        assert (caller.totp_secret, caller.totp_enabled_at) == (
            user.totp_secret,
            user.totp_enabled_at,
        )
        assert api_tokens.mapped(caller) is user
        assert api_tokens.mapped(user) is user


def test_a_deactivated_users_token_carries_no_request(api, people, client):
    token, _ = _token(people["peu"])
    assert client.get("/api/v1/texts", headers=_headers(token)).status_code == 200
    people["peu"].active = False
    commit()
    refused = client.get("/api/v1/texts", headers=_headers(token))
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "bad_token"
