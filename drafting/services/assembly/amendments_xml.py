"""The Assembly's amendment XML: the "liasse XML" (referentiel namespace), Eliasse's amendment
XML and Eliasse's order lists (`liste.xml`, the dérouleur)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from lxml import etree

from drafting.services.assembly.amendment_records import (
    AssemblyAmendment,
    author_kind,
    division_position,
    first_signatory,
    group_position,
    outcome_of,
    text_number,
    to_int,
    without,
)
from drafting.services.assembly.errors import SourceError
from drafting.services.assembly.html_text import html_to_text, unescape_label
from workflows.numbering import split_number

REFERENTIEL = "http://schemas.assemblee-nationale.fr/referentiel"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
NOT_FILED = "A déposer"  # registered by the Assembly, not filed: not an amendment yet
# What the liasse XML shows instead of the dispositif of an amendment still being processed.
PROCESSING = "Cet amendement est en cours de traitement"


@dataclass(frozen=True)
class OrderEntry:
    """One line of Eliasse's order of discussion."""

    number: str
    place: str  # "Après l'article 9"
    rank: int  # 1-based place in the list
    total: int | None
    outcome: str | None
    outcome_label: str | None
    parent_number: str | None
    has_sub_amendments: bool  # parentNumero "X"
    author_label: str | None
    group_label: str | None
    alinea_label: str | None  # "S" (deletion), "ap 5", "4"
    joint_group: str | None
    joint_position: str | None
    identical_group: str | None
    identical_position: str | None


@dataclass(frozen=True)
class OrderList:
    """Eliasse's order of discussion of one text before one organ."""

    text_number: str | None  # the bibard, "911"
    organ: str | None  # "AN", "CION_LOIS"
    legislature: str | None
    entries: tuple[OrderEntry, ...]


# Entities are never expanded and nothing is fetched: the files come from outside.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)


def parse_xml(content: bytes | str, *, name: str = "") -> list[AssemblyAmendment] | OrderList:
    """Read a liasse XML, an Eliasse amendment or an Eliasse order list, told apart by root."""
    root = _root(content, name)
    tag = etree.QName(root)
    if tag.localname == "amdtsParOrdreDeDiscussion":
        return parse_order_list_root(root)
    if tag.localname == "amendements" or (tag.localname == "amendement" and tag.namespace):
        return [a for a in map(_from_liasse, _liasse_records(root)) if a is not None]
    if tag.localname == "amendement":
        return [_from_eliasse(_to_dict(root))]
    raise SourceError(
        f"{_label(name)} : XML inattendu (racine « {tag.localname} ») ; attendu : une liasse "
        "(« amendements »), un amendement Eliasse ou un dérouleur (« amdtsParOrdreDeDiscussion »)."
    )


def parse_order_list(content: bytes | str, *, name: str = "") -> OrderList:
    """Eliasse's order of discussion (`liste.xml`)."""
    parsed = parse_xml(content, name=name)
    if not isinstance(parsed, OrderList):
        raise SourceError(
            f"{_label(name)} : un dérouleur (« amdtsParOrdreDeDiscussion ») était attendu."
        )
    return parsed


def _root(content: bytes | str, name: str) -> etree._Element:
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        return etree.fromstring(data, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise SourceError(f"{_label(name)} : XML illisible ({exc}).") from exc


def _label(name: str) -> str:
    return f"« {name} »" if name else "Fichier"


def _to_dict(element: etree._Element) -> Any:
    """An element as nested dicts (namespaces dropped): text for a leaf, None for xsi:nil, a
    list where a child name repeats."""
    if element.get(XSI_NIL) == "true":
        return None
    children = [c for c in element if isinstance(c.tag, str)]
    if not children:
        return element.text or None
    result: dict[str, Any] = {}
    for child in children:
        key = etree.QName(child).localname
        value = _to_dict(child)
        if key in result:
            previous = result[key]
            result[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            result[key] = value
    return result


def _get(record: Any, *path: str) -> Any:
    for key in path:
        record = record.get(key) if isinstance(record, dict) else None
    return record


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# --- the liasse XML ----------------------------------------------------------------------------


def _liasse_records(root: etree._Element) -> list[dict[str, Any]]:
    if etree.QName(root).localname == "amendement":
        return [_to_dict(root)]
    return [_to_dict(child) for child in root if isinstance(child.tag, str)]


def _from_liasse(record: dict[str, Any]) -> AssemblyAmendment | None:
    if (_get(record, "etat") or "").strip() == NOT_FILED:
        return None
    number, rect = split_number(
        _get(record, "numeroLong") or _get(record, "identifiant", "numero"),
        _get(record, "identifiant", "numRect"),
    )
    author = _get(record, "signataires", "auteur") or {}
    label = unescape_label(_get(record, "signataires", "texteAffichable"))
    division = _get(record, "pointeurFragmentTexte", "division") or {}
    sort = _get(record, "sort")
    sort_label = _get(sort, "sortEnSeance") if isinstance(sort, dict) else sort
    state = _get(record, "etat")
    outcome, outcome_label, ground = outcome_of(sort_label or state, None, None)
    text_ref = _get(record, "identifiant", "saisine", "refTexteLegislatif")
    dispositif = html_to_text(_get(record, "corps", "dispositif"))
    return AssemblyAmendment(
        uid=_get(record, "uid"),
        number=number,
        rectification=rect,
        text_ref=text_ref,
        text_number=text_number(text_ref, _get(division, "urlDivisionTexteVise")),
        organ_ref=_get(record, "identifiant", "saisine", "organeExamen"),
        author_kind=author_kind(_get(author, "typeAuteur")),
        author_ref=_get(author, "acteurRef"),
        author_name=first_signatory(label),
        group_ref=_get(author, "groupePolitiqueRef"),
        group_label=None,
        group_mention=None,
        cosignatory_refs=without(
            _list(_get(record, "signataires", "cosignataires", "acteurRef")),
            _get(author, "acteurRef"),
        ),
        signatories_label=label,
        position=division_position(
            _get(division, "type"),
            _get(division, "titre"),
            _get(division, "avant_A_Apres"),
            _get(division, "urlDivisionTexteVise"),
            _get(division, "articleDesignationCourte"),
            (
                _get(record, "pointeurFragmentTexte", "alinea", "numero"),
                _get(record, "pointeurFragmentTexte", "alinea", "avant_A_Apres"),
            ),
        ),
        dispositif="" if dispositif.startswith(PROCESSING) else dispositif,
        expose=html_to_text(_get(record, "corps", "exposeSommaire")),
        notice=dispositif if dispositif.startswith(PROCESSING) else None,
        order_key=_get(record, "triAmendement"),
        identical_group=None,
        identical_position=None,
        joint_group=None,
        joint_position=None,
        state=state,
        outcome=outcome,
        outcome_label=outcome_label,
        inadmissibility_ground=ground,
        parent_uid=_get(record, "amendementParent"),
        parent_number=None,
        filed_on=_iso_date(_get(record, "dateDepot")),
        published_on=_iso_date(_get(record, "dateDistribution")),
        decided_at=_iso_datetime(_get(sort, "dateSaisie") if isinstance(sort, dict) else None),
        article_99=(_get(record, "article99") or "0") in ("1", "true"),
    )


def _iso_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value.strip()[:10]) if value else None
    except ValueError:
        return None


def _iso_datetime(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value.strip()) if value else None
    except ValueError:
        return None


# --- Eliasse -----------------------------------------------------------------------------------


def _from_eliasse(record: dict[str, Any]) -> AssemblyAmendment:
    number, rect = split_number(_get(record, "numeroLong") or _get(record, "numero"))
    author = _get(record, "auteur") or {}
    author_ref = _actor(_get(author, "tribunId"))
    label = unescape_label(_get(record, "listeDesSignataires"))
    division = _get(record, "division") or {}
    outcome, outcome_label, ground = outcome_of(
        _get(record, "sortEnSeance"), _get(record, "etat"), None
    )
    mention = _get(record, "cosignatairesMentionLibre") or {}
    return AssemblyAmendment(
        uid=None,
        number=number,
        rectification=rect,
        text_ref=None,
        text_number=_get(record, "texte", "numBibard")
        or text_number(None, _get(division, "urlDivisionTexteVise")),
        organ_ref=None,
        author_kind=_eliasse_author_kind(author),
        author_ref=author_ref,
        author_name=_printed(_get(author, "auteurLabel")) or first_signatory(label),
        group_ref=_organ(_get(author, "groupeTribunId")),
        group_label=_get(mention, "libAbrevGroupe"),
        group_mention=unescape_label(_get(mention, "titre")) or None,
        cosignatory_refs=without(_cosignatories(record), author_ref),
        signatories_label=label,
        position=division_position(
            _get(division, "type"),
            _get(division, "titre"),
            _get(division, "avantApres"),
            _get(division, "urlDivisionTexteVise"),
            _get(division, "divisionDesignation"),
            (_get(record, "alinea", "numero"), _get(record, "alinea", "avantApres")),
        ),
        dispositif=html_to_text(_get(record, "dispositif")),
        expose=html_to_text(_get(record, "exposeSommaire")),
        notice=None,
        order_key=_get(record, "triAmendement"),
        identical_group=None,
        identical_position=None,
        joint_group=None,
        joint_position=None,
        state=_get(record, "etat"),
        outcome=outcome,
        outcome_label=outcome_label,
        inadmissibility_ground=ground,
        parent_uid=None,
        parent_number=_get(record, "numeroParent"),
        filed_on=_french_date(_get(record, "dateDepot")),
        published_on=_french_date(_get(record, "datePublication")),
        decided_at=_french_datetime(_get(record, "dateSaisieSort")),
        article_99=(_get(record, "article99") or "0") in ("1", "true"),
    )


def _printed(label: str | None) -> str | None:
    """Eliasse's "M. Aviragnet" with the no-break space the Assembly prints after a civility."""
    return re.sub(r"^(M\.|Mme) ", "\\1\u00a0", unescape_label(label)) or None


def _actor(tribun_id: str | None) -> str | None:
    """Eliasse's tribun id is the Assembly's actor id without its "PA" (inferred from the data)."""
    return f"PA{tribun_id.strip()}" if tribun_id and tribun_id.strip().isdigit() else None


def _organ(tribun_id: str | None) -> str | None:
    return f"PO{tribun_id.strip()}" if tribun_id and tribun_id.strip().isdigit() else None


def _cosignatories(record: dict[str, Any]) -> list[str]:
    """The semicolon list when given (it has every co-signatory), else the detailed elements."""
    listed = _get(record, "listeDesTribunCosignataires")
    if listed:
        return [ref for ref in map(_actor, listed.split(";")) if ref]
    people = _list(_get(record, "cosignataires", "cosignataire"))
    return [ref for ref in (_actor(_get(p, "tribunId")) for p in people) if ref]


def _eliasse_author_kind(author: dict[str, Any]) -> str:
    if _get(author, "estGouvernement") == "1":
        return "gouvernement"
    if _get(author, "estRapporteur") == "1":
        return "rapporteur"
    return author_kind(None)


def _french_date(value: str | None) -> date | None:
    try:
        return datetime.strptime(value.strip()[:10], "%d/%m/%Y").date() if value else None
    except ValueError:
        return None


def _french_datetime(value: str | None) -> datetime | None:
    day = _french_date(value)
    return datetime(day.year, day.month, day.day) if day else None


# --- Eliasse's order of discussion -------------------------------------------------------------


def parse_order_list_root(root: etree._Element) -> OrderList:
    """The dérouleur's lines in their order."""
    lines = root.findall("./amendements/amendement")
    entries = tuple(_order_entry(line.attrib, index) for index, line in enumerate(lines, 1))
    return OrderList(
        text_number=root.get("bibard") or None,
        organ=root.get("organe") or None,
        legislature=root.get("legislature") or None,
        entries=entries,
    )


def _order_entry(attributes: Any, index: int) -> OrderEntry:
    attrs = {key: (value or "").strip() for key, value in attributes.items()}
    rank, _, total = attrs.get("position", "").partition("/")
    outcome, outcome_label, _ground = outcome_of(attrs.get("sort"), None, None)
    parent = attrs.get("parentNumero", "")
    return OrderEntry(
        number=attrs.get("numero", ""),
        place=attrs.get("place", ""),
        rank=to_int(rank) or index,
        total=to_int(total),
        outcome=outcome,
        outcome_label=outcome_label,
        parent_number=parent if parent and parent != "X" else None,
        has_sub_amendments=parent == "X",
        author_label=attrs.get("auteurLabel") or None,
        group_label=attrs.get("auteurGroupe") or None,
        alinea_label=attrs.get("alineaLabel") or None,
        joint_group=attrs.get("discussionCommune") or None,
        joint_position=group_position(attrs.get("discussionCommuneAmdtPositon"))
        if attrs.get("discussionCommune")
        else None,
        identical_group=attrs.get("discussionIdentique") or None,
        identical_position=group_position(attrs.get("discussionIdentiqueAmdtPositon"))
        if attrs.get("discussionIdentique")
        else None,
    )
