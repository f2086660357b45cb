"""The liasse with the Assembly's data: ours and the external amendments in the order of call
(the Assembly's `triAmendement`), the external ones' sheets, index.csv with French labels, and
the two exchange documents (Akoma Ntoso validated against the OASIS schema, liasse XML)."""

from __future__ import annotations

import csv
import io
import json
import random
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from sqlalchemy import select

from drafting.db import commit
from drafting.extensions import db
from drafting.models import Amendment, Job, PublishedAmendment, StoredFile, User
from drafting.services import amendments, texts
from drafting.services.assembly import liasse_export
from drafting.services.assembly.amendments_opendata import parse_opendata_json
from drafting.services.assembly.amendments_xml import parse_xml
from drafting.services.assembly.people import parse_people_source
from drafting.services.assembly.people_import import import_people
from drafting.services.assembly.sync import sync_text
from drafting.services.documents import exports, storage
from drafting.services.workflow import transitions
from tests.conftest import NOW, make_user
from tests.opendata_records import (
    ECOS,
    GDR,
    LATER,
    PEU,
    REGOL,
    amendment,
    files,
    from_index,
    hedges_text,
)

AFTER_IMPORT = datetime(2025, 11, 20, 9, 0, tzinfo=UTC)


def _index_records(open_data: Path) -> list[dict[str, Any]]:
    lines = (open_data / "an-opendata-BTC1187-liasse-index.jsonl").read_text(encoding="utf-8")
    return [from_index(json.loads(line)) for line in lines.splitlines()]


def _through(user_for: dict[str, User], amendment_id: int, *steps: str) -> None:
    for step in steps:
        actor = user_for["secretariat"] if step in ("approve", "file") else user_for["author"]
        transitions.transition(actor, amendment_id, step, now=NOW)


def test_the_77_amendments_of_text_1187_shuffled_come_out_in_the_assemblys_order(
    app, open_data: Path
):
    people = parse_people_source(open_data / "an-opendata-AMO10" / "json")
    import_people(None, people, AFTER_IMPORT, source="AMO10")
    commit()
    balage = db.session.scalar(select(User).where(User.assembly_id == "PA841701"))
    assert balage is not None and balage.group_code == "ECOS"
    claire = make_user("Claire Dupont", "secretariat", "ECOS", civility="Mme")
    data = texts.TextInput(
        title="Proposition de loi visant à faire exécuter les peines d'emprisonnement ferme",
        number="1187",
        stage="seance",
        articles=[
            texts.ArticleInput(n, None, ["Alinéa."] * 12) for n in ("1er", "2", "3", "4", "5")
        ],
    )
    text = texts.create_text(claire, data, NOW)
    records = _index_records(open_data)
    assembly_order = [r["amendement"]["identification"]["numeroLong"] for r in records]
    # One of them is ours: Mme Balage El Mariky's n° 66, ready in Liasse before the sync.
    n66 = parse_opendata_json(json.dumps(records[assembly_order.index("66 (Rect)")]))
    draft = amendments.Draft(
        text.id, amendments.PositionInput("article", "4"), n66.dispositif, "Exposé."
    )
    ours = amendments.create_amendment(balage, draft, NOW)
    _through({"author": balage, "secretariat": claire}, ours.id, "submit", "approve", "close")
    commit()
    shuffled = list(records)
    random.Random(1187).shuffle(shuffled)
    items = files(*shuffled, folder="json/DLR5L17N50631/PIONANR5L17BTC1187")
    summary = sync_text(claire, text.id, items, LATER, source="1187")
    commit()
    assert (summary.read, summary.matched, summary.external_added) == (77, 1, 76)
    db.session.refresh(ours)
    assert (ours.state, ours.number) == ("filed", "66 rect.")
    tokens = liasse_export.ordered_tokens(text.id, [ours.id], {})
    numbers = {f"p{row.id}": row.number for row in db.session.scalars(select(PublishedAmendment))}
    listed = ["66" if token == ours.id else numbers[str(token)] for token in tokens]
    assert listed == [n.split()[0] for n in assembly_order]


@pytest.fixture
def synced(people) -> Any:
    """Text n° 1234 synced: one of ours filed and matched, two external amendments."""
    text = hedges_text(people)
    created = amendments.create_amendment(
        people["regol"],
        amendments.Draft(
            text.id, amendments.PositionInput("article", "1er"), "Supprimer cet article.", "E."
        ),
        NOW,
    )
    _through(
        {"author": people["regol"], "secretariat": people["claire"]},
        created.id,
        "submit",
        "approve",
        "close",
    )
    source = [
        amendment(10, author=REGOL, group=ECOS, tri="bm", sort="Rejeté"),
        amendment(20, author=PEU, group=GDR, article="2", tri="dp", sort="Adopté"),
        amendment(5, author=PEU, group=GDR, article="1er", tri="bb", where="Avant"),
    ]
    sync_text(people["claire"], text.id, files(*source), LATER, source="t")
    commit()
    return text


def _liasse(job: Job) -> zipfile.ZipFile:
    stored = db.session.get(StoredFile, job.file_id)
    return zipfile.ZipFile(io.BytesIO(storage.storage_for(stored).read(stored)))


def test_the_liasse_holds_every_groups_amendments_in_the_order_of_call(people, synced, run_jobs):
    job = exports.request_export(people["admin"], synced.id, now=LATER)
    commit()
    run_jobs()
    job = db.session.get(Job, job.id, populate_existing=True)
    assert job.status == "finished", job.error
    liasse = _liasse(job)
    rows = list(
        csv.DictReader(io.StringIO(liasse.read("index.csv").decode("utf-8-sig")), delimiter=";")
    )
    assert [(r["numéro"], r["position"]) for r in rows] == [
        ("5", "AVANT ART. 1ER"),
        ("10", "ART. 1ER"),
        ("20", "ART. 2"),
    ]
    assert [(r["état"], r["libellé de l'état"], r["sort"], r["libellé du sort"]) for r in rows] == [
        ("filed", "déposé", "", ""),
        ("filed", "déposé", "rejete", "Rejeté"),
        ("filed", "déposé", "adopte", "Adopté"),
    ]
    assert "liasse.akn.xml" in liasse.namelist() and "liasse.xml" in liasse.namelist()
    # the liasse XML reads back with the Assembly's field names
    read = parse_xml(liasse.read("liasse.xml"))
    assert [a.number for a in read] == ["5", "10", "20"]  # type: ignore[union-attr]


def test_a_groups_liasse_leaves_the_external_amendments_out(people, synced, run_jobs):
    job = exports.request_export(people["claire"], synced.id, group="ECOS", now=LATER)
    commit()
    run_jobs()
    job = db.session.get(Job, job.id, populate_existing=True)
    rows = list(
        csv.DictReader(
            io.StringIO(_liasse(job).read("index.csv").decode("utf-8-sig")), delimiter=";"
        )
    )
    assert [r["numéro"] for r in rows] == ["10"]


def test_the_liasse_akoma_ntoso_validates_against_the_oasis_schema(
    people, synced, run_jobs, open_data: Path
):
    xsd = open_data / "akn30-xsd" / "akomantoso30.xsd"
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    job = exports.request_export(people["admin"], synced.id, now=LATER)
    commit()
    run_jobs()
    job = db.session.get(Job, job.id, populate_existing=True)
    document = etree.fromstring(_liasse(job).read("liasse.akn.xml"))
    assert schema.validate(document), [str(e) for e in schema.error_log][:5]
    ns = {"a": "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"}
    assert len(document.xpath("//a:amendment", namespaces=ns)) == 3
    assert db.session.scalar(select(Amendment.number)) == "10"
