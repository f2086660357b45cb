"""The liasse export through the real job path: order of discussion of a mixed set, ranked names,
index.csv, the combined PDF, chunks in parallel, visibility filters, retry after a killed worker."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import func, select

from drafting.db import commit, rollback
from drafting.extensions import db
from drafting.models import Job, StoredFile
from drafting.services.documents import exports, jobs, sheets, storage
from tests.conftest import NOW
from tests.documents_helpers import (
    in_order,
    liasse_files,
    make_amendment,
    pdf_pages,
    pdf_text,
    sign,
)

# (article, kind, alinéa, dispositif) in the expected order of discussion
MIXED = [
    ("1er", "article", None, "Supprimer cet article."),
    ("7", "before_article", None, "Avant l'article 7, insérer l'article suivant : « Test. »"),
    ("7", "article", None, "Supprimer cet article."),
    ("7", "article", None, "Rédiger ainsi cet article : « Nouveau. »"),
    ("7", "article", None, "Après l'alinéa 2, insérer l'alinéa suivant : « Ajout. »"),
    ("7", "article", 3, "À l'alinéa 3, supprimer les mots : « algorithmique ». "),
    ("7", "article", 12, "Supprimer l'alinéa 12."),
    ("7", "after_article", None, "Après l'article 7, insérer l'article suivant : « Autre. »"),
    ("10", "article", None, "Supprimer cet article."),
]


@pytest.fixture
def mixed(people, bill):
    """The mixed set created in a shuffled order, some filed with numbers, some drafts."""
    created = {}
    for rank in (5, 2, 8, 0, 6, 3, 1, 7, 4):
        article, kind, alinea, dispositif = MIXED[rank]
        state = "filed" if rank % 2 else "draft"
        created[rank] = make_amendment(
            people["regol"] if rank % 3 else people["lucas"],
            bill,
            article=article,
            kind=kind,
            alinea=alinea,
            dispositif=dispositif,
            expose=f"Repère {rank:02d}.",
            state=state,
            number=f"{100 + rank}" if state == "filed" else None,
        )
    sign(created[2], people["bayou"], 10)
    return [created[rank] for rank in range(len(MIXED))]


def _export(user, bill, run_jobs, **options):
    job = exports.request_export(user, bill.id, now=NOW, **options)
    commit()
    run_jobs()
    return db.session.get(Job, job.id, populate_existing=True)


def _zip(job: Job) -> zipfile.ZipFile:
    assert job.status == "finished", job.error
    stored = db.session.get(StoredFile, job.file_id)
    return zipfile.ZipFile(io.BytesIO(storage.storage_for(stored).read(stored)))


def _files() -> int:
    """Stored files besides the rendered sheets kept for re-exports (amdt/…)."""
    query = select(func.count(StoredFile.id)).where(~StoredFile.key.like("amdt/%"))
    return db.session.scalar(query) or 0


def _index(liasse: zipfile.ZipFile) -> list[dict[str, str]]:
    text = liasse.read("index.csv").decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_the_liasse_follows_the_order_of_discussion_with_ranked_names(
    mixed, people, bill, run_jobs
):
    liasse = _zip(_export(people["claire"], bill, run_jobs))
    rows = _index(liasse)
    assert [r["empreinte"] for r in rows] == [a.content_hash for a in mixed]
    assert [r["rang"] for r in rows] == [str(n) for n in range(1, 10)]
    assert rows[2]["cosignataires"] == "1" and "Bayou" in rows[2]["auteurs"]
    ranked = sorted(n for n in liasse.namelist() if re.match(r"^\d{4}_", n))
    assert len(ranked) == 18
    assert [n[:4] for n in ranked[::2]] == [f"{k:04d}" for k in range(1, 10)]
    assert {n.rsplit(".", 1)[1] for n in ranked} == {"docx", "pdf"}
    combined = [n for n in liasse.namelist() if n.endswith(".pdf") and n not in ranked]
    assert combined == ["LIASSE_809.pdf", "TEXTE_AMENDE_809.pdf"]
    data = liasse.read(combined[0])
    assert pdf_pages(data) >= 9
    assert in_order(pdf_text(data), *[f"Repère {k:02d}" for k in range(9)])


def test_chunks_run_as_separate_jobs_and_give_the_same_liasse(
    app: Flask, mixed, people, bill, run_jobs, monkeypatch
):
    monkeypatch.setitem(app.config, "LIASSE_EXPORT_CHUNK", 2)
    job = _export(people["claire"], bill, run_jobs)
    chunks = db.session.scalars(select(Job).where(Job.parent_id == job.id)).all()
    assert {c.status for c in chunks} == {"finished"}
    # five chunks of sheets (which write the XML documents' pieces too), and the job
    # writing the amended text beside them
    assert sorted(len(c.params["ids"]) for c in chunks) == [0, 1, 2, 2, 2, 2]
    extras = sorted(
        (c.params["index"], c.params[exports.EXTRAS])
        for c in chunks
        if c.params.get(exports.EXTRAS)
    )
    assert extras == [(0, exports.AMENDED_TEXT)]  # queued first, before the ordering
    assert [r["empreinte"] for r in _index(_zip(job))] == [a.content_hash for a in mixed]
    assert job.progress == 100
    # the liasse is spliced from the parts (five of sheets, one of the amended text), its glue and
    # the sheets kept for reuse: nothing else is stored, no chunk holds a part
    assert job.params["spliced"] is True
    own = select(StoredFile.id).where(~StoredFile.key.like("amdt/%"))
    sheets = select(StoredFile.id).where(StoredFile.key.like("amdt/%/docx/%"))
    sheets = sheets.union(select(StoredFile.id).where(StoredFile.key.like("amdt/%/liasse-pdf/%")))
    made_of = liasse_files(job.file_id)
    assert set(db.session.scalars(own)) == made_of - set(db.session.scalars(sheets))
    assert len(made_of) == 1 + 6 + 1 + 2 * len(mixed)
    assert {c.file_id for c in chunks} == {None}


def test_the_export_keeps_to_what_the_requester_may_see_and_to_the_filters(people, bill, run_jobs):
    make_amendment(people["peu"], bill, state="filed", number="12", expose="GDR déposé.")
    make_amendment(people["peu"], bill, expose="GDR brouillon.")
    make_amendment(people["regol"], bill, expose="ECOS brouillon.")
    rows = _index(_zip(_export(people["claire"], bill, run_jobs, group="gdr")))
    assert [r["numéro"] for r in rows] == ["12"]
    rows = _index(_zip(_export(people["claire"], bill, run_jobs, states=["draft"])))
    assert [r["état"] for r in rows] == ["draft"]
    rows = _index(_zip(_export(people["admin"], bill, run_jobs)))
    assert len(rows) == 3


def test_unfiled_amendments_in_the_liasse_carry_the_requesters_name(people, bill, run_jobs):
    make_amendment(people["regol"], bill, expose="Brouillon.")
    make_amendment(people["regol"], bill, state="filed", number="9", expose="Déposé.")
    liasse = _zip(_export(people["claire"], bill, run_jobs))
    pdfs = {n: pdf_text(liasse.read(n)) for n in liasse.namelist() if re.match(r"^\d{4}_.*pdf$", n)}
    marked = sorted(n for n, text in pdfs.items() if "Exporté par Mme Claire Dupont" in text)
    assert len(pdfs) == 2 and len(marked) == 1 and "projet" in marked[0]


def test_a_killed_chunk_is_rerun_by_retrying_the_export(
    app: Flask, mixed, people, bill, run_jobs, monkeypatch
):
    monkeypatch.setitem(app.config, "LIASSE_EXPORT_CHUNK", 4)
    killed = []
    real = exports.liasse_parts.write_part

    def dies_once(sheets, path, start, kept=None, **options):
        if start == 4 and not killed:  # the second chunk
            killed.append(start)
            raise MemoryError("worker killed")
        return real(sheets, path, start, kept, **options)

    monkeypatch.setattr(exports.liasse_parts, "write_part", dies_once)
    job = _export(people["claire"], bill, run_jobs)
    assert job.status == "failed" and "worker killed" in job.error
    assert _files() == 3  # the finished parts only: two of sheets, the amended text's
    # (besides the sheets kept for re-exports)
    jobs.retry_job(job.id)
    commit()
    run_jobs()
    job = db.session.get(Job, job.id, populate_existing=True)
    assert [r["empreinte"] for r in _index(_zip(job))] == [a.content_hash for a in mixed]
    assert db.session.scalar(select(func.count(Job.id)).where(Job.parent_id == job.id)) == 4


def test_discussion_order_tiebreaks_on_the_number_in_natural_order():
    keys = [exports._number_key(n, i) for i, n in enumerate(["CL10", "CL2", None, "27", "I-305"])]
    assert sorted(range(5), key=lambda i: keys[i]) == [3, 1, 0, 4, 2]


def test_an_export_with_nothing_to_list_gives_an_index_only(people, bill, run_jobs):
    make_amendment(people["regol"], bill)
    liasse = _zip(_export(people["claire"], bill, run_jobs, states=["abandoned"]))
    assert liasse.namelist() == ["index.csv", "liasse.akn.xml", "liasse.xml"]
    assert _index(liasse) == []


def test_with_filesystem_storage_the_liasse_is_spliced_from_its_parts_nothing_copied(
    app: Flask, mixed, people, bill, run_jobs, monkeypatch
):
    monkeypatch.setitem(app.config, "LIASSE_STORAGE", "filesystem")
    monkeypatch.setitem(app.config, "LIASSE_EXPORT_CHUNK", 4)
    monkeypatch.setitem(app.extensions, "liasse_storage", {})
    job = _export(people["claire"], bill, run_jobs)
    stored = db.session.get(StoredFile, job.file_id)
    assert stored.backend == "composed"
    root = storage.backend().root
    sources = db.session.scalars(
        select(StoredFile).where(StoredFile.id.in_(liasse_files(stored.id) - {stored.id}))
    ).all()
    assert {s.backend for s in sources} == {"filesystem"} and len(sources) == 3 + 1 + 1
    files = {p for p in root.rglob("*") if p.is_file() and not p.is_relative_to(root / "amdt")}
    assert files == {root / s.key for s in sources}  # no file of the liasse's own
    on_disk = sum(path.stat().st_size for path in files)
    assert stored.size < on_disk < 1.5 * stored.size  # the parts' bytes, not a copy of them
    data = storage.storage_for(stored).read(stored)
    assert len(data) == stored.size and hashlib.sha256(data).hexdigest() == stored.sha256
    assert len(_index(_zip(job))) == len(mixed)


def test_the_chunked_liasse_is_the_one_write_liasse_writes(
    app: Flask, mixed, people, bill, run_jobs, monkeypatch
):
    from drafting.rendering.liasse import write_liasse

    monkeypatch.setitem(app.config, "LIASSE_EXPORT_CHUNK", 4)
    job = _export(people["claire"], bill, run_jobs)
    chunked = _zip(job)
    ids = exports.ordered_ids(job, people["claire"])
    reference = io.BytesIO()
    write_liasse(
        sheets.build_sheets(ids, people["claire"], NOW),
        reference,
        combined_name="LIASSE_809.pdf",
    )
    single = zipfile.ZipFile(reference)
    assert chunked.namelist() == [
        *single.namelist(),
        "liasse.akn.xml",
        "liasse.xml",
        "TEXTE_AMENDE_809.pdf",
    ]
    for name in single.namelist():
        if name.endswith(".pdf"):  # cut out of the batch here, compiled one by one there
            assert pdf_text(chunked.read(name)) == pdf_text(single.read(name)), name
        else:
            assert chunked.read(name) == single.read(name), name


def test_each_sheets_pdf_is_cut_from_the_batch_not_compiled_again(
    mixed, people, bill, run_jobs, monkeypatch
):
    from drafting.rendering import pdf

    monkeypatch.setattr(pdf, "render_pdf", lambda sheet: 1 / 0)  # never compiled one by one
    liasse = _zip(_export(people["claire"], bill, run_jobs))
    names = sorted(n for n in liasse.namelist() if re.match(r"^\d{4}_.*pdf$", n))
    for rank, name in enumerate(names):
        text = pdf_text(liasse.read(name))
        assert f"Repère {rank:02d}" in text and text.count("Repère") == 1
        assert mixed[rank].content_hash in text


def test_without_sheet_starts_each_sheet_is_compiled_on_its_own(
    mixed, people, bill, run_jobs, monkeypatch
):
    from drafting.rendering import typst_pages

    monkeypatch.setattr(typst_pages, "marked_template", lambda: None)
    liasse = _zip(_export(people["claire"], bill, run_jobs))
    assert len([n for n in liasse.namelist() if n.endswith(".pdf")]) == len(mixed) + 2


def test_the_liasse_holds_the_text_amended_by_its_amendments(mixed, people, bill, run_jobs):
    liasse = _zip(_export(people["claire"], bill, run_jobs))
    text = pdf_text(liasse.read("TEXTE_AMENDE_809.pdf"))
    assert "Texte amendé par les 9 amendements de la liasse" in text
    assert in_order(text, "ARTICLE 1ER", "ARTICLE 7", "ARTICLE 8", "ARTICLE 10")
    assert "ARTICLE ADDITIONNEL AVANT L'ARTICLE 7" in text
    assert "n'est pas appliqué" in text  # several amendments compete for article 7


def test_a_group_liasse_names_its_amended_text_after_the_group(mixed, people, bill, run_jobs):
    liasse = _zip(_export(people["claire"], bill, run_jobs, group="ECOS", states=["filed"]))
    assert "TEXTE_AMENDE_809_ECOS.pdf" in liasse.namelist()


@pytest.mark.parametrize("per_sheet", [64, 6, 1])
def test_the_combined_pdf_holds_every_sheet_in_order_whether_segments_fit_or_not(
    app: Flask, mixed, people, bill, run_jobs, monkeypatch, per_sheet
):
    import pikepdf

    from drafting.rendering import liasse_parts, pdf_segments

    monkeypatch.setitem(app.config, "LIASSE_EXPORT_CHUNK", 4)
    monkeypatch.setattr(liasse_parts, "COMBINED_SLICE", 2)
    monkeypatch.setattr(pdf_segments, "PER_SHEET", per_sheet)  # 6: full after a slice; 1: at once
    job = _export(people["claire"], bill, run_jobs)
    assert job.params["spliced"] is (per_sheet == 64)  # slices kept: stitched into a new file
    data = _zip(job).read("LIASSE_809.pdf")
    with pikepdf.open(io.BytesIO(data)) as combined:
        assert combined.get_warnings() == [] and combined.check_pdf_syntax() == []
        assert len(combined.pages) >= len(mixed)
    assert in_order(pdf_text(data), *[f"Repère {k:02d}" for k in range(len(mixed))])


def _documents_written_whole(job: Job, at: datetime | None = None) -> dict[str, bytes]:
    """The liasse's Akoma Ntoso and liasse XML as the writers write them in one go, the list
    dated `at` (the export's request by default)."""
    from drafting.services.assembly import liasse_export

    tokens = [
        t
        for c in exports.chunks_of(job)
        if not c.params.get(exports.EXTRAS)
        for t in c.params["ids"]
    ]
    requested = at or datetime.fromisoformat(job.params["requested_at"])
    akn, xml = io.BytesIO(), io.BytesIO()
    liasse_export.write_documents(job.text_id, tokens, requested, akn, xml)
    return {"liasse.akn.xml": akn.getvalue(), "liasse.xml": xml.getvalue()}


def test_the_chunks_write_the_xml_documents_as_the_writers_write_them_whole(
    app: Flask, mixed, people, bill, run_jobs, monkeypatch
):
    """Each chunk deflates its amendments' elements of the Akoma Ntoso list and of the liasse
    XML; the assembly puts them together behind the documents' heads: the same bytes as the
    documents written in one go, each entry's CRC-32 right."""
    monkeypatch.setitem(app.config, "LIASSE_EXPORT_CHUNK", 2)
    job = _export(people["claire"], bill, run_jobs)
    liasse = _zip(job)
    assert liasse.testzip() is None
    whole = _documents_written_whole(job)
    assert {name: liasse.read(name) for name in whole} == whole
    listing = liasse.read("liasse.akn.xml")
    assert listing.count(b'<component eId="cmp_') == 9 and b'eId="cmp_9"' in listing
    assert b"9 amendements" in listing


def test_an_export_planned_before_the_chunks_wrote_the_xml_documents_still_finishes(
    app: Flask, mixed, people, bill, run_jobs, monkeypatch
):
    """A job of its own wrote the documents in an export planned by the previous code: one
    queued across an upgrade gives the same documents."""
    import uuid

    monkeypatch.setitem(app.config, "LIASSE_EXPORT_CHUNK", 4)
    real = exports._create_chunks

    def planned_as_before(export, requester, now):
        chunks = real(export, requester, now)
        total = export.params["total"]
        export.params = {
            k: v for k, v in export.params.items() if k != exports.DOCUMENTS_IN_CHUNKS
        } | {"chunks": len(chunks) + 2}  # the sheets', the amended text's, the documents'
        for chunk in chunks:
            chunk.params = export.params | {
                k: v
                for k, v in chunk.params.items()
                if k in ("index", "start", "ids", exports.EXTRAS)
            }
        extra = Job(
            id=str(uuid.uuid4()),
            kind="export_chunk",
            status="queued",
            progress=0,
            params=export.params
            | {
                "index": len(chunks) + 1,
                "start": total,
                "ids": [],
                exports.EXTRAS: exports.XML_DOCUMENTS,
            },
            requested_by_id=export.requested_by_id,
            text_id=export.text_id,
            parent_id=export.id,
            created_at=now,
        )
        db.session.add(extra)
        db.session.flush()
        return [*chunks, extra]

    monkeypatch.setattr(exports, "_create_chunks", planned_as_before)
    job = _export(people["claire"], bill, run_jobs)
    assert exports.DOCUMENTS_IN_CHUNKS not in job.params
    liasse = _zip(job)
    assert liasse.testzip() is None
    whole = _documents_written_whole(job, datetime.now(UTC))  # dated the day it ran, as then
    assert {name: liasse.read(name) for name in whole} == whole
    assert [r["empreinte"] for r in _index(liasse)] == [a.content_hash for a in mixed]


def test_a_kept_slice_of_the_documents_is_not_taken_at_another_number(
    app: Flask, mixed, people, bill, run_jobs, monkeypatch
):
    """The list numbers its amendments (`cmp_3`): a slice of the documents kept when its
    amendments were the first two is not reused once two new ones come before them."""
    from drafting.services.assembly import liasse_export

    monkeypatch.setattr(liasse_export, "DOCUMENTS_SLICE", 2)
    first = _export(people["claire"], bill, run_jobs)
    assert first.params["document_slices_reused"] == 0
    for word in ("Un", "Deux"):
        make_amendment(
            people["regol"],
            bill,
            article="1er",
            kind="before_article",
            dispositif=f"Avant l'article 1er, insérer l'article suivant : « {word}. »",
        )
    job = _export(people["claire"], bill, run_jobs)
    whole = _documents_written_whole(job)
    assert {name: _zip(job).read(name) for name in whole} == whole
    again = _export(people["claire"], bill, run_jobs)
    assert again.params["document_slices_reused"] == 6  # (11 amendments: 6 slices of 2)


def test_the_amended_text_is_queued_before_the_amendments_are_ordered(
    app: Flask, mixed, people, bill, run_jobs, monkeypatch
):
    """The amended text's job finds and orders its amendments itself: it is committed and
    queued before the plan orders the liasse (another worker runs it meanwhile), and, when
    it finishes first, the export waits for the sheets' chunks."""
    seen: list[str] = []
    real = exports.ordered_ids

    def ordering(job, requester):
        with db.engine.connect() as other:  # what another worker sees
            query = select(Job.params).where(Job.parent_id == job.id)
            seen.extend(params[exports.EXTRAS] for params in other.scalars(query))
        return real(job, requester)

    monkeypatch.setattr(exports, "ordered_ids", ordering)
    job = _export(people["claire"], bill, run_jobs)
    assert seen == [exports.AMENDED_TEXT]
    liasse = _zip(job)
    assert "TEXTE_AMENDE_809.pdf" in liasse.namelist()
    assert [r["empreinte"] for r in _index(liasse)] == [a.content_hash for a in mixed]


def test_a_chunk_finishing_before_the_sheets_chunks_exist_does_not_assemble(
    mixed, people, bill, run_jobs, monkeypatch
):
    """The amended text's job may finish while the plan still orders the amendments: with no
    sheets' chunk yet (no total), the export is not assembled; once they are, it is."""
    job = _export(people["claire"], bill, run_jobs)
    assembled: list[str] = []
    monkeypatch.setattr(exports, "_enqueue_assembly", lambda export: assembled.append(export.id))
    job.params = {k: v for k, v in job.params.items() if k != "total"}
    for chunk in exports.chunks_of(job):
        if not chunk.params.get(exports.EXTRAS):
            db.session.delete(chunk)
    db.session.flush()
    exports._finish_chunk(job.id)
    assert assembled == []
    job.params = job.params | {"total": len(mixed)}
    db.session.flush()
    exports._finish_chunk(job.id)
    assert assembled == [job.id]
    rollback()
