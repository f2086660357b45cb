"""Where each sheet starts in a batch: a marked copy of the official template tells it."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from drafting.rendering import liasse_parts, typst_pages
from drafting.rendering.pdf import render_pdf_batch
from drafting.rendering.sheet import AmendmentSheet, Signatory


def _sheet(n: int, expose: str = "Court.") -> AmendmentSheet:
    return AmendmentSheet(
        text_title="PROJET DE LOI relatif aux jeux Olympiques et Paralympiques de 2024",
        text_number="809",
        stage="seance",
        position_kind="article",
        article_number="7",
        alinea=None,
        number=str(n),
        state="filed",
        outcome=None,
        date=date(2023, 3, 20),
        author=Signatory("Mme", "Sandra", "Regol"),
        cosignatories=(),
        group_name=None,
        dispositif="Supprimer cet article.",
        expose=expose,
        version=1,
        content_hash=f"{n:064d}",
        watermark=None,
    )


def _pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def test_page_counts_follow_sheets_that_run_over_several_pages():
    long = " ".join(["Un exposé très long qui court sur plusieurs pages."] * 400)
    sheets = [_sheet(1), _sheet(2, long), _sheet(3)]
    data, counts = typst_pages.render_batch_pages(sheets)
    assert counts[0] == 1 and counts[1] >= 2 and counts[2] == 1
    assert sum(counts) == _pages(data) == _pages(render_pdf_batch(sheets))


def test_cut_sheets_keep_their_own_pages_and_properties():
    long = " ".join(["Exposé."] * 3000)
    sheets = [_sheet(1), _sheet(2, long), _sheet(3)]
    _, pdfs = liasse_parts.sheet_pdfs(sheets)
    assert [_pages(p) for p in pdfs] == typst_pages.render_batch_pages(sheets)[1]
    reader = PdfReader(io.BytesIO(pdfs[2]))
    assert "N°\u00a03" in reader.pages[0].extract_text()
    assert f"{3:064d}" in reader.metadata["/Keywords"]


def test_a_changed_template_is_reported_unavailable(monkeypatch):
    monkeypatch.setattr(typst_pages, "marked_template", lambda: None)
    with pytest.raises(typst_pages.Unavailable):
        typst_pages.render_batch_pages([_sheet(1)])


def test_incoherent_starts_are_refused():
    with pytest.raises(typst_pages.Unavailable):
        typst_pages._counts([1, 1, 2], 2)
    assert typst_pages._counts([1, 2, 4], 4) == [1, 2, 1]


def test_each_slice_ages_its_layout_out_of_typsts_cache(monkeypatch):
    from drafting.rendering import pdf

    forgotten: list[int] = []
    monkeypatch.setattr(pdf, "forget_layouts", lambda: forgotten.append(1))
    typst_pages.render_batch_pages([_sheet(1), _sheet(2)])
    assert forgotten == [1]  # else a chunk's memory grows by ≈ 20 MB a slice
