"""Syncing a text's amendments back from the Assembly (open-data JSON, liasse XML, Eliasse XML).

Every amendment of the text read from the source becomes (or updates) one row of
`published_amendments`, compared by digest: a record read again unchanged writes nothing, so a
re-run with nothing new changes nothing. A record is linked to one of ours when it matches (its
official number, else its position, normalised dispositif and author); ours are then updated —
a `ready` amendment the Assembly published is filed, a filed one gets its number, rectification
and outcome — and each change is journalled. Drafts (draft, in review, open) are never touched.
Every other record is an external amendment. What cannot be matched is listed in the summary.
The whole sync is one transaction: a source that cannot be read changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from drafting.errors import Forbidden, Invalid
from drafting.extensions import db
from drafting.models import Group, LegislativeText, PublishedAmendment, User
from drafting.models.event_kinds import EventKind
from drafting.permissions import can_manage_texts
from drafting.services import journal, texts
from drafting.services.assembly import matching, reporting
from drafting.services.assembly import order as call_order
from drafting.services.assembly.amendment_records import AssemblyAmendment
from drafting.services.assembly.amendments_opendata import parse_amendment_files
from drafting.services.assembly.amendments_xml import OrderList
from drafting.services.assembly.errors import SourceError
from drafting.services.assembly.published import (
    TRACKED,
    digest,
    record_uid,
    row_values,
)
from workflows.order_of_call import spaced_keys

Progress = Callable[[int], None]
BATCH = 1_000
_TEXT_FOLDER = re.compile(r"^(?:PRJL|PION|PNRE|RAPP)\w*?B(?:TC)?0*(\d+)\w*$")
_TEXT_PREFIXES = ("PRJL", "PION", "PNRE", "RAPP")


@dataclass
class Unmatched:
    """Something a person must settle: a record of one of our deputies that matches none of our
    amendments ("assembly"), or one of our filed amendments the source lacks ("local")."""

    side: str
    reason: str
    number: str | None = None
    uid: str | None = None
    amendment_id: int | None = None
    article: str | None = None


@dataclass
class SyncSummary:
    """What a sync did."""

    text_id: int
    read: int = 0
    matched: int = 0
    updated: int = 0
    external_added: int = 0
    external_updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    unmatched: list[Unmatched] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether anything was written."""
        return bool(self.updated or self.external_added or self.external_updated)

    def as_json(self) -> dict[str, Any]:
        """The summary as the API and the job's result give it."""
        return asdict(self)

    def lines(self) -> list[str]:
        """The summary in French, as the command prints it."""
        lines = [
            f"Amendements lus : {self.read} (fichiers écartés : {self.skipped}).",
            f"Rapprochés des nôtres : {self.matched}, mis à jour : {self.updated}.",
            f"Amendements extérieurs ajoutés : {self.external_added}, mis à jour : "
            f"{self.external_updated} ; inchangés : {self.unchanged}.",
            f"Non rapprochés : {len(self.unmatched)}.",
        ]
        for item in self.unmatched:
            label = item.number or (f"#{item.amendment_id}" if item.amendment_id else item.uid)
            lines.append(f"  - {label} : {item.reason}")
        return lines


@dataclass(frozen=True)
class _Known:
    id: int
    digest: str
    amendment_id: int | None


def check_actor(actor: User | None) -> None:
    """Secretariats and admins sync (None: the operator at the console)."""
    if actor is not None and not can_manage_texts(actor):
        raise Forbidden("Seuls les secrétariats de groupe et les administrateurs synchronisent.")


def sync_text(
    actor: User | None,
    text_id: int,
    items: Iterable[tuple[str, bytes]],
    now: datetime,
    *,
    source: str,
    progress: Progress | None = None,
) -> SyncSummary:
    """Read the source's amendments of the text and apply them (see the module's docstring)."""
    check_actor(actor)
    text = texts.get_text(text_id)
    summary = SyncSummary(text_id=text.id)
    records, order = _read(items, text, summary)
    # The last report: once writing starts, SQLite would block a report on another connection.
    (progress or _quiet)(50)
    _apply(actor, text, records, order, now, summary)
    _list_unmatched(actor, text, records, summary)
    if summary.changed:
        _record_run(actor, text, source, now, summary)
    return summary


def _quiet(_: int) -> None:
    return None


# --- reading -----------------------------------------------------------------------------------


def _read(
    items: Iterable[tuple[str, bytes]], text: LegislativeText, summary: SyncSummary
) -> tuple[dict[str, AssemblyAmendment], dict[str, str]]:
    """The text's records by uid (the last read wins) and the order lists' keys by number."""
    number = _digits(text.amended_number)
    try:
        batch = parse_amendment_files(_of_text(items, number, summary))
    except SourceError as exc:
        raise Invalid(
            exc.message, code="unreadable_source", fields={"source": exc.message}
        ) from exc
    summary.skipped += len(batch.skipped)
    records: dict[str, AssemblyAmendment] = {}
    for record in batch.amendments:
        if record.text_number is None or _digits(record.text_number) == number:
            records[record_uid(record)] = record
    summary.read = len(records)
    return records, _order_list_keys(batch.order_lists, number)


def _digits(number: str) -> str:
    match = re.match(r"\s*0*(\d+)", number or "")
    return match.group(1) if match else (number or "").strip()


def _of_text(
    items: Iterable[tuple[str, bytes]], number: str, summary: SyncSummary
) -> Iterator[tuple[str, bytes]]:
    """The bulk dataset's files of this text (its folders of other texts are not even parsed)."""
    for name, content in items:
        folders = [
            p for p in name.replace("\\", "/").split("/")[:-1] if p.startswith(_TEXT_PREFIXES)
        ]
        match = _TEXT_FOLDER.match(folders[-1]) if folders else None
        if match is not None and match.group(1) != number:
            summary.skipped += 1
            continue
        yield name, content


def _order_list_keys(lists: list[OrderList], number: str) -> dict[str, str]:
    """Eliasse's dérouleur gives the order of call as ranks: keys spaced in that order."""
    keys: dict[str, str] = {}
    for order_list in lists:
        if order_list.text_number and _digits(order_list.text_number) != number:
            continue
        entries = sorted(order_list.entries, key=lambda e: e.rank)
        keys.update(zip((e.number for e in entries), spaced_keys(len(entries)), strict=True))
    return keys


# --- applying ----------------------------------------------------------------------------------


def _apply(
    actor: User | None,
    text: LegislativeText,
    records: dict[str, AssemblyAmendment],
    order: dict[str, str],
    now: datetime,
    summary: SyncSummary,
) -> None:
    known = _known(text.id)
    candidates = matching.Candidates.of_text(text.id)
    authors, groups = _references(records.values())
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    ours: list[tuple[int, AssemblyAmendment, _Known | None]] = []
    for uid, record in records.items():
        key = record.order_key or order.get(record.number)
        fingerprint = digest(record, key)
        existing = known.get(uid)
        linked = existing.amendment_id if existing else None
        if linked is None:
            linked = candidates.claim(record)
        summary.matched += linked is not None
        if existing and existing.digest == fingerprint and existing.amendment_id == linked:
            summary.unchanged += 1
            continue
        values = row_values(record, authors=authors, groups=groups, order_key=key)
        values |= {"digest": fingerprint, "synced_at": now, "amendment_id": linked}
        if existing is None:
            inserts.append(values | {"text_id": text.id})
        else:
            updates.append(values | {"id": existing.id})
        if linked is not None:
            ours.append((linked, record, existing))
        elif existing is None:
            summary.external_added += 1
        else:
            summary.external_updated += 1
    previous = _previous_rows([k.id for _, _, k in ours if k is not None])
    _write(inserts, updates)
    for amendment_id, record, existing in ours:
        old = previous.get(existing.id) if existing else None
        if reporting.update_ours(actor, amendment_id, record, old, now):
            summary.updated += 1
    if inserts or updates:
        call_order.refresh(text)


def _known(text_id: int) -> dict[str, _Known]:
    query = select(
        PublishedAmendment.uid,
        PublishedAmendment.id,
        PublishedAmendment.digest,
        PublishedAmendment.amendment_id,
    ).where(PublishedAmendment.text_id == text_id)
    return {
        row.uid: _Known(row.id, row.digest, row.amendment_id) for row in db.session.execute(query)
    }


def _references(records: Iterable[AssemblyAmendment]) -> tuple[dict[str, int], dict[str, int]]:
    """Accounts and groups by the Assembly's ids, for the refs the records name."""
    actors = {r.author_ref for r in records if r.author_ref}
    organs = {r.group_ref for r in records if r.group_ref}
    authors: dict[str, int] = {}
    groups: dict[str, int] = {}
    if actors:
        query = select(User.assembly_id, User.id).where(User.assembly_id.in_(actors))
        authors = {ref: id_ for ref, id_ in db.session.execute(query) if ref}
    if organs:
        query = select(Group.assembly_id, Group.id).where(Group.assembly_id.in_(organs))
        groups = {ref: id_ for ref, id_ in db.session.execute(query) if ref}
    return authors, groups


def _previous_rows(ids: list[int]) -> dict[int, dict[str, Any]]:
    """What the Assembly said before of ours (for the journal's old values)."""
    if not ids:
        return {}
    columns = [PublishedAmendment.id, *(getattr(PublishedAmendment, c) for c in TRACKED)]
    rows = db.session.execute(select(*columns).where(PublishedAmendment.id.in_(ids)))
    return {row.id: dict(row._mapping) for row in rows}


def _write(inserts: list[dict[str, Any]], updates: list[dict[str, Any]]) -> None:
    table = PublishedAmendment.__table__
    for start in range(0, len(inserts), BATCH):
        db.session.execute(insert(table), inserts[start : start + BATCH])
    for start in range(0, len(updates), BATCH):
        db.session.execute(update(PublishedAmendment), updates[start : start + BATCH])


# --- order of call, unmatched, journal ---------------------------------------------------------


def _list_unmatched(
    actor: User | None,
    text: LegislativeText,
    records: dict[str, AssemblyAmendment],
    summary: SyncSummary,
) -> None:
    query = select(PublishedAmendment.uid, PublishedAmendment.amendment_id).where(
        PublishedAmendment.text_id == text.id, PublishedAmendment.amendment_id.is_not(None)
    )
    linked_uids: set[str] = set()
    linked: set[int] = set()
    for uid, amendment_id in db.session.execute(query):
        linked_uids.add(uid)
        if amendment_id is not None:
            linked.add(amendment_id)
    ours = matching.our_deputies(actor, text.id)
    for uid, record in records.items():
        if record.author_ref in ours and uid not in linked_uids:
            summary.unmatched.append(
                Unmatched(
                    "assembly",
                    "amendement d'un de nos députés sans amendement correspondant dans Liasse",
                    number=record.number_label,
                    uid=uid,
                    article=record.position.article_number,
                )
            )
    for amendment in matching.filed_without_record(text.id, linked, actor):
        summary.unmatched.append(
            Unmatched(
                "local",
                "déposé dans Liasse mais absent de la source",
                number=amendment.number,
                amendment_id=amendment.id,
                article=amendment.article.number,
            )
        )


def _record_run(
    actor: User | None, text: LegislativeText, source: str, now: datetime, summary: SyncSummary
) -> None:
    journal.record(
        EventKind.TEXT_SYNCED,
        now=now,
        actor=actor,
        text_id=text.id,
        data={
            "source": source[:300],
            "matched": summary.matched,
            "updated": summary.updated,
            "external_added": summary.external_added,
            "external_updated": summary.external_updated,
            "unmatched": len(summary.unmatched),
        },
    )
