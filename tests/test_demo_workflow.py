"""The demo walks amendments through the review so every page has something to show."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from drafting.db import commit
from drafting.extensions import db
from drafting.models import Amendment, Event, LegislativeText, User
from drafting.rendering.sheet import text_heading
from drafting.services import journal
from drafting.services.demo import load_demo
from drafting.services.documents.sheets import build_sheet


def test_the_demo_has_amendments_in_review_open_and_filed(app):
    load_demo(datetime.now(UTC))
    commit()
    states = {a.state for a in db.session.scalars(select(Amendment))}
    assert {"draft", "in_review", "open", "filed"} <= states
    filed = db.session.scalar(select(Amendment).where(Amendment.state == "filed"))
    # No outcome before the sitting: the demo's examination is still to come.
    assert (filed.number, filed.outcome) == ("27", None)
    assert journal.verify_all() == []


def test_the_demo_bill_and_deputies_come_through_the_importers(app):
    load_demo(datetime.now(UTC))
    commit()
    text = db.session.scalar(select(LegislativeText))
    assert text is not None and text.short_title == "JEUX OLYMPIQUES ET PARALYMPIQUES DE 2024"
    article_7 = next(a for a in text.articles if a.number == "7")
    assert len(article_7.alineas) == 25
    assert not any("(Alinéa" in al.content for a in text.articles for al in a.alineas)
    assert "et à leurs abords" in article_7.alineas[0].content
    assert article_7.anchor == "D_Article_7" and [d.label for d in text.divisions] == [
        "CHAPITRE Ier",
        "CHAPITRE III",
    ]
    actions = set(db.session.scalars(select(Event.action)))
    assert {"text_imported", "people_imported"} <= actions
    regol = db.session.scalar(select(User).where(User.email == "sandra.regol@assemblee.example"))
    assert regol is not None and regol.assembly_id and regol.group_code == "ECOS"
    assert (regol.first_name, regol.last_name) == ("Sandra", "Regol")
    filed = db.session.scalar(select(Amendment).where(Amendment.state == "filed"))
    sheet = build_sheet(filed, regol, datetime.now(UTC))
    assert text_heading(sheet) == "JEUX OLYMPIQUES ET PARALYMPIQUES DE 2024 - (N°\u00a0939)"
