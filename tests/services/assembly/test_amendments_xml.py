"""The liasse XML, Eliasse amendments and Eliasse order lists read into records."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafting.services.assembly.amendments_opendata import parse_amendment_files, parse_amendments
from drafting.services.assembly.amendments_xml import parse_order_list
from drafting.services.assembly.errors import SourceError

NIL = 'xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
LIASSE = f"""<?xml version="1.0" encoding="UTF-8"?>
<amendements>
<amendement xmlns="http://schemas.assemblee-nationale.fr/referentiel">
  <uid>AMANR5L15PO744107B0806P0D1N28</uid>
  <identifiant><legislature>15</legislature><numero>28</numero><numRect>1</numRect>
    <saisine><refTexteLegislatif>PRJLANR5L15B0806</refTexteLegislatif>
    <organeExamen>PO744107</organeExamen></saisine></identifiant>
  <numeroLong>28</numeroLong><triAmendement>l</triAmendement>
  <amendementParent {NIL}/><etat>Discuté</etat>
  <signataires><auteur><typeAuteur>Depute</typeAuteur><acteurRef>PA718838</acteurRef>
    <organeRef {NIL}/><groupePolitiqueRef>PO730934</groupePolitiqueRef></auteur>
    <cosignataires><acteurRef>PA718838</acteurRef><acteurRef>PA1</acteurRef></cosignataires>
    <texteAffichable> M.&amp;#160;Brun et M.&amp;#160;Un</texteAffichable></signataires>
  <pointeurFragmentTexte><division><titre>Article 2</titre>
    <articleDesignationCourte>ART. 2</articleDesignationCourte>
    <type>ARTICLE</type><avant_A_Apres>A</avant_A_Apres>
    <urlDivisionTexteVise>/15/textes/0806.asp#D_Article_2</urlDivisionTexteVise></division>
    <alinea><avant_A_Apres {NIL}/><numero>24</numero></alinea></pointeurFragmentTexte>
  <corps><dispositif><![CDATA[<p>Supprimer l&#8217;alin&#233;a&#160;24.</p>]]></dispositif>
    <exposeSommaire><![CDATA[<p>Parce que.</p>]]></exposeSommaire></corps>
  <sort><dateSaisie>2018-07-18T18:28:03</dateSaisie><sortEnSeance>Rejeté</sortEnSeance></sort>
  <dateDepot>2018-06-07</dateDepot><article99>0</article99>
</amendement>
<amendement xmlns="http://schemas.assemblee-nationale.fr/referentiel">
  <uid>AMANR5L15PO744107B0806P0D1N29</uid>
  <identifiant><numero>29</numero><numRect>0</numRect></identifiant><etat>A déposer</etat>
</amendement>
<amendement xmlns="http://schemas.assemblee-nationale.fr/referentiel">
  <uid>AMANR5L15PO744107B0806P0D1N30</uid>
  <identifiant><numero>30</numero><numRect>0</numRect></identifiant><etat>En traitement</etat>
  <signataires><auteur><typeAuteur>Gouvernement</typeAuteur></auteur>
    <texteAffichable>le Gouvernement</texteAffichable></signataires>
  <pointeurFragmentTexte><division><titre>Titre</titre><type>TITRE</type></division></pointeurFragmentTexte>
  <corps><dispositif><![CDATA[<div>Cet amendement est en cours de traitement par les
    services de l'Assemblée.</div><BR/>]]></dispositif></corps>
</amendement>
</amendements>"""

ELIASSE = """<?xml version="1.0" encoding="UTF-8"?>
<amendement><numero>3</numero><numeroLong>3</numeroLong><numeroParent>1</numeroParent>
  <etat>DI</etat><dispositif><![CDATA[<p>Compl&#233;ter cet amendement.</p>]]></dispositif>
  <exposeSommaire><![CDATA[<p>Expos&#233;.</p>]]></exposeSommaire>
  <listeDesSignataires> Mme&amp;#160;Untermaier,  Mme&amp;#160;Rabault et les membres du
    groupe NG</listeDesSignataires>
  <listeDesTribunCosignataires>609590;608695</listeDesTribunCosignataires>
  <sortEnSeance>Non soutenu</sortEnSeance><dateDepot>11/07/2018</dateDepot>
  <dateSaisieSort>26/10/2016</dateSaisieSort><triAmendement>gaaafahoto</triAmendement>
  <division><titre>Article 9</titre><divisionDesignation>APRÈS ART. 9</divisionDesignation>
    <type>ARTICLE</type><avantApres>Apres</avantApres>
    <urlDivisionTexteVise>/15/textes/0911.asp#D_Article_9</urlDivisionTexteVise></division>
  <texte><numBibard>911</numBibard></texte>
  <auteur><tribunId>608695</tribunId><civilite>Mme</civilite><nom>Untermaier</nom>
    <auteurLabel>Mme Untermaier</auteurLabel><estGouvernement>0</estGouvernement>
    <groupeTribunId>730946</groupeTribunId></auteur>
  <cosignatairesMentionLibre><titre>et les membres du groupe Nouvelle Gauche</titre>
    <libAbrevGroupe>NG</libAbrevGroupe></cosignatairesMentionLibre>
</amendement>"""

ORDER = """<?xml version="1.0" encoding="UTF-8"?>
<amdtsParOrdreDeDiscussion bibard="911" organe="AN" legislature="15"><amendements>
<amendement place="Après l'article 9" numero="1" sort="" parentNumero="X" auteurLabel="CION_LOIS"
  discussionCommune="3448" discussionCommuneAmdtPositon="milieu" discussionIdentique=""
  discussionIdentiqueAmdtPositon="debut" alineaLabel="" position="1/2"/>
<amendement place="Article 3" numero="177" sort="Rejeté" parentNumero="1" auteurLabel="M. DOOR"
  auteurGroupe="LR" alineaLabel="S" discussionIdentique="20386"
  discussionIdentiqueAmdtPositon="fin" position="2/2"/>
</amendements></amdtsParOrdreDeDiscussion>"""


def test_liasse_xml_reads_filed_amendments_and_skips_unfiled_ones() -> None:
    first, processing = parse_amendments(LIASSE.encode())
    assert (first.uid, first.number, first.rectification) == (
        "AMANR5L15PO744107B0806P0D1N28",
        "28",
        1,
    )
    assert (first.text_ref, first.text_number, first.organ_ref) == (
        "PRJLANR5L15B0806",
        "806",
        "PO744107",
    )
    assert first.author_name == "M.\u00a0Brun"  # doubly encoded entity decoded
    assert first.cosignatory_refs == ("PA1",)  # the author listed among them is left out
    assert (
        first.position.article_number,
        first.position.alinea,
        first.position.alinea_relation,
    ) == ("2", 24, "on")
    assert first.dispositif == "Supprimer l’alinéa\u00a024."
    assert (first.outcome, first.order_key) == ("rejete", "l")
    assert (processing.number, processing.author_kind, processing.outcome) == (
        "30",
        "gouvernement",
        None,
    )
    assert (processing.dispositif, processing.position.division_type) == ("", "titre")
    assert processing.notice is not None and processing.notice.startswith(
        "Cet amendement est en cours"
    )


def test_eliasse_amendment() -> None:
    (amendment,) = parse_amendments(ELIASSE)
    assert (amendment.uid, amendment.number, amendment.parent_number) == (None, "3", "1")
    assert (amendment.author_ref, amendment.author_name, amendment.group_ref) == (
        "PA608695",
        "Mme\u00a0Untermaier",
        "PO730946",
    )
    assert amendment.cosignatory_refs == ("PA609590",)
    assert (amendment.group_label, amendment.group_mention) == (
        "NG",
        "et les membres du groupe Nouvelle Gauche",
    )
    assert (amendment.text_number, amendment.position.kind, amendment.position.article_number) == (
        "911",
        "after_article",
        "9",
    )
    assert (amendment.outcome, amendment.filed_on.isoformat() if amendment.filed_on else None) == (
        "non_soutenu",
        "2018-07-11",
    )


def test_eliasse_order_list() -> None:
    order = parse_order_list(ORDER)
    assert (order.text_number, order.organ, order.legislature) == ("911", "AN", "15")
    first, second = order.entries
    assert (first.number, first.rank, first.total, first.has_sub_amendments) == ("1", 1, 2, True)
    assert (first.joint_group, first.joint_position, first.identical_group) == (
        "3448",
        "middle",
        None,
    )
    assert (second.parent_number, second.outcome, second.alinea_label) == ("1", "rejete", "S")
    assert (second.identical_group, second.identical_position) == ("20386", "last")
    batch = parse_amendment_files([("liste.xml", ORDER.encode()), ("3.xml", ELIASSE.encode())])
    assert len(batch.order_lists) == 1 and len(batch.amendments) == 1


def test_xml_of_another_shape_or_broken_is_refused() -> None:
    with pytest.raises(SourceError, match="racine « html »"):
        parse_amendments(b"<html><body/></html>", name="page.xml")
    with pytest.raises(SourceError, match="XML illisible"):
        parse_amendments(b"<amendements><amendement>", name="x.xml")
    with pytest.raises(SourceError, match="dérouleur"):
        parse_amendments(ORDER)


def test_entities_are_never_expanded() -> None:
    """A "billion laughs" document: its entities stay unexpanded, nothing blows up."""
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY l "lol"><!ENTITY l2 "&l;&l;&l;&l;&l;&l;&l;&l;">'
        '<!ENTITY l3 "&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;">]><amendement><numero>1</numero>'
        "<listeDesSignataires>&l3;</listeDesSignataires></amendement>"
    )
    (amendment,) = parse_amendments(bomb.encode())
    assert "lol" not in amendment.signatories_label


# --- the real files ----------------------------------------------------------------------------


def test_real_liasse_xml_files(open_data: Path) -> None:
    smaller = parse_amendments(
        (open_data / "an-liasse-referentiel-AN15-0806-CSCONF.xml").read_bytes()
    )
    assert [(a.number, a.state, a.outcome) for a in smaller] == [
        ("28", "En traitement", None),
        ("26", "Retiré", "retire"),
    ]
    assert smaller[1].parent_uid == smaller[0].uid
    with_unfiled = parse_amendments(
        (open_data / "an-liasse-referentiel-with-a-deposer.xml").read_bytes()
    )
    assert [a.number for a in with_unfiled] == ["28", "AS103"]  # 26 is "A déposer": not filed
    assert (with_unfiled[1].author_kind, with_unfiled[1].outcome) == ("gouvernement", "adopte")
    assert with_unfiled[1].position.article_number == "40 quater"


def test_real_eliasse_files(open_data: Path) -> None:
    def one(name: str):  # type: ignore[no-untyped-def]
        (amendment,) = parse_amendments((open_data / name).read_bytes())
        return amendment

    sub = one("eliasse-amendement-AN15-911-3-sous-amendement.xml")
    assert (len(sub.cosignatory_refs), sub.parent_number) == (29, "1")
    assert sub.group_mention == "et les membres du groupe Nouvelle Gauche"
    deletion = one("eliasse-amendement-AN14-4072-177-suppression-200-signataires.xml")
    assert (deletion.dispositif, deletion.outcome, len(deletion.cosignatory_refs)) == (
        "Supprimer cet article.",
        "rejete",
        196,
    )
    pledge = one("eliasse-amendement-AN14-4072-192-apres-article-gage.xml")
    assert (pledge.position.kind, pledge.position.article_number, pledge.outcome) == (
        "after_article",
        "8",
        "non_soutenu",
    )
    committee = one("eliasse-amendement-AN15-1408-CION-SOC-AS1.xml")
    assert (committee.number, committee.position.alinea, committee.outcome) == ("AS1", 4, "retire")


def test_real_order_lists(open_data: Path) -> None:
    order = parse_order_list((open_data / "eliasse-derouleur-AN14-4072-liste.xml").read_bytes())
    assert [e.number for e in order.entries] == ["177", "270", "723", "135", "192"]
    assert [e.alinea_label for e in order.entries] == ["S", "S", "ap 5", "ap 73", None]
    subs = parse_order_list((open_data / "eliasse-derouleur-AN15-911-liste.xml").read_bytes())
    assert [(e.number, e.parent_number, e.has_sub_amendments) for e in subs.entries] == [
        ("1", None, True),
        ("2", "1", False),
        ("3", "1", False),
    ]
