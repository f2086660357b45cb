"""Rendered sheets reused by the liasse: a re-export renders only the amendments that changed.

Each sheet's DOCX and PDF are kept under the printed sheet's digest (`sheets.cache_key`: the
content hash, the template's version and everything else the sheet prints), the cache the
single-document jobs already use for DOCX. A chunk looks each slice up in one query, renders
only what is missing and stores it all in one statement once the chunk is rendered. The PDF
kept is the liasse's own (untagged, cut out of a batch compilation), under its own format
name, so a single document download keeps its tagged PDF.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from flask import current_app
from sqlalchemy import select

from drafting.extensions import db
from drafting.models import Job, StoredFile, StoredFileSource
from drafting.rendering import liasse_parts, pdf_segments
from drafting.rendering.liasse_parts import (
    Compiled,
    Document,
    Entry,
    Kept,
    KeptRun,
    Rendered,
    ToKeep,
)
from drafting.rendering.sheet import AmendmentSheet, download_name
from drafting.services.documents import storage
from drafting.services.documents.sheets import (
    CONTENT_TYPES,
    cache_key,
    sheet_digest,
    template_version,
)
from drafting.services.legistique.amended_text import DOCUMENT_KEY_PREFIX

LIASSE_PDF = "liasse-pdf"
LIASSE_PAGES = "liasse-pages"  # a slice's pages of the combined PDF
LIASSE_PLACES = "liasse-places"  # which sheets the slice compiled last at a place holds
LIASSE_RUNS = "liasse-runs"  # a slice's pages renumbered at its place in the combined PDF
RUN_MANIFEST = "/manifest"
T = TypeVar("T")


@dataclass
class SheetCache:
    """Looks sheets up and keeps new renderings; counts what it reused and what it rendered."""

    reused: int = 0
    rendered: int = 0
    slices_reused: int = 0
    pending: list[storage.SmallFile] = field(default_factory=list)
    referenced: set[int] = field(default_factory=set)  # the kept files given as `Kept`
    # The keys of the sheets looked up last (a batch's, or a slice's), by sheet (each digest
    # is worked out once, not for each of the lookup, the slice's pages and their storing).
    _known: dict[int, tuple[AmendmentSheet, tuple[str, str]]] = field(default_factory=dict)
    # What `prefetch` found for a batch: its sheets' kept files, its slices' kept pages.
    _described: dict[str, storage.Described] = field(default_factory=dict)
    _prefetched: set[str] = field(default_factory=set)
    _kept_pages: dict[str, bytes | None] = field(default_factory=dict)
    _run_manifests: dict[str, bytes | None] = field(default_factory=dict)
    _compiled: Compiled | None = None  # the batch's changed sheets, compiled together
    runs_reused: int = 0

    def prefetch(self, sheets: Sequence[AmendmentSheet], per_slice: int, first_rank: int) -> None:
        """Look up a batch of sheets (a chunk's 500, the first ranked `first_rank` + 1) and
        what is kept of its slices of `per_slice` — their runs, else the pages of those whose
        sheets are all kept — in a few queries rather than a few a slice: `lookup`, `run` and
        `pages` then answer from here for these sheets (and ask the database for others)."""
        self._known = {}
        slices = [sheets[n : n + per_slice] for n in range(0, len(sheets), per_slice)]
        runs = [
            self._run_key(
                batch, pdf_segments.number_range(first_rank + n * per_slice, len(batch))[0]
            )
            for n, batch in enumerate(slices)
        ]
        keys = [key for sheet in sheets for key in self._keys(sheet)]
        self._described = storage.describe_many([*keys, *runs])
        self._prefetched = {*keys, *runs}
        manifests = storage.read_many([f"{run}{RUN_MANIFEST}" for run in runs])
        self._run_manifests = {run: manifests.get(f"{run}{RUN_MANIFEST}") for run in runs}
        complete = [
            batch
            for batch, run in zip(slices, runs, strict=True)
            if self._run_manifests[run] is None
            and all(key in self._described for sheet in batch for key in self._keys(sheet))
        ]
        wanted = [self._pages_key(batch) for batch in complete]
        found = storage.read_many(wanted) if wanted else {}
        self._kept_pages = {key: found.get(key) for key in wanted}
        self._compiled = None
        changed = [self._changed(batch) for batch in slices]
        spread = [
            sheet
            for batch, new in zip(slices, changed, strict=True)
            if len(new) < len(batch)  # a slice changed whole is compiled whole
            for sheet in new
        ]
        if spread:  # sheets changed here and there: one compilation, not one a slice
            self._compiled = liasse_parts.compile_together(spread)

    def _changed(self, sheets: Sequence[AmendmentSheet]) -> list[AmendmentSheet]:
        """The sheets of a prefetched batch not kept (or only in part)."""
        return [s for s in sheets if not all(key in self._described for key in self._keys(s))]

    def compiled(self, sheets: Sequence[AmendmentSheet]) -> Compiled | None:
        """These sheets as compiled with the other changed sheets of their batch (`prefetch`:
        those of the slices that did not change whole), or None."""
        held = self._compiled is not None and self._compiled.holds(sheets)
        return self._compiled if held else None

    def _run_key(self, sheets: Sequence[AmendmentSheet], first_number: int) -> str:
        """Where these sheets' pages renumbered from `first_number` are kept."""
        named = f"{self._pages_key(sheets)} {first_number} {pdf_segments.PER_SHEET}"
        digest = hashlib.sha256(named.encode("utf-8")).hexdigest()
        return f"amdt/slices/{LIASSE_RUNS}/{template_version()}/{digest}"

    def run(self, sheets: Sequence[AmendmentSheet], first_number: int) -> KeptRun | None:
        """The kept run of exactly these sheets renumbered from `first_number` (database
        storage only: a part references it as it references kept sheets), or None."""
        if storage.backend().backend != storage.DatabaseStorage.backend:
            return None
        key = self._run_key(sheets, first_number)
        if key in self._prefetched:
            described, manifest = self._described.get(key), self._run_manifests.get(key)
        else:
            described = storage.describe_many([key]).get(key)
            manifest = storage.read_many([f"{key}{RUN_MANIFEST}"]).get(f"{key}{RUN_MANIFEST}")
        if described is None or manifest is None or described.crc32 is None:
            return None
        noted = json.loads(manifest)
        if described.backend != storage.DatabaseStorage.backend or described.size != noted["size"]:
            return None
        self.runs_reused += 1
        self.referenced.add(described.id)
        return KeptRun(Kept(described.id, described.size, described.crc32), noted)

    def store_run(
        self, sheets: Sequence[AmendmentSheet], first_number: int, data: bytes, manifest: dict
    ) -> None:
        """Note these sheets' run (renumbered from `first_number`) to keep, with its manifest
        (database storage only); `save` writes them."""
        if storage.backend().backend != storage.DatabaseStorage.backend:
            return
        key = self._run_key(sheets, first_number)
        noted = json.dumps(manifest).encode("utf-8")
        self.pending += [
            storage.SmallFile(key, data, CONTENT_TYPES["pdf"], "run.pdf"),
            storage.SmallFile(f"{key}{RUN_MANIFEST}", noted, "application/json", "run.json"),
        ]

    def run_bytes(self, run: KeptRun) -> bytes:
        """A kept run's bytes (a part whose runs were given up copies it)."""
        with storage.openers([run.file.file_id])[run.file.file_id]() as source:
            return source.read()

    def _keys(self, sheet: AmendmentSheet) -> tuple[str, str]:
        known = self._known.get(id(sheet))
        if known is not None and known[0] is sheet:
            return known[1]
        version = template_version()
        digest = sheet_digest(sheet)  # one digest, two keys
        keys = (
            cache_key(sheet, "docx", version, digest),
            cache_key(sheet, LIASSE_PDF, version, digest),
        )
        self._known[id(sheet)] = (sheet, keys)
        return keys

    def lookup(self, sheets: Sequence[AmendmentSheet]) -> list[Rendered | None]:
        """Each sheet's kept (DOCX, PDF), or None when either is missing. A document the
        database holds is given as a `Kept` reference (the liasse is then made of the stored
        file itself: nothing read or copied); one on a volume or in a bucket as its bytes,
        read and checked (`storage.read_many`: a file cut short by a crash is not served)."""
        if not all(id(sheet) in self._known for sheet in sheets):
            self._known = {}  # not the batch prefetched: memory for one slice's keys
        keys = [self._keys(sheet) for sheet in sheets]
        wanted = [key for pair in keys for key in pair]
        missing = [key for key in wanted if key not in self._prefetched]
        described = {key: self._described[key] for key in wanted if key in self._described}
        if missing:
            described |= storage.describe_many(missing)
        referenced = {
            key: Kept(found.id, found.size, found.crc32)
            for key, found in described.items()
            if found.backend == storage.DatabaseStorage.backend and found.crc32 is not None
        }
        others = [key for key in wanted if key in described and key not in referenced]
        read: dict[str, Document] = {**storage.read_many(others), **referenced}
        kept: list[Rendered | None] = [
            (read[docx], read[pdf]) if docx in read and pdf in read else None for docx, pdf in keys
        ]
        self.reused += sum(1 for entry in kept if entry is not None)
        self.referenced.update(
            document.file_id
            for entry in kept
            if entry is not None
            for document in entry
            if isinstance(document, Kept)
        )
        return kept

    def store(
        self, sheets: Sequence[AmendmentSheet], documents: Sequence[tuple[bytes, bytes]]
    ) -> list[Rendered]:
        """Note the new renderings (`save` writes them once the chunk is rendered); returns
        what the part takes of them: in the database, `ToKeep` references (the liasse is
        made of the kept files, `resolved` names them), elsewhere their bytes."""
        referenced = storage.backend().backend == storage.DatabaseStorage.backend
        taken: list[Rendered] = []
        for sheet, (docx, pdf) in zip(sheets, documents, strict=True):
            docx_key, pdf_key = self._keys(sheet)
            self.pending += [
                storage.SmallFile(
                    docx_key, docx, CONTENT_TYPES["docx"], download_name(sheet, "docx")
                ),
                storage.SmallFile(pdf_key, pdf, CONTENT_TYPES["pdf"], download_name(sheet, "pdf")),
            ]
            if referenced:
                taken.append((_to_keep(docx_key, docx), _to_keep(pdf_key, pdf)))
            else:
                taken.append((docx, pdf))
        self.rendered += len(documents)
        return taken

    def resolved(self, entries: Sequence[Entry]) -> list[Entry]:
        """The part's entries with each `ToKeep` key replaced by its stored file (once
        `save` stored them; a key another job stored first names that job's file, the same
        sheet), its size and CRC-32 as stored."""
        keys = [file_id for _, file_id, _, _ in entries if isinstance(file_id, str)]
        if not keys:
            return list(entries)
        found = storage.describe_many(keys)
        if any(key not in found or found[key].crc32 is None for key in keys):
            raise FileNotFoundError("a sheet kept by this chunk is not stored")
        self.referenced.update(found[key].id for key in keys)
        return [
            [name, found[ref].id, found[ref].size, found[ref].crc32]
            if isinstance(ref, str)
            else [name, ref, size, crc]
            for name, ref, size, crc in entries
        ]

    def _pages_key(self, sheets: Sequence[AmendmentSheet]) -> str:
        """The combined PDF's pages of these sheets in this order: named after their sheets'
        keys (so after each printed sheet's digest and the template's version)."""
        digest = hashlib.sha256("\n".join(self._keys(s)[1] for s in sheets).encode("utf-8"))
        return f"amdt/slices/{LIASSE_PAGES}/{template_version()}/{digest.hexdigest()}"

    def pages(self, sheets: Sequence[AmendmentSheet]) -> bytes | None:
        """The kept pages of the combined PDF for exactly these sheets, or None."""
        key = self._pages_key(sheets)
        if key in self._kept_pages:
            found = self._kept_pages.pop(key)
        else:
            found = storage.read_many([key]).get(key)
        self.slices_reused += found is not None
        return found

    def store_pages(self, sheets: Sequence[AmendmentSheet], pages: bytes) -> None:
        """Note the combined PDF's pages of these sheets; `save` writes them."""
        name = "pages.pdf"
        self.pending.append(
            storage.SmallFile(self._pages_key(sheets), pages, CONTENT_TYPES["pdf"], name)
        )

    def _place_key(self, place: str) -> str:
        digest = hashlib.sha256(place.encode("utf-8")).hexdigest()
        return f"amdt/slices/{LIASSE_PLACES}/{template_version()}/{digest}"

    def earlier_pages(
        self, place: str, sheets: Sequence[AmendmentSheet]
    ) -> tuple[bytes, list[tuple[int, int] | None]] | None:
        """The pages of the slice kept last at `place` (the same amendments in the same
        order), and where each of these sheets lies in them, (first page, page count), when
        it printed the very same sheet (None for one that changed since); None when no slice
        was kept there."""
        place_key = self._place_key(place)
        manifest = storage.read_many([place_key]).get(place_key)
        if manifest is None:
            return None
        noted = json.loads(manifest)
        pages = storage.read_many([noted["pages"]]).get(noted["pages"])
        if pages is None or len(noted["sheets"]) != len(sheets):
            return None
        spans: list[tuple[int, int] | None] = []
        first = 0
        for sheet, (key, count) in zip(sheets, noted["sheets"], strict=True):
            spans.append((first, count) if self._keys(sheet)[1] == key else None)
            first += count
        return pages, spans

    def store_place(self, place: str, sheets: Sequence[AmendmentSheet], counts: Sequence[int]):
        """Note that the slice at `place` now holds these sheets, of these many pages each
        (the slice's pages are kept under `_pages_key(sheets)`)."""
        noted = {
            "pages": self._pages_key(sheets),
            "sheets": [[self._keys(s)[1], n] for s, n in zip(sheets, counts, strict=True)],
        }
        data = json.dumps(noted).encode("utf-8")
        self.pending.append(
            storage.SmallFile(self._place_key(place), data, "application/json", "place.json")
        )

    def save(self) -> None:
        """Write the noted renderings in one statement, in the chunk's transaction (committed
        with its part). Written at the end, so the chunk takes no write lock while it renders
        (SQLite: its progress is recorded on another connection meanwhile)."""
        storage.backend().put_many(self.pending)
        self.pending = []


@dataclass
class FragmentCache:
    """Each amendment's element in the liasse's Akoma Ntoso or liasse XML, kept under a digest
    of what it is written from (the exchange record, and the writer's `context`: the text,
    the day, the writer's code), so a re-export writes again only the amendments that changed."""

    context: str
    kind: str  # "akn" | "liasse-xml"
    reused: int = 0
    pending: dict[str, storage.SmallFile] = field(default_factory=dict)

    def key(self, item: object) -> str:
        """Where the item's fragment is kept (a digest of the item and the context)."""
        digest = hashlib.sha256(f"{self.context}\n{item!r}".encode()).hexdigest()
        return f"amdt/fragments/{self.kind}/{digest}"

    def fragments(
        self, items: Sequence[T], write: Callable[[T], bytes], keys: Sequence[str] | None = None
    ) -> list[bytes]:
        """Each item's fragment: kept, or written (and kept); `keys`, when given, are the
        items' (`key`, worked out already)."""
        keys = list(keys) if keys is not None else [self.key(item) for item in items]
        found = storage.read_many(keys)
        fragments = []
        for key, item in zip(keys, items, strict=True):
            fragment = found.get(key)
            if fragment is None:
                fragment = write(item)
                self.pending[key] = storage.SmallFile(key, fragment, "application/xml", "a.xml")
            else:
                self.reused += 1
            fragments.append(fragment)
        return fragments

    def save(self) -> None:
        """Write the new fragments in one statement."""
        storage.backend().put_many(list(self.pending.values()))
        self.pending = {}


class KeptSections:
    """The liasse's amended text kept between exports: whole, under a digest of everything it
    is made of (`services/legistique/amended_text.document_key`, "document-…": a re-export
    whose amendments changed only in their exposés or co-signatories neither applies nor
    compiles anything), and its compiled sections under a digest of their data
    (rendering/amended_text.section_key: one whose amendments changed on some articles
    compiles only the sections that changed)."""

    def __init__(self) -> None:
        self.reused = 0  # sections
        self.document_reused = False

    def _key(self, key: str) -> str:
        return f"amdt/amended-text/{key}"

    def get(self, key: str) -> bytes | None:
        """The kept section or document, or None."""
        found = storage.read_many([self._key(key)]).get(self._key(key))
        if key.startswith(DOCUMENT_KEY_PREFIX):
            self.document_reused = found is not None
        else:
            self.reused += found is not None
        return found

    def put(self, key: str, pdf: bytes) -> None:
        """Keep a section or document (the first one stored under its key stays; written
        without waiting for the disk, like kept sheets: one cut short is never read)."""
        kept = storage.SmallFile(self._key(key), pdf, CONTENT_TYPES["pdf"], "section.pdf")
        storage.backend().put_many([kept])


def _to_keep(key: str, data: bytes) -> ToKeep:
    return ToKeep(key, len(data), zlib.crc32(data))


PRUNED_PER_TICK = 2_000


def prune(now: datetime) -> int:
    """Forget kept sheets older than LIASSE_SHEET_CACHE_DAYS that no job hands out and no
    liasse is made of (the clock calls it; at most PRUNED_PER_TICK a call). An unfiled sheet
    prints its export's day, so old ones are never found again; a filed one is rendered again
    on its next export."""
    days = int(current_app.config.get("LIASSE_SHEET_CACHE_DAYS") or 14)
    served = select(Job.file_id).where(Job.file_id.is_not(None))
    read = select(StoredFileSource.source_id)  # a liasse is made of it
    query = (
        select(StoredFile)
        .where(
            StoredFile.key.like("amdt/%"),
            StoredFile.created_at < now - timedelta(days=days),
            StoredFile.id.not_in(served),
            StoredFile.id.not_in(read),
        )
        .limit(PRUNED_PER_TICK)
    )
    old = list(db.session.scalars(query))
    for row in old:
        storage.storage_for(row).remove(row)
    return len(old)
