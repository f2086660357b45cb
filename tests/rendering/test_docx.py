"""The DOCX renderer: the official layout in the template's styles, reopened with python-docx;
version and hash in the footer and properties; odd input; template checks; determinism."""

from __future__ import annotations

import io
import re
import zipfile

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Pt
from lxml import etree

from drafting.rendering.docx import (
    REQUIRED_STYLES,
    TEMPLATE_PATH,
    TEMPLATE_VERSION,
    DocxRenderer,
    TemplateError,
    check_template,
    render_docx,
)
from drafting.rendering.sheet import DRAFT_MARK, NBSP, Signatory
from tests.rendering.test_sheet import (
    HASH_585,
    SEED,
    SEED_LAYOUT,
    draft_sheet,
    flat,
    in_order,
    make_sheet,
    real_sheet,
)

MARKUP = "# * < > ] } $ @ ` \\ & \" ' #set text(red) *gras* $x^2$ <étiquette> @ref"


@pytest.fixture(autouse=True)
def _clean() -> None:
    """Rendering is pure: no app and no database (replaces the suite's per-test table cleaning)."""


def reopen(data: bytes) -> docx.document.Document:
    """The DOCX as python-docx reads it."""
    return docx.Document(io.BytesIO(data))


def body_text(data: bytes) -> str:
    """Every body paragraph, flattened."""
    return flat("\n".join(p.text for p in reopen(data).paragraphs))


def footer_text(data: bytes) -> str:
    """The footer's paragraphs, flattened."""
    return flat("\n".join(p.text for p in reopen(data).sections[0].footer.paragraphs))


def test_the_template_has_every_required_style():
    assert check_template(TEMPLATE_PATH) == []


def test_the_template_is_a4_with_a_serif_body():
    document = docx.Document(str(TEMPLATE_PATH))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert document.styles["Normal"].font.name == "Times New Roman"


def test_a_filed_amendment_shows_every_element_of_the_layout_in_order():
    assert in_order(body_text(render_docx(SEED)), *SEED_LAYOUT)


def test_each_element_uses_its_named_style():
    styles = [(p.style.name, flat(p.text)) for p in reopen(render_docx(SEED)).paragraphs]
    assert styles[:10] == [
        ("Liasse Position", "ART. 7 N° 585"),
        ("Liasse Chambre", "ASSEMBLÉE NATIONALE"),
        ("Liasse Date", "16 mars 2023"),
        ("Liasse Titre texte", f"{SEED.text_title} (n° 809)"),
        ("Liasse Sort", styles[4][1]),
        ("Liasse Numéro", "AMENDEMENT N° 585"),
        ("Liasse Présenté par", "présenté par"),
        ("Liasse Signataires", "M. Lucas-Lundy, M. Bayou et Mme Sebaihi"),
        ("Liasse Séparateur", ""),
        ("Liasse Division", "ARTICLE 7"),
    ]
    assert [name for name, _ in styles[10:]] == [
        "Liasse Dispositif",
        "Liasse Exposé titre",
        "Liasse Exposé",
        "Liasse Exposé",
    ]


def test_the_no_break_spaces_are_kept():
    signatories = reopen(render_docx(SEED)).paragraphs[7].text
    assert signatories == f"M.{NBSP}Lucas-Lundy, M.{NBSP}Bayou et Mme{NBSP}Sebaihi"


def test_a_draft_is_marked_not_filed_with_who_exported_it():
    data = render_docx(draft_sheet())
    paragraphs = reopen(data).paragraphs
    assert (paragraphs[0].style.name, paragraphs[0].text) == ("Liasse Projet", DRAFT_MARK)
    assert in_order(body_text(data), "Exporté par Mme Claire Dupont", "AMENDEMENT — non déposé")
    assert in_order(footer_text(data), DRAFT_MARK, "Claire Dupont", "page")
    assert "Sous réserve" not in body_text(data)


def test_an_additional_article_has_its_two_line_heading():
    text = body_text(render_docx(make_sheet(position_kind="after_article", article_number="10")))
    assert in_order(text, "APRÈS ART. 10", "ARTICLE ADDITIONNEL", "APRÈS L'ARTICLE 10, insérer")


def test_the_outcome_replaces_the_reservation_in_the_box():
    paragraphs = reopen(render_docx(make_sheet(outcome="rejete"))).paragraphs
    assert [p.text for p in paragraphs if p.style.name == "Liasse Sort"] == ["Rejeté"]


def test_version_and_hash_are_in_the_footer_and_the_properties():
    data = render_docx(SEED)
    assert in_order(footer_text(data), "Version 2", HASH_585, "page")
    properties = reopen(data).core_properties
    assert HASH_585 in properties.keywords and "version 2" in properties.keywords
    assert HASH_585 in properties.comments
    assert properties.created.date() == SEED.date == properties.modified.date()


def test_the_same_sheet_gives_the_same_bytes_and_a_new_version_other_bytes():
    assert render_docx(SEED) == render_docx(SEED)
    assert render_docx(make_sheet(version=3)) != render_docx(SEED)


def test_two_hundred_signatories_are_all_listed():
    cosignatories = tuple(Signatory("M.", f"Jean{i}", f"Député{i:03d}") for i in range(199))
    text = body_text(render_docx(make_sheet(cosignatories=cosignatories)))
    assert in_order(text, "M. Lucas-Lundy, M. Député000", "M. Député197 et M. Député198")


def test_a_real_group_amendment_after_an_article():
    text = body_text(render_docx(real_sheet("I-41", group_name="UDR")))
    assert in_order(text, "APRÈS ART. 33 N° I-41", "M. Ciotti et les membres du groupe UDR")
    assert in_order(text, "ARTICLE ADDITIONNEL", "I. – L’article L. 841‑5", "II. – La perte")


def test_odd_input_keeps_the_xml_valid_and_the_text_literal():
    long_name = "Z" * 2000
    sheet = make_sheet(
        expose=f"avant\x00\x01\x0b\x1f après 😀 {MARKUP}\tfin",
        dispositif="« Alinéa »\x0c suivant",
        author=Signatory("Mme", "Ève", long_name),
        text_title="Titre\x08 <b>&amp;</b>",
    )
    data = render_docx(sheet)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(package.read(name))  # raises if not well-formed
    text = body_text(data)
    assert in_order(text, "Titre <b>&amp;</b>", f"Mme {long_name}", "« Alinéa » suivant")
    assert f"avant après 😀 {flat(MARKUP)} fin" in text


def test_a_template_missing_a_style_is_detected(tmp_path):
    document = docx.Document(str(TEMPLATE_PATH))
    style = document.styles["Liasse Exposé"]
    style.element.getparent().remove(style.element)
    broken = tmp_path / "sans-expose.docx"
    document.save(str(broken))
    assert check_template(broken) == ["Liasse Exposé"]
    with pytest.raises(TemplateError, match="Liasse Exposé"):
        DocxRenderer(broken)


def test_a_restyled_template_is_followed_without_code_changes(tmp_path):
    document = docx.Document(str(TEMPLATE_PATH))
    style = document.styles["Liasse Exposé"]
    style.style_id, style.font.size = "ExposeDuGroupe", Pt(10)
    restyled = tmp_path / "restyle.docx"
    document.save(str(restyled))
    rendered = reopen(DocxRenderer(restyled).render(SEED))
    exposes = [p for p in rendered.paragraphs if p.style.name == "Liasse Exposé"]
    assert len(exposes) == 2 and exposes[0].style.style_id == "ExposeDuGroupe"
    assert rendered.styles["Liasse Exposé"].font.size == Pt(10)


def test_required_styles_are_paragraph_styles_of_the_template():
    styles = docx.Document(str(TEMPLATE_PATH)).styles
    assert all(styles[name].type == WD_STYLE_TYPE.PARAGRAPH for name in REQUIRED_STYLES)


def test_the_template_version_is_a_digest_of_the_templates_and_the_renderers():
    assert re.fullmatch("[0-9a-f]{16}", TEMPLATE_VERSION)
