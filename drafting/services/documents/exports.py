"""The liasse export as a few large jobs: plan (order, split), render chunks, assemble.

The export job orders the amendments and creates one chunk job per slice (LIASSE_EXPORT_CHUNK,
2 000 by default); chunks run in parallel on the workers, each writing a partial ZIP (its DOCX and
PDF entries under their final ranked names, its index rows and its part of the combined PDF)
stored as a temporary file; the chunk that finishes last (decided under a row lock on the export
job) enqueues the assembly, which stitches the parts into the final ZIP without re-rendering.
Every step streams through temporary files, so a worker's memory does not grow with the text.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import shutil
import tempfile
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from flask import current_app
from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from drafting.db import commit
from drafting.errors import Forbidden, Invalid
from drafting.extensions import db
from drafting.infra.queue import QueuedJob, enqueue_after_commit
from drafting.models import (
    Amendment,
    Article,
    Group,
    Job,
    LegislativeText,
    StoredFile,
    User,
)
from drafting.models.types import utcnow
from drafting.permissions import can_export_liasse, visible_amendments_clause
from drafting.rendering import liasse_documents, liasse_parts, liasse_splice
from drafting.services import texts
from drafting.services.assembly import liasse_export
from drafting.services.documents import jobs, reuse, storage
from drafting.services.legistique.amended_text import liasse_document
from workflows.deadlines import PARIS
from workflows.review import State

BATCH = 500  # amendments loaded (with their signatures) per round of queries
DEFAULT_CHUNK = 2000
XML_LEVEL = 3  # the deflate level of the liasse's XML documents
EXTRAS = "documents"  # the chunk jobs that write the liasse's documents beside its sheets
# What each of them writes (a chunk planned before they were two says True: both). The XML
# documents are written by the sheets' chunks themselves in an export planned since
# (DOCUMENTS_IN_CHUNKS): a job of their own only in one planned before.
XML_DOCUMENTS, AMENDED_TEXT = "xml", "amended-text"
DOCUMENTS_IN_CHUNKS = "documents_in_chunks"
# The amended text's job is queued before the amendments are ordered (it finds and orders
# them itself): it runs on one worker while the other plans the sheets' chunks.
AMENDED_TEXT_FIRST = "amended_text_first"
# What the chunks kept from earlier exports, summed on the export (`assemble`).
REUSE_COUNTS = (
    "reused",  # sheets
    "rendered",
    "slices_reused",
    "runs_reused",
    "fragments_reused",
    "document_slices_reused",
    "sections_reused",
    "amended_text_reused",
)


def _export_params(group: str | None, states: Sequence[str] | None) -> dict[str, Any]:
    fields: dict[str, str] = {}
    if group and db.session.scalar(select(Group.id).where(Group.code == group.upper())) is None:
        fields["group"] = "groupe inconnu"
    unknown = sorted(set(states or ()) - {s.value for s in State})
    if unknown:
        fields["states"] = "états inconnus : " + ", ".join(unknown)
    if fields:
        raise Invalid("Paramètres d'export invalides.", fields=fields)
    return {
        "format": "zip",
        "group": group.upper() if group else None,
        "states": sorted(set(states)) if states else None,
    }


def request_export(
    actor: User,
    text_id: int,
    *,
    group: str | None = None,
    states: Sequence[str] | None = None,
    now: datetime,
) -> Job:
    """Ask for the liasse of a text (secretariat or admin): a ZIP built by background jobs."""
    if not can_export_liasse(actor):
        raise Forbidden("Seuls les secrétariats de groupe exportent la liasse.")
    text = texts.get_text(text_id)
    job = jobs.new_job(actor, "export", now, _export_params(group, states), text_id=text.id)
    jobs.enqueue(job)
    return job


def request_selection_export(actor: User, amendment_ids: Sequence[int], now: datetime) -> Job:
    """A partial liasse: the amendments of a selection the actor may see, all on one text."""
    if not can_export_liasse(actor):
        raise Forbidden("Seuls les secrétariats de groupe exportent la liasse.")
    texts_of = _visible_texts(actor, amendment_ids)
    if not texts_of:
        raise Invalid("La sélection ne contient aucun amendement visible.", fields={"ids": "vide"})
    if len(set(texts_of.values())) > 1:
        raise Invalid(
            "Une liasse porte sur un seul texte : filtrez la sélection par texte.",
            fields={"ids": "plusieurs textes"},
        )
    text_id = next(iter(texts_of.values()))
    params = {"format": "zip", "group": None, "states": None, "ids": sorted(texts_of)}
    job = jobs.new_job(actor, "export", now, params, text_id=text_id)
    jobs.enqueue(job)
    return job


def _visible_texts(actor: User, amendment_ids: Sequence[int]) -> dict[int, int]:
    """{amendment id: text id} of the selected amendments the actor may see."""
    found: dict[int, int] = {}
    ids = list(dict.fromkeys(amendment_ids))
    for start in range(0, len(ids), 5_000):
        query = select(Amendment.id, Amendment.text_id).where(
            Amendment.id.in_(ids[start : start + 5_000]), visible_amendments_clause(actor)
        )
        found.update({row.id: row.text_id for row in db.session.execute(query)})
    return found


def _number_key(number: str | None, amendment_id: int) -> tuple[Any, ...]:
    """Numbered first, in natural order ("CL2" < "CL10"), then unnumbered by id."""
    if not number:
        return (1, (), amendment_id)
    parts = tuple(
        (0, int(p)) if p.isdigit() else (1, p) for p in _split_digits(number.casefold()) if p
    )
    return (0, parts, amendment_id)


def _split_digits(value: str) -> list[str]:
    out, current = [], ""
    for char in value:
        if current and char.isdigit() != current[-1].isdigit():
            out.append(current.strip())
            current = ""
        current += char
    return [*out, current.strip()]


def _export_query(job: Job, requester: User) -> Any:
    query = (
        select(
            Amendment.id,
            Article.position,
            Amendment.position_kind,
            Amendment.alinea,
            func.substr(Amendment.dispositif, 1, 600),  # the formula is at the start
            Amendment.number,
            Amendment.parent_id,
        )
        .join(Article, Article.id == Amendment.article_id)
        .where(Amendment.text_id == job.text_id, visible_amendments_clause(requester))
    )
    if job.params.get("group"):
        query = query.join(Group, Group.id == Amendment.group_id).where(
            Group.code == job.params["group"]
        )
    if job.params.get("states"):
        query = query.where(Amendment.state.in_(job.params["states"]))
    return query


def ordered_ids(job: Job, requester: User) -> list[int | str]:
    """The exported amendments in the order of call (each sub-amendment right after its parent):
    ours by id and, in a liasse of every group, the text's external amendments as "p<id>"
    (services/assembly/liasse_export.py). A partial liasse keeps its selection."""
    assert job.text_id is not None
    return liasse_export.ordered_tokens(job.text_id, our_ids(job, requester), job.params)


def our_ids(job: Job, requester: User) -> list[int]:
    """Our amendments the export takes (the requester may see them, the filters keep them; a
    partial liasse keeps its selection), in no particular order."""
    ids = [row[0] for row in db.session.execute(_export_query(job, requester))]
    if job.params.get("ids"):  # the selection, kept here rather than in an IN list
        wanted = set(job.params["ids"])
        ids = [i for i in ids if i in wanted]
    return ids


def _chunk_size() -> int:
    return max(1, int(current_app.config.get("LIASSE_EXPORT_CHUNK") or DEFAULT_CHUNK))


def chunks_of(export: Job) -> list[Job]:
    """The chunk jobs of an export, in order."""
    query = select(Job).where(Job.parent_id == export.id)
    return sorted(db.session.scalars(query), key=lambda c: c.params["index"])


def _new_chunk(export: Job, params: dict[str, Any], now: datetime) -> Job:
    chunk = Job(
        id=str(uuid.uuid4()),
        kind="export_chunk",
        status="queued",
        progress=0,
        params=export.params | params,
        requested_by_id=export.requested_by_id,
        text_id=export.text_id,
        parent_id=export.id,
        created_at=now,
    )
    db.session.add(chunk)
    return chunk


def _create_amended_text(export: Job, now: datetime) -> Job:
    """The job of the liasse's amended text (index 0), created before the sheets' chunks."""
    export.params = export.params | {AMENDED_TEXT_FIRST: True, DOCUMENTS_IN_CHUNKS: True}
    chunk = _new_chunk(export, {"index": 0, "ids": [], EXTRAS: AMENDED_TEXT}, now)
    db.session.flush()
    return chunk


def _create_chunks(export: Job, requester: User, now: datetime) -> list[Job]:
    """The sheets' chunks (indexes 1…), the amendments ordered and cut in slices; the export
    then knows its total (and may be assembled once they are all finished)."""
    ids = ordered_ids(export, requester)
    size = _chunk_size()
    slices = [ids[i : i + size] for i in range(0, len(ids), size)] or [[]]
    export.params = export.params | {
        "total": len(ids),
        "chunks": len(slices) + 1,  # and the amended text's
        DOCUMENTS_IN_CHUNKS: True,
    }
    chunks = [
        _new_chunk(
            export,
            {"index": n + 1, "start": n * size, "total": len(ids), "ids": slice_ids},
            now,
        )
        for n, slice_ids in enumerate(slices)
    ]
    db.session.flush()
    return chunks


def _enqueue_assembly(export: Job) -> None:
    enqueue_after_commit(
        db.session(), QueuedJob("drafting.jobs.documents.assemble_export", (export.id,), retries=2)
    )


def plan_export(export: Job, now: datetime) -> None:
    """Queue the amended text's job (committed at once: it finds and orders the amendments
    itself, on another worker), then order the amendments and create the sheets' chunks
    (once each), and queue the unfinished ones."""
    requester = db.session.get(User, export.requested_by_id)
    assert requester is not None
    chunks, queued = chunks_of(export), set()
    if not chunks:
        first = _create_amended_text(export, now)
        jobs.enqueue(first)
        queued.add(first.id)
        commit()  # dispatched now, while the amendments are ordered
        chunks = chunks_of(export)
    if all(c.params.get(EXTRAS) for c in chunks):  # no sheets' chunk yet
        chunks = [*chunks, *_create_chunks(export, requester, now)]
    # The documents' jobs first: they are the longest, and run while the sheets are rendered.
    pending = sorted(
        (c for c in chunks if c.status != "finished" and c.id not in queued),
        key=lambda c: not c.params.get(EXTRAS),
    )
    for chunk in pending:
        chunk.status = "queued"
        jobs.enqueue(chunk)
    if all(c.status == "finished" for c in chunks):
        _enqueue_assembly(export)


def _batches(ids: Sequence[int | str]) -> Iterator[Sequence[int | str]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def _sheets(
    chunk: Job,
    requester: User,
    documents: liasse_export.ChunkDocuments | None = None,
    kept: reuse.SheetCache | None = None,
) -> Iterator[Any]:
    """The chunk's sheets, loaded batch by batch (with `documents`, each batch's elements of
    the liasse's XML documents written from the same rows; with `kept`, each batch's kept
    sheets and slices looked up at once); progress recorded after each."""
    ids, done = chunk.params["ids"], 0
    requested_at = datetime.fromisoformat(chunk.params["requested_at"])
    for tokens in _batches(ids):
        with Session(db.engine) as batch_session:  # dropped after each batch: flat memory
            batch = liasse_export.load_batch(
                tokens, requester, requested_at, batch_session, documents=documents is not None
            )
            if documents is not None:
                documents.add(batch)
        if kept is not None:
            first_rank = chunk.params["start"] + done
            kept.prefetch(batch.sheets, liasse_parts.COMBINED_SLICE, first_rank)
        yield from batch.sheets
        done += len(tokens)
        record_progress(chunk, done)


def record_progress(chunk: Job, done: int) -> None:
    """The chunk's progress, and the export's (mean of its chunks), in short transactions."""
    total = max(1, len(chunk.params["ids"]))
    jobs.set_progress(chunk.id, 100 * done // total)
    with db.engine.begin() as conn:
        mean = conn.scalar(
            select(func.coalesce(func.sum(Job.progress), 0)).where(Job.parent_id == chunk.parent_id)
        )
        value = int(mean or 0) * 95 // (100 * max(1, chunk.params["chunks"]))
        conn.execute(
            update(Job)
            .where(Job.id == chunk.parent_id, Job.status != "finished")
            .values(
                progress=case((Job.progress < value, value), else_=Job.progress),
                heartbeat_at=utcnow(),  # alive while its chunks are
            )
        )


@contextmanager
def scratch_file(suffix: str) -> Iterator[Path]:
    """A temporary file on the storage volume (renamed into place), removed if left behind."""
    descriptor, name = tempfile.mkstemp(dir=storage.backend().scratch_dir(), suffix=suffix)
    os.close(descriptor)
    path = Path(name)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def render_chunk(chunk: Job, now: datetime) -> None:
    """Render a chunk into a partial ZIP, store it, and queue the assembly if it is the last."""
    export = db.session.get(Job, chunk.parent_id)
    requester = db.session.get(User, chunk.requested_by_id)
    assert export is not None and requester is not None
    key = f"exports/{export.id}/part-{chunk.params['index']:04d}.zip"
    if chunk.params.get(EXTRAS):
        stored, reused = _render_documents(export, chunk.params[EXTRAS], key, now)
        chunk.params = chunk.params | reused
        jobs.mark_finished(chunk, stored, now)
        db.session.flush()
        _finish_chunk(chunk.parent_id)
        return
    kept, documents = reuse.SheetCache(), _chunk_documents(chunk)
    with scratch_file(".zip") as path:
        entries = liasse_parts.write_part(
            _sheets(chunk, requester, documents, kept),
            path,
            chunk.params["start"],
            kept,
            count=len(chunk.params["ids"]),
            places=[str(token) for token in chunk.params["ids"]],
        )
        kept.save()
        liasse_parts.add_entries(path, kept.resolved(entries))
        if documents is not None:
            documents.save()
            documents.write_into(path)
        stored = storage.backend().put(key, path, "application/zip", Path(key).name, move=True)
        storage.name_sources(stored, kept.referenced)  # the kept files its entries name
    chunk.params = chunk.params | {
        "reused": kept.reused,
        "rendered": kept.rendered,
        "slices_reused": kept.slices_reused,
        "runs_reused": kept.runs_reused,
        "fragments_reused": documents.reused if documents is not None else 0,
        "document_slices_reused": documents.slices_reused if documents is not None else 0,
    }
    jobs.mark_finished(chunk, stored, now)
    db.session.flush()
    _finish_chunk(chunk.parent_id)


def _day(job: Job) -> date:
    """The export's day in Paris (the Akoma Ntoso list's date)."""
    return datetime.fromisoformat(job.params["requested_at"]).astimezone(PARIS).date()


def _chunk_documents(chunk: Job) -> liasse_export.ChunkDocuments | None:
    """The chunk's pieces of the XML documents, in an export whose chunks write them."""
    if not chunk.params.get(DOCUMENTS_IN_CHUNKS):
        return None
    assert chunk.text_id is not None
    return liasse_export.ChunkDocuments(
        chunk.text_id, _day(chunk), chunk.params["start"], XML_LEVEL
    )


def _frame(export: Job) -> liasse_documents.Frame | None:
    """What the assembly needs to put the chunks' pieces of the XML documents together."""
    if not export.params.get(DOCUMENTS_IN_CHUNKS):
        return None
    assert export.text_id is not None
    return liasse_export.documents_frame(export.text_id, _day(export), XML_LEVEL)


def _render_documents(
    export: Job, kind: str | bool, key: str, now: datetime
) -> tuple[StoredFile, dict[str, int]]:
    """The liasse's Akoma Ntoso and liasse XML, or its amended text, as a part of their own
    (after the combined PDF in the liasse); with how many amendments' elements, or sections
    of the amended text, were kept."""
    assert export.text_id is not None
    tokens = [t for c in chunks_of(export) if not c.params.get(EXTRAS) for t in c.params["ids"]]
    text = db.session.get_one(LegislativeText, export.text_id)
    name = export_filename(text, export.params.get("group"))
    reused: dict[str, int] = {}
    with scratch_file(".zip") as path:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as part:
            if kind in (XML_DOCUMENTS, True):
                reused["fragments_reused"] = _add_xml_documents(export, tokens, part, now)
            if kind in (AMENDED_TEXT, True):
                amended: Sequence[int | str] = tokens
                if export.params.get(AMENDED_TEXT_FIRST):
                    amended = _amended_ids(export)
                kept = _add_amended_text(export, amended, part, name)
                reused["sections_reused"] = kept.reused
                reused["amended_text_reused"] = int(kept.document_reused)
        stored = storage.backend().put(key, path, "application/zip", Path(key).name, move=True)
    return stored, reused


def _amended_ids(export: Job) -> list[int]:
    """The amended text's amendments, found by its own job (queued before the sheets' chunks
    exist): those the export takes, in any order (the text orders them for discussion)."""
    return our_ids(export, db.session.get_one(User, export.requested_by_id))


def _add_xml_documents(
    export: Job, tokens: Sequence[int | str], part: zipfile.ZipFile, now: datetime
) -> int:
    """The Akoma Ntoso and liasse XML entries; returns how many amendments' elements were
    kept from an earlier export. Deflated at level 3: twice as fast as the default level,
    for 18 % more compressed bytes (the XML is 3 % of the liasse's ZIP)."""
    assert export.text_id is not None
    with (
        tempfile.TemporaryFile(dir=storage.backend().scratch_dir()) as akn,
        tempfile.TemporaryFile(dir=storage.backend().scratch_dir()) as xml,
    ):
        reused = sum(liasse_export.write_documents(export.text_id, tokens, now, akn, xml))
        for name, source in ((liasse_export.AKN_NAME, akn), (liasse_export.XML_NAME, xml)):
            liasse_parts.add_file(part, name, source, zipfile.ZIP_DEFLATED, level=XML_LEVEL)
    return reused


def _finish_chunk(export_id: str | None) -> None:
    # Lock the export row: the chunk that sees no unfinished sibling is the last one.
    query = select(Job).where(Job.id == export_id).with_for_update()
    export = db.session.scalar(query.execution_options(populate_existing=True))
    assert export is not None
    statuses = list(db.session.scalars(select(Job.status).where(Job.parent_id == export.id)))
    if export.status == "failed" and "failed" not in statuses:
        export.status, export.error = "started", None  # the failed chunk succeeded on retry
    # "total": the sheets' chunks exist (the amended text's job may finish before them).
    if "total" in export.params and all(status == "finished" for status in statuses):
        export.progress = 95
        _enqueue_assembly(export)


def export_filename(text: LegislativeText, group: str | None) -> str:
    """The ZIP's download name, e.g. LIASSE_809_ECOS.zip."""
    number = "".join(c for c in text.number if c.isalnum() or c in "-_") or str(text.id)
    return f"LIASSE_{number}{'_' + group if group else ''}.zip"


def assemble(export: Job, now: datetime) -> None:
    """Make the final ZIP of the finished chunks' parts: spliced from them (byte ranges of the
    parts, nothing copied), or, when a part kept stand-alone slices, stitched into a new file
    and the parts dropped."""
    chunks = chunks_of(export)
    if any(c.status != "finished" or c.file_id is None for c in chunks):
        raise RuntimeError("export chunks are not all finished")
    text = db.session.get(LegislativeText, export.text_id)
    assert text is not None
    name = export_filename(text, export.params.get("group"))
    parts = [db.session.get_one(StoredFile, c.file_id) for c in chunks]
    clock = _Clock()
    ordered = [p for p, c in zip(parts, chunks, strict=True) if not c.params.get(EXTRAS)]
    documents = [p for p, c in zip(parts, chunks, strict=True) if c.params.get(EXTRAS)]
    stored = _spliced(export, ordered, documents, name, clock)
    if stored is None:
        stored = _stitched(export, ordered, documents, name, clock)
        _drop_parts(chunks, parts)
    else:
        _release_parts(chunks)  # the liasse is made of them now
    clock.lap("cleanup")
    jobs.mark_finished(export, stored, now)
    export.params = export.params | {
        "assembly_seconds": clock.laps,
        **{name: sum(int(c.params.get(name, 0)) for c in chunks) for name in REUSE_COUNTS},
        "spliced": stored.backend == storage.ComposedStorage.backend,
    }


def _spliced(
    export: Job,
    parts: Sequence[StoredFile],
    documents: Sequence[StoredFile],
    name: str,
    clock: _Clock,
) -> StoredFile | None:
    """The liasse as a composed file: the parts' byte ranges and the glue `liasse_splice`
    writes (stored as a file of its own); its SHA-256 read through once."""
    sources = [*parts, *documents]
    openers = [functools.partial(storage.open_file, source) for source in sources]
    combined = name.removesuffix(".zip") + ".pdf"
    with scratch_file(".glue") as path:
        with open(path, "w+b") as glue:
            pieces = liasse_splice.splice(
                openers[: len(parts)], openers[len(parts) :], glue, combined, _frame(export)
            )
        if pieces is None:
            return None
        clock.lap("splice")

        def glue_opener() -> IO[bytes]:
            return open(path, "rb")

        kept = _kept_openers(pieces)

        def opener_of(source: liasse_splice.Source) -> Callable[[], IO[bytes]]:
            if isinstance(source, liasse_splice.KeptFile):
                return kept[source.file_id]
            return glue_opener if source == liasse_splice.GLUE else openers[source]

        readable = [(opener_of(source), offset, length) for source, offset, length in pieces]
        sha = hashlib.sha256()  # hashlib lets go of the GIL: the next batches load meanwhile
        for block in storage.piece_blocks(readable):
            sha.update(block)
        digest = sha.hexdigest()
        clock.lap("digest")
        glue_row = storage.backend().put(
            f"exports/{export.id}/{name}.glue", path, "application/octet-stream", "glue", move=True
        )

    def file_id(source: liasse_splice.Source) -> int:
        if isinstance(source, liasse_splice.KeptFile):
            return source.file_id
        return glue_row.id if source == liasse_splice.GLUE else sources[source].id

    composed = [(file_id(source), offset, length) for source, offset, length in pieces]
    stored = storage.compose(
        f"exports/{export.id}/{name}",
        composed,
        digest,
        "application/zip",
        name,
        sources=[glue_row.id, *(source.id for source in sources)],  # the parts name the rest
    )
    clock.lap("store")
    return stored


def _kept_openers(pieces: Sequence[liasse_splice.Piece]) -> dict[int, Callable[[], IO[bytes]]]:
    """The kept files a spliced liasse references, each read whole: small database files
    (`storage.inline_openers`), unless one is larger than a database row holds."""
    sizes = {s.file_id: n for s, _, n in pieces if isinstance(s, liasse_splice.KeptFile)}
    if all(size <= storage.PART_SIZE for size in sizes.values()):
        return storage.inline_openers(list(sizes))
    return storage.openers(list(sizes))


def _stitched(
    export: Job,
    parts: Sequence[StoredFile],
    documents: Sequence[StoredFile],
    name: str,
    clock: _Clock,
) -> StoredFile:
    """The liasse copied into a file of its own (`liasse_parts.stitch`)."""
    with scratch_file(".zip") as path:
        with _local_parts([*parts, *documents]) as paths:
            clock.lap("fetch")
            combined = name.removesuffix(".zip") + ".pdf"
            liasse_parts.stitch(
                paths[: len(parts)],
                path,
                combined,
                paths[len(parts) :],
                _read_kept,
                _frame(export),
            )
            clock.lap("stitch")
        stored = storage.backend().put(
            f"exports/{export.id}/{name}", path, "application/zip", name, move=True
        )
        clock.lap("store")
    return stored


def _read_kept(ids: Sequence[int]) -> dict[int, bytes]:
    """The bytes of kept files a part names (a stitched liasse copies them)."""
    opened = storage.openers(ids)
    found = {}
    for file_id, opener in opened.items():
        with opener() as source:
            found[file_id] = source.read()
    return found


def _add_amended_text(
    export: Job, tokens: Sequence[int | str], part: zipfile.ZipFile, name: str
) -> reuse.KeptSections:
    """The text with the liasse's amendments applied, as a PDF beside the sheets (issue 18);
    returns what was kept from an earlier export (the whole document, or sections)."""
    # Ours only: the external amendments of a full liasse ("p12" tokens) have no text to apply.
    ids, _ = liasse_export.split(tokens)
    assert export.text_id is not None
    requested = datetime.fromisoformat(export.params["requested_at"])
    subtitle = f"Texte amendé par les {len(ids)} amendements de la liasse"
    kept = reuse.KeptSections()
    day = requested.astimezone(PARIS).date()
    document = liasse_document(export.text_id, ids, subtitle, day, kept)
    if document is not None:
        pdf_name = name.replace("LIASSE_", "TEXTE_AMENDE_", 1).replace(".zip", ".pdf")
        liasse_parts.add_file(part, pdf_name, io.BytesIO(document), zipfile.ZIP_STORED)
    return kept


class _Clock:
    """Seconds spent in each step of the assembly (kept on the job, shown by the benchmark)."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name], self.last = round(now - self.last, 2), now


def _release_parts(chunks: Sequence[Job]) -> None:
    for chunk in chunks:
        chunk.file_id = None
    db.session.flush()


def _drop_parts(chunks: Sequence[Job], parts: Sequence[StoredFile | None]) -> None:
    for chunk in chunks:
        chunk.file_id = None
    db.session.flush()
    for part in parts:
        if part is not None:
            storage.storage_for(part).remove(part)


@contextmanager
def _local_parts(parts: Sequence[Any]) -> Iterator[list[Path]]:
    """Seekable local files of the stored parts: the files themselves, or streamed copies."""
    with tempfile.TemporaryDirectory(dir=storage.backend().scratch_dir()) as folder:
        paths = []
        for index, part in enumerate(parts):
            backend = storage.storage_for(part)
            if isinstance(backend, storage.FilesystemStorage):
                paths.append(backend.path(part.key))
                continue
            target = Path(folder) / f"part-{index:04d}.zip"
            with backend.open(part) as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out, 1 << 20)
            paths.append(target)
        yield paths
