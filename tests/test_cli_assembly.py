"""The `liasse` commands of the Assembly's data: texts import, people import, amendments sync."""

from __future__ import annotations

import zipfile
from pathlib import Path

from sqlalchemy import func, select

from drafting.extensions import db
from drafting.models import LegislativeText
from drafting.services.accounts import registration
from drafting.services.texts import ArticleInput, TextInput, create_text
from tests.amo_records import acteur, files, mandate, organe
from tests.conftest import NOW
from tests.opendata_records import amendment
from tests.opendata_records import files as opendata_files

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "assembly"


def test_texts_import_prints_the_new_texts_id(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            *("texts", "import", str(FIXTURES / "bill-an.html")),
            *("--number", "1234", "--stage", "seance", "--committee-text", "1301"),
            *("--examination-starts-at", "2026-03-02T15:00"),
        ]
    )
    assert result.exit_code == 0, result.output
    text = db.session.scalar(select(LegislativeText))
    assert text is not None and result.stdout.strip() == str(text.id)
    assert text.committee_text_number == "1301" and len(text.articles) == 4
    assert text.examination_starts_at is not None and text.examination_starts_at.hour == 14


def test_texts_import_of_a_page_that_is_not_a_bill_fails_and_writes_nothing(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "texts",
            "import",
            str(FIXTURES / "not-a-bill.html"),
            "--number",
            "1",
            "--stage",
            "seance",
        ]
    )
    assert result.exit_code != 0 and "Aucun article" in result.output
    assert db.session.scalar(select(func.count(LegislativeText.id))) == 0


def test_texts_import_refuses_a_host_outside_the_allow_list(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["texts", "import", "http://127.0.0.1:9/x.html", "--number", "1", "--stage", "seance"]
    )
    assert result.exit_code != 0 and "port particulier" in result.output
    result = runner.invoke(
        args=[
            "texts",
            "import",
            "http://intranet.example/x.html",
            "--number",
            "1",
            "--stage",
            "seance",
        ]
    )
    assert result.exit_code != 0 and "Hôte non autorisé" in result.output


def test_people_import_reads_the_datasets_folder_and_prints_a_summary(app, tmp_path: Path):
    records = files(
        organe("PO845419", "SOC", "SOC", "Socialistes et apparentés"),
        acteur(
            "PA720430",
            "Mme",
            "Christine",
            "Pirès Beaune",
            "cpb@an.example",
            [mandate("PO845419", "2024-07-19")],
        ),
    )
    for name, content in records:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(content)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["people", "import", str(tmp_path / "json")])
    assert result.exit_code == 0, result.output
    assert "Députés créés : 1" in result.output and "Groupes créés : 1" in result.output
    result = runner.invoke(args=["groups", "mention", "SOC", "Socialistes"])
    assert result.exit_code == 0 and "membres du groupe Socialistes" in result.output
    result = runner.invoke(args=["users", "invite", "cpb@an.example"])
    assert result.exit_code == 0 and "/compte/bienvenue/" in result.output


def test_people_import_of_json_of_another_shape_fails_and_writes_nothing(app, tmp_path: Path):
    (tmp_path / "x.json").write_text('{"amendement": {"uid": "X"}}', encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["people", "import", str(tmp_path / "x.json")])
    assert result.exit_code != 0 and "acteur ou un organe" in result.output


def test_amendments_sync_reads_a_zip_and_prints_the_summary(app, tmp_path: Path):
    registration.create_group("GDR", "GDR")
    text = create_text(
        None,
        TextInput("PPL", "1234", "seance", articles=[ArticleInput("1er", None, ["A."])]),
        NOW,
    )
    db.session.commit()
    archive = tmp_path / "Amendements.json.zip"
    with zipfile.ZipFile(archive, "w") as dump:
        for name, content in opendata_files(amendment(20, author="PA1", group="PO1", tri="bm")):
            dump.writestr(name, content)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["amendments", "sync", str(text.id), str(archive)])
    assert result.exit_code == 0, result.output
    assert "Amendements extérieurs ajoutés : 1" in result.output
    again = runner.invoke(args=["amendments", "sync", str(text.id), str(archive)])
    assert "ajoutés : 0, mis à jour : 0 ; inchangés : 1" in again.output
    truncated = tmp_path / "cut.zip"
    truncated.write_bytes(archive.read_bytes()[:100])
    result = runner.invoke(args=["amendments", "sync", str(text.id), str(truncated)])
    assert result.exit_code != 0 and "ZIP" in result.output
