"""A re-export renders only the amendments whose printed sheet changed (issue 19).

Each sheet's DOCX and PDF are kept under the printed sheet's digest; a second export of the same
liasse reuses them all, a changed co-signatory list re-renders that amendment alone, and another
requester's watermark re-renders the unfiled ones only.
"""

from __future__ import annotations

import io
import re
import zipfile

import pikepdf
import pytest
from sqlalchemy import func, select

from drafting.db import commit
from drafting.extensions import db
from drafting.models import Job, StoredFile
from drafting.rendering import docx, liasse_parts, pdf, typst_pages
from drafting.services.documents import exports, reuse, storage
from tests.conftest import NOW
from tests.documents_helpers import in_order, make_amendment, pdf_text, sign


@pytest.fixture
def amendments(people, bill):
    made = []
    for rank in range(6):
        filed = rank % 2 == 1
        made.append(
            make_amendment(
                people["regol"],
                bill,
                article="7",
                alinea=rank + 1,
                dispositif=f"Supprimer l'alinéa {rank + 1}.",
                expose=f"Repère {rank:02d}.",
                state="filed" if filed else "draft",
                number=str(200 + rank) if filed else None,
            )
        )
    return made


def _export(user, bill, run_jobs) -> Job:
    job = exports.request_export(user, bill.id, now=NOW)
    commit()
    run_jobs()
    job = db.session.get(Job, job.id, populate_existing=True)
    assert job is not None and job.status == "finished", job and job.error
    return job


def _entries(job: Job) -> dict[str, bytes]:
    stored = db.session.get(StoredFile, job.file_id)
    with zipfile.ZipFile(io.BytesIO(storage.storage_for(stored).read(stored))) as liasse:
        return {name: liasse.read(name) for name in liasse.namelist()}


def _sheets(entries: dict[str, bytes]) -> dict[str, bytes]:
    return {name: data for name, data in entries.items() if re.match(r"^\d{4}_", name)}


def _never(*_args, **_kwargs):
    raise AssertionError("rendered again")


def _holds_every_sheets_pages(combined: bytes, entries: dict[str, bytes]) -> None:
    """The combined PDF is sound (qpdf finds nothing) and holds the pages of every sheet's PDF."""
    with pikepdf.open(io.BytesIO(combined)) as whole:
        assert whole.check_pdf_syntax() == []
        assert len(whole.pages) == sum(
            len(pikepdf.open(io.BytesIO(data)).pages)
            for name, data in _sheets(entries).items()
            if name.endswith(".pdf")
        )


def _counted(monkeypatch, owner, name: str) -> list[int]:
    """Each call of `owner.name` (a renderer taking a batch) noted by its batch's length."""
    calls: list[int] = []
    real = getattr(owner, name)
    monkeypatch.setattr(owner, name, lambda batch: calls.append(len(batch)) or real(batch))
    return calls


def test_a_second_export_renders_nothing_and_gives_the_same_sheets(
    amendments, people, bill, run_jobs, monkeypatch
):
    first = _export(people["claire"], bill, run_jobs)
    assert (first.params["rendered"], first.params["reused"]) == (6, 0)
    monkeypatch.setattr(typst_pages, "render_batch_pages", _never)
    monkeypatch.setattr(docx, "render_docx", _never)
    monkeypatch.setattr(pdf, "render_pdf_batch", _never)  # the combined pages are kept too
    second = _export(people["claire"], bill, run_jobs)
    assert (second.params["rendered"], second.params["reused"]) == (0, 6)
    # the slice's pages as renumbered the first time, referenced, not read again
    assert (second.params["runs_reused"], second.params["slices_reused"]) == (1, 0)
    before, after = _entries(first), _entries(second)
    assert after["LIASSE_809.pdf"] == before["LIASSE_809.pdf"]
    assert _sheets(after) == _sheets(before) and len(_sheets(after)) == 12
    combined = pdf_text(after["LIASSE_809.pdf"])  # the slice's pages as one compilation left them
    assert in_order(combined, *[f"Repère {rank:02d}" for rank in range(6)])
    assert combined == pdf_text(before["LIASSE_809.pdf"])
    assert len(after["LIASSE_809.pdf"]) < 1.2 * len(before["LIASSE_809.pdf"])


def test_a_kept_slice_joins_the_combined_pdf_renumbered_as_bytes_not_compiled_again(
    app, amendments, people, bill, run_jobs, monkeypatch
):
    from drafting.rendering import liasse

    monkeypatch.setattr(liasse_parts, "COMBINED_SLICE", 2)  # three slices in one chunk
    first = _export(people["claire"], bill, run_jobs)
    sign(amendments[0], people["bayou"], 5)  # the first slice changes, the others stay
    commit()
    parsed: list[int] = []
    append_parsed = liasse.PdfAppender._append_parsed
    monkeypatch.setattr(
        liasse.PdfAppender,
        "_append_parsed",
        lambda self, pdf: parsed.append(1) or append_parsed(self, pdf),
    )
    compiled = _counted(monkeypatch, pdf, "render_pdf_batch")
    second = _export(people["claire"], bill, run_jobs)
    # no slice compiled whole (the changed one is patched, renumbered as bytes); the others
    # are their runs kept at their place (numbered from their rank), referenced
    assert (second.params["runs_reused"], second.params["slices_reused"]) == (2, 0)
    assert parsed == [] and compiled == []
    before = pdf_text(_entries(first)["LIASSE_809.pdf"])
    after = pdf_text(_entries(second)["LIASSE_809.pdf"])
    assert in_order(after, *[f"Repère {rank:02d}" for rank in range(6)]) and "Bayou" in after
    assert after.split("Repère 02")[1] == before.split("Repère 02")[1]
    with pikepdf.open(io.BytesIO(_entries(second)["LIASSE_809.pdf"])) as combined:
        assert combined.check_pdf_syntax() == [] and len(combined.pages) >= 6


def test_the_documents_write_again_only_the_amendments_that_changed(
    amendments, people, bill, run_jobs, monkeypatch
):
    from drafting.rendering import akn, liasse_xml

    first = _entries(_export(people["claire"], bill, run_jobs))
    sign(amendments[1], people["bayou"], 5)  # a filed one: in both documents
    commit()
    written: list[str] = []
    for module, function, name in (
        (akn, "list_fragment", "akn"),
        (liasse_xml, "document_fragment", "xml"),
    ):
        real = getattr(module, function)
        monkeypatch.setattr(
            module,
            function,
            lambda *args, real=real, name=name: written.append(name) or real(*args),
        )
    second = _entries(_export(people["claire"], bill, run_jobs))
    assert sorted(written) == ["akn", "xml"]  # that amendment alone, in each document
    for name in ("liasse.akn.xml", "liasse.xml"):
        assert second[name] != first[name] and b"Bayou" in second[name]
    third = _export(people["claire"], bill, run_jobs)
    unchanged = _entries(third)
    assert sorted(written) == ["akn", "xml"]  # nothing written again the third time
    assert third.params["document_slices_reused"] == 1  # nor read element by element
    monkeypatch.setattr(
        reuse.FragmentCache,
        "fragments",
        lambda self, items, write, keys=None: [write(i) for i in items],
    )
    from drafting.services.assembly import liasse_export

    real_keyed = liasse_export.ChunkDocuments._keyed

    def not_kept(self, first, group):
        key, listed, documents = real_keyed(self, first, group)
        return key + "-not-kept", listed, documents

    monkeypatch.setattr(liasse_export.ChunkDocuments, "_keyed", not_kept)  # no slice kept
    written.clear()
    whole = _entries(_export(people["claire"], bill, run_jobs))  # every amendment written
    assert len(written) == 6 + 3
    for name in ("liasse.akn.xml", "liasse.xml"):
        assert unchanged[name] == second[name] == whole[name]  # kept or written: the same


def test_a_slice_whose_sheets_did_not_change_is_not_compiled_again_and_a_changed_one_is_patched(
    amendments, people, bill, run_jobs, monkeypatch
):
    monkeypatch.setattr(liasse_parts, "COMBINED_SLICE", 2)  # slices (1, 2), (3, 4), (5, 6)
    first = _export(people["claire"], bill, run_jobs)
    sign(amendments[2], people["bayou"], 5)  # the third sheet changes: the second slice
    commit()
    compiled = _counted(monkeypatch, pdf, "render_pdf_batch")
    paged = _counted(monkeypatch, typst_pages, "render_batch_pages")
    second = _export(people["claire"], bill, run_jobs)
    assert (second.params["rendered"], second.params["runs_reused"]) == (1, 2)
    # the changed sheet alone is compiled; its slice takes the fourth sheet's kept pages
    assert (paged, compiled) == ([1], [])
    combined = _entries(second)["LIASSE_809.pdf"]
    text = pdf_text(combined)
    assert in_order(text, *[f"Repère {rank:02d}" for rank in range(6)]) and "Bayou" in text
    assert (
        text.split("Repère 03")[1]
        == pdf_text(_entries(first)["LIASSE_809.pdf"]).split("Repère 03")[1]
    )
    _holds_every_sheets_pages(combined, _entries(second))


def test_sheets_changed_in_several_slices_are_compiled_together_and_each_slice_patched(
    amendments, people, bill, run_jobs, monkeypatch
):
    """A batch's changed sheets spread over its slices are one compilation, not one a slice;
    each slice takes its changed sheets' pages from it and its other sheets' kept pages."""
    monkeypatch.setattr(liasse_parts, "COMBINED_SLICE", 2)  # slices (1, 2), (3, 4), (5, 6)
    first = _export(people["claire"], bill, run_jobs)
    sign(amendments[0], people["bayou"], 5)  # the first slice
    sign(amendments[3], people["peu"], 6)  # and the second
    commit()
    compiled = _counted(monkeypatch, pdf, "render_pdf_batch")
    paged = _counted(monkeypatch, typst_pages, "render_batch_pages")
    second = _export(people["claire"], bill, run_jobs)
    assert (second.params["rendered"], second.params["runs_reused"]) == (2, 1)
    assert (paged, compiled) == ([2], [])
    entries = _entries(second)
    text = pdf_text(entries["LIASSE_809.pdf"])
    assert in_order(text, *[f"Repère {rank:02d}" for rank in range(6)])
    # each sheet prints its co-signatories before its exposé
    assert in_order(text, "Bayou", "Repère 00", "Repère 02", "Peu", "Repère 03")
    assert text.count("Bayou") == 1 and text.count("Peu") == 1
    before = pdf_text(_entries(first)["LIASSE_809.pdf"])
    assert text.split("Repère 04")[1] == before.split("Repère 04")[1]  # the third slice's
    _holds_every_sheets_pages(entries["LIASSE_809.pdf"], entries)
    own = {name: pdf_text(data) for name, data in _sheets(entries).items() if name.endswith(".pdf")}
    assert [name[:4] for name, t in own.items() if "Bayou" in t or "Peu" in t] == ["0001", "0004"]


def test_a_sheet_kept_from_before_is_not_taken_from_a_slice_that_printed_it_otherwise(
    amendments, people, bill, run_jobs, monkeypatch
):
    from datetime import timedelta

    monkeypatch.setattr(liasse_parts, "COMBINED_SLICE", 2)
    _export(people["claire"], bill, run_jobs)  # the third sheet without Bayou: kept
    signature = sign(amendments[2], people["bayou"], 5)
    _export(people["claire"], bill, run_jobs)  # its slice at that place now prints Bayou
    signature.withdrawn_at = NOW + timedelta(hours=1)  # the third sheet as it was first
    sign(amendments[3], people["bayou"], 5)  # and the fourth changes: the slice is patched
    commit()
    text = pdf_text(_entries(_export(people["claire"], bill, run_jobs))["LIASSE_809.pdf"])
    # Bayou once, the fourth sheet's: the third one's pages are not the slice's of before
    third = text.split("Repère 01")[1].split("Repère 02")[0]
    assert text.count("Bayou") == 1 and "Bayou" not in third


def test_a_changed_slice_with_nothing_kept_at_its_place_is_compiled_whole(
    amendments, people, bill, run_jobs, monkeypatch
):
    monkeypatch.setattr(liasse_parts, "COMBINED_SLICE", 2)
    _export(people["claire"], bill, run_jobs)
    places = select(StoredFile).where(StoredFile.key.like(f"amdt/slices/{reuse.LIASSE_PLACES}/%"))
    assert len(db.session.scalars(places).all()) == 3  # one a slice
    for row in db.session.scalars(places).all():
        storage.storage_for(row).remove(row)
    sign(amendments[2], people["bayou"], 5)
    commit()
    paged = _counted(monkeypatch, typst_pages, "render_batch_pages")
    second = _export(people["claire"], bill, run_jobs)
    assert paged == [1, 2]  # the changed sheet, then its slice compiled as one
    text = pdf_text(_entries(second)["LIASSE_809.pdf"])
    assert in_order(text, *[f"Repère {rank:02d}" for rank in range(6)]) and "Bayou" in text


def test_after_a_change_only_that_amendment_is_rendered_again(amendments, people, bill, run_jobs):
    first = _export(people["claire"], bill, run_jobs)
    sign(amendments[2], people["bayou"], 5)  # a new co-signatory: its printed sheet changed
    commit()
    second = _export(people["claire"], bill, run_jobs)
    assert (second.params["rendered"], second.params["reused"]) == (1, 5)
    before, after = _sheets(_entries(first)), _sheets(_entries(second))
    changed = sorted(name for name in after if after[name] != before.get(name))
    assert [name[:4] for name in changed] == ["0003", "0003"]
    assert "Bayou" in pdf_text(after[changed[1]])


def test_another_requester_gets_the_unfiled_sheets_rendered_with_their_own_mark(
    amendments, people, bill, run_jobs
):
    _export(people["claire"], bill, run_jobs)
    other = _export(people["admin"], bill, run_jobs)
    assert (other.params["rendered"], other.params["reused"]) == (3, 3)  # the 3 drafts


def test_the_sheets_kept_are_small_files_under_the_sheets_digest(
    amendments, people, bill, run_jobs
):
    _export(people["claire"], bill, run_jobs)
    kept = select(StoredFile.key).where(StoredFile.key.like("amdt/%"))
    others = (
        ~StoredFile.key.like("amdt/slices/%")
        & ~StoredFile.key.like("amdt/fragments/%")
        & ~StoredFile.key.like("amdt/amended-text/%")
        & ~StoredFile.key.like("amdt/order/%")
    )
    keys = db.session.scalars(kept.where(others)).all()
    assert len(keys) == 12
    assert {key.split("/")[2] for key in keys} == {"docx", "liasse-pdf"}
    assert {key.split("/")[1] for key in keys} == {a.content_hash for a in amendments}
    count = select(func.count()).select_from(StoredFile).where(~StoredFile.key.like("amdt/%"))
    assert db.session.scalar(count) == 4  # the liasse, spliced from its 2 parts and its glue


def test_a_slice_mixing_kept_and_new_sheets_keeps_their_order(monkeypatch):
    kept: dict[str, tuple[bytes, bytes]] = {"b": (b"docx-b", b"b")}

    class Kept:
        def lookup(self, batch):
            return [kept.get(sheet) for sheet in batch]

        def compiled(self, batch):
            return None  # not compiled with a batch beforehand

        def store(self, batch, documents):
            kept.update(zip(batch, documents, strict=True))
            return list(documents)

        def pages(self, batch):
            return None  # the combined pages are not kept here: compiled each time

        def store_pages(self, batch, pages):
            pass

    cut, compiled = [], []

    def cut_slice(batch):
        cut.append(list(batch))
        return b"cut-" + "".join(batch).encode(), [sheet.encode() for sheet in batch]

    def compile_slice(batch):
        compiled.append(list(batch))
        return b"whole-" + "".join(batch).encode()

    monkeypatch.setattr(liasse_parts, "sheet_pdfs", cut_slice)
    monkeypatch.setattr(pdf, "render_pdf_batch", compile_slice)
    monkeypatch.setattr(
        typst_pages, "render_batch_pages", lambda batch: (compile_slice(batch), [1] * len(batch))
    )
    monkeypatch.setattr(docx, "render_docx", lambda sheet: b"docx-" + sheet.encode())
    pages, documents = liasse_parts.rendered_slice(["a", "b", "c"], Kept())
    assert cut == [["a", "c"]]  # the missing sheets rendered in one compilation, then cut
    assert documents == [(b"docx-a", b"a"), (b"docx-b", b"b"), (b"docx-c", b"c")]
    assert pages == b"whole-abc"  # the combined pages: the slice compiled as one
    assert set(kept) == {"a", "b", "c"}
    pages, _ = liasse_parts.rendered_slice(["a", "b"], Kept())
    assert (pages, cut) == (b"whole-ab", [["a", "c"]])  # all kept: nothing cut
    kept.clear()
    pages, _ = liasse_parts.rendered_slice(["d", "e"], Kept())
    assert pages == b"cut-de"  # all new: the compilation they were cut from


def test_the_clock_forgets_old_kept_sheets_but_not_a_file_a_job_hands_out(
    app, amendments, people, bill, run_jobs
):
    from datetime import timedelta

    from sqlalchemy import update

    from drafting.jobs import clock
    from drafting.services.documents import official

    liasse = _export(people["claire"], bill, run_jobs)
    document = official.request_document(people["regol"], amendments[0].id, "docx", NOW)
    commit()
    run_jobs()
    handed_out = db.session.get(Job, document.id, populate_existing=True).file_id
    kept = select(func.count()).select_from(StoredFile).where(StoredFile.key.like("amdt/%"))
    # the liasse's 12 (the liasse is made of them), its slice's pages and what they hold (its
    # place), its slice's run numbered at its place and the run's manifest, the Akoma
    # Ntoso's 6 amendments and the liasse XML's 3 (the filed ones), the slice of the
    # documents they make, the amended text kept whole, the order of call, and the author's
    # own copy
    assert db.session.scalar(kept) == 29
    later = NOW + timedelta(days=app.config["LIASSE_SHEET_CACHE_DAYS"], hours=1)
    db.session.execute(update(StoredFile).values(created_at=NOW))
    commit()
    assert clock.prune(app, NOW + timedelta(days=1)) == 0  # too recent
    assert clock.prune(app, later) == 16  # all but the liasse's sheets and the copy handed out
    # the copy handed out, and the liasse (spliced from its two parts, its glue, its sheets)
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 1 + 4 + 12
    made_of = db.session.get(StoredFile, liasse.file_id)
    liasse.file_id = None
    storage.storage_for(made_of).remove(made_of)
    commit()
    assert clock.prune(app, later) == 12
    assert db.session.scalars(select(StoredFile.id).where(StoredFile.key.like("amdt/%"))).all() == [
        handed_out
    ]
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 1


def test_a_kept_sheet_whose_file_is_gone_is_rendered_again_and_its_file_restored(
    app, amendments, people, bill, run_jobs, monkeypatch
):
    monkeypatch.setitem(app.config, "LIASSE_STORAGE", "filesystem")
    monkeypatch.setitem(app.extensions, "liasse_storage", {})
    _export(people["claire"], bill, run_jobs)
    key = db.session.scalars(
        select(StoredFile.key).where(StoredFile.key.like("amdt/%/liasse-pdf/%"))
    ).first()
    lost = storage.backend().path(key)
    lost.unlink()  # a volume cleaned by hand: the row stays, the bytes are gone
    again = _export(people["claire"], bill, run_jobs)
    assert (again.params["rendered"], again.params["reused"]) == (1, 5)
    assert lost.is_file()  # written again under the same key


def test_a_kept_sheet_cut_short_is_rendered_again_not_served(
    app, amendments, people, bill, run_jobs, monkeypatch
):
    """Kept sheets reach the disk without an fsync each (40 000 for a liasse of 20 000): after a
    crash one may be cut short; it is then rendered again, never put in a liasse."""
    import hashlib
    import os

    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    monkeypatch.setitem(app.config, "LIASSE_STORAGE", "filesystem")
    monkeypatch.setitem(app.extensions, "liasse_storage", {})
    _export(people["claire"], bill, run_jobs)
    assert synced == []  # the kept sheets, and the parts renamed into place
    key = db.session.scalars(
        select(StoredFile.key).where(StoredFile.key.like("amdt/%/liasse-pdf/%"))
    ).first()
    torn = storage.backend().path(key)
    whole = torn.read_bytes()
    torn.write_bytes(whole[: len(whole) // 2])
    again = _export(people["claire"], bill, run_jobs)
    assert (again.params["rendered"], again.params["reused"]) == (1, 5)
    restored = torn.read_bytes()  # rendered alone now: not the bytes cut from the batch
    row = db.session.scalar(select(StoredFile).where(StoredFile.key == key))
    assert (row.size, row.sha256) == (len(restored), hashlib.sha256(restored).hexdigest())
    assert restored in _entries(again).values() and whole[: len(whole) // 2] != restored
    third = _export(people["claire"], bill, run_jobs)
    assert (third.params["rendered"], third.params["reused"]) == (0, 6)


def test_the_amended_text_is_kept_whole_and_else_compiles_only_its_changed_sections(
    amendments, people, bill, run_jobs, monkeypatch
):
    """Amendments changed only in their exposés: the amended text kept whole (nothing applied,
    nothing compiled); a dispositif changed: applied again, and only the sections that changed
    compiled."""
    from drafting.rendering import amended_text

    monkeypatch.setattr(amended_text, "SECTION_WEIGHT", 1)  # one section per article
    compiled: list[object] = []
    renderer = amended_text.default_renderer()
    real = renderer._compile
    monkeypatch.setattr(renderer, "_compile", lambda *a, **k: compiled.append(a) or real(*a, **k))
    first = _export(people["claire"], bill, run_jobs)
    sections = len(compiled)
    assert sections >= 2 and first.params["sections_reused"] == 0
    assert first.params["amended_text_reused"] == 0
    name = next(n for n in _entries(first) if n.startswith("TEXTE_AMENDE_"))
    compiled.clear()
    amendments[1].expose = "Un exposé récrit."
    commit()
    again = _export(people["claire"], bill, run_jobs)
    assert again.params["amended_text_reused"] == 1 and compiled == []
    assert _entries(again)[name] == _entries(first)[name]
    amendments[0].dispositif = "Supprimer cet article."  # article 7 only
    commit()
    changed = _export(people["claire"], bill, run_jobs)
    assert changed.params["amended_text_reused"] == 0
    assert 1 <= len(compiled) < sections
    assert changed.params["sections_reused"] == sections - len(compiled)
    assert _entries(changed)[name] != _entries(first)[name]


def _positions(job: Job) -> list[str]:
    """The liasse's amendments' positions, in its order (index.csv)."""
    rows = _entries(job)["index.csv"].decode("utf-8-sig").splitlines()[1:]
    return [row.split(";")[2] if ";" in row else row.split(",")[2] for row in rows]


def test_the_order_of_call_is_kept_until_what_it_reads_changes(
    amendments, people, bill, run_jobs, monkeypatch
):
    """The order of call is worked out once for the same amendments as it reads them (their
    place, dispositif, number, parent, outcome), the same records and the same text: an
    exposé changed, it is kept; an alinéa changed, it is worked out again."""
    from drafting.services.assembly import order

    calls: list[int] = []
    real = order.ordered
    monkeypatch.setattr(order, "ordered", lambda *a: calls.append(1) or real(*a))
    first = _export(people["claire"], bill, run_jobs)
    assert len(calls) == 1
    amendments[2].expose = "Un exposé récrit."
    commit()
    again = _export(people["claire"], bill, run_jobs)
    assert len(calls) == 1 and _positions(again) == _positions(first)
    amendments[0].alinea, amendments[0].dispositif = 25, "Supprimer l'alinéa 25."
    commit()
    moved = _export(people["claire"], bill, run_jobs)
    assert len(calls) == 2
    assert _positions(moved) == [*_positions(first)[1:], "ART. 7 al. 25"]


def _whole(job: Job) -> bytes:
    stored = db.session.get(StoredFile, job.file_id)
    return storage.storage_for(stored).read(stored)


@pytest.mark.parametrize("per_sheet", [64, 1])  # 1: a segment full at once, the liasse stitched
def test_a_re_export_is_made_of_the_kept_sheets_themselves_and_is_the_same_liasse(
    amendments, people, bill, run_jobs, monkeypatch, per_sheet
):
    from drafting.models import StoredFileSource
    from drafting.rendering import pdf_segments

    first = _export(people["claire"], bill, run_jobs)
    monkeypatch.setattr(pdf_segments, "PER_SHEET", per_sheet)
    second = _export(people["claire"], bill, run_jobs)
    assert second.params["spliced"] is (per_sheet == 64)
    if per_sheet == 1:  # stitched: the same entries (the combined PDF appended otherwise)
        before, after = _entries(first), _entries(second)
        assert list(after) == list(before) and len(_sheets(after)) == 12
        assert {n: d for n, d in after.items() if n != "LIASSE_809.pdf"} == {
            n: d for n, d in before.items() if n != "LIASSE_809.pdf"
        }
        return
    assert _whole(second) == _whole(first)  # byte for byte, copied or referenced

    def named_by(file_ids):
        query = (
            select(StoredFile.id, StoredFile.key)
            .join(StoredFileSource, StoredFileSource.source_id == StoredFile.id)
            .where(StoredFileSource.file_id.in_(file_ids))
        )
        return dict(db.session.execute(query).all())

    sources = named_by([second.file_id])  # its parts and glue, which name the kept files
    assert all(key.startswith(f"exports/{second.id}/") for key in sources.values())
    parts = [file_id for file_id, key in sources.items() if key.endswith(".zip")]
    kept = named_by(parts)  # the 12 sheets, and the slice's run numbered at its place
    assert len(kept) == 13 and all(key.startswith("amdt/") for key in kept.values())
    pieces = {piece[0] for piece in db.session.get(StoredFile, second.file_id).pieces}
    assert pieces == set(sources) | set(kept)  # made of them all, each named
    sizes = db.session.scalars(select(StoredFile.size).where(StoredFile.id.in_(parts))).all()
    assert sum(sizes) < sum(
        db.session.scalars(select(StoredFile.size).where(StoredFile.id.in_(kept))).all()
    )


def test_the_clock_keeps_the_kept_sheets_a_liasse_is_made_of_until_it_is_removed(
    app, amendments, people, bill, run_jobs
):
    from datetime import timedelta

    from sqlalchemy import update

    from drafting.jobs import clock

    first = _export(people["claire"], bill, run_jobs)  # made of the 12 documents it kept
    second = _export(people["claire"], bill, run_jobs)  # made of the same 12
    expected = _whole(second)
    db.session.execute(update(StoredFile).values(created_at=NOW))
    commit()
    later = NOW + timedelta(days=app.config["LIASSE_SHEET_CACHE_DAYS"], hours=1)
    forgotten = clock.prune(app, later)
    assert forgotten > 0 and _whole(second) == expected  # the liasse still reads whole
    sheets = select(func.count()).select_from(StoredFile).where(StoredFile.key.like("amdt/%"))
    assert db.session.scalar(sheets) == 12 + 1  # and the run of the slice's pages it is made of
    liasse = db.session.get(StoredFile, second.file_id)
    second.file_id = None
    storage.storage_for(liasse).remove(liasse)
    commit()
    # its parts and glue are gone with it; the kept sheets stay, for the clock
    assert db.session.scalar(sheets) == 12 + 1
    assert not db.session.scalars(
        select(StoredFile.key).where(StoredFile.key.like(f"exports/{second.id}/%"))
    ).all()
    # the run, which the first liasse holds a copy of, is forgotten; the first reads the sheets
    assert clock.prune(app, later) == 1 and _whole(first) == expected
    liasse = db.session.get(StoredFile, first.file_id)
    first.file_id = None
    storage.storage_for(liasse).remove(liasse)
    commit()
    assert clock.prune(app, later) == 12


def test_a_liasse_made_of_its_kept_files_is_byte_for_byte_the_one_copied_on_a_volume(
    app, amendments, people, bill, run_jobs, monkeypatch, tmp_path
):
    monkeypatch.setitem(app.config, "LIASSE_STORAGE", "filesystem")
    monkeypatch.setitem(app.config, "LIASSE_STORAGE_PATH", str(tmp_path))
    monkeypatch.setitem(app.extensions, "liasse_storage", {})
    copied = _export(people["claire"], bill, run_jobs)  # a volume: the parts hold copies
    for row in db.session.scalars(select(StoredFile).where(StoredFile.key.like("amdt/%"))).all():
        storage.storage_for(row).remove(row)
    commit()
    monkeypatch.setitem(app.config, "LIASSE_STORAGE", "database")
    referenced = _export(people["claire"], bill, run_jobs)  # fresh: made of what it kept
    assert referenced.params["rendered"] == 6
    assert _whole(referenced) == _whole(copied)
    pieces = {piece[0] for piece in db.session.get(StoredFile, referenced.file_id).pieces}
    parts = db.session.scalars(
        select(StoredFile).where(StoredFile.id.in_(pieces), StoredFile.key.like("%/part-%"))
    ).all()
    for part in parts:  # no sheet's bytes in any part
        with zipfile.ZipFile(io.BytesIO(storage.storage_for(part).read(part))) as opened:
            assert not [n for n in opened.namelist() if not n.startswith("_") and "_" in n[:5]]


def test_a_chunk_looks_its_sheets_and_slices_up_once_a_batch(
    amendments, people, bill, run_jobs, monkeypatch
):
    """Three slices of two sheets, one batch: the kept files' metadata (the sheets' and the
    slices' runs) is asked once and the runs' manifests read once for the batch, not once a
    slice; no slice's pages are read (each is its kept run); the same liasse."""
    monkeypatch.setattr(liasse_parts, "COMBINED_SLICE", 2)
    first = _entries(_export(people["claire"], bill, run_jobs))
    described = _counted(monkeypatch, storage, "describe_many")
    read: list[list[str]] = []
    real_read = storage.read_many
    monkeypatch.setattr(
        storage, "read_many", lambda keys: read.append(list(keys)) or real_read(keys)
    )
    second = _export(people["claire"], bill, run_jobs)
    assert described == [12 + 3]  # the six sheets' DOCX and PDF, the three runs: one query
    runs = [keys for keys in read if any("/liasse-runs/" in key for key in keys)]
    assert [len(keys) for keys in runs] == [3]
    assert not [keys for keys in read if any("/liasse-pages/" in key for key in keys)]
    assert (second.params["runs_reused"], second.params["slices_reused"]) == (3, 0)
    assert _entries(second) == first


def test_a_part_whose_runs_were_given_up_is_stitched_with_the_kept_runs_it_names(
    amendments, people, bill, run_jobs, monkeypatch
):
    """Slices (1, 2), (3, 4), (5, 6): the first two are their kept runs; the third changed
    and outgrows its numbers, so the part keeps it stand-alone and the liasse is stitched,
    reading the kept runs it names: every page, in order."""
    from drafting.rendering import pdf_segments

    monkeypatch.setattr(liasse_parts, "COMBINED_SLICE", 2)
    _export(people["claire"], bill, run_jobs)
    sign(amendments[4], people["bayou"], 5)
    commit()

    def full(self, pdf):
        raise pdf_segments.SegmentFull("test: no room")

    monkeypatch.setattr(pdf_segments.PdfSegment, "append", full)
    second = _export(people["claire"], bill, run_jobs)
    assert second.params["spliced"] is False and second.params["runs_reused"] == 2
    combined = _entries(second)["LIASSE_809.pdf"]
    text = pdf_text(combined)
    assert in_order(text, *[f"Repère {rank:02d}" for rank in range(6)]) and "Bayou" in text
    _holds_every_sheets_pages(combined, _entries(second))
