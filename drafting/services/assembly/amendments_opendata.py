"""The Assembly's amendments read from its open-data JSON (one file, or the bulk dataset's
`json/<dossier>/<texte>/<amendement>.json` layout, folder or ZIP), and any amendment source
dispatched to its reader (open-data JSON, liasse XML, Eliasse XML, Eliasse order lists)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from drafting.services.assembly import amendments_xml
from drafting.services.assembly.amendment_records import (
    AssemblyAmendment,
    author_kind,
    division_position,
    first_signatory,
    group_position,
    outcome_of,
    text_number,
    without,
)
from drafting.services.assembly.amendments_xml import OrderList
from drafting.services.assembly.errors import SourceError
from drafting.services.assembly.html_text import html_to_text, unescape_label
from drafting.services.assembly.sources import DEFAULT_LIMITS, Limits, read_path
from workflows.numbering import split_number

SUFFIXES = (".json", ".xml")
INCORRECT_FOLDER = "incorrect_data"  # the bulk dataset sets its malformed files apart there
_TEXT_UID_PREFIXES = ("PRJL", "PION", "PNRE", "RAPP")


@dataclass
class AmendmentBatch:
    """Everything read from one source: amendments, order lists, and files set aside."""

    amendments: list[AssemblyAmendment] = field(default_factory=list)
    order_lists: list[OrderList] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (name, reason in French)


def parse_opendata_json(content: bytes | str, *, name: str = "") -> AssemblyAmendment:
    """One amendment from the Assembly's open-data JSON (`{"amendement": {…}}`)."""
    return _from_data(_load_json(content, name), name)


def _from_data(data: Any, name: str) -> AssemblyAmendment:
    """One amendment from the decoded JSON, or a SourceError saying what was expected."""
    record = data.get("amendement") if isinstance(data, dict) else None
    if not isinstance(record, dict) or not isinstance(record.get("uid"), str):
        raise SourceError(
            f"{_label(name)} : un amendement de l'open data de l'Assemblée était attendu "
            f"(objet « amendement » avec un « uid »), reçu {_describe(data)}."
        )
    _require(record, name)
    try:
        return _from_opendata(record)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SourceError(f"{_label(name)} : amendement incomplet ou mal formé ({exc}).") from exc


def _require(record: dict[str, Any], name: str) -> None:
    """Refuse a record missing what every amendment has, rather than read half of it."""
    for path in (("identification", "numeroLong"), ("signataires",), ("pointeurFragmentTexte",)):
        value = get(record, *path)
        if not value or (len(path) == 1 and not isinstance(value, dict)):
            field = ".".join(path)
            raise SourceError(
                f"{_label(name)} : amendement incomplet ou mal formé (« {field} » manquant)."
            )


def parse_amendments(content: bytes | str, *, name: str = "") -> list[AssemblyAmendment]:
    """The amendments of one file, whatever its format (JSON, liasse XML, Eliasse XML)."""
    parsed = _parse_any(content, name)
    if isinstance(parsed, OrderList):
        raise SourceError(
            f"{_label(name)} : ordre de discussion (dérouleur) reçu là où des amendements "
            "étaient attendus."
        )
    return parsed


def parse_amendment_files(
    items: Iterable[tuple[str, bytes]], *, text_ref: str | None = None
) -> AmendmentBatch:
    """Read every file of a source; with `text_ref`, keep only that text's amendments (the
    bulk dataset's other folders are passed over without being parsed)."""
    batch = AmendmentBatch()
    for name, content in items:
        reason = _set_aside(name, text_ref)
        if reason:
            batch.skipped.append((name, reason))
            continue
        parsed = _parse_any(content, name)
        if isinstance(parsed, OrderList):
            batch.order_lists.append(parsed)
        else:
            batch.amendments.extend(a for a in parsed if _of_text(a, text_ref))
    return batch


def parse_amendment_source(
    path: str | os.PathLike[str], *, text_ref: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> AmendmentBatch:
    """Read a file, a folder or a ZIP of amendment files (see `parse_amendment_files`)."""
    return parse_amendment_files(
        read_path(path, suffixes=SUFFIXES, limits=limits), text_ref=text_ref
    )


def _set_aside(name: str, text_ref: str | None) -> str | None:
    parts = name.replace("\\", "/").split("/")
    if INCORRECT_FOLDER in parts:
        return "fichier classé par l'Assemblée parmi les données incorrectes"
    folders = [p for p in parts[:-1] if p.startswith(_TEXT_UID_PREFIXES)]
    if text_ref and folders and text_ref not in folders:
        return "amendement d'un autre texte"
    return None


def _of_text(amendment: AssemblyAmendment, text_ref: str | None) -> bool:
    return text_ref is None or amendment.text_ref in (None, text_ref)


def _parse_any(content: bytes | str, name: str) -> list[AssemblyAmendment] | OrderList:
    head = content[:64].decode("utf-8", "replace") if isinstance(content, bytes) else content[:64]
    head = head.lstrip("\ufeff \t\r\n")
    if head.startswith(("{", "[")):
        return _parse_json_file(content, name)
    if head.startswith("<"):
        return amendments_xml.parse_xml(content, name=name)
    raise SourceError(
        f"{_label(name)} : format inconnu (attendu : JSON de l'open data, XML de liasse ou "
        "XML Eliasse)."
    )


def _parse_json_file(content: bytes | str, name: str) -> list[AssemblyAmendment]:
    data = _load_json(content, name)
    if isinstance(data, list):  # a list of {"amendement": …}, as some exports write them
        return [_from_data(item, name) for item in data]
    return [_from_data(data, name)]


def _load_json(content: bytes | str, name: str) -> Any:
    try:
        return json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(f"{_label(name)} : JSON illisible ({exc}).") from exc


def _label(name: str) -> str:
    return f"« {name} »" if name else "Fichier"


def _describe(data: Any) -> str:
    if isinstance(data, dict):
        keys = ", ".join(f"« {k} »" for k in list(data)[:5])
        return f"un objet aux clés {keys}" if keys else "un objet vide"
    return "une liste" if isinstance(data, list) else f"une valeur {type(data).__name__}"


# --- the open-data record ----------------------------------------------------------------------


def nil(value: Any) -> Any:
    """The open data's nulls (`{"@xsi:nil": "true"}`, "") as None."""
    if isinstance(value, dict) and value.get("@xsi:nil") == "true":
        return None
    return None if value == "" else value


def get(record: Any, *path: str) -> Any:
    """The value at `path`, None where any step is missing or nil."""
    value = record
    for key in path:  # `nil` inlined: this runs some forty times per amendment
        if type(value) is not dict:
            return None
        value = value.get(key)
        if value is None or value == "":
            return None
        if type(value) is dict and value.get("@xsi:nil") == "true":
            return None
    return value


def as_list(value: Any) -> list[Any]:
    """A repeated field: the open data writes a single item without its list."""
    value = nil(value)
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _from_opendata(record: dict[str, Any]) -> AssemblyAmendment:
    number, rect = split_number(
        get(record, "identification", "numeroLong"), get(record, "identification", "numeroRect")
    )
    author = get(record, "signataires", "auteur") or {}
    author_ref = nil(author.get("acteurRef"))
    label = unescape_label(get(record, "signataires", "libelle"))
    division = get(record, "pointeurFragmentTexte", "division") or {}
    life = get(record, "cycleDeVie") or {}
    outcome, outcome_label, ground = outcome_of(
        get(life, "sort"),
        get(life, "etatDesTraitements", "etat", "code"),
        get(life, "etatDesTraitements", "sousEtat", "libelle"),
    )
    return AssemblyAmendment(
        uid=record["uid"],
        number=number,
        rectification=rect,
        text_ref=get(record, "texteLegislatifRef"),
        text_number=text_number(
            get(record, "texteLegislatifRef"), get(division, "urlDivisionTexteVise")
        ),
        organ_ref=_organ(get(record, "examenRef")),
        author_kind=author_kind(nil(author.get("typeAuteur"))),
        author_ref=author_ref,
        author_name=first_signatory(label),
        group_ref=nil(author.get("groupePolitiqueRef")),
        group_label=None,
        group_mention=unescape_label(get(record, "signataires", "suffixe")) or None,
        cosignatory_refs=without(
            as_list(get(record, "signataires", "cosignataires", "acteurRef")), author_ref
        ),
        signatories_label=label,
        position=_position(record, division),
        dispositif=html_to_text(get(record, "corps", "contenuAuteur", "dispositif")),
        expose=html_to_text(get(record, "corps", "contenuAuteur", "exposeSommaire")),
        notice=unescape_label(get(record, "corps", "cartoucheInformatif")) or None,
        order_key=get(record, "triAmendement"),
        identical_group=get(record, "discussionIdentique", "idDiscussion"),
        identical_position=group_position(get(record, "discussionIdentique", "typePosition")),
        joint_group=get(record, "discussionCommune", "idDiscussion"),
        joint_position=group_position(get(record, "discussionCommune", "typePosition")),
        state=get(life, "etatDesTraitements", "etat", "libelle"),
        outcome=outcome,
        outcome_label=outcome_label,
        inadmissibility_ground=ground,
        parent_uid=get(record, "amendementParentRef"),
        parent_number=None,
        filed_on=_date(get(life, "dateDepot")),
        published_on=_date(get(life, "datePublication")),
        decided_at=_datetime(get(life, "dateSort")),
        article_99=get(record, "article99") == "true",
    )


def _position(record: dict[str, Any], division: dict[str, Any]) -> Any:
    alinea = get(record, "pointeurFragmentTexte", "amendementStandard", "alinea") or {}
    return division_position(
        get(division, "type"),
        get(division, "titre"),
        get(division, "avant_A_Apres"),
        get(division, "urlDivisionTexteVise"),
        get(division, "articleDesignationCourte"),
        (get(alinea, "numero"), get(alinea, "avant_A_Apres")),
    )


def _organ(exam_ref: str | None) -> str | None:
    """ "EXANR5L17PO838901BTC1187P0D1" → "PO838901"."""
    if not exam_ref or "PO" not in exam_ref:
        return None
    digits = exam_ref.split("PO", 1)[1]
    end = next((i for i, c in enumerate(digits) if not c.isdigit()), len(digits))
    return "PO" + digits[:end] if end else None


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _datetime(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def iter_opendata(items: Iterable[tuple[str, bytes]]) -> Iterator[AssemblyAmendment]:
    """Open-data JSON files one after the other, without keeping them (the bulk dataset)."""
    for name, content in items:
        if not _set_aside(name, None):
            yield parse_opendata_json(content, name=name)
