"""The workflow service: transitions enforced, validated, journalled; group flag, comments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from drafting.db import commit
from drafting.errors import Conflict, Forbidden, Invalid, NotFound
from drafting.extensions import db
from drafting.models import Amendment, Event, GroupDeadline
from drafting.services import amendments, journal
from drafting.services.workflow import transitions
from tests.conftest import NOW

LATER = NOW + timedelta(hours=1)
SITTING = datetime(2023, 3, 20, 16, 0, tzinfo=UTC)  # the bill's examination began at 15:00
# The bill is examined from Monday 20 March 2023: filing closes Thursday 16 March at 17:00.
BEFORE_DEADLINE = datetime(2023, 3, 15, 10, 0, tzinfo=UTC)


def draft(people, bill, author="regol", **changes):
    """A committed draft on article 7 by `author`."""
    data = amendments.Draft(
        bill.id,
        amendments.PositionInput("article", "7"),
        "Supprimer cet article.",
        "Les écologistes demandent la suppression de l'article 7.",
    )
    amendment = amendments.create_amendment(people[author], data, NOW)
    for key, value in changes.items():
        setattr(amendment, key, value)
    commit()
    return amendment


def events(amendment_id: int, action: str | None = None) -> list[Event]:
    query = select(Event).where(Event.amendment_id == amendment_id).order_by(Event.seq)
    found = db.session.scalars(query).all()
    return [e for e in found if action is None or e.action == action]


def test_submit_moves_a_draft_to_review_and_journals_it(people, bill):
    amendment = draft(people, bill)
    transitions.transition(people["regol"], amendment.id, "submit", now=LATER)
    commit()
    assert amendment.state == "in_review"
    [event] = events(amendment.id, "submitted")
    assert (event.from_state, event.to_state, event.actor_id) == (
        "draft",
        "in_review",
        people["regol"].id,
    )
    assert event.on_behalf_of_id is None and event.data == {"version": 1}


def test_an_assistant_submits_on_behalf_of_the_author(people, bill):
    amendment = draft(people, bill)
    transitions.transition(people["lea"], amendment.id, "submit", now=LATER)
    [event] = events(amendment.id, "submitted")
    assert event.actor_id == people["lea"].id and event.on_behalf_of_id == people["regol"].id


def test_an_action_out_of_turn_is_409_naming_the_current_state(people, bill):
    amendment = draft(people, bill)
    with pytest.raises(Conflict) as refused:
        transitions.transition(people["claire"], amendment.id, "approve", now=LATER)
    assert refused.value.code == "invalid_state"
    assert refused.value.message == "Action impossible : l'amendement est à l'état « brouillon »."


def test_a_role_not_in_the_table_is_403(people, bill):
    amendment = draft(people, bill, state="in_review")
    with pytest.raises(Forbidden):
        transitions.transition(people["regol"], amendment.id, "approve", now=LATER)


def test_an_unknown_action_is_422_naming_the_field(people, bill):
    amendment = draft(people, bill)
    with pytest.raises(Invalid) as refused:
        transitions.transition(people["regol"], amendment.id, "publish", now=LATER)
    assert "action" in refused.value.fields


def test_an_amendment_one_cannot_see_is_404(people, bill):
    amendment = draft(people, bill)
    with pytest.raises(NotFound):
        transitions.transition(people["hugo"], amendment.id, "abandon", now=LATER)
    with pytest.raises(NotFound):
        transitions.transition(people["regol"], 999_999, "submit", now=LATER)


@pytest.mark.parametrize("comment", [None, "", "   \n "])
def test_request_changes_requires_a_comment(people, bill, comment):
    amendment = draft(people, bill, state="in_review")
    with pytest.raises(Invalid) as refused:
        transitions.transition(
            people["claire"], amendment.id, "request_changes", now=LATER, comment=comment
        )
    assert refused.value.fields == {"comment": "obligatoire"}
    assert amendment.state == "in_review"


def test_request_changes_journals_the_comment(people, bill):
    amendment = draft(people, bill, state="in_review")
    transitions.transition(
        people["claire"], amendment.id, "request_changes", now=LATER, comment="Citez l'alinéa 3."
    )
    assert amendment.state == "draft"
    assert events(amendment.id, "changes_requested")[0].data["comment"] == "Citez l'alinéa 3."


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("27", "27"),
        ("CL358", "CL358"),
        ("cl358", "CL358"),
        ("I-305", "I-305"),
        ("II-CF6", "II-CF6"),
        ("I-CF1907", "I-CF1907"),
        ("AS2", "AS2"),
        ("12 rect.", "12 rect."),
        ("3  RECT. BIS", "3 rect. bis"),
        ("184 rect. quater", "184 rect. quater"),
    ],
)
def test_filing_accepts_assembly_numbers_in_canonical_form(people, bill, given, stored):
    if any(c.isalpha() for c in given.split()[0].lstrip("IVX-")):
        bill.stage = "commission"  # a committee's number (CL358, II-CF6) on a committee text
    amendment = draft(people, bill, state="ready")
    transitions.transition(
        people["claire"], amendment.id, "file", now=BEFORE_DEADLINE, number=given
    )
    assert (amendment.state, amendment.number) == ("filed", stored)
    assert amendment.filed_at == BEFORE_DEADLINE
    assert events(amendment.id, "filed")[0].data == {"version": 1, "number": stored}


@pytest.mark.parametrize(
    "number",
    [
        None,
        "",
        "n° 27",
        "27 bis",
        "12 rect",
        "-27",
        "I-",
        "27; DROP TABLE",
        "1" * 41,
        "ABCDE1",
    ],
)
def test_filing_refuses_a_missing_or_malformed_number_with_422(people, bill, number):
    amendment = draft(people, bill, state="ready")
    with pytest.raises(Invalid) as refused:
        transitions.transition(people["claire"], amendment.id, "file", now=LATER, number=number)
    assert "number" in refused.value.fields
    assert amendment.state == "ready" and amendment.number is None


def test_a_number_already_given_on_the_same_text_is_refused(people, bill):
    first = draft(people, bill, state="filed", number="27")
    second = draft(people, bill, state="ready")
    with pytest.raises(Invalid) as refused:
        transitions.transition(people["claire"], second.id, "file", now=LATER, number="27")
    assert f"#{first.id}" in refused.value.fields["number"]


def test_filing_asks_the_deadline_rules_and_journals_an_exception(people, bill, monkeypatch):
    calls = []
    monkeypatch.setattr(
        transitions.binding,
        "assert_can_file",
        lambda a, now, reason: calls.append((a.id, now, reason)),
    )
    amendment = draft(people, bill, state="ready")
    transitions.transition(
        people["claire"],
        amendment.id,
        "file",
        now=LATER,
        number="585",
        deadline_exception_reason="Réouverture après l'amendement du Gouvernement",
    )
    assert calls == [(amendment.id, LATER, "Réouverture après l'amendement du Gouvernement")]
    data = events(amendment.id, "filed")[0].data
    assert data["deadline_exception_reason"] == "Réouverture après l'amendement du Gouvernement"


def test_filing_after_the_deadline_is_refused_and_changes_nothing(people, bill):
    amendment = draft(people, bill, state="ready")
    with pytest.raises(Conflict) as refused:
        transitions.transition(people["claire"], amendment.id, "file", now=LATER, number="27")
    assert refused.value.code == "deadline_passed"
    assert (amendment.state, amendment.number) == ("ready", None)
    assert events(amendment.id, "filed") == []


def test_filing_after_the_deadline_with_a_reason_is_an_exception_on_the_record(people, bill):
    amendment = draft(people, bill, state="ready")
    transitions.transition(
        people["claire"],
        amendment.id,
        "file",
        now=LATER,
        number="27",
        deadline_exception_reason="Délai rouvert par la Conférence des présidents",
    )
    assert amendment.state == "filed"
    assert events(amendment.id, "filed")[0].data["deadline_exception_reason"] == (
        "Délai rouvert par la Conférence des présidents"
    )


def test_submitting_after_the_group_s_review_deadline_is_refused(people, bill):
    db.session.add(
        GroupDeadline(
            text_id=bill.id, group_id=people["claire"].group_id, review_by=NOW, cosign_by=None
        )
    )
    amendment = draft(people, bill)
    transitions.transition(people["regol"], amendment.id, "submit", now=NOW)
    transitions.transition(
        people["claire"], amendment.id, "request_changes", now=NOW, comment="Reprenez l'exposé."
    )
    with pytest.raises(Conflict) as refused:
        transitions.transition(people["regol"], amendment.id, "submit", now=LATER)
    assert refused.value.code == "deadline_passed" and amendment.state == "draft"


def test_record_outcome_keeps_filed_and_journals_the_previous_outcome(people, bill):
    amendment = draft(people, bill, state="filed", number="27")
    transitions.transition(
        people["claire"], amendment.id, "record_outcome", now=SITTING, outcome="rejete"
    )
    transitions.transition(
        people["claire"], amendment.id, "record_outcome", now=SITTING, outcome="retire"
    )
    assert (amendment.state, amendment.outcome) == ("filed", "retire")
    second = events(amendment.id, "outcome_recorded")[1]
    assert second.data == {"version": 1, "outcome": "retire", "previous_outcome": "rejete"}


@pytest.mark.parametrize("outcome", [None, "", "perdu"])
def test_record_outcome_requires_a_known_outcome(people, bill, outcome):
    amendment = draft(people, bill, state="filed", number="27")
    with pytest.raises(Invalid) as refused:
        transitions.transition(
            people["claire"], amendment.id, "record_outcome", now=SITTING, outcome=outcome
        )
    assert "outcome" in refused.value.fields


def test_a_concurrent_update_caught_by_row_version_is_a_409_not_a_second_change(
    people, bill, monkeypatch
):
    amendment = draft(people, bill, state="in_review")
    # Simulate a writer that committed between our read and our write (no row lock on SQLite).
    monkeypatch.setattr(
        transitions.amendments,
        "get_visible_amendment",
        lambda user, amendment_id, lock: db.session.get(Amendment, amendment_id),
    )
    db.session.execute(
        text("UPDATE amendments SET row_version = row_version + 1 WHERE id = :id"),
        {"id": amendment.id},
    )
    with pytest.raises(Conflict) as refused:
        transitions.transition(people["claire"], amendment.id, "approve", now=LATER)
    assert refused.value.code == "stale_version"
    db.session.rollback()
    assert events(amendment.id, "approved") == []


def test_the_system_closes_an_open_amendment_with_no_actor(people, bill):
    amendment = draft(people, bill, state="open")
    transitions.system_close(amendment.id, LATER)
    assert amendment.state == "ready"
    [event] = events(amendment.id, "closed")
    assert (event.actor_id, event.data, event.from_state) == (None, {"by": "system"}, "open")


def test_the_system_cannot_close_what_is_not_open(people, bill):
    amendment = draft(people, bill)
    with pytest.raises(Conflict):
        transitions.system_close(amendment.id, LATER)
    with pytest.raises(NotFound):
        transitions.system_close(999_999, LATER)


def test_the_secretariat_marks_a_group_amendment_and_it_is_journalled_once(people, bill):
    amendment = draft(people, bill, state="open")
    transitions.set_group_amendment(people["claire"], amendment.id, True, LATER)
    transitions.set_group_amendment(people["claire"], amendment.id, True, LATER)
    assert amendment.presented_by_group is True
    [event] = events(amendment.id, "group_amendment_changed")
    assert event.data == {"presented_by_group": True}


@pytest.mark.parametrize("who", ["regol", "lea", "lucas"])
def test_only_the_secretariat_marks_a_group_amendment(people, bill, who):
    amendment = draft(people, bill, state="open")
    with pytest.raises(Forbidden):
        transitions.set_group_amendment(people[who], amendment.id, True, LATER)


def test_a_filed_amendment_cannot_become_a_group_amendment(people, bill):
    amendment = draft(people, bill, state="filed", number="27")
    with pytest.raises(Conflict):
        transitions.set_group_amendment(people["claire"], amendment.id, True, LATER)


@pytest.mark.parametrize("who", ["regol", "lea", "claire"])
def test_insiders_comment_on_the_timeline(people, bill, who):
    amendment = draft(people, bill)
    event = transitions.comment(people[who], amendment.id, "  Voir avec le rapporteur.  ", LATER)
    assert (event.action, event.data) == ("commented", {"text": "Voir avec le rapporteur."})


def test_a_co_signing_colleague_cannot_comment_and_empty_comments_are_refused(people, bill):
    amendment = draft(people, bill, state="open")
    with pytest.raises(Forbidden):
        transitions.comment(people["lucas"], amendment.id, "Bonne idée", LATER)
    with pytest.raises(Invalid):
        transitions.comment(people["regol"], amendment.id, "  ", LATER)


def test_the_whole_path_leaves_a_journal_that_verifies(people, bill):
    amendment = draft(people, bill)
    steps = [
        ("regol", "submit", {}),
        ("claire", "request_changes", {"comment": "Précisez."}),
        ("lea", "submit", {}),
        ("claire", "approve", {}),
        ("regol", "close", {}),
        ("claire", "reopen", {}),
        ("claire", "close", {}),
        ("claire", "file", {"number": "27"}),
        ("claire", "record_outcome", {"outcome": "rejete"}),
    ]
    for who, action, fields in steps:
        when = SITTING if action == "record_outcome" else BEFORE_DEADLINE
        transitions.transition(people[who], amendment.id, action, now=when, **fields)
        commit()
    actions = [e.action for e in events(amendment.id)]
    assert actions == [
        "created",
        "submitted",
        "changes_requested",
        "submitted",
        "approved",
        "closed",
        "reopened",
        "closed",
        "filed",
        "outcome_recorded",
    ]
    assert journal.verify_all() == []


def test_no_outcome_is_recorded_before_the_examination_began(people, bill):
    amendment = draft(people, bill, state="filed", number="27")
    with pytest.raises(Conflict) as refused:
        transitions.transition(
            people["claire"], amendment.id, "record_outcome", now=LATER, outcome="rejete"
        )
    assert refused.value.code == "examination_not_begun"
    assert "lundi 20 mars 2023 à 16 h 00" in refused.value.message


@pytest.mark.parametrize(("stage", "number"), [("seance", "CL358"), ("commission", "27")])
def test_filing_refuses_a_number_whose_form_contradicts_the_stage(people, bill, stage, number):
    bill.stage = stage
    amendment = draft(people, bill, state="ready")
    with pytest.raises(Conflict) as refused:
        transitions.transition(
            people["claire"], amendment.id, "file", now=BEFORE_DEADLINE, number=number
        )
    assert refused.value.code == "filing_blocked" and "number" in refused.value.fields
