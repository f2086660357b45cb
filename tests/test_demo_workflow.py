"""The demo walks amendments through the review so every page has something to show."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from drafting.db import commit
from drafting.extensions import db
from drafting.models import Amendment
from drafting.services import journal
from drafting.services.demo import load_demo


def test_the_demo_has_amendments_in_review_open_and_filed(app):
    load_demo(datetime.now(UTC))
    commit()
    states = {a.state for a in db.session.scalars(select(Amendment))}
    assert {"draft", "in_review", "open", "filed"} <= states
    filed = db.session.scalar(select(Amendment).where(Amendment.state == "filed"))
    # No outcome before the sitting: the demo's examination is still to come.
    assert (filed.number, filed.outcome) == ("27", None)
    assert journal.verify_all() == []
