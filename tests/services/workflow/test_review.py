"""The review queue, bulk approval and the history as each reader may see it."""

from __future__ import annotations

import pytest

from drafting.db import commit
from drafting.errors import Forbidden
from drafting.services import amendments
from drafting.services.workflow import review, transitions
from tests.conftest import NOW


def make(people, bill, state="in_review", author="regol", article="7", dispositif=None):
    data = amendments.Draft(
        bill.id,
        amendments.PositionInput("article", article),
        dispositif or "Supprimer cet article.",
        "Exposé sommaire.",
    )
    amendment = amendments.create_amendment(people[author], data, NOW)
    amendment.state = state
    commit()
    return amendment


def test_the_queue_holds_the_group_s_amendments_in_review_oldest_first(people, bill):
    first, second = make(people, bill), make(people, bill, author="lucas")
    make(people, bill, state="draft")
    make(people, bill, author="peu")
    queue = review.review_queue(people["claire"], review.QueueFilter())
    assert [a.id for a in queue] == [first.id, second.id]


def test_the_queue_search_treats_percent_and_underscore_literally(people, bill):
    literal = make(people, bill, dispositif="Remplacer « 50 % » par « 100 % ».")
    make(people, bill, dispositif="Remplacer 50 par 100.")
    found = review.review_queue(people["claire"], review.QueueFilter(search="50 %"))
    assert [a.id for a in found] == [literal.id]
    assert review.review_queue(people["claire"], review.QueueFilter(search="_")) == []


@pytest.mark.parametrize("who", ["regol", "lea", "admin"])
def test_only_a_group_secretariat_has_a_queue(people, bill, who):
    with pytest.raises(Forbidden):
        review.review_queue(people[who], review.QueueFilter())


def test_bulk_approval_goes_on_after_a_refusal_and_reports_each_item(people, bill):
    ok, done, foreign = (
        make(people, bill),
        make(people, bill, state="open"),
        make(people, bill, author="peu"),
    )
    results = review.approve_many(people["claire"], [ok.id, done.id, foreign.id, ok.id], NOW)
    commit()
    assert [(r.amendment_id, r.ok) for r in results] == [
        (ok.id, True),
        (done.id, False),
        (foreign.id, False),
    ]
    assert "ouvert à la cosignature" in results[1].message
    assert results[2].message == "Amendement inconnu."
    assert ok.state == "open"


def test_bulk_approval_is_for_secretariats(people, bill):
    amendment = make(people, bill)
    with pytest.raises(Forbidden):
        review.approve_many(people["regol"], [amendment.id], NOW)


def test_outsiders_read_the_history_without_internal_comments(people, bill):
    amendment = make(people, bill)
    transitions.transition(
        people["claire"], amendment.id, "request_changes", now=NOW, comment="Interne au groupe."
    )
    transitions.comment(people["claire"], amendment.id, "Note interne.", NOW)
    transitions.transition(people["regol"], amendment.id, "submit", now=NOW)
    transitions.transition(people["claire"], amendment.id, "approve", now=NOW, comment="OK")
    commit()
    _, mine = review.history(people["regol"], amendment.id)
    _, theirs = review.history(people["lucas"], amendment.id)
    assert [e.action for e in mine] == [
        "created",
        "changes_requested",
        "commented",
        "submitted",
        "approved",
    ]
    assert [e.action for e in theirs] == ["created", "changes_requested", "submitted", "approved"]
    assert all("comment" not in e.data for e in theirs)
    assert mine[1].data["comment"] == "Interne au groupe."


def test_bulk_approval_has_no_cap(people, bill):
    """The former cap (200) approved 200 and reported « 200 approuvés sur 200 »."""
    ids = [make(people, bill).id for _ in range(201)]
    results = review.approve_many(people["claire"], ids, NOW)
    commit()
    assert len(results) == 201 and all(r.ok for r in results)
