"""Syncing a text's amendments back from the Assembly: ours matched and updated (journalled),
every other one external and read-only; a re-run with nothing new changes nothing; drafts are
never overwritten; what cannot be matched is listed; bad sources change nothing."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from drafting.db import commit
from drafting.errors import Forbidden, Invalid
from drafting.extensions import db
from drafting.models import Event, PublishedAmendment, User
from drafting.services import amendments, texts
from drafting.services.assembly.amendments_opendata import SUFFIXES
from drafting.services.assembly.sources import read_bytes
from drafting.services.assembly.sync import sync_text
from drafting.services.workflow import transitions
from tests.conftest import NOW
from tests.opendata_records import (
    ECOS,
    GDR,
    LATER,
    LUCAS,
    PEU,
    REGOL,
    amendment,
    files,
    hedges_text,
)


@pytest.fixture
def text(people: dict[str, User]) -> Any:
    """Text n° 1234 in séance, three articles; our deputies known by their Assembly ids."""
    return hedges_text(people)


def _ours(people, text, author: str, article: str, dispositif: str, state: str, number=None):
    """One of our amendments, taken to `state` through the workflow."""
    draft = amendments.Draft(
        text.id, amendments.PositionInput("article", article), dispositif, "Exposé sommaire."
    )
    created = amendments.create_amendment(people[author], draft, NOW)
    steps = {"draft": [], "open": ["submit", "approve"], "ready": ["submit", "approve", "close"]}
    steps["filed"] = [*steps["ready"], "file"]
    for action in steps[state]:
        actor = people["claire"] if action in ("approve", "file") else people[author]
        extra = {"number": number} if action == "file" else {}
        extra |= {"deadline_exception_reason": "Test"} if action == "file" else {}
        transitions.transition(actor, created.id, action, now=NOW, **extra)
    commit()
    return created


def _events(kind: str) -> int:
    return db.session.scalar(select(func.count(Event.id)).where(Event.action == kind)) or 0


def _sync(people, text, *records, actor="claire", folder=None):
    kw = {"folder": folder} if folder else {}
    summary = sync_text(
        people[actor] if actor else None, text.id, files(*records, **kw), LATER, source="test"
    )
    commit()
    return summary


SOURCE = [
    amendment(10, author=REGOL, group=ECOS, dispositif="Supprimer cet article.", tri="bm"),
    amendment(11, author=REGOL, group=ECOS, article="2", rect=1, sort="Adopté", tri="dm"),
    amendment(
        12, author=LUCAS, group=ECOS, article="3", dispositif="Rédiger ainsi cet article.", tri="fm"
    ),
    amendment(
        20, author=PEU, group=GDR, article="2", dispositif="Supprimer cet article.", tri="dp"
    ),
]


def test_ours_are_matched_and_updated_and_the_rest_is_external(people, text):
    ready = _ours(people, text, "regol", "1er", "Supprimer  cet   article.", "ready")
    filed = _ours(people, text, "regol", "2", "Supprimer l'alinéa 1.", "filed", number="11")
    draft = _ours(people, text, "lucas", "3", "Rédiger ainsi cet article.", "draft")
    summary = _sync(people, text, *SOURCE)
    assert (summary.read, summary.matched, summary.updated) == (4, 2, 2)
    assert (summary.external_added, summary.external_updated) == (2, 0)
    # the ready one was filed by the Assembly: matched by position, dispositif and author
    db.session.refresh(ready)
    assert (ready.state, ready.number) == ("filed", "10")
    # the filed one, matched by its number: rectified, adopted
    db.session.refresh(filed)
    assert (filed.number, filed.outcome) == ("11 rect.", "adopte")
    record = db.session.scalar(
        select(PublishedAmendment).where(PublishedAmendment.amendment_id == filed.id)
    )
    assert record is not None and (record.rectification, record.order_key) == (1, "dm")
    # the draft is never matched, hence never overwritten
    db.session.refresh(draft)
    assert (draft.state, draft.number, draft.version) == ("draft", None, 1)
    externals = db.session.scalars(
        select(PublishedAmendment.number).where(PublishedAmendment.amendment_id.is_(None))
    ).all()
    assert sorted(externals) == ["12", "20"]
    assert [(u.side, u.number) for u in summary.unmatched] == [("assembly", "12")]
    assert _events("assembly_synced") == 2 and _events("text_synced") == 1
    filed_events = db.session.scalars(
        select(Event).where(Event.action == "filed", Event.amendment_id == ready.id)
    ).all()
    assert [e.data for e in filed_events] == [{"version": 1, "number": "10", "by": "assembly"}]


def test_a_rerun_with_nothing_new_changes_nothing(people, text):
    _ours(people, text, "regol", "1er", "Supprimer cet article.", "ready")
    _sync(people, text, *SOURCE)
    events = db.session.scalar(select(func.count(Event.id)))
    rows = db.session.execute(select(PublishedAmendment.id, PublishedAmendment.synced_at)).all()
    again = _sync(people, text, *SOURCE)
    assert (again.matched, again.updated, again.external_added, again.external_updated) == (
        1,
        0,
        0,
        0,
    )
    assert again.unchanged == 4
    assert db.session.scalar(select(func.count(Event.id))) == events
    assert (
        db.session.execute(select(PublishedAmendment.id, PublishedAmendment.synced_at)).all()
        == rows
    )


def test_a_changed_external_amendment_is_updated(people, text):
    _sync(people, text, *SOURCE)
    changed = amendment(20, author=PEU, group=GDR, article="2", sort="Rejeté", tri="dp")
    summary = _sync(people, text, *SOURCE[:3], changed)
    assert (summary.external_added, summary.external_updated, summary.unchanged) == (0, 1, 3)
    outcome = db.session.scalar(
        select(PublishedAmendment.outcome).where(PublishedAmendment.number == "20")
    )
    assert outcome == "rejete"


def test_our_filed_amendment_the_source_lacks_is_listed(people, text):
    lost = _ours(people, text, "regol", "3", "Supprimer cet article.", "filed", number="99")
    summary = _sync(people, text, *SOURCE)
    assert [(u.side, u.amendment_id, u.number) for u in summary.unmatched if u.side == "local"] == [
        ("local", lost.id, "99")
    ]


def test_files_of_other_texts_in_the_bulk_layout_are_passed_over(people, text):
    other = amendment(1, author=PEU, group=GDR, text_uid="PIONANR5L17BTC0374")
    items = files(*SOURCE) + files(other, folder="json/DLR5L17N1/PIONANR5L17BTC0374")
    summary = sync_text(people["claire"], text.id, items, LATER, source="dump")
    assert (summary.read, summary.skipped) == (4, 1)


def test_json_of_another_shape_changes_nothing(people, text):
    bad = [("json/x.json", json.dumps({"acteur": {"uid": "PA1"}}).encode())]
    with pytest.raises(Invalid) as refused:
        sync_text(people["claire"], text.id, files(*SOURCE) + bad, LATER, source="bad")
    assert "amendement" in refused.value.message
    db.session.rollback()
    assert db.session.scalar(select(func.count(PublishedAmendment.id))) == 0


def test_a_truncated_zip_changes_nothing(people, text):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files(*SOURCE):
            archive.writestr(name, content)
    truncated = buffer.getvalue()[: len(buffer.getvalue()) // 2]
    with pytest.raises(Invalid) as refused:
        items = read_bytes("dump.zip", truncated, suffixes=SUFFIXES)
        sync_text(people["claire"], text.id, items, LATER, source="zip")
    assert "ZIP" in refused.value.message
    db.session.rollback()
    assert db.session.scalar(select(func.count(PublishedAmendment.id))) == 0


def test_only_secretariats_and_admins_sync(people, text):
    for name in ("regol", "lea"):
        with pytest.raises(Forbidden):
            sync_text(people[name], text.id, files(*SOURCE), LATER, source="x")


def test_the_real_btc1187_files_are_read_and_externals_keep_what_the_assembly_says(
    people, open_data: Path
):
    data = texts.TextInput(
        title="Proposition de loi tendant à assurer l'exécution des peines d'emprisonnement ferme",
        number="1187",
        stage="seance",
        articles=[
            texts.ArticleInput(n, None, ["Alinéa."] * 9) for n in ("1er", "2", "3", "4", "5")
        ],
    )
    text = texts.create_text(people["admin"], data, NOW)
    folder = open_data / "an-opendata-BTC1187"
    items = [(p.name, p.read_bytes()) for p in sorted(folder.glob("*.json"))]
    summary = sync_text(people["admin"], text.id, items, LATER, source="BTC1187")
    assert (summary.read, summary.external_added) == (7, 7)
    n5 = db.session.scalar(select(PublishedAmendment).where(PublishedAmendment.number == "5"))
    assert n5 is not None and (n5.outcome, n5.inadmissibility_ground) == ("irrecevable", "45")
    n74 = db.session.scalar(select(PublishedAmendment).where(PublishedAmendment.number == "74"))
    assert n74 is not None and n74.parent_uid and n74.parent_uid.endswith("N000015")
    n66 = db.session.scalar(select(PublishedAmendment).where(PublishedAmendment.number == "66"))
    assert n66 is not None and n66.rectification == 1 and n66.order_key


def _text_numbered(people, number: str, articles: tuple[str, ...]) -> Any:
    data = texts.TextInput(
        title="Projet de loi",
        number=number,
        stage="seance",
        articles=[texts.ArticleInput(n, None, ["Alinéa."] * 5) for n in articles],
    )
    created = texts.create_text(people["admin"], data, NOW)
    commit()
    return created


def test_the_liasse_xml_and_eliasse_xml_are_read_too(people, open_data: Path):
    text_806 = _text_numbered(people, "806", ("1er", "2", "40 quater"))
    items = [(p.name, p.read_bytes()) for p in open_data.glob("an-liasse-referentiel-*.xml")]
    summary = sync_text(people["admin"], text_806.id, items, LATER, source="liasse XML")
    assert summary.read >= 2  # the amendment "A déposer" is not one
    assert (
        db.session.scalar(
            select(PublishedAmendment.order_key).where(PublishedAmendment.number == "28")
        )
        == "l"
    )
    text_911 = _text_numbered(people, "911", ("9",))
    items = [
        (p.name, p.read_bytes())
        for p in (
            open_data / "eliasse-amendement-AN15-911-3-sous-amendement.xml",
            open_data / "eliasse-derouleur-AN15-911-liste.xml",
        )
    ]
    summary = sync_text(people["admin"], text_911.id, items, LATER, source="Eliasse")
    row = db.session.scalar(
        select(PublishedAmendment).where(PublishedAmendment.text_id == text_911.id)
    )
    assert summary.read == 1 and row is not None
    assert row.uid.startswith("eliasse:") and row.parent_number == "1" and row.order_key
