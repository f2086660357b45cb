"""Successive stages: an amendment that fell in commission is re-filed in séance as a new draft
at the article of the same number (flagged when the article moved; refused when it went), its
co-signatories invited again."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from drafting.db import commit
from drafting.errors import Conflict, Forbidden
from drafting.extensions import db
from drafting.models import Event, Invitation, Signature
from drafting.services import amendments, texts
from drafting.services.assembly.stages import refile_in_seance, refile_target
from drafting.services.workflow import transitions
from tests.conftest import NOW

ARTICLES = [
    texts.ArticleInput("7", "Traitements algorithmiques", ["Al. 1.", "Al. 2.", "Al. 3."]),
    texts.ArticleInput("8", "Caméras embarquées", ["Al. 1."]),
    texts.ArticleInput("9", "Scanners", ["Al. 1."]),
]


@pytest.fixture
def stages_of_a_bill(people) -> dict[str, Any]:
    """The Olympics bill in commission, then its séance text (article 8 became 8 bis, 9 went)."""
    commission = texts.create_text(
        people["claire"], texts.TextInput("PJL JO", "809", "commission", articles=ARTICLES), NOW
    )
    seance_articles = [
        texts.ArticleInput("7", "Traitements algorithmiques", ["Al. 1.", "Al. 2."]),
        texts.ArticleInput("8 bis", "Caméras embarquées", ["Al. 1."]),
    ]
    seance = texts.create_text(
        people["claire"],
        texts.TextInput(
            "PJL JO",
            "809",
            "seance",
            articles=seance_articles,
            previous_id=commission.id,
            committee_text_number="939",
        ),
        NOW,
    )
    commit()
    return {"commission": commission, "seance": seance}


def _fallen(people, text, article: str, alinea: int | None, outcome: str = "rejete", number="CL1"):
    position = amendments.PositionInput("article", article, alinea)
    draft = amendments.Draft(text.id, position, "Supprimer cet alinéa.", "Exposé.")
    created = amendments.create_amendment(people["regol"], draft, NOW)
    for actor, action, extra in (
        ("regol", "submit", {}),
        ("claire", "approve", {}),
        ("regol", "close", {}),
        ("claire", "file", {"number": number, "deadline_exception_reason": "Test"}),
        ("claire", "record_outcome", {"outcome": outcome}),
    ):
        transitions.transition(people[actor], created.id, action, now=NOW, **extra)
    db.session.add(
        Signature(
            amendment_id=created.id,
            deputy_id=people["lucas"].id,
            version=created.version,
            content_hash=created.content_hash,
            first_signed_at=NOW,
            signed_at=NOW,
        )
    )
    commit()
    return created


def test_a_fallen_amendment_is_refiled_as_a_draft_on_the_seance_text(people, stages_of_a_bill):
    fallen = _fallen(people, stages_of_a_bill["commission"], "7", 2)
    assert refile_target(people["regol"], fallen) == stages_of_a_bill["seance"]
    refiled = refile_in_seance(people["lea"], fallen.id, NOW)  # her assistant may
    commit()
    new = refiled.amendment
    assert (new.text_id, new.article.number, new.alinea) == (stages_of_a_bill["seance"].id, "7", 2)
    assert (new.state, new.author_id, new.dispositif) == (
        "draft",
        fallen.author_id,
        fallen.dispositif,
    )
    assert not refiled.article_moved and not refiled.alinea_dropped
    # the signature was given to the other text: not carried over, its author invited again
    assert db.session.scalars(select(Signature).where(Signature.amendment_id == new.id)).all() == []
    invited = db.session.scalars(
        select(Invitation.deputy_id).where(Invitation.amendment_id == new.id)
    )
    assert list(invited) == refiled.invited == [people["lucas"].id]
    event = db.session.scalar(select(Event).where(Event.action == "refiled"))
    assert event is not None and event.data["from_amendment_id"] == fallen.id


def test_an_alinea_gone_and_a_moved_article_are_flagged(people, stages_of_a_bill):
    on_3 = _fallen(people, stages_of_a_bill["commission"], "7", 3, number="CL2")
    assert refile_in_seance(people["regol"], on_3.id, NOW).alinea_dropped
    on_8 = _fallen(people, stages_of_a_bill["commission"], "8", None, number="CL3")
    refiled = refile_in_seance(people["regol"], on_8.id, NOW)
    assert refiled.article_moved and refiled.amendment.article.number == "8 bis"


def test_an_article_that_went_is_refused(people, stages_of_a_bill):
    on_9 = _fallen(people, stages_of_a_bill["commission"], "9", None)
    with pytest.raises(Conflict) as refused:
        refile_in_seance(people["regol"], on_9.id, NOW)
    assert refused.value.code == "article_gone"


def test_only_a_fallen_amendment_is_refiled_and_only_by_who_may_draft_for_its_author(
    people, stages_of_a_bill
):
    adopted = _fallen(people, stages_of_a_bill["commission"], "7", None, outcome="adopte")
    with pytest.raises(Conflict):
        refile_in_seance(people["regol"], adopted.id, NOW)
    fallen = _fallen(people, stages_of_a_bill["commission"], "7", None, number="CL9")
    assert refile_target(people["peu"], fallen) is None
    with pytest.raises(Forbidden):
        refile_in_seance(people["hugo"], fallen.id, NOW)  # another group's secretariat
