"""The liasse XML: the Assembly's field names and order, for ready and filed amendments."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from drafting.rendering.liasse_xml import (
    REFERENTIEL,
    LiasseText,
    LiasseXmlAmendment,
    render_liasse_xml,
)
from drafting.services.assembly.amendments_opendata import parse_amendments

NS = {"r": REFERENTIEL}
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
TEXT = LiasseText(
    "17", "1187", "PIONANR5L17BTC1187", "PO838901", "1ère lecture (1ère assemblée saisie)"
)
FILED = LiasseXmlAmendment(
    uid="AMANR5L17PO838901BTC1187P0D1N000071",
    state="filed",
    number="71",
    position_kind="article",
    article_number="2",
    alinea=3,
    dispositif="À l’alinéa\u00a03, supprimer les mots : « a < b & c ».\nSecond paragraphe.",
    expose="Parce que.",
    signatories_label="Mme\u00a0X et M.\u00a0Y",
    author_ref="PA1",
    group_ref="PO845439",
    cosignatory_refs=("PA2",),
    rectification=1,
    order_key="daaaals",
    outcome="adopte",
    filed_on=date(2025, 3, 31),
    decided_on=date(2025, 4, 3),
)
READY = LiasseXmlAmendment(
    uid="LIASSE-12",
    state="ready",
    number=None,
    position_kind="after_article",
    article_number="5",
    alinea=None,
    dispositif="Dans un délai de six mois, un rapport.",
    expose="",
    signatories_label="Mme\u00a0X et les membres du groupe Écologiste et Social",
    author_ref="PA1",
)


def _amendments(data: bytes) -> list[etree._Element]:
    root = etree.fromstring(data)
    assert root.tag == "amendements"
    return list(root)


def test_a_filed_amendment_with_the_assemblys_fields() -> None:
    (filed,) = _amendments(render_liasse_xml([FILED], TEXT))

    def value(path: str) -> str | None:
        return filed.findtext(path, namespaces=NS)

    assert value("r:uid") == FILED.uid
    assert (value("r:identifiant/r:numero"), value("r:identifiant/r:numRect")) == ("71", "1")
    assert value("r:identifiant/r:saisine/r:refTexteLegislatif") == "PIONANR5L17BTC1187"
    assert (value("r:etat"), value("r:sort/r:sortEnSeance"), value("r:triAmendement")) == (
        "Discuté",
        "Adopté",
        "daaaals",
    )
    assert value("r:signataires/r:auteur/r:acteurRef") == "PA1"
    assert filed.xpath("r:signataires/r:cosignataires/r:acteurRef/text()", namespaces=NS) == ["PA2"]
    division = "r:pointeurFragmentTexte/r:division/"
    assert value(division + "r:urlDivisionTexteVise") == "/17/textes/1187.asp#D_Article_2"
    assert value(division + "r:articleDesignationCourte") == "ART. 2"
    assert value("r:pointeurFragmentTexte/r:alinea/r:alineaDesignation") == "Alinéa 3"
    dispositif = value("r:corps/r:dispositif")
    assert dispositif.startswith('<p style="text-align: justify;">À l’alinéa\u00a03')
    assert "a &lt; b &amp; c" in dispositif  # the HTML is escaped inside its CDATA


def test_a_ready_amendment_is_to_be_filed_with_nils_where_nothing_is_known() -> None:
    (ready,) = _amendments(render_liasse_xml([READY], TEXT))
    assert ready.findtext("r:etat", namespaces=NS) == "A déposer"
    for path in (
        "r:identifiant/r:numero",
        "r:triAmendement",
        "r:sort",
        "r:pointeurFragmentTexte/r:alinea",
    ):
        assert ready.find(path, namespaces=NS).get(XSI_NIL) == "true"
    assert (
        ready.findtext("r:pointeurFragmentTexte/r:division/r:avant_A_Apres", namespaces=NS)
        == "Après"
    )


def test_only_ready_and_filed_amendments_go_in_a_liasse() -> None:
    with pytest.raises(ValueError, match="not 'draft'"):
        render_liasse_xml([LiasseXmlAmendment(**{**FILED.__dict__, "state": "draft"})], TEXT)


def test_our_liasse_reads_back_with_the_assemblys_reader() -> None:
    """Ready amendments are "A déposer", which the reader skips as the Assembly's own."""
    (back,) = parse_amendments(render_liasse_xml([FILED, READY], TEXT))
    assert (back.uid, back.number, back.rectification, back.outcome) == (
        FILED.uid,
        "71",
        1,
        "adopte",
    )
    assert back.dispositif == FILED.dispositif and back.cosignatory_refs == ("PA2",)
    assert (back.position.article_number, back.position.alinea) == ("2", 3)


def test_field_names_and_order_are_the_assemblys(open_data: Path) -> None:
    published = etree.parse(
        str(open_data / "an-liasse-referentiel-AN15-0806-CSCONF.xml")
    ).getroot()[0]
    ours = _amendments(render_liasse_xml([FILED], TEXT))[0]

    def names(element: etree._Element) -> list[str]:
        return [etree.QName(child).localname for child in element if isinstance(child.tag, str)]

    assert [n for n in names(published) if n != "representations"] == names(ours)
    parts = (
        "identifiant",
        "signataires",
        "pointeurFragmentTexte",
        "pointeurFragmentTexte/r:division",
    )
    for part in (*parts, "corps", "signataires/r:auteur", "identifiant/r:saisine"):
        assert names(published.find(f"r:{part}", NS)) == names(ours.find(f"r:{part}", NS))
