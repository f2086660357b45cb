"""The liasse ZIP: ranked DOCX and PDF per amendment, index.csv, the combined PDF appended chunk
by chunk, progress, streaming to a non-seekable output, determinism."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

from drafting.rendering.docx import render_docx
from drafting.rendering.liasse import (
    COMBINED_NAME,
    INDEX_HEADER,
    INDEX_NAME,
    PdfAppender,
    write_liasse,
)
from drafting.rendering.pdf import render_pdf, render_pdf_batch
from drafting.rendering.sheet import AmendmentSheet
from tests.rendering.test_sheet import HASH_585, draft_sheet, flat, in_order, make_sheet


@pytest.fixture(autouse=True)
def _clean() -> None:
    """Rendering is pure: no app and no database (replaces the suite's per-test table cleaning)."""


def mixed() -> list[AmendmentSheet]:
    """Five amendments in the order of discussion: before, on (three) and after article 7."""
    return [
        make_sheet(position_kind="before_article", number="12", content_hash="a" * 64),
        make_sheet(number="585", alinea=None, outcome="non_soutenu"),
        make_sheet(number="CL358", alinea=3, dispositif="À l'alinéa 3, supprimer les mots :"),
        draft_sheet(version=4, content_hash="d" * 64),
        make_sheet(position_kind="after_article", number="I-41 rect.", group_name="UDR"),
    ]


def liasse(sheets: object, **options: object) -> zipfile.ZipFile:
    """The liasse written to memory and reopened."""
    out = io.BytesIO()
    write_liasse(sheets, out, **options)  # type: ignore[arg-type]
    return zipfile.ZipFile(out)


def index(package: zipfile.ZipFile) -> list[list[str]]:
    """index.csv's rows, header first."""
    return list(
        csv.reader(io.StringIO(package.read(INDEX_NAME).decode("utf-8-sig")), delimiter=";")
    )


def test_each_amendment_has_a_ranked_docx_and_pdf_then_the_index_and_combined_pdf():
    names = liasse(mixed()).namelist()
    assert names[:4] == [
        "0001_AMDT_809_avant_art7_n12.docx",
        "0001_AMDT_809_avant_art7_n12.pdf",
        "0002_AMDT_809_art7_n585.docx",
        "0002_AMDT_809_art7_n585.pdf",
    ]
    assert "0004_AMDT_809_art7_projet_v4.pdf" in names
    assert names[-4:] == [
        "0005_AMDT_809_apres_art7_nI-41_rect.docx",
        "0005_AMDT_809_apres_art7_nI-41_rect.pdf",
        INDEX_NAME,
        COMBINED_NAME,
    ]


def test_entries_are_the_documents_rendered_alone():
    sheets = mixed()
    package = liasse(sheets)
    assert package.read("0003_AMDT_809_art7_nCL358.docx") == render_docx(sheets[2])
    assert package.read("0003_AMDT_809_art7_nCL358.pdf") == render_pdf(sheets[2])


def test_the_index_lists_rank_number_position_authors_count_state_outcome_and_hash():
    """Codes, with their French labels beside them (state, outcome)."""
    rows = index(liasse(mixed()))
    assert rows[0] == list(INDEX_HEADER)
    assert [row[0] for row in rows[1:]] == ["1", "2", "3", "4", "5"]
    assert rows[1][1:3] == ["12", "AVANT ART. 7"]
    assert rows[3][1:3] == ["CL358", "ART. 7 al. 3"]
    second = rows[2]
    assert second[1:] == [
        "585",
        "ART. 7",
        "M.\u00a0Lucas-Lundy, M.\u00a0Bayou et Mme\u00a0Sebaihi",
        "2",
        "filed",
        "déposé",
        "non_soutenu",
        "Non soutenu",
        HASH_585,
    ]
    assert rows[4][1] == "" and rows[4][5:] == ["open", "ouvert à la cosignature", "", "", "d" * 64]
    assert rows[5][3].endswith("et les membres du groupe UDR")


def test_the_combined_pdf_has_every_amendment_on_its_own_pages_in_order():
    sheets = mixed()
    reader = PdfReader(io.BytesIO(liasse(sheets, chunk_size=2).read(COMBINED_NAME)), strict=True)
    texts = [flat(page.extract_text() or "") for page in reader.pages]
    assert len(texts) == 5
    tops = ["AVANT ART. 7 N° 12", "ART. 7 N° 585", "ART. 7 N° CL358", "PROJET", "APRÈS ART. 7"]
    assert [t.startswith(top) for t, top in zip(texts, tops, strict=True)] == [True] * 5
    assert in_order(" ".join(texts), "N° 12", "N° 585", "N° CL358", "non déposé", "N° I-41 rect.")


def test_chunks_change_nothing_but_progress_is_reported_after_each():
    calls: list[tuple[int, int]] = []
    small = liasse(mixed(), chunk_size=2, progress=lambda done, total: calls.append((done, total)))
    large = liasse(mixed(), chunk_size=200)
    assert calls == [(2, 5), (4, 5), (5, 5)]
    for name in large.namelist()[:-1]:
        assert small.read(name) == large.read(name)
    combined = [PdfReader(io.BytesIO(z.read(COMBINED_NAME))) for z in (small, large)]
    assert [len(r.pages) for r in combined] == [5, 5]


def test_a_generator_is_streamed_to_an_output_that_cannot_seek():
    class Pipe(io.RawIOBase):
        """A write-only stream, like a socket or an upload."""

        def __init__(self) -> None:
            self.data = bytearray()

        def writable(self) -> bool:
            return True

        def write(self, chunk: bytes) -> int:  # type: ignore[override]
            self.data += chunk
            return len(chunk)

    def generated() -> Iterator[AmendmentSheet]:
        yield from mixed()

    pipe, calls = Pipe(), []
    write_liasse(generated(), pipe, chunk_size=3, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(3, 0), (5, 0)]  # no total known
    package = zipfile.ZipFile(io.BytesIO(bytes(pipe.data)))
    assert package.testzip() is None and len(index(package)) == 6


def test_the_same_liasse_gives_the_same_bytes():
    first, second = io.BytesIO(), io.BytesIO()
    write_liasse(mixed(), first, chunk_size=2)
    write_liasse(mixed(), second, chunk_size=2)
    assert first.getvalue() == second.getvalue()


def test_an_empty_liasse_has_only_the_index_header():
    package = liasse([])
    assert package.namelist() == [INDEX_NAME]
    assert index(package) == [list(INDEX_HEADER)]


def test_the_appender_joins_pdfs_into_one_valid_document():
    sheets = mixed()
    out = io.BytesIO()
    appender = PdfAppender(out)
    appender.append(render_pdf_batch(sheets[:2]))
    appender.append(render_pdf(sheets[2]))
    appender.close()
    reader = PdfReader(io.BytesIO(out.getvalue()), strict=True)
    assert len(reader.pages) == 3
    assert "N° CL358" in flat(reader.pages[2].extract_text())


def test_the_appender_keeps_what_a_page_inherits_from_its_old_page_tree():
    writer = PdfWriter()
    page = writer.add_blank_page(200, 300)
    box = page[NameObject("/MediaBox")]
    del page[NameObject("/MediaBox")]
    page["/Parent"][NameObject("/MediaBox")] = box  # the page tree's root now holds it
    source = io.BytesIO()
    writer.write(source)
    out = io.BytesIO()
    appender = PdfAppender(out)
    appender.append(source.getvalue())
    appender.close()
    copied = PdfReader(io.BytesIO(out.getvalue()), strict=True).pages[0]
    assert "/MediaBox" in copied and (copied.mediabox.width, copied.mediabox.height) == (200, 300)
