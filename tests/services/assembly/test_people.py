"""Deputies and groups read from the AMO acteur/organe JSON, and how the sheet prints a name."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from drafting.services.assembly.errors import SourceError
from drafting.services.assembly.people import (
    parse_acteur,
    parse_organe,
    parse_people_files,
    parse_people_source,
    printed_name,
)

NIL = {"@xsi:nil": "true"}


def _mandate(
    organe: str, start: str, end: str | None, quality: str = "Membre", kind: str = "GP"
) -> dict[str, Any]:
    return {
        "typeOrgane": kind,
        "dateDebut": start,
        "dateFin": end if end else NIL,
        "infosQualite": {"codeQualite": quality},
        "organes": {"organeRef": organe},
    }


def _acteur(uid: str, civ: str, first: str, last: str, mandates: Any, mails: Any = None) -> bytes:
    record = {
        "uid": {"@xsi:type": "IdActeur_type", "#text": uid},
        "etatCivil": {"ident": {"civ": civ, "prenom": first, "nom": last}},
        "mandats": {"mandat": mandates},
        "adresses": {"adresse": mails or []},
    }
    return json.dumps({"acteur": record}).encode()


def _organe(uid: str, kind: str, abbrev: str, short: str, name: str) -> bytes:
    record = {
        "uid": uid,
        "codeType": kind,
        "libelleAbrev": abbrev,
        "libelleAbrege": short,
        "libelle": name,
        "libelleEdition": f"du groupe {name}",
        "viMoDe": {"dateDebut": "2024-07-18", "dateFin": NIL},
    }
    return json.dumps({"organe": record}).encode()


MOVER = _acteur(
    "PA1",
    "Mme",
    "Christine",
    "Pirès Beaune",
    [
        _mandate("PO2", "2024-07-19", "2025-01-31"),
        _mandate("PO3", "2025-02-01", None),
        _mandate("PO3", "2025-02-01", None, quality="Président"),
        _mandate("PO838901", "2024-07-07", None, kind="ASSEMBLEE"),
    ],
    [
        {"@xsi:type": "AdresseMail_Type", "valElec": "christine@example.org"},
        {
            "@xsi:type": "AdresseMail_Type",
            "valElec": "Christine.PiresBeaune@assemblee-nationale.fr",
        },
        {"@xsi:type": "AdressePostale_Type", "ville": "Paris"},
    ],
)
NON_ATTACHED = _acteur(
    "PA4",
    "M.",
    "Hervé",
    "de Lépinau",
    _mandate("PO840056", "2024-07-19", None, "Député non-inscrit"),
)


def test_a_deputy_who_changed_group_keeps_both_memberships() -> None:
    deputy = parse_acteur(MOVER)
    assert (deputy.assembly_id, deputy.civility, deputy.first_name, deputy.last_name) == (
        "PA1",
        "Mme",
        "Christine",
        "Pirès Beaune",
    )
    assert deputy.email == "Christine.PiresBeaune@assemblee-nationale.fr"
    assert [(m.organe_id, m.start, m.end) for m in deputy.memberships] == [
        ("PO2", date(2024, 7, 19), date(2025, 1, 31)),
        ("PO3", date(2025, 2, 1), None),  # member and president: one membership
    ]
    assert deputy.group_on(date(2024, 12, 1)) == "PO2"
    assert deputy.group_on(date(2025, 3, 1)) == "PO3"
    assert deputy.group_on(date(2024, 1, 1)) is None


def test_a_non_attached_deputy_has_no_group() -> None:
    deputy = parse_acteur(NON_ATTACHED)  # a single mandate: an object, not a list
    assert deputy.memberships[0].non_attached and deputy.group_on(date(2025, 1, 1)) is None
    assert deputy.email is None


def test_groups_keep_both_labels_and_other_organs_are_passed_over() -> None:
    group = parse_organe(
        _organe("PO872880", "GP", "UDDPLR", "UDR", "Union des droites pour la République")
    )
    assert group is not None
    assert (group.code, group.short_label, group.start, group.end) == (
        "UDDPLR",
        "UDR",
        date(2024, 7, 18),
        None,
    )
    assert (
        parse_organe(_organe("PO59047", "COMPER", "CION-SOC", "Aff. soc.", "Affaires sociales"))
        is None
    )
    non_attached = parse_organe(_organe("PO840056", "GP", "NI", "NI", "Non inscrit"))
    assert non_attached is not None and non_attached.non_attached


def test_the_datasets_zip_layout(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("json/acteur/PA1.json", MOVER)
        archive.writestr("json/acteur/PA4.json", NON_ATTACHED)
        archive.writestr("json/organe/PO3.json", _organe("PO3", "GP", "SOC", "SOC", "Socialistes"))
        archive.writestr(
            "json/organe/PO838901.json", _organe("PO838901", "ASSEMBLEE", "AN", "AN", "AN")
        )
    path = tmp_path / "AMO10.json.zip"
    path.write_bytes(buffer.getvalue())
    people = parse_people_source(path)
    assert [d.assembly_id for d in people.deputies] == ["PA1", "PA4"]
    assert [g.assembly_id for g in people.groups] == ["PO3"]


def test_a_json_of_another_shape_is_refused() -> None:
    with pytest.raises(SourceError, match=r"un acteur ou un organe .* était attendu"):
        parse_people_files([("x.json", json.dumps({"amendement": {}}).encode())])
    with pytest.raises(SourceError, match="un acteur de l'open data"):
        parse_acteur(b"[]")
    with pytest.raises(SourceError, match="acteur sans identifiant"):
        parse_acteur(json.dumps({"acteur": {"etatCivil": {}}}))


@pytest.mark.parametrize(
    ("civility", "first", "last", "printed"),
    [
        ("Mme", "Christine", "Pirès Beaune", "Mme\u00a0Pirès Beaune"),
        ("M.", "Hervé", "de Lépinau", "M.\u00a0de Lépinau"),
        ("Madame", "Léa", "Balage El Mariky", "Mme\u00a0Balage El Mariky"),
        ("M", "Fabien", "Di Filippo", "M.\u00a0Di Filippo"),
    ],
)
def test_printed_name_is_civility_and_surname_with_its_particle(
    civility: str, first: str, last: str, printed: str
) -> None:
    assert printed_name(civility, first, last) == printed


def test_printed_name_adds_the_first_name_for_homonyms() -> None:
    assert (
        printed_name("M.", "Philippe", "Vigier", with_first_name=True) == "M.\u00a0Philippe Vigier"
    )


def test_real_amo_files(open_data: Path) -> None:
    people = parse_people_source(open_data / "an-opendata-AMO10")
    deputies = {d.assembly_id: d for d in people.deputies}
    assert len(deputies) == 6
    assert (
        printed_name(deputies["PA642988"].civility, "", deputies["PA642988"].last_name)
        == "M.\u00a0de Lépinau"
    )
    assert deputies["PA841701"].last_name == "Balage El Mariky"
    assert deputies["PA720386"].last_name == "Di Filippo"
    assert len(deputies["PA330240"].memberships) == 1  # member and president of UDR
    assert deputies["PA720100"].group_on(date(2025, 11, 1)) is None  # non-inscrit
    assert deputies["PA841701"].group_on(date(2025, 11, 1)) == "PO845439"
    groups = {g.assembly_id: g for g in people.groups}
    assert set(groups) == {"PO845439", "PO845425", "PO845413", "PO845401", "PO872880", "PO840056"}
    assert (groups["PO872880"].code, groups["PO872880"].short_label) == ("UDDPLR", "UDR")
    assert groups["PO840056"].non_attached
