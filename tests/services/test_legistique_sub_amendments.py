"""Sub-amendments: drafted on a settled amendment one may see, its dispositif's paragraphs as
alinéas, the same workflow, not bound by the filing deadline (art. 99), numbered when filed,
printed « SOUS-AMENDEMENT N° … à l'amendement n° … » and placed right after their parent."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from drafting.db import commit
from drafting.errors import Conflict, Forbidden, Invalid, NotFound
from drafting.extensions import db
from drafting.models import Job
from drafting.rendering.sheet import download_name, number_label
from drafting.services import amendments
from drafting.services.documents import exports, sheets
from drafting.services.legistique import amended_text
from drafting.services.workflow import transitions
from tests.conftest import NOW
from tests.documents_helpers import docx_text, flat, make_amendment, pdf_text

NBSP = "\u00a0"
PARENT = (
    f"Compléter cet article par l’alinéa suivant{NBSP}:\n"
    f"«{NBSP}Le traitement est autorisé pour une durée de douze mois.{NBSP}»"
)
SUB = (
    f"À l’alinéa{NBSP}2, substituer aux mots{NBSP}:\n«{NBSP}douze mois{NBSP}»\n"
    f"les mots{NBSP}:\n«{NBSP}six mois{NBSP}»."
)


@pytest.fixture
def parent(people, bill):
    """M. Peu's (GDR) amendment on article 8, filed as n° 27."""
    return make_amendment(
        people["peu"], bill, article="8", dispositif=PARENT, state="filed", number="27"
    )


def _sub(people: dict[str, Any], bill: Any, parent: Any, *, who: str = "regol", **kw: Any) -> Any:
    draft = amendments.Draft(
        bill.id,
        amendments.PositionInput("article", kw.pop("article", "8"), kw.pop("alinea", 2)),
        kw.pop("dispositif", SUB),
        "Six mois suffisent.",
        kw.pop("author_id", None),
        parent.id,
    )
    sub = amendments.create_amendment(people[who], draft, NOW)
    commit()
    return sub


def test_a_sub_amendment_is_drafted_on_the_parent_s_article_and_paragraphs(people, bill, parent):
    sub = _sub(people, bill, parent)
    assert (sub.parent_id, sub.article.number, sub.position_kind, sub.alinea) == (
        parent.id,
        "8",
        "article",
        2,
    )
    assert sub.lint == []  # « douze mois » is in the parent's second paragraph
    assert sub.is_sub_amendment


def test_its_lint_reads_the_parent_s_paragraphs(people, bill, parent):
    missing = f"À l’alinéa{NBSP}2, supprimer les mots{NBSP}:\n«{NBSP}trois ans{NBSP}»."
    sub = _sub(people, bill, parent, dispositif=missing)
    assert [f["code"] for f in sub.lint] == ["words_not_found"]
    completing = (
        f"Compléter cet amendement par les mots{NBSP}:\n«{NBSP}renouvelable une fois{NBSP}»."
    )
    assert _sub(people, bill, parent, dispositif=completing, alinea=None).lint == []


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"article": "7"}, Invalid),  # not the parent's article
        ({"alinea": 3}, Invalid),  # the parent has two paragraphs
    ],
)
def test_a_sub_amendment_elsewhere_is_refused(people, bill, parent, change, error):
    with pytest.raises(error):
        _sub(people, bill, parent, **change)


def test_only_settled_visible_amendments_are_sub_amended(people, bill, parent):
    draft = make_amendment(people["peu"], bill, article="8")
    with pytest.raises(NotFound):  # another group's draft: not even its existence
        _sub(people, bill, draft)
    own = make_amendment(people["regol"], bill, article="8", dispositif=PARENT)
    with pytest.raises(Conflict):  # one's own draft: not settled yet
        _sub(people, bill, own)
    sub = _sub(people, bill, parent)
    sub.state = "filed"
    commit()
    with pytest.raises(Invalid):  # a sub-amendment is not sub-amended
        _sub(people, bill, sub)
    with pytest.raises(Forbidden):
        _sub(people, bill, parent, who="admin")


def test_it_goes_through_the_workflow_and_is_filed_after_the_deadline(people, bill, parent):
    sub = _sub(people, bill, parent)
    late = bill.filing_deadline + timedelta(days=3)
    transitions.transition(people["regol"], sub.id, "submit", now=late)
    transitions.transition(people["claire"], sub.id, "approve", now=late)
    transitions.transition(people["regol"], sub.id, "close", now=late)
    transitions.transition(people["claire"], sub.id, "file", now=late, number="154")
    commit()
    assert (sub.state, sub.number) == ("filed", "154")


def test_the_sheet_prints_sous_amendement_a_l_amendement(people, bill, parent):
    sub = _sub(people, bill, parent)
    sheet = sheets.build_sheet(sub, people["claire"], NOW)
    assert number_label(sheet) == f"SOUS-AMENDEMENT — non déposé, à l'amendement n°{NBSP}27"
    sub.state, sub.number = "filed", "154"
    commit()
    sheet = sheets.build_sheet(sub, people["claire"], NOW)
    assert number_label(sheet) == f"SOUS-AMENDEMENT N°{NBSP}154 à l'amendement n°{NBSP}27"
    assert download_name(sheet, "pdf") == "SSAMDT_809_art8_n154.pdf"
    assert "SOUS-AMENDEMENT N° 154 à l'amendement n° 27" in flat(
        pdf_text(sheets.render(sheet, "pdf"))
    )
    assert "SOUS-AMENDEMENT N° 154 à l'amendement n° 27" in flat(
        docx_text(sheets.render(sheet, "docx"))
    )


def test_an_unfiled_parent_is_named_by_its_id(people, bill):
    parent = make_amendment(people["regol"], bill, article="8", dispositif=PARENT, state="open")
    sub = _sub(people, bill, parent)
    sheet = sheets.build_sheet(sub, people["claire"], NOW)
    assert number_label(sheet).endswith(f"à l'amendement #{parent.id}{NBSP}(non déposé)")


def test_the_liasse_places_it_right_after_its_parent(people, bill, parent, run_jobs):
    later = make_amendment(people["lucas"], bill, article="10", state="filed", number="30")
    earlier = make_amendment(people["lucas"], bill, article="1er", state="filed", number="3")
    sub = _sub(people, bill, parent)
    sub.state, sub.number = "filed", "154"
    commit()
    job = exports.request_export(people["claire"], bill.id, now=NOW)
    commit()
    run_jobs()
    job = db.session.get(Job, job.id, populate_existing=True)
    assert exports.ordered_ids(job, people["claire"]) == [earlier.id, parent.id, sub.id, later.id]


def test_the_amended_text_applies_it_to_its_parent_first(people, bill, parent):
    sub = _sub(people, bill, parent)
    result = amended_text.amended_text(
        people["regol"],
        bill.id,
        amended_text.Selection(amended_text.SetKind.SELECTION, (sub.id, parent.id), "8"),
    )
    assert [a.id for a in result.amendments] == [parent.id, sub.id]
    inserted = [a for a in result.articles[0].amended.alineas if a.status == "inserted"]
    assert [a.text for a in inserted] == ["Le traitement est autorisé pour une durée de six mois."]
