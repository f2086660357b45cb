"""Deputies and political groups read from the Assembly's open data (AMO `acteur` and `organe`
JSON: one file each, or the dataset's folder or ZIP), and how the sheet prints a deputy."""

from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from drafting.services.assembly.amendments_opendata import as_list, get, nil
from drafting.services.assembly.errors import SourceError
from drafting.services.assembly.html_text import clean_text
from drafting.services.assembly.sources import DEFAULT_LIMITS, Limits, read_path

NBSP = "\u00a0"
GROUP_ORGAN = "GP"  # the organe type of a political group
_CIVILITIES = {
    "m.": "M.",
    "m": "M.",
    "monsieur": "M.",
    "mme": "Mme",
    "madame": "Mme",
    "mme.": "Mme",
}
_ASSEMBLY_MAIL = "@assemblee-nationale.fr"


@dataclass(frozen=True)
class Membership:
    """A deputy's membership of a political group, with its dates (end None: still a member)."""

    organe_id: str  # "PO845413"
    start: date | None
    end: date | None
    non_attached: bool  # the "group" of non-attached deputies (« Député non-inscrit »)


@dataclass(frozen=True)
class ParsedDeputy:
    """A deputy: names kept apart, the Assembly's id, and group memberships over time."""

    assembly_id: str  # "PA841701"
    civility: str  # "M." | "Mme"
    first_name: str
    last_name: str  # particles kept: "de Lépinau", "Di Filippo", "Balage El Mariky"
    email: str | None
    memberships: tuple[Membership, ...]  # oldest first

    def group_on(self, day: date) -> str | None:
        """The political group the deputy belonged to on `day`; None when non-attached."""
        for membership in reversed(self.memberships):
            started = membership.start is None or membership.start <= day
            if started and (membership.end is None or day <= membership.end):
                return None if membership.non_attached else membership.organe_id
        return None


@dataclass(frozen=True)
class ParsedGroup:
    """A political group as the Assembly names it."""

    assembly_id: str  # "PO872880"
    code: str  # the Assembly's abbreviation, "UDDPLR"
    short_label: str  # its short label, "UDR" (the two differ: the printed mention is a choice)
    name: str  # "Union des droites pour la République"
    edition_label: str | None  # "du groupe Union des droites pour la République"
    start: date | None
    end: date | None
    non_attached: bool  # the organe of non-attached deputies ("NI"), not a group


@dataclass(frozen=True)
class ParsedPeople:
    """Everything read from one source."""

    deputies: tuple[ParsedDeputy, ...]
    groups: tuple[ParsedGroup, ...]


def printed_name(
    civility: str, first_name: str, last_name: str, *, with_first_name: bool = False
) -> str:
    """The name as the sheet prints it: « Mme Pirès Beaune », « M. de Lépinau » (civility, a
    no-break space, the surname with its particle; the first name only to tell homonyms apart)."""
    names = [first_name.strip()] if with_first_name and first_name.strip() else []
    names.append(last_name.strip())
    name = " ".join(n for n in names if n)
    civility = normalise_civility(civility)
    return f"{civility}{NBSP}{name}" if civility and name else name or civility


def normalise_civility(civility: str) -> str:
    """ "Madame", "MME", "Mme" → "Mme"; "Monsieur", "M" → "M."."""
    return _CIVILITIES.get(civility.strip().casefold(), civility.strip())


def parse_acteur(content: bytes | str, *, name: str = "") -> ParsedDeputy:
    """One deputy from an AMO `acteur` JSON file."""
    record = _record(content, "acteur", name)
    assembly_id = _uid(record.get("uid"))
    ident = get(record, "etatCivil", "ident") or {}
    if not assembly_id or not isinstance(ident, dict):
        raise SourceError(f"{_label(name)} : acteur sans identifiant ou sans état civil.")
    return ParsedDeputy(
        assembly_id=assembly_id,
        civility=normalise_civility(nil(ident.get("civ")) or ""),
        first_name=clean_text(nil(ident.get("prenom")) or ""),
        last_name=clean_text(nil(ident.get("nom")) or ""),
        email=_email(record),
        memberships=_memberships(record),
    )


def parse_organe(content: bytes | str, *, name: str = "") -> ParsedGroup | None:
    """A political group from an AMO `organe` JSON file; None for another organ (a committee)."""
    record = _record(content, "organe", name)
    if nil(record.get("codeType")) != GROUP_ORGAN:
        return None
    code = nil(record.get("libelleAbrev")) or ""
    return ParsedGroup(
        assembly_id=_uid(record.get("uid")) or "",
        code=code,
        short_label=nil(record.get("libelleAbrege")) or code,
        name=clean_text(nil(record.get("libelle")) or ""),
        edition_label=nil(record.get("libelleEdition")),
        start=_date(get(record, "viMoDe", "dateDebut")),
        end=_date(get(record, "viMoDe", "dateFin")),
        non_attached=code == "NI",
    )


def parse_people_files(items: Iterable[tuple[str, bytes]]) -> ParsedPeople:
    """Every acteur and organe file of a source (other organs are passed over)."""
    deputies: dict[str, ParsedDeputy] = {}
    groups: dict[str, ParsedGroup] = {}
    for name, content in items:
        kind = _kind(content, name)
        if kind == "acteur":
            deputy = parse_acteur(content, name=name)
            deputies[deputy.assembly_id] = deputy
        elif (group := parse_organe(content, name=name)) is not None:
            groups[group.assembly_id] = group
    return ParsedPeople(tuple(deputies.values()), tuple(groups.values()))


def parse_people_source(
    path: str | os.PathLike[str], *, limits: Limits = DEFAULT_LIMITS
) -> ParsedPeople:
    """Read a file, the dataset's folder (`json/acteur`, `json/organe`) or its ZIP."""
    return parse_people_files(read_path(path, suffixes=(".json",), limits=limits))


def _kind(content: bytes, name: str) -> str:
    data = _load(content, name)
    for kind in ("acteur", "organe"):
        if isinstance(data, dict) and isinstance(data.get(kind), dict):
            return kind
    raise SourceError(
        f"{_label(name)} : un acteur ou un organe de l'open data de l'Assemblée était attendu "
        "(objet « acteur » ou « organe »)."
    )


def _record(content: bytes | str, kind: str, name: str) -> dict[str, Any]:
    data = _load(content, name)
    record = data.get(kind) if isinstance(data, dict) else None
    if not isinstance(record, dict):
        raise SourceError(
            f"{_label(name)} : un {kind} de l'open data de l'Assemblée était attendu "
            f"(objet « {kind} »)."
        )
    return record


def _load(content: bytes | str, name: str) -> Any:
    try:
        return json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(f"{_label(name)} : JSON illisible ({exc}).") from exc


def _label(name: str) -> str:
    return f"« {name} »" if name else "Fichier"


def _uid(value: Any) -> str | None:
    """An acteur's uid is an object (`{"#text": "PA…"}`), an organe's a string."""
    value = nil(value)
    if isinstance(value, dict):
        value = value.get("#text")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _email(record: dict[str, Any]) -> str | None:
    """The deputy's Assembly address when published, else the first published one."""
    mails = [
        nil(address.get("valElec"))
        for address in as_list(get(record, "adresses", "adresse"))
        if isinstance(address, dict) and "Mail" in (address.get("@xsi:type") or "")
    ]
    mails = [mail.strip() for mail in mails if isinstance(mail, str) and "@" in mail]
    official = [mail for mail in mails if mail.casefold().endswith(_ASSEMBLY_MAIL)]
    return (official or mails or [None])[0]


def _memberships(record: dict[str, Any]) -> tuple[Membership, ...]:
    """Group mandates, one per (group, start, end): a president is also listed as a member."""
    found: dict[tuple[str, date | None, date | None], Membership] = {}
    for mandate in as_list(get(record, "mandats", "mandat")):
        if not isinstance(mandate, dict) or nil(mandate.get("typeOrgane")) != GROUP_ORGAN:
            continue
        organe = get(mandate, "organes", "organeRef")
        organe = organe[0] if isinstance(organe, list) else organe
        if not organe:
            continue
        quality = _fold(get(mandate, "infosQualite", "codeQualite") or "")
        start, end = _date(nil(mandate.get("dateDebut"))), _date(nil(mandate.get("dateFin")))
        found.setdefault(
            (organe, start, end), Membership(organe, start, end, "non-inscrit" in quality)
        )
    return tuple(sorted(found.values(), key=lambda m: (m.start or date.min, m.end or date.max)))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold().replace("non inscrit", "non-inscrit")


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None
