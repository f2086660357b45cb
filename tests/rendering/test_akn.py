"""Akoma Ntoso 3.0 output: the structure always, the OASIS schema where it is available."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from drafting.rendering.akn import (
    AKN_NS,
    AknAmendment,
    AknOrganization,
    AknPerson,
    AknText,
    render_amendment,
    render_amendment_list,
)

NS = {"a": AKN_NS, "l": "urn:x-liasse:akn"}
TEXT = AknText(number="1187", title="EXÉCUTION DES PEINES", date=date(2025, 3, 20))
TODAY = date(2025, 5, 1)
FILED = AknAmendment(
    local_id="12",
    number="66 rect.",
    position_kind="article",
    article_number="4",
    dispositif="Rédiger ainsi cet article :\n« L’article 132‑27 est modifié. »",
    expose="Un exposé\x0b avec un caractère interdit.\n\nSecond paragraphe.",
    author=AknPerson("PA841701", "Mme\u00a0Balage El Mariky"),
    cosignatories=(AknPerson("PA610968", "M.\u00a0Amirshahi"), AknPerson("PA841701", "doublon")),
    group=AknOrganization("PO845439", "Écologiste et Social"),
    outcome="rejete",
    outcome_label="Rejeté",
    filed_on=date(2025, 3, 31),
    decided_on=date(2025, 4, 3),
    order_key="kaaau",
    assembly_uid="AMANR5L17PO838901BTC1187P0D1N000066",
    state="filed",
)
DRAFT = AknAmendment(
    local_id="13",
    number=None,
    position_kind="after_article",
    article_number="5",
    dispositif="Dans un délai de six mois, le Gouvernement remet un rapport.",
    expose="",
    author=AknPerson("user-3", "Mme\u00a0Z"),
    state="ready",
)
ON_TITLE = AknAmendment(
    local_id="14",
    number="17",
    position_kind="article",
    article_number=None,
    dispositif="",
    expose="x",
    author=AknPerson("PA9", "M.\u00a0W"),
    outcome="irrecevable",
    outcome_label="Cavalier (45)",
)


def _tree(data: bytes) -> etree._Element:
    return etree.fromstring(data)


def _texts(root: etree._Element, path: str) -> list[str]:
    return ["".join(e.itertext()) for e in root.xpath(path, namespaces=NS)]


def test_an_amendment_carries_frbr_people_dispositif_expose_number_and_outcome() -> None:
    root = _tree(render_amendment(FILED, TEXT, generated_on=TODAY))
    (amendment,) = root.xpath("/a:akomaNtoso/a:amendment", namespaces=NS)
    work = amendment.xpath("a:meta/a:identification/a:FRBRWork/a:FRBRthis/@value", namespaces=NS)
    assert work == ["/akn/fr/amendment/an/2025-03-31/1187-66-rect/!main"]
    people = amendment.xpath("a:meta/a:references/a:TLCPerson/@eId", namespaces=NS)
    assert people == ["p_PA841701", "p_PA610968"]  # each person once
    assert (
        amendment.xpath("a:meta/a:references/a:TLCOrganization/@eId", namespaces=NS)[-1]
        == "o_PO845439"
    )
    assert _texts(amendment, "a:preface/a:p/a:docNumber") == ["66 rect."]
    assert _texts(amendment, "a:preface/a:p/a:docStatus") == ["Rejeté"]
    proponents = amendment.xpath("a:preface/a:p/a:docProponent", namespaces=NS)
    assert [(p.get("refersTo"), p.get("as")) for p in proponents] == [
        ("#p_PA841701", "#auteur"),
        ("#p_PA610968", "#cosignataire"),
        ("#p_PA841701", "#cosignataire"),
    ]
    assert _texts(amendment, "a:amendmentBody/a:amendmentHeading/a:p") == ["ARTICLE 4"]
    assert _texts(amendment, "a:amendmentBody/a:amendmentContent/a:p") == [
        "Rédiger ainsi cet article :", "« L’article 132‑27 est modifié. »",
    ]  # fmt: skip
    justification = _texts(amendment, "a:amendmentBody/a:amendmentJustification/a:p")
    assert justification == ["Un exposé avec un caractère interdit.", "Second paragraphe."]
    steps = amendment.xpath("a:meta/a:workflow/a:step", namespaces=NS)
    assert [(s.get("date"), s.get("outcome")) for s in steps] == [
        ("2025-03-31", None),
        ("2025-04-03", "#sort_rejete"),
    ]
    assert _texts(amendment, "a:meta/a:proprietary/l:ordre") == ["kaaau"]


def test_a_draft_is_named_by_liasses_id_and_an_additional_article_by_its_heading() -> None:
    root = _tree(render_amendment(DRAFT, TEXT, generated_on=TODAY))
    work = root.xpath("//a:FRBRWork/a:FRBRuri/@value", namespaces=NS)
    assert work == ["/akn/fr/amendment/an/2025-05-01/1187-liasse-13"]
    assert root.xpath("//a:docNumber", namespaces=NS) == []
    assert _texts(root, "//a:amendmentHeading/a:p") == [
        "ARTICLE ADDITIONNEL", "APRÈS L'ARTICLE 5, insérer l'article suivant\u00a0:",
    ]  # fmt: skip
    assert root.xpath("//a:workflow", namespaces=NS) == []


def test_a_list_refers_to_each_amendment_kept_whole_in_components() -> None:
    root = _tree(render_amendment_list([FILED, DRAFT, ON_TITLE], TEXT, generated_on=TODAY))
    refs = root.xpath(
        "/a:akomaNtoso/a:amendmentList/a:collectionBody/a:component/a:documentRef/@href",
        namespaces=NS,
    )
    components = root.xpath("/a:akomaNtoso/a:components/a:component", namespaces=NS)
    assert refs == [f"#{c.get('eId')}" for c in components] == ["#cmp_1", "#cmp_2", "#cmp_3"]
    assert [len(c.xpath("a:amendment", namespaces=NS)) for c in components] == [1, 1, 1]
    for amendment in root.xpath("//a:amendment", namespaces=NS):
        eids = Counter(amendment.xpath(".//@eId"))
        assert all(count == 1 for count in eids.values())


def test_an_empty_list_says_so() -> None:
    root = _tree(render_amendment_list([], TEXT, generated_on=TODAY))
    assert _texts(root, "//a:interstitial/a:p") == ["Aucun amendement."]


def test_a_list_declares_its_namespace_once_and_keeps_components_aside_until_closed() -> None:
    import io

    from drafting.rendering.akn import AmendmentListWriter

    out = io.BytesIO()
    writer = AmendmentListWriter(out, TEXT, TODAY)
    writer.add(FILED)
    writer.add(DRAFT)
    assert out.getvalue() == b""  # the references come first: nothing is written before close
    writer.add(ON_TITLE)
    writer.close()
    whole = out.getvalue()
    assert whole == render_amendment_list([FILED, DRAFT, ON_TITLE], TEXT, generated_on=TODAY)
    assert whole.count(AKN_NS.encode()) == 1  # declared once, at the root
    assert _texts(_tree(whole), "/a:akomaNtoso/a:amendmentList/a:preface/a:p")[-1] == (
        "3 amendements"
    )


# --- validated against the OASIS schema ---------------------------------------------------------


@pytest.fixture(scope="module")
def schema(open_data: Path) -> etree.XMLSchema:
    xsd = open_data / "akn30-xsd" / "akomantoso30.xsd"
    if not xsd.is_file():
        pytest.skip(f"OASIS Akoma Ntoso schema absent ({xsd})")
    return etree.XMLSchema(etree.parse(str(xsd)))


def _valid(schema: etree.XMLSchema, data: bytes) -> None:
    document = etree.fromstring(data)
    assert schema.validate(document), [str(error) for error in schema.error_log][:5]


def test_each_amendment_validates(schema: etree.XMLSchema) -> None:
    for amendment in (FILED, DRAFT, ON_TITLE):
        _valid(schema, render_amendment(amendment, TEXT, generated_on=TODAY))


def test_lists_validate_empty_or_not(schema: etree.XMLSchema) -> None:
    _valid(schema, render_amendment_list([FILED, DRAFT, ON_TITLE], TEXT, generated_on=TODAY))
    _valid(schema, render_amendment_list([], TEXT, generated_on=TODAY))


def _from_index(row: dict[str, Any]) -> AknAmendment:
    from drafting.services.assembly.html_text import html_to_text, unescape_label

    division = row["division"]
    kind = {"A": "article", "Après": "after_article", "Avant": "before_article"}
    article = division["urlDivisionTexteVise"].rsplit("#D_Article_", 1)
    sort = row["cycleDeVie"].get("sort")
    return AknAmendment(
        local_id=row["uid"],
        number=row["numeroLong"],
        position_kind=kind[division["avant_A_Apres"]],
        article_number=article[1].replace("_", " ") if len(article) == 2 else None,
        dispositif=html_to_text(row["dispositif"]),
        expose="",
        author=AknPerson(row["auteur"]["acteurRef"], unescape_label(row["libelle"]).split(",")[0]),
        outcome=sort.casefold() if sort else None,
        outcome_label=sort,
        order_key=row["triAmendement"],
        assembly_uid=row["uid"],
        filed_on=date.fromisoformat(row["cycleDeVie"]["dateDepot"]),
    )


def test_the_77_amendments_of_text_1187_validate_as_one_list(
    schema: etree.XMLSchema, open_data: Path
) -> None:
    index = open_data / "an-opendata-BTC1187-liasse-index.jsonl"
    amendments = [
        _from_index(json.loads(line)) for line in index.read_text(encoding="utf-8").splitlines()
    ]
    data = render_amendment_list(amendments, TEXT, generated_on=TODAY)
    _valid(schema, data)
    assert len(etree.fromstring(data).xpath("//a:amendment", namespaces=NS)) == 77


def test_the_shared_examples_still_validate(schema: etree.XMLSchema, open_data: Path) -> None:
    """The schema as loaded is the one the hand-checked examples were validated with."""
    for name in (
        "akn30-amendement-suppression-an-939-27.xml",
        "akn30-amendement-suppression-mots-an-1187-71.xml",
    ):
        assert schema.validate(etree.parse(str(open_data / name)))


ODD = AknAmendment(
    local_id="15",
    number="3",
    position_kind="article",
    article_number="2",
    dispositif="Supprimer cet article.",
    expose="présenté par \ue000 <p>présenté par \ue000",
    author=AknPerson("PA1", 'M. "Ô" <Brun> & fils\t\x01'),
    cosignatories=(
        AknPerson("PA2", "\x02"),  # nothing printable left: the element has no text
        AknPerson("PA3", "Mme\u00a0L'Épée\ue000"),
        AknPerson("PA2", "\x02"),
    ),
    group=AknOrganization("PO1", "Groupe <&>"),
)


@pytest.mark.parametrize("amendment", [FILED, DRAFT, ON_TITLE, ODD])
def test_the_people_written_into_a_fragments_bytes_are_the_ones_the_tree_would_hold(
    amendment: AknAmendment,
) -> None:
    from drafting.rendering.akn import _component_bytes

    marked = _component_bytes(amendment, TEXT, TODAY, marked=True)
    assert marked == _component_bytes(amendment, TEXT, TODAY, marked=False)
    assert b'eId="\xee\x80\x80"' not in marked


def test_a_person_reads_as_its_dataclass_would():
    """An amendment's fragment is kept under a digest of its repr, which repeats each
    co-signatory's (worked out once per person): the one its fields give."""
    person = AknPerson("PA1", "Mme\u00a0D'Or")
    assert repr(person) == "AknPerson(key='PA1', name=\"Mme\\xa0D'Or\")"
    assert repr(AknPerson("PA2", "Mme\u00a0D'Or")) != repr(person)
