"""The deadlines service: enforcement of co-signature, submission and filing deadlines, the
secretariat's settings (override, reopening, group deadlines) and each user's deadlines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from drafting.db import commit
from drafting.errors import Conflict, Forbidden, Invalid, NotFound
from drafting.extensions import db
from drafting.models import Amendment, Event, GroupDeadline
from drafting.services import amendments
from drafting.services.accounts import credentials
from drafting.services.deadlines import authority, binding, queries
from tests.conftest import NOW

# The bill n° 809 is examined in séance from Monday 20 March 2023: art. 99 gives Thursday
# 16 March 2023 at 17:00 Paris (16:00 UTC).
FILING = datetime(2023, 3, 16, 16, 0, tzinfo=UTC)
REVIEW_BY = datetime(2023, 3, 14, 11, 0, tzinfo=UTC)  # mardi 14 mars 2023 à 12 h 00
COSIGN_BY = datetime(2023, 3, 15, 17, 0, tzinfo=UTC)  # mercredi 15 mars 2023 à 18 h 00
BEFORE = datetime(2023, 3, 10, 9, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def draft(people, bill, article="7", author="regol", **changes) -> Amendment:
    """A committed amendment by `author` on `article`, with `changes` applied."""
    data = amendments.Draft(
        bill.id, amendments.PositionInput("article", article), "Supprimer cet article.", ""
    )
    amendment = amendments.create_amendment(people[author], data, BEFORE)
    for key, value in changes.items():
        setattr(amendment, key, value)
    commit()
    return amendment


def set_ecos(people, bill, review_by=REVIEW_BY, cosign_by=COSIGN_BY) -> GroupDeadline:
    row = authority.set_group_deadlines(
        people["claire"], bill.id, "ECOS", review_by, cosign_by, BEFORE
    )
    commit()
    return row


def text_events(text_id: int, action: str) -> list[Event]:
    query = select(Event).where(Event.text_id == text_id, Event.amendment_id.is_(None))
    return [e for e in db.session.scalars(query.order_by(Event.seq)) if e.action == action]


# ----- co-signature -----


@pytest.mark.parametrize(
    ("now", "refused"),
    [
        pytest.param(COSIGN_BY - MINUTE, False, id="before_cosign_by"),
        pytest.param(COSIGN_BY, False, id="at_the_very_instant"),
        pytest.param(COSIGN_BY + MINUTE, True, id="a_minute_late"),
    ],
)
def test_cosigning_is_refused_once_the_group_cosign_by_has_passed(people, bill, now, refused):
    set_ecos(people, bill)
    amendment = draft(people, bill, state="open")
    if not refused:
        binding.assert_can_cosign(amendment, now)
        return
    with pytest.raises(Conflict) as error:
        binding.assert_can_cosign(amendment, now)
    assert error.value.code == "deadline_passed"
    assert "mercredi 15 mars 2023 à 18 h 00" in error.value.message


def test_cosigning_is_not_limited_when_the_group_set_no_deadline(people, bill):
    amendment = draft(people, bill, state="open")
    binding.assert_can_cosign(amendment, datetime(2030, 1, 1, tzinfo=UTC))


def test_another_group_s_deadline_does_not_bind_an_amendment(people, bill):
    set_ecos(people, bill)
    amendment = draft(people, bill, author="peu", state="open")
    binding.assert_can_cosign(amendment, COSIGN_BY + timedelta(days=1))


def test_submitting_a_draft_after_review_by_is_refused_naming_the_deadline(people, bill):
    set_ecos(people, bill)
    amendment = draft(people, bill)
    binding.assert_can_submit(amendment, REVIEW_BY)
    with pytest.raises(Conflict) as error:
        binding.assert_can_submit(amendment, REVIEW_BY + MINUTE)
    assert error.value.code == "deadline_passed"
    assert "mardi 14 mars 2023 à 12 h 00" in error.value.message


# ----- filing -----


@pytest.mark.parametrize(
    ("article", "now", "reason", "refused"),
    [
        pytest.param("7", FILING - MINUTE, None, False, id="before_the_deadline"),
        pytest.param("7", FILING, None, False, id="17h00_itself_is_on_time"),
        pytest.param("7", FILING + MINUTE, None, True, id="late_without_reason"),
        pytest.param("7", FILING + MINUTE, "   ", True, id="blank_reason_is_no_reason"),
        pytest.param("7", FILING + MINUTE, "Décision du président", False, id="late_with_reason"),
    ],
)
def test_filing_after_the_deadline_needs_an_exception_reason(
    people, bill, article, now, reason, refused
):
    amendment = draft(people, bill, article=article, state="ready")
    if not refused:
        binding.assert_can_file(amendment, now, reason)
        return
    with pytest.raises(Conflict) as error:
        binding.assert_can_file(amendment, now, reason)
    assert error.value.code == "deadline_passed"
    assert "jeudi 16 mars 2023 à 17 h 00" in error.value.message


def test_a_reopening_applies_to_its_article_only(people, bill):
    until = FILING + timedelta(days=2)
    authority.add_reopening(
        people["admin"],
        bill.id,
        "7",
        until,
        "Amendement du Gouvernement",
        FILING + timedelta(hours=1),
    )
    commit()
    on_7 = draft(people, bill, article="7", state="ready")
    on_8 = draft(people, bill, article="8", state="ready")
    binding.assert_can_file(on_7, until, None)
    with pytest.raises(Conflict):
        binding.assert_can_file(on_7, until + MINUTE, None)
    with pytest.raises(Conflict) as error:
        binding.assert_can_file(on_8, FILING + MINUTE, None)
    assert "article 8" in error.value.message


def test_a_sub_amendment_is_never_bound_by_the_filing_deadline(people, bill):
    parent = draft(people, bill, state="filed", number="27")
    sub = draft(people, bill, state="ready", parent_id=parent.id)
    binding.assert_can_file(sub, FILING + timedelta(days=30), None)


def test_a_text_without_filing_deadline_never_refuses_filing(people, bill):
    bill.filing_deadline, bill.filing_deadline_rule = None, None
    commit()
    binding.assert_can_file(
        draft(people, bill, state="ready"), datetime(2030, 1, 1, tzinfo=UTC), None
    )


# ----- the secretariat's settings -----


def test_an_override_moves_the_deadline_shows_the_rule_and_is_journalled(people, bill):
    when = datetime(2023, 3, 17, 17, 0, tzinfo=UTC)
    authority.set_filing_deadline_override(
        people["admin"], bill.id, when, "Décision de la Conférence des présidents", NOW
    )
    commit()
    assert (bill.filing_deadline, bill.filing_deadline_rule) == (when, "override")
    assert bill.filing_deadline_reason == "Décision de la Conférence des présidents"
    [event] = text_events(bill.id, "filing_deadline_overridden")
    assert event.actor_id == people["admin"].id
    assert event.data["previous"] == {"filing_deadline": FILING.isoformat(), "rule": "art99"}


@pytest.mark.parametrize(
    ("who", "reason", "error"),
    [
        pytest.param("regol", "Décision", Forbidden, id="a_deputy_cannot"),
        pytest.param("lea", "Décision", Forbidden, id="an_assistant_cannot"),
        pytest.param("claire", "Décision", Forbidden, id="a_secretariat_cannot"),
        pytest.param("admin", "  ", Invalid, id="a_reason_is_required"),
    ],
)
def test_an_override_is_refused_to_non_staff_and_without_reason(people, bill, who, reason, error):
    with pytest.raises(error):
        authority.set_filing_deadline_override(people[who], bill.id, FILING, reason, NOW)


def test_an_admin_may_record_an_override(people, bill):
    authority.set_filing_deadline_override(people["admin"], bill.id, FILING, "Décision", NOW)
    assert bill.filing_deadline_rule == "override"


@pytest.mark.parametrize(
    ("article", "until", "field"),
    [
        pytest.param("99", FILING + timedelta(days=1), "article", id="unknown_article"),
        pytest.param("7", FILING, "until", id="not_after_the_deadline"),
    ],
)
def test_a_reopening_names_an_existing_article_and_ends_after_the_deadline(
    people, bill, article, until, field
):
    with pytest.raises(Invalid) as error:
        authority.add_reopening(people["admin"], bill.id, article, until, "Motif", NOW)
    assert field in error.value.fields


def test_a_reopening_is_journalled_on_the_text_and_refused_to_all_but_admins(people, bill):
    for who in ("regol", "claire", "hugo"):
        with pytest.raises(Forbidden):
            authority.add_reopening(people[who], bill.id, "7", FILING + MINUTE, "Motif", NOW)
    authority.add_reopening(people["admin"], bill.id, "7", FILING + timedelta(days=1), "Motif", NOW)
    [event] = text_events(bill.id, "filing_reopened")
    assert event.data["article"] == "7" and event.actor_id == people["admin"].id


def test_the_latest_reopening_of_an_article_wins(people, bill):
    for days in (2, 1):
        authority.add_reopening(
            people["admin"], bill.id, "7", FILING + timedelta(days=days), "Motif", NOW
        )
    rules = binding.deadline_set(bill, people["regol"].group_id)
    assert rules.filing_deadline_for("7") == FILING + timedelta(days=2)
    assert rules.filing_deadline_for("8") == FILING


@pytest.mark.parametrize(
    ("review_by", "cosign_by", "fields"),
    [
        pytest.param(REVIEW_BY, FILING, {"cosign_by"}, id="cosign_at_the_filing_deadline"),
        pytest.param(FILING + MINUTE, None, {"review_by"}, id="review_after_filing"),
        pytest.param(COSIGN_BY, REVIEW_BY, {"review_by"}, id="review_after_cosign"),
    ],
)
def test_group_deadlines_must_fall_before_the_filing_deadline_and_in_order(
    people, bill, review_by, cosign_by, fields
):
    with pytest.raises(Invalid) as error:
        authority.set_group_deadlines(people["claire"], bill.id, "ECOS", review_by, cosign_by, NOW)
    assert set(error.value.fields) == fields


@pytest.mark.parametrize(
    ("who", "group", "error"),
    [
        pytest.param("hugo", "ECOS", Forbidden, id="another_group_s_secretariat"),
        pytest.param("regol", "ECOS", Forbidden, id="a_deputy_of_the_group"),
        pytest.param("admin", "ECOS", Forbidden, id="an_admin"),
        pytest.param("claire", "NOPE", NotFound, id="an_unknown_group"),
    ],
)
def test_only_the_group_s_secretariat_sets_its_deadlines(people, bill, who, group, error):
    with pytest.raises(error):
        authority.set_group_deadlines(people[who], bill.id, group, REVIEW_BY, COSIGN_BY, NOW)


def test_setting_group_deadlines_again_updates_the_one_row_and_journals_both(people, bill):
    set_ecos(people, bill)
    set_ecos(people, bill, cosign_by=None)
    rows = db.session.scalars(select(GroupDeadline)).all()
    assert [(r.review_by, r.cosign_by) for r in rows] == [(REVIEW_BY, None)]
    _first, second = text_events(bill.id, "group_deadlines_set")
    assert second.data["previous"]["cosign_by"] == COSIGN_BY.isoformat()
    assert binding.current_group_deadlines(bill.id, "ecos") == (REVIEW_BY, None)


# ----- each user's deadlines -----


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        pytest.param("regol", ["review ECOS", "cosign ECOS", "filing"], id="deputy_sees_her_group"),
        pytest.param("lea", ["review ECOS", "cosign ECOS", "filing"], id="assistant_her_deputy_s"),
        pytest.param("claire", ["review ECOS", "cosign ECOS", "filing"], id="secretariat_its_own"),
        pytest.param("peu", ["review GDR", "filing"], id="gdr_deputy_sees_gdr"),
        pytest.param("admin", ["review GDR", "review ECOS", "cosign ECOS", "filing"], id="admin"),
    ],
)
def test_upcoming_deadlines_are_the_user_s_soonest_first(people, bill, who, expected):
    set_ecos(people, bill)
    authority.set_group_deadlines(people["hugo"], bill.id, "GDR", REVIEW_BY - MINUTE, None, NOW)
    found = queries.upcoming_deadlines(people[who], BEFORE)
    assert [f"{d.kind} {d.group}" if d.group else d.kind for d in found] == expected
    assert found[-1].rule == "art99" and found[-1].at == FILING


def test_passed_deadlines_are_not_upcoming(people, bill):
    set_ecos(people, bill)
    authority.add_reopening(people["admin"], bill.id, "7", FILING + timedelta(days=1), "M", NOW)
    found = queries.upcoming_deadlines(people["regol"], FILING + MINUTE)
    assert [(d.kind, d.article) for d in found] == [("reopening", "7")]


def test_a_calendar_token_is_new_each_time(people):
    first = credentials.regenerate_calendar_token(people["regol"])
    second = credentials.regenerate_calendar_token(people["regol"])
    assert first != second and len(second) >= 40 and people["regol"].calendar_token == second
