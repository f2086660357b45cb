"""Rectification: a filed amendment corrected into « n° 27 rect. » (then « rect. bis »): opened
again, a new version, co-signatories asked to re-confirm, filed again; journalled, on the sheet."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from drafting.db import commit
from drafting.errors import Conflict, Forbidden
from drafting.extensions import db
from drafting.models import Event, Notification
from drafting.rendering.sheet import number_label
from drafting.services import amendments
from drafting.services.cosigning import signatures, stale
from drafting.services.documents import sheets
from drafting.services.workflow import transitions
from tests.conftest import NOW, open_amendment
from workflows.numbering import rectified

LATE = {"deadline_exception_reason": "Délai prorogé"}
CORRECTED = "Supprimer entièrement cet article."


def _filed(people, bill):
    amendment = open_amendment(people, bill)
    signatures.sign(people["lucas"], amendment.id, NOW)
    transitions.transition(people["claire"], amendment.id, "close", now=NOW)
    transitions.transition(people["claire"], amendment.id, "file", now=NOW, number="27", **LATE)
    commit()
    return amendment


def _correct(people, amendment, at):
    """The author opens the rectification and corrects the text."""
    transitions.transition(
        people["regol"], amendment.id, "rectify", now=at, comment="Coquille dans le dispositif."
    )
    amendments.update_amendment(
        people["regol"], amendment.id, amendments.Edit(amendment.version, CORRECTED), at
    )
    commit()


def _refile(people, amendment, at):
    signatures.sign(people["lucas"], amendment.id, at)  # re-confirms the corrected version
    transitions.transition(people["claire"], amendment.id, "close", now=at)
    transitions.transition(people["claire"], amendment.id, "file", now=at, **LATE)
    commit()


@pytest.mark.parametrize(
    ("number", "expected"),
    [("27", "27 rect."), ("27 rect.", "27 rect. bis"), ("CL358 rect. bis", "CL358 rect. ter")],
)
def test_the_next_number_of_a_rectification(number, expected):
    assert rectified(number) == expected


def test_a_filed_amendment_is_corrected_into_rect_then_rect_bis(people, bill):
    amendment = _filed(people, bill)
    at = NOW + timedelta(hours=1)
    _correct(people, amendment, at)
    assert amendment.state == "open" and amendment.number == "27"
    waiting = stale.stale_signatures(amendment)
    assert [s.deputy_id for s in waiting] == [people["lucas"].id]
    _refile(people, amendment, at)
    assert (amendment.state, amendment.number) == ("filed", "27 rect.")
    _correct(people, amendment, at + timedelta(minutes=5))
    _refile(people, amendment, at + timedelta(minutes=5))
    assert amendment.number == "27 rect. bis"


def test_the_journal_says_who_rectified_why_and_under_which_number(people, bill):
    amendment = _filed(people, bill)
    at = NOW + timedelta(hours=1)
    _correct(people, amendment, at)
    _refile(people, amendment, at)
    events = db.session.scalars(
        select(Event).where(Event.amendment_id == amendment.id).order_by(Event.seq)
    ).all()
    opened = next(e for e in events if e.action == "rectified")
    assert opened.actor_id == people["regol"].id
    assert opened.data["number"] == "27" and opened.data["next_number"] == "27 rect."
    assert opened.data["comment"] == "Coquille dans le dispositif."
    refiled = [e for e in events if e.action == "filed"][-1]
    assert refiled.data["number"] == "27 rect." and refiled.data["previous_number"] == "27"


def test_the_sheet_shows_the_rect_number_and_only_re_confirmed_signatories(people, bill):
    amendment = _filed(people, bill)
    at = NOW + timedelta(hours=1)
    _correct(people, amendment, at)
    _refile(people, amendment, at)
    sheet = sheets.build_sheet(amendment, people["claire"], at)
    assert sheet.number == "27 rect."
    assert sheet.dispositif == CORRECTED
    assert [s.last_name for s in sheet.cosignatories] == [people["lucas"].last_name]
    assert number_label(sheet) == "AMENDEMENT N°\u00a027 rect."


def test_co_signatories_and_the_secretariat_are_told_of_the_rectification(people, bill):
    amendment = _filed(people, bill)
    _correct(people, amendment, NOW + timedelta(hours=1))
    for who in ("lucas", "claire"):
        kinds = db.session.scalars(
            select(Notification.kind).where(Notification.user_id == people[who].id)
        ).all()
        assert "rectification" in kinds, who


def test_a_stale_signature_blocks_refiling_until_re_confirmed(people, bill):
    amendment = _filed(people, bill)
    _correct(people, amendment, NOW + timedelta(hours=1))
    with pytest.raises(Conflict) as refused:
        transitions.transition(people["claire"], amendment.id, "close", now=NOW)
    assert "stale_signatures" in refused.value.fields


def test_no_rectification_once_the_outcome_is_recorded(people, bill):
    amendment = _filed(people, bill)
    amendment.outcome = "rejete"
    with pytest.raises(Conflict) as refused:
        transitions.transition(people["regol"], amendment.id, "rectify", now=NOW)
    assert refused.value.code == "outcome_recorded"


@pytest.mark.parametrize("who", ["lea", "lucas", "hugo"])
def test_only_the_author_and_the_group_secretariat_rectify(people, bill, who):
    amendment = _filed(people, bill)
    with pytest.raises((Forbidden, Conflict)) as refused:
        transitions.transition(people[who], amendment.id, "rectify", now=NOW)
    assert getattr(refused.value, "status", 403) in (403, 404)


def test_an_amendment_being_rectified_cannot_be_abandoned(people, bill):
    amendment = _filed(people, bill)
    transitions.transition(people["regol"], amendment.id, "rectify", now=NOW)
    with pytest.raises(Conflict) as refused:
        transitions.transition(people["regol"], amendment.id, "abandon", now=NOW)
    assert refused.value.code == "already_filed"
