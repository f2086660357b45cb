"""Akoma Ntoso 3.0 (OASIS LegalDocML): an amendment as `<amendment>`, a text's amendments as
one `<amendmentList>` whose body refers to each amendment, kept whole in `<components>`.

Pure: plain data in, bytes out; the input types are defined here, so this renderer imports no
model and no service. FRBR identifiers follow the AKN naming convention
(`/akn/fr/amendment/an/<date>/<text>-<number>`); persons, groups and outcomes are declared in
`<references>` and referred to by `#eId`; Liasse's own data (order key, the Assembly's uid,
state) sit in `<proprietary>` under their own namespace, as the schema provides.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

from lxml import etree

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
_NS = AKN_NS.encode()
LIASSE_NS = "urn:x-liasse:akn"  # Liasse's own metadata, in <proprietary>
MEDIA_TYPE = "application/akn+xml"
AUTHORITY = "ASSEMBLÉE NATIONALE"
NBSP = "\u00a0"
_WHERE = {"before_article": "AVANT", "after_article": "APRÈS"}
# XML 1.0 forbids most C0 controls, lone surrogates and U+FFFE/U+FFFF: removed from any text.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_NOT_ID = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass(frozen=True, repr=False)
class AknPerson:
    """A deputy, by a stable key (the Assembly's "PA…" id when known) and printed name."""

    key: str
    name: str  # "Mme Taurinya"

    def __repr__(self) -> str:
        return self._repr

    @functools.cached_property
    def _repr(self) -> str:
        """The dataclass's own repr, worked out once (an amendment's fragment key is its
        repr, which repeats each co-signatory's; one person serves all their signatures)."""
        return f"AknPerson(key={self.key!r}, name={self.name!r})"


@dataclass(frozen=True)
class AknOrganization:
    """A political group (or another organ), by a stable key ("PO…") and name."""

    key: str
    name: str


@dataclass(frozen=True)
class AknText:
    """The amended text."""

    number: str  # "1187"
    title: str  # the short title, "EXÉCUTION DES PEINES D'EMPRISONNEMENT FERME"
    date: date  # the text's date, for its FRBR identifier


@dataclass(frozen=True)
class AknAmendment:
    """One amendment, as the renderer needs it."""

    local_id: str  # Liasse's id: names the amendment before the Assembly numbers it
    number: str | None  # as printed once filed: "27", "66 rect.", "CL358"
    position_kind: str  # "article" | "before_article" | "after_article"
    article_number: str | None  # "7", "1er", "3 bis A"; None for the text's title
    dispositif: str  # paragraphs separated by "\n"
    expose: str
    author: AknPerson
    cosignatories: tuple[AknPerson, ...] = ()
    group: AknOrganization | None = None  # set when presented with the group's members
    outcome: str | None = None  # "adopte", "rejete", "irrecevable"…
    outcome_label: str | None = None  # "Adopté", "Cavalier (45)"
    filed_on: date | None = None
    decided_on: date | None = None
    order_key: str | None = None
    assembly_uid: str | None = None
    state: str | None = None  # Liasse's state: "ready", "filed"…


def render_amendment(amendment: AknAmendment, text: AknText, *, generated_on: date) -> bytes:
    """One amendment as an Akoma Ntoso document (UTF-8 bytes)."""
    root = _akn_root()
    root.append(_amendment(amendment, text, generated_on))
    return _serialise(root)


def render_amendment_list(
    amendments: Sequence[AknAmendment], text: AknText, *, generated_on: date
) -> bytes:
    """A text's amendments, in the order given, as one `<amendmentList>` document."""
    out = io.BytesIO()
    writer = AmendmentListWriter(out, text, generated_on)
    for amendment in amendments:
        writer.add(amendment)
    writer.close()
    return out.getvalue()


# Kept fragments (services/documents/reuse.py) are named after this module's code: any change
# to how an amendment is written makes them be written again.
CODE_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


class AmendmentListWriter:
    """Writes an `<amendmentList>` amendment by amendment: each amendment's component goes to a
    temporary file as it comes and only its title is kept for the body's references, so a
    liasse of 20 000 amendments is written in the memory of one. `close()` writes the document
    (the list's head, the references, then the components) to `out`. The pieces it is made of
    are functions of their own (`list_head`, `list_reference`…): a liasse's chunks write them
    for their amendments, and the assembly puts them together (rendering/liasse_documents.py)."""

    def __init__(self, out: IO[bytes], text: AknText, generated_on: date) -> None:
        """Start a list of `text`'s amendments, dated `generated_on`."""
        self.out, self.text, self.generated_on = out, text, generated_on
        self.components: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close)
        self.titles: list[str] = []

    def add(self, amendment: AknAmendment, fragment: bytes | None = None) -> None:
        """The next amendment, in the order of the list; `fragment`, when given, is what
        `self.fragment(amendment)` gives (kept from an earlier export)."""
        self.titles.append(list_title(amendment))
        fragment = fragment if fragment is not None else self.fragment(amendment)
        self.components.write(list_component(len(self.titles), fragment))

    def context(self) -> str:
        """What every fragment also depends on: the text, the day, this module's code."""
        return fragment_context(self.text, self.generated_on)

    def fragment(self, amendment: AknAmendment) -> bytes:
        """The amendment's element as the list holds it (the same wherever it stands)."""
        return list_fragment(amendment, self.text, self.generated_on)

    def close(self) -> None:
        """Write the whole document to `out`."""
        out, count = self.out, len(self.titles)
        out.write(list_head(self.text, self.generated_on, count))
        for index, title in enumerate(self.titles, start=1):
            out.write(list_reference(index, title))
        out.write(list_middle(count))
        self.components.seek(0)
        shutil.copyfileobj(self.components, out, 1 << 20)
        out.write(list_end(count))
        self.components.close()


def fragment_context(text: AknText, generated_on: date) -> str:
    """What every amendment's fragment also depends on: the text, the day, this module's code."""
    return f"akn {CODE_VERSION} {text!r} {generated_on.isoformat()}"


def list_fragment(amendment: AknAmendment, text: AknText, generated_on: date) -> bytes:
    """The amendment's element as the list holds it (the same wherever it stands)."""
    return _component_bytes(amendment, text, generated_on, marked=True)


def list_title(amendment: AknAmendment) -> str:
    """How the list's body names the amendment."""
    return _title(amendment)


def list_head(text: AknText, generated_on: date, count: int) -> bytes:
    """The list's document up to its body's references: the declaration, its meta and
    preface (which count the amendments), the body's opening."""
    listing = etree.Element(_q("amendmentList"), nsmap={None: AKN_NS}, name="liasse")
    _list_meta(listing, text, generated_on, count)
    _list_preface(listing, text, count)
    head = [b"<?xml version='1.0' encoding='UTF-8'?>\n<akomaNtoso xmlns=\"%s\">\n" % _NS]
    head.append(b'  <amendmentList name="liasse">\n')
    head += [_fragment(child, 2) for child in listing]
    head.append(b"    <collectionBody>\n")
    return b"".join(head)


def list_reference(index: int, title: str) -> bytes:
    """The body's reference to the `index`-th amendment's component."""
    component = etree.Element(_q("component"), nsmap={None: AKN_NS})
    reference = _element(component, "documentRef", eId=f"ref_{index}")
    reference.set("href", f"#cmp_{index}")
    reference.set("showAs", title)
    return _fragment(component, 3)


def list_middle(count: int) -> bytes:
    """Between the references and the components: the body's end (saying "no amendment" in
    an empty list, as the schema wants a component), the components' opening."""
    middle = b""
    if not count:
        component = etree.Element(_q("component"), nsmap={None: AKN_NS})
        _element(_element(component, "interstitial", eId="int_1"), "p", "Aucun amendement.")
        middle = _fragment(component, 3)
    middle += b"    </collectionBody>\n  </amendmentList>\n"
    return middle + (b"  <components>\n" if count else b"")


def list_component(index: int, fragment: bytes) -> bytes:
    """The `index`-th amendment's component: its fragment (`list_fragment`) wrapped."""
    return b'    <component eId="cmp_%d">\n%s    </component>\n' % (index, fragment)


def list_end(count: int) -> bytes:
    """After the components: the document's end."""
    return (b"  </components>\n" if count else b"") + b"</akomaNtoso>\n"


def _component_bytes(
    amendment: AknAmendment, text: AknText, generated_on: date, *, marked: bool
) -> bytes:
    """The amendment's element indented at its place in the list; `marked`: its people
    written in its bytes (`_people_filled`) rather than in the tree (the same bytes)."""
    component = etree.Element(_q("component"), nsmap={None: AKN_NS})
    element = _amendment(amendment, text, generated_on, marked=marked)
    component.append(element)
    etree.indent(component, space="  ", level=2)
    data = etree.tostring(element, encoding="UTF-8", with_tail=False)
    data = data.replace(b' xmlns="%s"' % _NS, b"", 1)
    return b"  " * 3 + (_people_filled(data, amendment) if marked else data) + b"\n"


def _fragment(element: etree._Element, level: int) -> bytes:
    """An element serialised at its place in the document: indented, the default namespace
    declared once at the root rather than again on each element."""
    etree.indent(element, space="  ", level=level)
    data = etree.tostring(element, encoding="UTF-8").replace(b' xmlns="%s"' % _NS, b"", 1)
    return b"  " * level + data + b"\n"


# --- one amendment -----------------------------------------------------------------------------


def _amendment(
    amendment: AknAmendment, text: AknText, generated_on: date, *, marked: bool = False
) -> etree._Element:
    """The amendment's element; `marked`: its people left as marks (`_people_filled`)."""
    element = etree.Element(_q("amendment"), name="amendement")
    _amendment_meta(element, amendment, text, generated_on, marked)
    _amendment_preface(element, amendment, text, marked)
    _amendment_body(element, amendment)
    return element


def _amendment_meta(
    parent: etree._Element,
    amendment: AknAmendment,
    text: AknText,
    generated_on: date,
    marked: bool = False,
) -> None:
    meta = _element(parent, "meta")
    day = amendment.filed_on or generated_on
    work = f"/akn/fr/amendment/an/{day.isoformat()}/{_slug(text.number)}-{_amendment_id(amendment)}"
    _identification(meta, work, day, generated_on, author="#" + _person_id(amendment.author))
    _workflow(meta, amendment, generated_on)
    _references(meta, amendment, marked)
    _proprietary(meta, amendment)


def _identification(
    meta: etree._Element, work: str, day: date, generated_on: date, *, author: str
) -> None:
    """The FRBR triple: the work, its French expression, this XML manifestation."""
    identification = _element(meta, "identification", source="#liasse")
    expression = f"{work}/fra@{day.isoformat()}"
    frbr = _element(identification, "FRBRWork")
    _frbr(frbr, work, day, "depot", author)
    _element(frbr, "FRBRcountry", value="fr")
    frbr = _element(identification, "FRBRExpression")
    _frbr(frbr, expression, day, "depot", author)
    _element(frbr, "FRBRlanguage", language="fra")
    frbr = _element(identification, "FRBRManifestation")
    _element(frbr, "FRBRthis", value=f"{expression}/!main.xml")
    _element(frbr, "FRBRuri", value=f"{expression}.akn")
    _element(frbr, "FRBRdate", date=generated_on.isoformat(), name="generation")
    _element(frbr, "FRBRauthor", href="#liasse")


def _frbr(parent: etree._Element, uri: str, day: date, name: str, author: str) -> None:
    _element(parent, "FRBRthis", value=f"{uri}/!main")
    _element(parent, "FRBRuri", value=uri)
    _element(parent, "FRBRdate", date=day.isoformat(), name=name)
    _element(parent, "FRBRauthor", href=author)


def _workflow(meta: etree._Element, amendment: AknAmendment, generated_on: date) -> None:
    """Filing, then the outcome, as workflow steps of the Assembly."""
    steps = []
    if amendment.filed_on:
        steps.append({"date": amendment.filed_on.isoformat(), "by": "#an", "refersTo": "#depot"})
    if amendment.outcome:
        when = amendment.decided_on or amendment.filed_on or generated_on
        steps.append(
            {
                "date": when.isoformat(),
                "by": "#an",
                "refersTo": "#sort",
                "outcome": _outcome_ref(amendment),
            }
        )
    if steps:
        workflow = _element(meta, "workflow", source="#liasse")
        for step in steps:
            _element(workflow, "step", **step)


def _references(meta: etree._Element, amendment: AknAmendment, marked: bool = False) -> None:
    references = _element(meta, "references", source="#liasse")
    _tlc(references, "TLCOrganization", "liasse", "/ontology/organization/fr/liasse", "Liasse")
    _tlc(
        references,
        "TLCOrganization",
        "an",
        "/ontology/organization/fr/assemblee-nationale",
        "Assemblée nationale",
    )
    if amendment.group is not None:
        group = amendment.group
        _tlc(
            references,
            "TLCOrganization",
            _group_id(group),
            _ontology("organization", group.key),
            group.name,
        )
    if marked:
        etree.SubElement(references, _q("TLCPerson"), {"eId": _MARK})
    else:
        for person in _people(amendment):
            etree.SubElement(references, _q("TLCPerson"), _person_reference(person))
    _tlc(
        references,
        "TLCRole",
        "auteur",
        "/ontology/role/fr/premier-signataire",
        "premier signataire",
    )
    _tlc(references, "TLCRole", "cosignataire", "/ontology/role/fr/cosignataire", "cosignataire")
    if amendment.filed_on:
        _tlc(references, "TLCEvent", "depot", "/ontology/event/fr/an/depot", "dépôt")
    if amendment.outcome:
        _tlc(references, "TLCEvent", "sort", "/ontology/event/fr/an/sort", "sort")
        _tlc(
            references,
            "TLCConcept",
            _outcome_ref(amendment)[1:],
            f"/ontology/concept/fr/an/sort/{_slug(amendment.outcome)}",
            _outcome_label(amendment),
        )


def _tlc(parent: etree._Element, kind: str, eid: str, href: str, show_as: str) -> None:
    _element(parent, kind, eId=eid, href=href, showAs=_clean(show_as) or eid)


def _proprietary(meta: etree._Element, amendment: AknAmendment) -> None:
    values = {"ordre": amendment.order_key, "uid": amendment.assembly_uid, "etat": amendment.state}
    if not any(values.values()):
        return
    proprietary = etree.SubElement(
        meta, _q("proprietary"), {"source": "#liasse"}, nsmap={"liasse": LIASSE_NS}
    )
    for name, value in values.items():
        if value:
            etree.SubElement(proprietary, f"{{{LIASSE_NS}}}{name}").text = _clean(value)


def _amendment_preface(
    parent: etree._Element, amendment: AknAmendment, text: AknText, marked: bool = False
) -> None:
    preface = _element(parent, "preface")
    _element(preface, "p", _position_tag(amendment), **{"class": "division-courte"})
    if amendment.number:
        line = _element(preface, "p", f"N°{NBSP}", **{"class": "numero"})
        _element(line, "docNumber", _clean(amendment.number))
    _element(_element(preface, "p"), "docAuthority", AUTHORITY)
    _title_line(preface, text)
    if amendment.outcome:
        line = _element(preface, "p", **{"class": "sort"})
        _element(line, "docStatus", _outcome_label(amendment), refersTo=_outcome_ref(amendment))
    _presented_by(preface, amendment, marked)


def _title_line(preface: etree._Element, text: AknText) -> None:
    """ "TITLE - (N° 939)", the number naming the text it amends."""
    line = _element(preface, "p")
    title = _element(line, "docTitle", _clean(text.title))
    title.tail = " - ("
    document = _element(
        line, "affectedDocument", f"N°{NBSP}{_clean(text.number)}", href=_bill(text)
    )
    document.tail = ")"


def _presented_by(preface: etree._Element, amendment: AknAmendment, marked: bool = False) -> None:
    """ "présenté par A, B et C" (or "… et les membres du groupe X"), each one referred to."""
    line = _element(preface, "p", PRESENTED + (_MARK if marked else ""))
    last, tag = len(amendment.cosignatories), _q("docProponent")
    for index, (person, role) in enumerate([] if marked else _proponents(amendment)):
        refers_to, printed = _proponent(person)
        name = etree.SubElement(line, tag, {"refersTo": refers_to, "as": role})
        if printed:
            name.text = printed
        name.tail = _separator(index, last, amendment.group is not None)
    if amendment.group is not None:
        group = _element(line, "organization", _clean(amendment.group.name))
        group.set("refersTo", "#" + _group_id(amendment.group))


def _separator(index: int, last: int, with_group: bool) -> str | None:
    if index == last:
        return " et les membres du groupe " if with_group else None
    return " et " if index == last - 1 and not with_group else ", "


def _amendment_body(parent: etree._Element, amendment: AknAmendment) -> None:
    body = _element(parent, "amendmentBody")
    heading = _element(body, "amendmentHeading")
    for line in _division_heading(amendment):
        _element(heading, "p", line)
    content = _element(body, "amendmentContent")
    for paragraph in _paragraphs(amendment.dispositif) or [""]:
        _element(content, "p", paragraph)
    expose = _paragraphs(amendment.expose)
    if expose:
        justification = _element(body, "amendmentJustification")
        for paragraph in expose:
            _element(justification, "p", paragraph)


# --- the list ----------------------------------------------------------------------------------


def _list_meta(listing: etree._Element, text: AknText, generated_on: date, count: int) -> None:
    meta = _element(listing, "meta")
    work = f"/akn/fr/amendmentList/an/{text.date.isoformat()}/{_slug(text.number)}-liasse"
    _identification(meta, work, generated_on, generated_on, author="#liasse")
    references = _element(meta, "references", source="#liasse")
    _tlc(references, "TLCOrganization", "liasse", "/ontology/organization/fr/liasse", "Liasse")
    _tlc(
        references,
        "TLCOrganization",
        "an",
        "/ontology/organization/fr/assemblee-nationale",
        "Assemblée nationale",
    )


def _list_preface(listing: etree._Element, text: AknText, count: int) -> None:
    preface = _element(listing, "preface")
    _element(_element(preface, "p"), "docAuthority", AUTHORITY)
    _title_line(preface, text)
    _element(preface, "p", f"{count} amendement{'s' if count > 1 else ''}")


# --- small helpers -----------------------------------------------------------------------------


def _akn_root() -> etree._Element:
    return etree.Element(_q("akomaNtoso"), nsmap={None: AKN_NS})


def _q(tag: str) -> str:
    return f"{{{AKN_NS}}}{tag}"


def _element(
    parent: etree._Element, tag: str, text: str | None = None, **attributes: str
) -> etree._Element:
    element = etree.SubElement(parent, _q(tag), attributes)
    if text:
        element.text = _clean(text)
    return element


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _clean(text: str) -> str:
    if len(text) <= _SHORT:  # names, numbers, labels: the same few thousand, over and over
        return _clean_short(text)
    return _UNPRINTABLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


_SHORT = 120


@functools.lru_cache(maxsize=16384)
def _clean_short(text: str) -> str:
    return _UNPRINTABLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in _clean(text).split("\n") if line.strip()]


@functools.lru_cache(maxsize=8192)  # the same deputies' and groups' keys, over and over
def _slug(text: str) -> str:
    return _NOT_ID.sub("-", text.strip()).strip("-.") or "x"


def _amendment_id(amendment: AknAmendment) -> str:
    """The official number once filed ("66-rect"), Liasse's id before ("liasse-12")."""
    return _slug(amendment.number) if amendment.number else f"liasse-{_slug(amendment.local_id)}"


def _person_id(person: AknPerson) -> str:
    return "p_" + _slug(person.key)


def _group_id(group: AknOrganization) -> str:
    return "o_" + _slug(group.key)


def _ontology(kind: str, key: str) -> str:
    return f"/ontology/{kind}/fr/an/{_slug(key)}"


# A liasse names the same 577 deputies hundreds of thousands of times: what each one's
# reference and mention hold is worked out once.
@functools.lru_cache(maxsize=4096)
def _person_reference(person: AknPerson) -> dict[str, str]:
    """The attributes of the person's TLCPerson reference (as `_tlc` writes them)."""
    eid = _person_id(person)
    return {
        "eId": eid,
        "href": _ontology("person", person.key),
        "showAs": _clean(person.name) or eid,
    }


@functools.lru_cache(maxsize=4096)
def _proponent(person: AknPerson) -> tuple[str, str]:
    """Whom a docProponent refers to, and its text (as `_element` writes it)."""
    return "#" + _person_id(person), _clean(person.name)


def _proponents(amendment: AknAmendment) -> list[tuple[AknPerson, str]]:
    """The author then the co-signatories, with their role."""
    return [(amendment.author, "#auteur")] + [(p, "#cosignataire") for p in amendment.cosignatories]


# A fragment is written with its people left as marks, filled in its bytes with each deputy's
# elements serialised once (the same bytes as writing them in the tree, at a fifth of the cost
# for the 30 people of an average amendment). The marks are markup (`<TLCPerson eId="…"/>`,
# `<p>présenté par …`), which no text or attribute can spell, since "<" is escaped in both.
_MARK = "\ue000"
PRESENTED = "présenté par "
_REFERENCE_MARK = re.compile(b'\n( *)<TLCPerson eId="%s"/>' % _MARK.encode())
_PROPONENTS_MARK = f"<p>{PRESENTED}{_MARK}".encode()


def _people_filled(data: bytes, amendment: AknAmendment) -> bytes:
    """A marked fragment with its people's references and mentions written in."""
    found = _REFERENCE_MARK.search(data)
    assert found is not None, "a marked fragment holds the references' mark"
    indent = b"\n" + found.group(1)
    references = b"".join(indent + _reference_bytes(p) for p in _people(amendment))
    data = data[: found.start()] + references + data[found.end() :]
    last, grouped = len(amendment.cosignatories), amendment.group is not None
    mentions = b"".join(
        _proponent_bytes(person, role) + (_separator(index, last, grouped) or "").encode()
        for index, (person, role) in enumerate(_proponents(amendment))
    )
    at = data.index(_PROPONENTS_MARK)
    if not grouped:  # the last mention ends the line: indented as the tree's would be
        mentions += data[data.rindex(b"\n", 0, at) : at]
    return data[:at] + _PROPONENTS_MARK[:-3] + mentions + data[at + len(_PROPONENTS_MARK) :]


def _unqualified(element: etree._Element) -> bytes:
    return etree.tostring(element, encoding="UTF-8").replace(b' xmlns="%s"' % _NS, b"", 1)


@functools.lru_cache(maxsize=4096)
def _reference_bytes(person: AknPerson) -> bytes:
    return _unqualified(etree.Element(_q("TLCPerson"), _person_reference(person), nsmap=_NSMAP))


@functools.lru_cache(maxsize=8192)
def _proponent_bytes(person: AknPerson, role: str) -> bytes:
    refers_to, printed = _proponent(person)
    element = etree.Element(_q("docProponent"), {"refersTo": refers_to, "as": role}, nsmap=_NSMAP)
    if printed:
        element.text = printed
    return _unqualified(element)


_NSMAP = {None: AKN_NS}


def _people(amendment: AknAmendment) -> list[AknPerson]:
    """The author and co-signatories, each once (one eId per person)."""
    seen: dict[str, AknPerson] = {}
    for person in (amendment.author, *amendment.cosignatories):
        seen.setdefault(_person_id(person), person)
    return list(seen.values())


def _outcome_ref(amendment: AknAmendment) -> str:
    return f"#sort_{_slug(amendment.outcome or '')}"


def _outcome_label(amendment: AknAmendment) -> str:
    label = amendment.outcome_label or (amendment.outcome or "").replace("_", " ").capitalize()
    return _clean(label)


def _bill(text: AknText) -> str:
    return f"/akn/fr/bill/an/{text.date.isoformat()}/{_slug(text.number)}"


def _title(amendment: AknAmendment) -> str:
    return (
        f"Amendement n°{NBSP}{amendment.number}"
        if amendment.number
        else f"Amendement (projet {amendment.local_id})"
    )


def _article_heading(article: str) -> str:
    upper = article.upper()
    return "PREMIER" if upper in ("1ER", "PREMIER") else upper


def _position_tag(amendment: AknAmendment) -> str:
    """ "ART. 7", "APRÈS ART. 10", "TITRE" (the Assembly's short designation)."""
    if amendment.article_number is None:
        return "TITRE"
    where = _WHERE.get(amendment.position_kind)
    tag = f"ART. {_article_heading(amendment.article_number)}"
    return f"{where} {tag}" if where else tag


def _division_heading(amendment: AknAmendment) -> list[str]:
    """ "ARTICLE 7"; or "ARTICLE ADDITIONNEL" then "APRÈS L'ARTICLE 10, insérer l'article
    suivant :"."""
    if amendment.article_number is None:
        return ["TITRE"]
    article = _article_heading(amendment.article_number)
    where = _WHERE.get(amendment.position_kind)
    if where is None:
        return [f"ARTICLE {article}"]
    return ["ARTICLE ADDITIONNEL", f"{where} L'ARTICLE {article}, insérer l'article suivant{NBSP}:"]
