"""The Assembly's open-data amendment JSON read into records; a source of another shape refused."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from drafting.services.assembly.amendments_opendata import (
    iter_opendata,
    parse_amendment_files,
    parse_amendment_source,
    parse_amendments,
    parse_opendata_json,
)
from drafting.services.assembly.errors import SourceError

NIL = {"@xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance", "@xsi:nil": "true"}
TEXT = "PIONANR5L17BTC1187"


def _record(number: int, **changes: Any) -> dict[str, Any]:
    """A record in the open data's shape (nulls as xsi:nil objects, HTML bodies)."""
    record: dict[str, Any] = {
        "uid": f"AMANR5L17PO838901BTC1187P0D1N{number:06d}",
        "identification": {"numeroLong": str(number), "numeroRect": "0"},
        "examenRef": "EXANR5L17PO838901BTC1187P0D1",
        "texteLegislatifRef": TEXT,
        "triAmendement": "paaad",
        "amendementParentRef": NIL,
        "signataires": {
            "auteur": {
                "typeAuteur": "Député",
                "acteurRef": "PA719052",
                "groupePolitiqueRef": "PO845470",
            },
            "cosignataires": {"acteurRef": "PA642847"},
            "suffixe": NIL,
            "libelle": "M.&#160;Kervran et M.&#160;Bazin",
        },
        "pointeurFragmentTexte": {
            "division": {
                "titre": "Article 5",
                "articleDesignationCourte": "APRÈS ART. 5",
                "type": "ARTICLE",
                "avant_A_Apres": "Après",
                "urlDivisionTexteVise": "/17/textes/1187.asp#D_Article_5",
            },
            "amendementStandard": {"alinea": NIL},
        },
        "corps": {
            "cartoucheInformatif": NIL,
            "contenuAuteur": {
                "dispositif": '<p style="text-align: justify;">Substituer aux mots&nbsp;:</p>'
                "<p>&#x00AB;&nbsp;douze&nbsp;mois&#x00BB;</p>",
                "exposeSommaire": "<p>Un délai plus long.</p><p>&nbsp;</p>",
            },
        },
        "cycleDeVie": {
            "dateDepot": "2025-04-02",
            "datePublication": "2025-04-03",
            "etatDesTraitements": {
                "etat": {"code": "DI", "libelle": "Discuté"},
                "sousEtat": {"code": "DI", "libelle": "Adopté"},
            },
            "dateSort": "2025-04-03T19:13:13+02:00",
            "sort": "Adopté",
        },
        "article99": "false",
        "discussionCommune": NIL,
        "discussionIdentique": {"idDiscussion": "76914", "typePosition": "Milieu"},
    }
    record.update(changes)
    return record


def _json(record: dict[str, Any]) -> bytes:
    return json.dumps({"amendement": record}).encode()


SUB_AMENDMENT = _record(74, amendementParentRef="AMANR5L17PO838901BTC1187P0D1N000015")
INADMISSIBLE = _record(
    5,
    identification={"numeroLong": "5 (Rect)", "numeroRect": "1"},
    corps={
        "cartoucheInformatif": "Cet amendement a été déclaré irrecevable.",
        "contenuAuteur": NIL,
    },
    cycleDeVie={
        "dateDepot": "2025-03-28",
        "etatDesTraitements": {
            "etat": {"code": "IRR45", "libelle": "Irrecevable"},
            "sousEtat": {"code": "IRR45", "libelle": "Cavalier (45)"},
        },
        "dateSort": NIL,
        "sort": NIL,
    },
    pointeurFragmentTexte={
        "division": {
            "titre": "Article PREMIER",
            "type": "ARTICLE",
            "avant_A_Apres": "A",
            "urlDivisionTexteVise": "/17/textes/1187.asp#D_Article_1er",
        },
        "amendementStandard": {
            "alinea": {
                "avant_A_Apres": "Apres",
                "numero": "9",
                "alineaDesignation": "Après l'alinéa 9",
            }
        },
    },
)


def test_an_adopted_sub_amendment_is_read_whole() -> None:
    amendment = parse_opendata_json(_json(SUB_AMENDMENT))
    assert amendment.uid == "AMANR5L17PO838901BTC1187P0D1N000074"
    assert (amendment.number, amendment.rectification, amendment.number_label) == ("74", 0, "74")
    assert (amendment.text_ref, amendment.text_number, amendment.organ_ref) == (
        TEXT,
        "1187",
        "PO838901",
    )
    assert (amendment.author_kind, amendment.author_ref, amendment.author_name) == (
        "depute",
        "PA719052",
        "M.\u00a0Kervran",
    )
    assert (amendment.group_ref, amendment.cosignatory_refs) == ("PO845470", ("PA642847",))
    assert amendment.signatories_label == "M.\u00a0Kervran et M.\u00a0Bazin"
    position = amendment.position
    assert (position.article_number, position.kind, position.anchor) == (
        "5",
        "after_article",
        "D_Article_5",
    )
    assert (position.alinea, position.alinea_relation, position.designation) == (
        None,
        None,
        "APRÈS ART. 5",
    )
    assert (
        amendment.dispositif == "Substituer aux mots\u00a0:\n«\u00a0douze\u00a0mois»"
    )  # NBSP kept
    assert amendment.expose == "Un délai plus long."
    assert (amendment.outcome, amendment.outcome_label, amendment.state) == (
        "adopte",
        "Adopté",
        "Discuté",
    )
    assert amendment.parent_uid == "AMANR5L17PO838901BTC1187P0D1N000015"
    assert (amendment.identical_group, amendment.identical_position) == ("76914", "middle")
    assert (amendment.order_key, amendment.filed_on) == ("paaad", date(2025, 4, 2))
    assert (
        amendment.decided_at is not None
        and amendment.decided_at.isoformat() == "2025-04-03T19:13:13+02:00"
    )


def test_an_inadmissible_amendment_keeps_its_ground_and_rectification() -> None:
    amendment = parse_opendata_json(_json(INADMISSIBLE))
    assert (amendment.number, amendment.rectification, amendment.number_label) == (
        "5",
        1,
        "5 rect.",
    )
    assert (amendment.outcome, amendment.outcome_label, amendment.inadmissibility_ground) == (
        "irrecevable",
        "Cavalier (45)",
        "45",
    )
    assert (amendment.dispositif, amendment.notice) == (
        "",
        "Cet amendement a été déclaré irrecevable.",
    )
    position = amendment.position
    assert (position.article_number, position.kind, position.alinea, position.alinea_relation) == (
        "1er",
        "article",
        9,
        "after",
    )
    assert amendment.decided_at is None


def _dump(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_the_bulk_layout_in_a_zip_keeps_the_texts_amendments(tmp_path: Path) -> None:
    other = _record(
        9, texteLegislatifRef="PIONANR5L17B0374", uid="AMANR5L17PO59048B0374P0D1N000009"
    )
    path = tmp_path / "Amendements.json.zip"
    path.write_bytes(
        _dump(
            {
                f"json/DLR5L17N50631/{TEXT}/{SUB_AMENDMENT['uid']}.json": _json(SUB_AMENDMENT),
                f"json/DLR5L17N50631/{TEXT}/{INADMISSIBLE['uid']}.json": _json(INADMISSIBLE),
                "json/DLR5L17N50631/PIONANR5L17B0374/x.json": _json(other),
                "json/incorrect_data/broken.json": b"{not json",
            }
        )
    )
    batch = parse_amendment_source(path, text_ref=TEXT)
    assert sorted(a.number for a in batch.amendments) == ["5", "74"]
    assert [name.split("/")[-2] for name, _ in batch.skipped] == [
        "PIONANR5L17B0374",
        "incorrect_data",
    ]
    everything = parse_amendment_source(path)
    assert len(everything.amendments) == 3


def test_a_json_of_another_shape_names_what_was_expected() -> None:
    acteur = json.dumps({"acteur": {"uid": {"#text": "PA1"}}}).encode()
    with pytest.raises(
        SourceError, match=r"un amendement de l'open data de l'Assemblée était attendu.*« acteur »"
    ):
        parse_opendata_json(acteur, name="PA1.json")
    with pytest.raises(SourceError, match=r"« x\.json » : JSON illisible"):
        parse_amendments(b'{"amendement": ', name="x.json")
    with pytest.raises(SourceError, match="format inconnu"):
        parse_amendment_files([("x.json", b"PK not json")])


def test_a_broken_record_is_refused_not_half_read() -> None:
    record = _record(1, signataires="n'importe quoi")
    with pytest.raises(SourceError, match="amendement incomplet ou mal formé"):
        parse_opendata_json(_json(record))


def test_the_bulk_dataset_can_be_streamed_without_its_incorrect_files() -> None:
    files = [("json/d/t/a.json", _json(SUB_AMENDMENT)), ("json/incorrect_data/b.json", b"{")]
    assert [a.number for a in iter_opendata(files)] == ["74"]


def test_a_list_of_records_is_read() -> None:
    content = json.dumps([{"amendement": SUB_AMENDMENT}, {"amendement": INADMISSIBLE}]).encode()
    assert [a.number for a in parse_amendments(content)] == ["74", "5"]


# --- the real files ----------------------------------------------------------------------------


def test_real_btc1187_files(open_data: Path) -> None:
    batch = parse_amendment_source(open_data / "an-opendata-BTC1187", text_ref=TEXT)
    found = {a.number: a for a in batch.amendments}
    assert sorted(found, key=int) == ["1", "5", "13", "15", "66", "72", "74"]
    assert found["74"].parent_uid == found["15"].uid
    assert (found["74"].outcome, found["15"].outcome, found["1"].outcome) == (
        "adopte",
        "adopte",
        "non_soutenu",
    )
    assert (found["5"].outcome, found["5"].inadmissibility_ground, found["5"].dispositif) == (
        "irrecevable",
        "45",
        "",
    )
    assert (found["66"].rectification, found["66"].number_label) == (1, "66 rect.")
    assert (found["13"].identical_group, found["13"].identical_position) == ("76930", "first")
    assert "supprimer le mot\u00a0:\u00a0:" in found["72"].dispositif  # the real typo, kept
    assert (
        found["15"].position.kind == "after_article" and found["15"].position.article_number == "5"
    )
    assert len(found["13"].cosignatory_refs) == 70
