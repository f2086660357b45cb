"""The second factor: TOTP enrolment, ±1 step window, replay protection, recovery codes, step-up."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pyotp
import pytest
from flask import Flask
from sqlalchemy import select

from drafting.db import commit
from drafting.errors import Conflict, Forbidden
from drafting.extensions import db
from drafting.models import Event, RecoveryCode, User
from drafting.services import journal
from drafting.services.accounts import second_factor, sessions
from tests.conftest import NOW

STEP = timedelta(seconds=30)


@pytest.fixture
def require_2fa(app: Flask) -> Iterator[None]:
    """Turn LIASSE_REQUIRE_2FA on for one test (the suite runs with it off)."""
    previous = app.config["LIASSE_REQUIRE_2FA"]
    app.config["LIASSE_REQUIRE_2FA"] = True
    yield
    app.config["LIASSE_REQUIRE_2FA"] = previous


def enrol(user: User, now=NOW) -> tuple[str, list[str]]:
    """Enrol `user` and return (secret, recovery codes)."""
    enrolment = second_factor.start_enrolment(user, now)
    codes = second_factor.confirm_enrolment(user, pyotp.TOTP(enrolment.secret).at(now), now)
    commit()
    return enrolment.secret, codes


def code_at(secret: str, when) -> str:
    return pyotp.TOTP(secret).at(when)


def test_enrolment_shows_an_otpauth_uri_a_text_secret_and_an_inline_qr(people):
    enrolment = second_factor.start_enrolment(people["regol"], NOW)
    assert enrolment.uri.startswith("otpauth://totp/Liasse:sandra.regol%40an.example?secret=")
    assert "issuer=Liasse" in enrolment.uri
    assert len(enrolment.secret) == 32
    assert enrolment.qr_svg is not None and enrolment.qr_svg.startswith("<svg")
    assert not second_factor.is_enrolled(people["regol"])


def test_enrolment_is_confirmed_only_by_a_valid_first_code(people):
    regol = people["regol"]
    enrolment = second_factor.start_enrolment(regol, NOW)
    with pytest.raises(Forbidden):
        second_factor.confirm_enrolment(regol, "000000", NOW)
    assert not second_factor.is_enrolled(regol)
    codes = second_factor.confirm_enrolment(regol, code_at(enrolment.secret, NOW), NOW)
    assert second_factor.is_enrolled(regol) and regol.totp_enabled_at == NOW
    assert regol.totp_pending_secret is None
    assert len(codes) == 10 and len(set(codes)) == 10


def test_confirming_without_a_pending_enrolment_is_a_conflict(people):
    with pytest.raises(Conflict):
        second_factor.confirm_enrolment(people["regol"], "123456", NOW)


def test_recovery_codes_are_stored_hashed_only(people):
    _, codes = enrol(people["regol"])
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10
    assert not any(code.replace("-", "") in h for code in codes for h in stored)


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_a_code_of_the_previous_current_or_next_step_is_accepted(people, offset):
    secret, _ = enrol(people["regol"])
    later = NOW + 10 * STEP
    assert second_factor.verify(people["regol"], code_at(secret, later + offset * STEP), later)


@pytest.mark.parametrize("offset", [-2, 2])
def test_a_code_two_steps_away_is_refused(people, offset):
    secret, _ = enrol(people["regol"])
    later = NOW + 10 * STEP
    assert not second_factor.verify(people["regol"], code_at(secret, later + offset * STEP), later)


def test_a_code_is_never_accepted_twice(people):
    secret, _ = enrol(people["regol"])
    later = NOW + 10 * STEP
    code = code_at(secret, later)
    assert second_factor.verify(people["regol"], code, later)
    assert not second_factor.verify(people["regol"], code, later)
    assert not second_factor.verify(people["regol"], code_at(secret, later - STEP), later)


def test_the_enrolment_code_cannot_be_replayed(people):
    regol = people["regol"]
    enrolment = second_factor.start_enrolment(regol, NOW)
    code = code_at(enrolment.secret, NOW)
    second_factor.confirm_enrolment(regol, code, NOW)
    assert not second_factor.verify(regol, code, NOW)


def test_a_recovery_code_works_once_and_in_any_case_or_spacing(people):
    _, codes = enrol(people["regol"])
    assert second_factor.verify(people["regol"], codes[0].upper().replace("-", " "), NOW)
    assert not second_factor.verify(people["regol"], codes[0], NOW)
    assert second_factor.remaining_recovery_codes(people["regol"]) == 9


def test_new_recovery_codes_replace_the_old_ones(people):
    secret, old = enrol(people["regol"])
    later = NOW + 4 * STEP
    new = second_factor.regenerate_recovery_codes(people["regol"], code_at(secret, later), later)
    assert not second_factor.verify(people["regol"], old[1], later)
    assert second_factor.verify(people["regol"], new[1], later)


def test_replacing_an_active_factor_needs_a_current_code(people):
    secret, _ = enrol(people["regol"])
    with pytest.raises(Forbidden):
        second_factor.start_enrolment(people["regol"], NOW + STEP)
    later = NOW + 3 * STEP
    second_factor.start_enrolment(people["regol"], later, code=code_at(secret, later))
    assert people["regol"].totp_secret == secret, "the old factor works until the new is confirmed"


def test_nothing_is_required_when_the_setting_is_off(people):
    second_factor.require_recent_second_factor(people["regol"], NOW, None)


def test_a_deputy_without_enrolment_is_told_to_enrol(people, require_2fa):
    with pytest.raises(Forbidden) as refused:
        second_factor.require_recent_second_factor(people["regol"], NOW, None)
    assert refused.value.code == "second_factor_required"
    assert "activez" in refused.value.message


def test_an_enrolled_deputy_needs_a_code_or_a_recent_check(people, require_2fa):
    secret, _ = enrol(people["regol"])
    later = NOW + 5 * STEP
    with pytest.raises(Forbidden) as refused:
        second_factor.require_recent_second_factor(people["regol"], later, None)
    assert refused.value.code == "second_factor_required"
    with pytest.raises(Forbidden):
        second_factor.require_recent_second_factor(people["regol"], later, "123456")
    second_factor.require_recent_second_factor(people["regol"], later, code_at(secret, later))


def test_only_deputies_are_asked_for_a_second_factor(people, require_2fa):
    for name in ("lea", "claire", "admin"):
        second_factor.require_recent_second_factor(people[name], NOW, None)


def test_a_recent_check_on_this_web_session_covers_ten_minutes(app, people, require_2fa):
    regol = people["regol"]
    secret, _ = enrol(regol)
    record = sessions.open_session(regol, NOW, user_agent="test", address="127.0.0.1")
    commit()
    later = NOW + 2 * STEP
    second_factor.check_code(regol, code_at(secret, later), later, record)
    ten_minutes, eleven = later + timedelta(minutes=10), later + timedelta(minutes=11)
    second_factor.require_recent_second_factor(regol, ten_minutes, None, record)
    with pytest.raises(Forbidden):
        second_factor.require_recent_second_factor(regol, eleven, None, record)


def test_a_check_on_another_session_does_not_count(app, people, require_2fa):
    regol = people["regol"]
    secret, _ = enrol(regol)
    mine = sessions.open_session(regol, NOW, user_agent="a", address="1")
    other = sessions.open_session(regol, NOW, user_agent="b", address="2")
    commit()
    second_factor.check_code(regol, code_at(secret, NOW + STEP), NOW + STEP, other)
    assert second_factor.is_recently_verified(other, NOW + STEP)
    assert not second_factor.is_recently_verified(mine, NOW + STEP)


def test_an_admin_resets_a_lost_factor_and_the_reset_is_journalled(people):
    regol = people["regol"]
    enrol(regol)
    second_factor.reset_second_factor(people["admin"], regol, NOW)
    commit()
    assert not second_factor.is_enrolled(regol) and regol.totp_secret is None
    assert second_factor.remaining_recovery_codes(regol) == 0
    event = db.session.scalars(select(Event).where(Event.action == "second_factor_reset")).one()
    assert (event.amendment_id, event.text_id, event.actor_id) == (None, None, people["admin"].id)
    assert event.data == {"user_id": regol.id, "email": regol.email}


def test_security_events_form_a_verifiable_chain_without_amendment_or_text(people):
    enrol(people["regol"])
    enrol(people["lucas"])
    second_factor.reset_second_factor(people["admin"], people["regol"], NOW)
    commit()
    events = db.session.scalars(
        select(Event)
        .where(Event.amendment_id.is_(None), Event.text_id.is_(None))
        .where(Event.action.like("%second_factor%"))
        .order_by(Event.seq)
    ).all()
    assert [e.action for e in events] == ["second_factor_enabled"] * 2 + ["second_factor_reset"]
    assert journal.verify_all() == []
    events[1].data = {"user_id": 0}
    commit()
    assert [b.seq for b in journal.verify_all()] == [events[1].seq]


@pytest.mark.parametrize("name", ["regol", "claire", "lea"])
def test_only_an_admin_resets_a_second_factor(people, name):
    with pytest.raises(Forbidden):
        second_factor.reset_second_factor(people[name], people["lucas"], NOW)


def test_the_operator_resets_a_factor_from_the_command_line(app, people):
    enrol(people["regol"])
    result = app.test_cli_runner().invoke(args=["users", "reset-2fa", "Sandra.Regol@an.example"])
    assert result.exit_code == 0, result.output
    db.session.refresh(people["regol"])
    assert not second_factor.is_enrolled(people["regol"])
    event = db.session.scalars(select(Event).where(Event.action == "second_factor_reset")).one()
    assert event.actor_id is None
    unknown = app.test_cli_runner().invoke(args=["users", "reset-2fa", "nobody@an.example"])
    assert unknown.exit_code != 0


@pytest.mark.parametrize("script", ["٠١٢٣٤٥٦٧٨٩", "０１２３４５６７８９", "०१२३४५६७८९"])
def test_a_code_typed_in_another_scripts_digits_is_read_as_those_digits(people, script):
    regol = people["regol"]
    secret, _ = enrol(regol)
    later = NOW + 2 * STEP
    code = code_at(secret, later).translate(str.maketrans("0123456789", script))
    assert second_factor.verify(regol, code, later)


@pytest.mark.parametrize("code", ["²²²²²²", "½½½½½½", "١٢٣", "x" * 5000, "\u202e123456"])
def test_odd_codes_are_refused_not_crashed_on(people, code):
    regol = people["regol"]
    enrol(regol)
    assert not second_factor.verify(regol, code, NOW + 2 * STEP)
