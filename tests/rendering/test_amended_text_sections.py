"""A text amended by thousands of amendments is compiled in sections (typst's memory grows with
one compilation): one PDF, the title block once, page numbers running on across sections."""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import replace

import pytest
from pypdf import PdfReader

from drafting.rendering import amended_text
from drafting.rendering.amended_text import (
    AmendedTextDocument,
    Piece,
    PrintedAlinea,
    PrintedArticle,
    render_amended_text,
)


@pytest.fixture(autouse=True)
def _clean() -> None:
    """Rendering is pure: no app and no database."""


def article(number: int, alineas: int) -> PrintedArticle:
    return PrintedArticle(
        heading=f"ARTICLE {number}",
        alineas=tuple(
            PrintedAlinea(str(n), "modified", (Piece("equal", f"Alinéa {number}.{n} " * 12),))
            for n in range(1, alineas + 1)
        ),
        notes=(f"Note de l'article {number}.",),
    )


DOCUMENT = AmendedTextDocument(
    title="PROJET DE LOI de test (n° 1)",
    subtitle="Texte amendé par la liasse",
    date=datetime.date(2026, 12, 6),
    articles=tuple(article(n, 60) for n in range(1, 5)),
)


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def test_articles_are_grouped_in_sections_of_bounded_weight_never_cut(monkeypatch):
    monkeypatch.setattr(amended_text, "SECTION_WEIGHT", 130)
    groups = amended_text.sections(DOCUMENT.articles)
    assert [[a.heading for a in group] for group in groups] == [
        ["ARTICLE 1", "ARTICLE 2"],
        ["ARTICLE 3", "ARTICLE 4"],
    ]
    monkeypatch.setattr(amended_text, "SECTION_WEIGHT", 10)  # an article heavier than a section
    assert len(amended_text.sections(DOCUMENT.articles)) == 4


def test_sections_make_one_pdf_with_one_title_and_running_page_numbers(monkeypatch):
    monkeypatch.setattr(amended_text, "SECTION_WEIGHT", 70)  # one article a section
    text = pages(render_amended_text(DOCUMENT))
    numbers = [int(re.findall(r"(\d+)\s*$", page.strip())[-1]) for page in text]
    assert numbers == list(range(1, len(text) + 1)) and len(text) > 4
    whole = "\n".join(text)
    assert whole.count("PROJET DE LOI de test") == 1
    positions = [whole.index(f"ARTICLE {n}") for n in range(1, 5)]
    assert positions == sorted(positions)


class Kept(dict):
    """Compiled sections kept in memory (the liasse keeps them in its storage)."""

    def put(self, key: str, pdf: bytes) -> None:
        self[key] = pdf


def test_kept_sections_are_not_compiled_again_and_a_changed_one_is(monkeypatch):
    monkeypatch.setattr(amended_text, "SECTION_WEIGHT", 130)
    renderer = amended_text.default_renderer()
    compiled = []
    compile_section = renderer._compile
    monkeypatch.setattr(
        renderer,
        "_compile",
        lambda data, *a, **k: compiled.append(data) or compile_section(data, *a, **k),
    )
    kept = Kept()
    first = render_amended_text(DOCUMENT, kept)
    assert len(compiled) == 2 and len(kept) == 2
    assert render_amended_text(DOCUMENT, kept) == first
    assert len(compiled) == 2  # nothing compiled again
    changed = (*DOCUMENT.articles[:3], article(40, 60))  # the second section's last article
    again = render_amended_text(replace(DOCUMENT, articles=changed), kept)
    assert len(compiled) == 3 and "ARTICLE 40" in "".join(pages(again))
    assert render_amended_text(replace(DOCUMENT, articles=changed)) == again
