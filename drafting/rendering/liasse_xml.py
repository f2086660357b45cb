"""A liasse as the Assembly's "liasse XML": root `<amendements>`, one `<amendement>` per
amendment in the referentiel namespace, with the Assembly's field names and order (as in its
published liasse files). For filed amendments and ready ones ("A déposer", as the Assembly marks
an amendment registered but not yet filed). Pure: plain data in, bytes out."""

from __future__ import annotations

import hashlib
import html
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

from lxml import etree

REFERENTIEL = "http://schemas.assemblee-nationale.fr/referentiel"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
STATES = ("ready", "filed")
OUTCOME_LABELS = {
    "adopte": "Adopté",
    "rejete": "Rejeté",
    "retire": "Retiré",
    "tombe": "Tombé",
    "non_soutenu": "Non soutenu",
    "irrecevable": "Irrecevable",
}
_WHERE = {"article": "A", "before_article": "Avant", "after_article": "Après"}
_SHORT_WHERE = {"before_article": "AVANT ", "after_article": "APRÈS "}
_RELATIONS = {"on": None, "before": "Avant", "after": "Apres"}
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class LiasseText:
    """The amended text as the Assembly identifies it."""

    legislature: str  # "17"
    number: str  # "1187"
    uid: str | None = None  # "PIONANR5L17BTC1187"
    organ_ref: str | None = None  # where it is examined, "PO838901"
    stage_label: str | None = None  # etapeTexte, "1ère lecture (1ère assemblée saisie)"


@dataclass(frozen=True)
class LiasseXmlAmendment:
    """One amendment in the liasse."""

    uid: str  # the Assembly's uid once known, else Liasse's own ("LIASSE-12")
    state: str  # "ready" | "filed"
    number: str | None  # "27", "CL358"; None before filing
    position_kind: str  # "article" | "before_article" | "after_article"
    article_number: str | None  # None for the text's title
    dispositif: str  # paragraphs separated by "\n"
    expose: str
    signatories_label: str  # "M. A, Mme B et les membres du groupe X"
    author_ref: str | None = None  # "PA794106"
    author_kind: str = "depute"  # "depute" | "gouvernement" | "commission" | "rapporteur"
    group_ref: str | None = None  # "PO845413"
    cosignatory_refs: tuple[str, ...] = ()
    rectification: int = 0
    alinea: int | None = None
    alinea_relation: str | None = None  # "before" | "on" | "after"
    order_key: str | None = None  # triAmendement
    parent_uid: str | None = None
    outcome: str | None = None
    outcome_label: str | None = None
    filed_on: date | None = None
    decided_on: date | None = None
    article_99: bool = False


def render_liasse_xml(amendments: Sequence[LiasseXmlAmendment], text: LiasseText) -> bytes:
    """The liasse XML of `amendments`, in the order given."""
    out = io.BytesIO()
    writer = LiasseXmlWriter(out, text)
    for amendment in amendments:
        writer.add(amendment)
    writer.close()
    return out.getvalue()


# Kept fragments (services/documents/reuse.py) are named after this module's code.
CODE_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


HEAD = b"<?xml version='1.0' encoding='UTF-8'?>\n<amendements>\n"
END = b"</amendements>\n"


class LiasseXmlWriter:
    """Writes the liasse XML amendment by amendment (one amendment's elements in memory): its
    `HEAD`, each amendment's fragment, its `END` (a liasse's chunks write the fragments of
    their amendments, the assembly puts them together: rendering/liasse_documents.py)."""

    def __init__(self, out: IO[bytes], text: LiasseText) -> None:
        """Start the document on `out`."""
        self.out, self.text = out, text
        out.write(HEAD)

    def add(self, amendment: LiasseXmlAmendment, fragment: bytes | None = None) -> None:
        """The next amendment; `fragment`, when given, is what `self.fragment(amendment)`
        gives (kept from an earlier export)."""
        self.out.write(fragment if fragment is not None else self.fragment(amendment))

    def context(self) -> str:
        """What every fragment also depends on: the text and this module's code."""
        return fragment_context(self.text)

    def fragment(self, amendment: LiasseXmlAmendment) -> bytes:
        """The amendment's element as the document holds it."""
        return document_fragment(amendment, self.text)

    def close(self) -> None:
        """End the document."""
        self.out.write(END)


def fragment_context(text: LiasseText) -> str:
    """What every amendment's fragment also depends on: the text and this module's code."""
    return f"liasse-xml {CODE_VERSION} {text!r}"


def document_fragment(amendment: LiasseXmlAmendment, text: LiasseText) -> bytes:
    """The amendment's element as the document holds it."""
    element = _amendment(amendment, text)
    etree.indent(element, space="  ", level=1)
    return b"  " + etree.tostring(element, encoding="UTF-8") + b"\n"


def _amendment(amendment: LiasseXmlAmendment, text: LiasseText) -> etree._Element:
    if amendment.state not in STATES:
        raise ValueError(f"a liasse holds ready and filed amendments, not {amendment.state!r}")
    element = etree.Element(_q("amendement"), nsmap={None: REFERENTIEL, "xsi": XSI})
    _field(element, "uid", amendment.uid)
    _identifier(element, amendment, text)
    _field(element, "numeroLong", amendment.number)
    _field(element, "etapeTexte", text.stage_label)
    _field(element, "triAmendement", amendment.order_key)
    _field(element, "cardinaliteAmdtMultiples", "1")
    _field(element, "amendementParent", amendment.parent_uid)
    _field(element, "etat", state_label(amendment))
    _signatories(element, amendment)
    _pointer(element, amendment, text)
    _body(element, amendment)
    _field(element, "seanceDiscussion", None)
    _sort(element, amendment)
    _field(element, "dateDepot", amendment.filed_on.isoformat() if amendment.filed_on else None)
    _field(element, "dateDistribution", None)
    _field(element, "article99", "1" if amendment.article_99 else "0")
    law = _field(element, "loiReference")
    _field(law, "codeLoi", None)
    _field(law, "divisionCodeLoi", None)
    return element


def state_label(amendment: LiasseXmlAmendment) -> str:
    """The Assembly's `etat`: "A déposer" before filing, "En traitement" until an outcome,
    then "Irrecevable", "Retiré" or "Discuté"."""
    if amendment.state == "ready":
        return "A déposer"
    if amendment.outcome is None:
        return "En traitement"
    return {"irrecevable": "Irrecevable", "retire": "Retiré"}.get(amendment.outcome, "Discuté")


def _identifier(parent: etree._Element, amendment: LiasseXmlAmendment, text: LiasseText) -> None:
    identifier = _field(parent, "identifiant")
    _field(identifier, "legislature", text.legislature)
    digits = re.search(r"\d+", amendment.number or "")
    _field(identifier, "numero", digits.group(0) if digits else None)
    _field(identifier, "numRect", str(amendment.rectification))
    referral = _field(identifier, "saisine")
    _field(referral, "refTexteLegislatif", text.uid)
    _field(referral, "numeroPartiePLF", "0")
    _field(referral, "organeExamen", text.organ_ref)
    _field(referral, "mentionSecondeDeliberation", "0")


def _signatories(parent: etree._Element, amendment: LiasseXmlAmendment) -> None:
    signatories = _field(parent, "signataires")
    author = _field(signatories, "auteur")
    _field(author, "typeAuteur", _author_type(amendment.author_kind))
    _field(author, "acteurRef", amendment.author_ref)
    _field(author, "organeRef", None)
    _field(author, "groupePolitiqueRef", amendment.group_ref)
    cosignatories = _field(signatories, "cosignataires")
    if not amendment.cosignatory_refs:
        cosignatories.set(f"{{{XSI}}}nil", "true")
    for ref in amendment.cosignatory_refs:
        _field(cosignatories, "acteurRef", ref)
    _field(signatories, "texteAffichable", amendment.signatories_label)


def _author_type(kind: str) -> str:
    return {
        "depute": "Depute",
        "gouvernement": "Gouvernement",
        "commission": "Commission",
        "rapporteur": "Rapporteur",
    }.get(kind, kind.capitalize())


def _pointer(parent: etree._Element, amendment: LiasseXmlAmendment, text: LiasseText) -> None:
    pointer = _field(parent, "pointeurFragmentTexte")
    _field(pointer, "missionVisee", None)
    division = _field(pointer, "division")
    on_title = amendment.article_number is None
    article = (amendment.article_number or "").upper()
    short = (
        "TITRE" if on_title else f"{_SHORT_WHERE.get(amendment.position_kind, '')}ART. {article}"
    )
    _field(division, "titre", "Titre" if on_title else f"Article {amendment.article_number}")
    _field(division, "articleDesignationCourte", short)
    _field(division, "type", "TITRE" if on_title else "ARTICLE")
    _field(division, "avant_A_Apres", _WHERE.get(amendment.position_kind, "A"))
    _field(division, "divisionRattachee", None if on_title else f"ARTICLE {article}")
    additional = amendment.position_kind != "article" and not on_title
    _field(division, "articleAdditionnel", "true" if additional else "false")
    _field(division, "chapitreAdditionnel", "false")
    _field(division, "urlDivisionTexteVise", None if on_title else _division_url(amendment, text))
    _alinea(pointer, amendment)


def _division_url(amendment: LiasseXmlAmendment, text: LiasseText) -> str:
    anchor = "D_Article_" + (amendment.article_number or "").replace(" ", "_")
    return f"/{text.legislature}/textes/{text.number}.asp#{anchor}"


def _alinea(pointer: etree._Element, amendment: LiasseXmlAmendment) -> None:
    alinea = _field(pointer, "alinea")
    if amendment.alinea is None:
        alinea.set(f"{{{XSI}}}nil", "true")
        return
    relation = _RELATIONS.get(amendment.alinea_relation or "on")
    _field(alinea, "avant_A_Apres", relation)
    _field(alinea, "numero", str(amendment.alinea))
    prefix = {"Avant": "Avant l'alinéa", "Apres": "Après l'alinéa"}.get(relation or "", "Alinéa")
    _field(alinea, "alineaDesignation", f"{prefix} {amendment.alinea}")


def _body(parent: etree._Element, amendment: LiasseXmlAmendment) -> None:
    body = _field(parent, "corps")
    _html_field(body, "dispositif", amendment.dispositif)
    _html_field(body, "exposeSommaire", amendment.expose)
    _field(body, "annexeExposeSommaire", None)


def _html_field(parent: etree._Element, name: str, text: str) -> None:
    """Paragraphs as the Assembly writes them: `<p style="text-align: justify;">`, in CDATA."""
    paragraphs = [line.strip() for line in _clean(text).split("\n") if line.strip()]
    element = etree.SubElement(parent, _q(name))
    if paragraphs:
        markup = "".join(
            f'<p style="text-align: justify;">{html.escape(p, quote=False)}</p>' for p in paragraphs
        )
        element.text = etree.CDATA(markup)


def _sort(parent: etree._Element, amendment: LiasseXmlAmendment) -> None:
    """The outcome in the debate; none for an inadmissible amendment, which is never called."""
    if amendment.outcome is None or amendment.outcome == "irrecevable":
        etree.SubElement(parent, _q("sort")).set(f"{{{XSI}}}nil", "true")
        return
    sort = _field(parent, "sort")
    _field(sort, "dateSaisie", amendment.decided_on.isoformat() if amendment.decided_on else None)
    label = amendment.outcome_label or OUTCOME_LABELS.get(amendment.outcome, amendment.outcome)
    _field(sort, "sortEnSeance", label)


_CONTAINERS = frozenset(
    {
        "identifiant",
        "saisine",
        "signataires",
        "auteur",
        "cosignataires",
        "pointeurFragmentTexte",
        "division",
        "alinea",
        "corps",
        "sort",
        "loiReference",
    }
)


def _field(parent: etree._Element, name: str, value: str | None = None) -> etree._Element:
    """A child element: its text, or `xsi:nil` where a leaf has no value."""
    element = etree.SubElement(parent, _q(name))
    if value is not None and value != "":
        element.text = _clean(value)
    elif name not in _CONTAINERS:
        element.set(f"{{{XSI}}}nil", "true")
    return element


def _q(name: str) -> str:
    return f"{{{REFERENTIEL}}}{name}"


def _clean(text: str) -> str:
    return _UNPRINTABLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
