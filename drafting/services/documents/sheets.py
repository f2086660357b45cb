"""The official sheet of an amendment: the data it prints, its cache key, its rendering."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import NamedTuple, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from drafting.extensions import db
from drafting.infra.direct import binary_rows
from drafting.infra.sql import among
from drafting.models import Amendment, Signature, User
from drafting.rendering.sheet import AmendmentSheet, Signatory, french_date
from workflows.deadlines import PARIS
from workflows.review import State

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "zip": "application/zip",
}
DOCUMENT_FORMATS = ("docx", "pdf")


def watermark_for(requester: User, now: datetime) -> str:
    """The mark printed on an unfiled amendment's copy: who exported it and when."""
    return f"Exporté par {requester.display_name} le {french_date(now.astimezone(PARIS).date())}"


class Printed(Protocol):
    """What a sheet prints of a deputy (a User, or a `Deputy`)."""

    @property
    def civility(self) -> str: ...

    @property
    def first_name(self) -> str: ...

    @property
    def last_name(self) -> str: ...


def _signatory(person: Printed) -> Signatory:
    if isinstance(person, Signatory):
        return person  # already what the sheet prints (one per deputy: current_cosigners)
    return Signatory(
        civility=person.civility, first_name=person.first_name, last_name=person.last_name
    )


def current_cosigner_ids(
    amendment_ids: Sequence[int], session: Session | None = None
) -> dict[int, list[int]]:
    """The deputy ids of each amendment's current co-signatories, in signing order: one query
    of two integers a row (a liasse of 20 000 amendments reads 600 000 co-signatures of 577
    deputies, so their names are read once per deputy, not once per signature)."""
    query = (
        select(Signature.amendment_id, Signature.deputy_id)
        .join(Amendment, Amendment.id == Signature.amendment_id)
        .where(
            among(Amendment.id, amendment_ids),  # the loop runs over the batch, not its rows
            Signature.withdrawn_at.is_(None),
            Signature.voided_at.is_(None),
            Signature.content_hash == Amendment.content_hash,
            Signature.deputy_id != Amendment.author_id,
        )
        .order_by(Signature.amendment_id, Signature.first_signed_at, Signature.id)
    )
    found: dict[int, list[int]] = {i: [] for i in amendment_ids}
    for amendment_id, deputy_id in binary_rows((session or db.session).connection(), query):
        found[amendment_id].append(deputy_id)
    return found


class Deputy(NamedTuple):
    """What the documents print of a deputy (one per deputy, shared by their signatures)."""

    id: int
    civility: str
    first_name: str
    last_name: str
    assembly_id: str | None


def deputies_by_id(ids: Iterable[int], session: Session | None = None) -> dict[int, Deputy]:
    """The deputies of these ids, as plain rows."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    query = select(User.id, User.civility, User.first_name, User.last_name, User.assembly_id).where(
        among(User.id, wanted)
    )
    return {row[0]: Deputy(*row) for row in (session or db.session).execute(query)}


def current_cosigners(
    amendment_ids: Sequence[int], session: Session | None = None
) -> dict[int, list[Printed]]:
    """Current co-signatories of each amendment in signing order (two queries)."""
    ids = current_cosigner_ids(amendment_ids, session)
    return signatories(ids, deputies_by_id((d for found in ids.values() for d in found), session))


def signatories(
    cosigner_ids: dict[int, list[int]], deputies: dict[int, Deputy]
) -> dict[int, list[Printed]]:
    """Each amendment's co-signatories (`current_cosigner_ids`) as its sheet prints them: one
    `Signatory` per deputy, shared by their signatures."""
    people = {deputy_id: _signatory(deputy) for deputy_id, deputy in deputies.items()}
    return {amendment: [people[d] for d in found] for amendment, found in cosigner_ids.items()}


def _sheet_date(amendment: Amendment, now: datetime) -> date:
    moment = amendment.filed_at if amendment.filed_at is not None else now
    return moment.astimezone(PARIS).date()


def sheet_for(
    amendment: Amendment, cosigners: Sequence[Printed], requester: User, now: datetime
) -> AmendmentSheet:
    """The data of the official layout for one amendment, as `requester` exports it at `now`."""
    group = amendment.group if amendment.presented_by_group else None
    unfiled = amendment.state != State.FILED
    return AmendmentSheet(
        text_title=amendment.text.title,
        text_number=amendment.text.number,
        stage=amendment.text.stage,
        position_kind=amendment.position_kind,
        article_number=amendment.article.number,
        alinea=amendment.alinea,
        number=amendment.number,
        state=amendment.state,
        outcome=amendment.outcome,
        date=_sheet_date(amendment, now),
        author=_signatory(amendment.author),
        cosignatories=tuple(_signatory(u) for u in cosigners),
        group_name=group.mention if group is not None else None,
        dispositif=amendment.dispositif,
        expose=amendment.expose,
        version=amendment.version,
        content_hash=amendment.content_hash,
        watermark=watermark_for(requester, now) if unfiled else None,
        parent_label=_parent_label(amendment),
        short_title=amendment.text.short_title,
        amended_number=amendment.text.amended_number,
    )


def _parent_label(amendment: Amendment) -> str | None:
    """How a sub-amendment's sheet names its parent: "n° 27", or "#12 (non déposé)"."""
    parent = amendment.parent
    if parent is None:
        return None
    return f"n° {parent.number}" if parent.number else f"#{parent.id} (non déposé)"


def build_sheet(amendment: Amendment, requester: User, now: datetime) -> AmendmentSheet:
    """The sheet of one amendment with its current co-signatories."""
    cosigners = current_cosigners([amendment.id])[amendment.id]
    return sheet_for(amendment, cosigners, requester, now)


def load_amendments(ids: Sequence[int], session: Session | None = None) -> list[Amendment]:
    """Amendments with what their sheet needs, in the order of `ids` (constant queries)."""
    query = (
        select(Amendment)
        .where(among(Amendment.id, ids))
        .options(
            joinedload(Amendment.text),
            joinedload(Amendment.article),
            joinedload(Amendment.author),
            joinedload(Amendment.group),
            joinedload(Amendment.parent),
        )
    )
    by_id = {a.id: a for a in (session or db.session).scalars(query).unique()}
    return [by_id[i] for i in ids if i in by_id]


def build_sheets(
    ids: Sequence[int], requester: User, now: datetime, session: Session | None = None
) -> list[AmendmentSheet]:
    """Sheets of a batch of amendments, in the order of `ids`, in three queries."""
    amendments = load_amendments(ids, session)
    cosigners = current_cosigners([a.id for a in amendments], session)
    return [sheet_for(a, cosigners[a.id], requester, now) for a in amendments]


def sheet_digest(sheet: AmendmentSheet) -> str:
    """A short digest of everything printed besides the content (signatories, number, mark…)."""
    return hashlib.sha256(repr(sheet).encode("utf-8")).hexdigest()[:32]


def cache_key(
    sheet: AmendmentSheet, fmt: str, template_version: str, digest: str | None = None
) -> str:
    """Where a rendered document of this exact sheet is kept and found again (`digest`: its
    `sheet_digest`, when worked out already for its other format)."""
    digest = digest if digest is not None else sheet_digest(sheet)
    return f"amdt/{sheet.content_hash}/{fmt}/{template_version}/{digest}"


def template_version() -> str:
    """The version of the official templates (part of every cache key)."""
    from drafting.rendering.docx import TEMPLATE_VERSION

    return str(TEMPLATE_VERSION)


def render(sheet: AmendmentSheet, fmt: str) -> bytes:
    """Render one sheet as DOCX or PDF (the renderers are imported on first use)."""
    # python-docx and typst are heavy: a web process that only queues jobs never loads them.
    if fmt == "docx":
        from drafting.rendering.docx import render_docx

        return render_docx(sheet)
    from drafting.rendering.pdf import render_pdf

    return render_pdf(sheet)
