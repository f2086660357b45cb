"""The PDF renderer (typst): the official layout read back with pypdf, user text printed as typed
(never as markup), the draft mark, version and hash, batches one amendment per page, determinism."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from drafting.rendering.pdf import render_pdf, render_pdf_batch
from drafting.rendering.sheet import DRAFT_MARK, Signatory
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

MARKUP = r"# * < > ] } $ @ ` \ _ ~ = #panic(1) *gras* _penché_ $x^2$ <lbl> @ref [#x] {y} // z"


@pytest.fixture(autouse=True)
def _clean() -> None:
    """Rendering is pure: no app and no database (replaces the suite's per-test table cleaning)."""


def pages(data: bytes) -> list[str]:
    """Each page's text, flattened."""
    return [flat(page.extract_text() or "") for page in PdfReader(io.BytesIO(data)).pages]


def text(data: bytes) -> str:
    """The whole document's text, flattened."""
    return " ".join(pages(data))


def test_a_filed_amendment_shows_every_element_of_the_layout_in_order():
    assert in_order(text(render_pdf(SEED)), *SEED_LAYOUT)


def test_version_and_hash_are_in_the_footer_and_the_properties():
    data = render_pdf(SEED)
    assert in_order(
        text(data), "EXPOSÉ SOMMAIRE", "Version 2", HASH_585, "AMENDEMENT N° 585 — ART. 7"
    )
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata is not None
    assert HASH_585 in reader.metadata["/Keywords"]
    assert reader.metadata["/Title"] == "AMENDEMENT N°\u00a0585 — ART. 7"
    assert reader.metadata["/CreationDate"] == "D:20230316000000Z"  # the sheet's date


def test_a_draft_carries_the_mark_and_who_exported_it():
    content = text(render_pdf(draft_sheet()))
    assert content.count(DRAFT_MARK) >= 2  # across the page and at the top
    assert in_order(content, "Exporté par Mme Claire Dupont", "AMENDEMENT — non déposé")
    assert in_order(
        content, "Version 2", HASH_585, f"{DRAFT_MARK} — ART. 7 — Exporté par Mme Claire"
    )


def test_an_additional_article_has_its_two_line_heading():
    data = render_pdf(real_sheet("I-41", group_name="UDR"))
    assert in_order(
        text(data),
        "APRÈS ART. 33 N° I-41",
        "M. Ciotti et les membres du groupe UDR",
        "ARTICLE ADDITIONNEL",
        "APRÈS L'ARTICLE 33, insérer l'article suivant :",
        "I. – L’article L. 841‑5",
    )


def test_markup_characters_in_user_text_are_printed_not_interpreted():
    sheet = make_sheet(
        expose=f"Début {MARKUP} fin.",
        dispositif=MARKUP,
        text_title=f"Titre {MARKUP}",
        author=Signatory("M.", "#Jean", "*Étoile* ]"),
    )
    content = text(render_pdf(sheet))
    assert in_order(content, f"Titre {MARKUP}", "M. *Étoile* ]", MARKUP, f"Début {MARKUP} fin.")


def test_control_characters_emoji_and_huge_names_do_not_break_the_pdf():
    giant = "Z" * 2000
    sheet = make_sheet(
        expose="avant\x00\x01\x1b[31m après 😀 fin",
        author=Signatory("Mme", "Ève", giant),
        cosignatories=(Signatory("M.", "A" * 2000, "Bayou"),),
    )
    content = text(render_pdf(sheet))
    assert content.count("Z") == 2000 and in_order(content, "Mme ZZZ", "ZZZ et M. Bayou")
    assert "avant[31m après" in content and "fin" in content


def test_two_hundred_signatories_lay_out_cleanly():
    cosignatories = tuple(Signatory("Mme", f"Anne{i}", f"Députée{i:03d}") for i in range(199))
    data = render_pdf(make_sheet(cosignatories=cosignatories))
    content = text(data)
    assert in_order(content, "présenté par", "Mme Députée000", "Mme Députée198", "ARTICLE 7")
    assert all(f"Députée{i:03d}" in content for i in range(199))
    assert len(pages(data)) <= 2


def test_every_page_of_a_long_amendment_says_which_version_it_belongs_to():
    long = "\n".join(["Un long paragraphe d'exposé qui se répète. " * 12] * 12)
    found = pages(render_pdf(make_sheet(expose=long)))
    assert len(found) == 2
    assert all(in_order(page, HASH_585, "AMENDEMENT N° 585 — ART. 7") for page in found)


def test_the_same_sheet_gives_the_same_bytes():
    assert render_pdf(SEED) == render_pdf(SEED)
    assert render_pdf(make_sheet(version=3)) != render_pdf(SEED)


def test_a_batch_starts_each_amendment_on_a_new_page():
    long = "\n".join(["Un paragraphe qui occupe de la place sur la page. " * 10] * 12)
    sheets = [make_sheet(number=str(n), expose=long if n == 2 else SEED.expose) for n in (1, 2, 3)]
    data = render_pdf_batch(sheets)
    found = pages(data)
    assert len(found) == 4
    assert [p.startswith(f"ART. 7 N° {n}") for p, n in zip(found, (1, 2, 2, 3), strict=True)] == [
        True,
        True,
        False,
        True,
    ]
    assert found[2].endswith("AMENDEMENT N° 2 — ART. 7")  # the continuation names its amendment
    assert render_pdf_batch(sheets) == data


def test_an_empty_batch_is_refused():
    with pytest.raises(ValueError):
        render_pdf_batch([])


def test_an_ordinary_url_is_printed_whole_for_copy_and_paste():
    url = "https://www.assemblee-nationale.fr/dyn/16/amendements/0939/AN/27"
    data = render_pdf(make_sheet(expose=f"Source : {url}."))
    raw = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert url in raw
