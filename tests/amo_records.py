"""Small records in the Assembly's AMO open-data format (acteur, organe), for tests that must
always run (the real files live in ../shared when present)."""

from __future__ import annotations

import json
from typing import Any


def organe(uid: str, abrev: str, abrege: str, libelle: str, *, code_type: str = "GP") -> dict:
    """An `organe` record (a political group unless `code_type` says otherwise)."""
    return {
        "organe": {
            "uid": uid,
            "codeType": code_type,
            "libelle": libelle,
            "libelleEdition": f"du groupe {libelle}",
            "libelleAbrege": abrege,
            "libelleAbrev": abrev,
            "viMoDe": {"dateDebut": "2024-07-19", "dateAgrement": None, "dateFin": None},
        }
    }


def mandate(organe_ref: str, start: str, end: str | None = None, quality: str = "Membre") -> dict:
    """A GP mandate of an acteur."""
    return {
        "@xsi:type": "MandatSimple_Type",
        "typeOrgane": "GP",
        "dateDebut": start,
        "dateFin": end if end else {"@xsi:nil": "true"},
        "infosQualite": {"codeQualite": quality},
        "organes": {"organeRef": organe_ref},
    }


def acteur(
    uid: str, civ: str, prenom: str, nom: str, email: str | None, mandates: list[dict]
) -> dict:
    """An `acteur` record; a single mandate is written without its list, as the AN does."""
    addresses: list[dict[str, Any]] = [
        {"@xsi:type": "AdressePostale_Type", "intitule": "Assemblée nationale"}
    ]
    if email:
        addresses.append({"@xsi:type": "AdresseMail_Type", "valElec": email})
    return {
        "acteur": {
            "uid": {"@xsi:type": "IdActeur_type", "#text": uid},
            "etatCivil": {"ident": {"civ": civ, "prenom": prenom, "nom": nom}},
            "adresses": {"adresse": addresses},
            "mandats": {"mandat": mandates[0] if len(mandates) == 1 else mandates},
        }
    }


def files(*records: dict) -> list[tuple[str, bytes]]:
    """(name, bytes) pairs in the dataset's layout (json/acteur/…, json/organe/…)."""
    out = []
    for record in records:
        kind = next(iter(record))
        uid = record[kind]["uid"]
        uid = uid["#text"] if isinstance(uid, dict) else uid
        out.append((f"json/{kind}/{uid}.json", json.dumps(record, ensure_ascii=False).encode()))
    return out
