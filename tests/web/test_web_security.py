"""Security pages: sessions, tokens, password, logout everywhere, enrolment, step-up, reads."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
from flask import g, render_template_string
from flask_login import login_user
from sqlalchemy import select

from drafting.db import commit
from drafting.extensions import db
from drafting.models import Amendment, ReadRecord, User, WebSession
from drafting.services import amendments
from drafting.services.accounts import api_tokens, second_factor, sessions
from tests.conftest import PASSWORD
from tests.conftest import login as conftest_login

NEW_PASSWORD = "Autre-motdepasse-2024"


def fresh() -> None:
    """Forget the user cached in `g`: test requests share the fixture's app context (and g)."""
    g.pop("_login_user", None)


def login(client: Any, user: User) -> None:
    """Log in through the form, as a new request would."""
    fresh()
    conftest_login(client, user)
    fresh()


def _draft(people: dict[str, User], bill: Any) -> Amendment:
    position = amendments.PositionInput("article", "7", None)
    draft = amendments.Draft(bill.id, position, "Supprimer cet article.", "Exposé.", None)
    amendment = amendments.create_amendment(people["regol"], draft, datetime.now(UTC))
    commit()
    return amendment


def _enrol(user: User) -> str:
    now = datetime.now(UTC)
    enrolment = second_factor.start_enrolment(user, now)
    second_factor.confirm_enrolment(user, pyotp.TOTP(enrolment.secret).at(now), now)
    commit()
    return enrolment.secret


def _next_code(secret: str) -> str:
    return pyotp.TOTP(secret).at(datetime.now(UTC) + timedelta(seconds=30))


def test_the_security_page_lists_my_sessions_and_tokens(client, people):
    api_tokens.issue_token(people["regol"], datetime.now(UTC), label="mon-script")
    commit()
    login(client, people["regol"])
    page = client.get("/compte/securite/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Cette session" in html and "mon-script" in html
    assert "Activer la double authentification" in html


def test_closing_another_session_signs_it_out(app, client, people):
    other = app.test_client()
    login(other, people["regol"])
    login(client, people["regol"])
    first = db.session.scalars(select(WebSession).order_by(WebSession.id)).first()
    response = client.post(f"/compte/securite/sessions/{first.id}/fermer")
    assert response.status_code == 302
    fresh()
    assert other.get("/compte/securite/").status_code == 302  # back to the login page
    fresh()
    assert client.get("/compte/securite/").status_code == 200


def test_i_cannot_close_someone_elses_session(client, people):
    record = sessions.open_session(people["lucas"], datetime.now(UTC), user_agent="", address="")
    commit()
    login(client, people["regol"])
    assert client.post(f"/compte/securite/sessions/{record.id}/fermer").status_code == 404


def test_revoking_a_token_from_the_page(client, people):
    token, record = api_tokens.issue_token(people["regol"], datetime.now(UTC))
    commit()
    login(client, people["regol"])
    assert client.post(f"/compte/securite/jetons/{record.id}/revoquer").status_code == 302
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/texts", headers=headers).status_code == 401


def test_password_change_signs_out_other_sessions_and_tokens_but_not_this_one(app, client, people):
    token, _ = api_tokens.issue_token(people["regol"], datetime.now(UTC))
    commit()
    other = app.test_client()
    login(other, people["regol"])
    login(client, people["regol"])
    form = {"old_password": PASSWORD, "new_password": NEW_PASSWORD}
    assert client.post("/compte/securite/mot-de-passe", data=form).status_code == 302
    fresh()
    assert client.get("/compte/securite/").status_code == 200
    fresh()
    assert other.get("/compte/securite/").status_code == 302
    assert (
        client.get("/api/v1/texts", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    )
    fresh()
    new = app.test_client()
    data = {"email": people["regol"].email, "password": NEW_PASSWORD}
    assert new.post("/login", data=data).status_code == 302


def test_a_weak_new_password_is_refused_with_the_reason(client, people):
    login(client, people["regol"])
    form = {"old_password": PASSWORD, "new_password": "faible"}
    response = client.post("/compte/securite/mot-de-passe", data=form)
    assert response.status_code == 422
    assert "10 caractères au moins" in response.get_data(as_text=True)


def test_logout_everywhere_closes_this_session_too(app, client, people):
    other = app.test_client()
    login(other, people["regol"])
    login(client, people["regol"])
    response = client.post("/compte/securite/deconnexion-partout")
    assert response.status_code == 302 and response.location.endswith("/login")
    fresh()
    assert client.get("/compte/securite/").status_code == 302
    fresh()
    assert other.get("/compte/securite/").status_code == 302


def test_enrolment_through_the_pages_shows_the_key_then_the_recovery_codes(client, people):
    login(client, people["regol"])
    page = client.post("/compte/securite/double-authentification")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    groups = re.findall(r'<span class="secret-group">([A-Z2-7]{4})</span>', html)
    secret = "".join(groups)  # shown in groups of four, which wrap on a phone
    assert len(groups) == 8 and f'data-secret="{secret}"' in html
    assert "<svg" in html and "otpauth://totp/" in html
    wrong = client.post("/compte/securite/double-authentification/confirmer", data={"otp": "1"})
    assert wrong.status_code == 403
    code = pyotp.TOTP(secret).now()
    done = client.post("/compte/securite/double-authentification/confirmer", data={"otp": code})
    assert done.status_code == 200
    assert (
        len(re.findall(r"<code>[a-z2-9]{5}-[a-z2-9]{5}</code>", done.get_data(as_text=True))) == 10
    )
    db.session.refresh(people["regol"])
    assert second_factor.is_enrolled(people["regol"])


def test_the_step_up_page_checks_the_code_and_returns_to_the_consent(client, people):
    secret = _enrol(people["regol"])
    login(client, people["regol"])
    assert "Confirmer avec mon code" in client.get("/compte/securite/confirmer").get_data(True)
    wrong = client.post("/compte/securite/confirmer", data={"otp": "000000", "next": "/x"})
    assert wrong.status_code == 403
    data = {"otp": _next_code(secret), "next": "/amendements/1"}
    response = client.post("/compte/securite/confirmer", data=data)
    assert response.status_code == 302 and response.location.endswith("/amendements/1")
    record = db.session.scalars(select(WebSession)).one()
    assert record.second_factor_at is not None


def test_the_step_up_page_never_redirects_off_site(client, people):
    secret = _enrol(people["regol"])
    login(client, people["regol"])
    data = {"otp": _next_code(secret), "next": "//evil.example/"}
    response = client.post("/compte/securite/confirmer", data=data)
    assert response.location.endswith("/compte/securite/")


def test_reading_a_draft_page_is_recorded_for_others_only(client, people, bill):
    amendment = _draft(people, bill)
    login(client, people["regol"])
    assert client.get(f"/amendements/{amendment.id}").status_code == 200
    assert db.session.scalars(select(ReadRecord)).all() == []
    client.post("/logout")
    login(client, people["claire"])
    assert client.get(f"/amendements/{amendment.id}").status_code == 200
    read = db.session.scalars(select(ReadRecord)).one()
    assert (read.user_id, read.channel) == (people["claire"].id, "web")


def _render_reads(app, user: User, amendment: Amendment) -> str:
    with app.test_request_context():
        login_user(user)
        return render_template_string('{% include "security/_reads.html" %}', amendment=amendment)


def test_the_consultations_section_is_shown_to_the_author_not_to_others(app, people, bill):
    amendment = _draft(people, bill)
    db.session.add(
        ReadRecord(
            amendment_id=amendment.id,
            user_id=people["claire"].id,
            at=datetime.now(UTC),
            channel="web",
        )
    )
    commit()
    html = _render_reads(app, people["regol"], amendment)
    assert "Consultations" in html and "Claire Dupont" in html
    assert "Consultations" in _render_reads(app, people["claire"], amendment)
    assert _render_reads(app, people["admin"], amendment).strip() == ""


def test_the_consent_code_field_appears_only_when_a_code_is_needed(app, people):
    _enrol(people["regol"])
    template = '{% include "security/_otp_field.html" %}'
    with app.test_request_context():
        login_user(people["regol"])
        assert render_template_string(template).strip() == ""
        app.config["LIASSE_REQUIRE_2FA"] = True
        try:
            assert 'name="otp"' in render_template_string(template)
        finally:
            app.config["LIASSE_REQUIRE_2FA"] = False
