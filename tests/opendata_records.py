"""Amendments in the Assembly's open-data JSON format (`{"amendement": {…}}`), for tests that
must always run; and the real BTC1187 index lines turned back into that format."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

NIL = {"@xsi:nil": "true"}
TEXT_UID = "PIONANR5L17BTC1234"


def amendment(
    number: int | str,
    *,
    author: str,
    group: str | None,
    article: str = "1er",
    where: str = "A",
    dispositif: str = "Supprimer cet article.",
    expose: str = "Exposé.",
    rect: int = 0,
    tri: str | None = None,
    sort: str | None = None,
    state: tuple[str, str] = ("DI", "Discuté"),
    cosignatories: list[str] | None = None,
    text_uid: str = TEXT_UID,
    alinea: int | None = None,
    identical: str | None = None,
    filed_on: str = "2026-03-20",
) -> dict[str, Any]:
    """One open-data amendment record."""
    anchor = "D_Article_" + article.replace(" ", "_")
    uid = f"AMANR5L17PO838901{text_uid[-7:]}P0D1N{int(str(number).lstrip('CLAS') or 0):06d}"
    return {
        "amendement": {
            "uid": uid,
            "identification": {"numeroLong": str(number), "numeroRect": str(rect)},
            "texteLegislatifRef": text_uid,
            "examenRef": f"EXANR5L17PO838901{text_uid[-7:]}P0D1",
            "triAmendement": tri if tri else NIL,
            "signataires": {
                "auteur": {
                    "typeAuteur": "Député",
                    "acteurRef": author,
                    "groupePolitiqueRef": group if group else NIL,
                },
                "cosignataires": {"acteurRef": cosignatories or []},
                "libelle": f"M.&#160;{author}",
                "suffixe": NIL,
            },
            "pointeurFragmentTexte": {
                "division": {
                    "titre": f"Article {article}",
                    "type": "ARTICLE",
                    "avant_A_Apres": where,
                    "urlDivisionTexteVise": f"/17/textes/1234.asp#{anchor}",
                    "articleDesignationCourte": f"ART. {article.upper()}",
                },
                "amendementStandard": {
                    "alinea": {"numero": str(alinea), "avant_A_Apres": "A"} if alinea else NIL
                },
            },
            "corps": {
                "contenuAuteur": {
                    "dispositif": f"<p>{dispositif}</p>",
                    "exposeSommaire": f"<p>{expose}</p>",
                }
            },
            "cycleDeVie": {
                "dateDepot": filed_on,
                "datePublication": filed_on,
                "etatDesTraitements": {"etat": {"code": state[0], "libelle": state[1]}},
                "sort": sort if sort else NIL,
                "dateSort": "2026-03-26T16:00:00+01:00" if sort else NIL,
            },
            "discussionIdentique": {"idDiscussion": identical, "typePosition": "Premier"}
            if identical
            else NIL,
            "discussionCommune": NIL,
            "amendementParentRef": NIL,
        }
    }


def files(
    *records: dict[str, Any], folder: str = f"json/DLR5L17N99999/{TEXT_UID}"
) -> list[tuple[str, bytes]]:
    """(name, bytes) pairs in the bulk dataset's layout."""
    return [
        (f"{folder}/{r['amendement']['uid']}.json", json.dumps(r, ensure_ascii=False).encode())
        for r in records
    ]


def from_index(row: dict[str, Any]) -> dict[str, Any]:
    """A line of `an-opendata-BTC1187-liasse-index.jsonl` as the open-data record it was cut
    from (the fields it keeps, in their places)."""
    return {
        "amendement": {
            "uid": row["uid"],
            "identification": {"numeroLong": row["numeroLong"], "numeroRect": row["numeroRect"]},
            "texteLegislatifRef": "PIONANR5L17BTC1187",
            "examenRef": "EXANR5L17PO838901BTC1187P0D1",
            "triAmendement": row["triAmendement"],
            "amendementParentRef": row["amendementParentRef"],
            "signataires": {
                "auteur": row["auteur"],
                "libelle": row["libelle"],
                "suffixe": row["suffixe"],
            },
            "pointeurFragmentTexte": {
                "division": row["division"],
                "amendementStandard": {"alinea": row["alinea"]},
            },
            "corps": {
                "contenuAuteur": {"dispositif": row["dispositif"]},
                "cartoucheInformatif": row["cartoucheInformatif"],
            },
            "cycleDeVie": row["cycleDeVie"],
            "discussionCommune": row["discussionCommune"],
            "discussionIdentique": row["discussionIdentique"],
        }
    }


LATER = datetime(2026, 3, 27, 9, 0, tzinfo=UTC)
REGOL, LUCAS, PEU = "PA793218", "PA793777", "PA610000"
ECOS, GDR = "PO845439", "PO845514"


def hedges_text(people: dict[str, Any]) -> Any:
    """Text n° 1234 in séance, three articles; the test deputies known by their Assembly ids."""
    from drafting.db import commit
    from drafting.services import texts
    from tests.conftest import NOW

    for name, ref in (("regol", REGOL), ("lucas", LUCAS), ("peu", PEU)):
        people[name].assembly_id = ref
    people["regol"].group.assembly_id = ECOS
    people["peu"].group.assembly_id = GDR
    data = texts.TextInput(
        title="Proposition de loi visant à protéger les haies",
        number="1234",
        stage="seance",
        articles=[
            texts.ArticleInput("1er", None, ["Premier alinéa.", "Deuxième alinéa."]),
            texts.ArticleInput("2", None, ["Alinéa unique."]),
            texts.ArticleInput("3", None, ["Alinéa unique."]),
        ],
    )
    created = texts.create_text(people["claire"], data, NOW)
    commit()
    return created
