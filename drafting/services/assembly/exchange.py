"""Amendments out to the Assembly's formats: Akoma Ntoso 3.0 (one amendment, or a text's as one
document), the liasse XML, and official sheets of the external amendments, from ours and the
published ones alike. The renderers are pure (`drafting.rendering.akn`, `.liasse_xml`); this
module gives them plain data."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from drafting.extensions import db
from drafting.infra.sql import among
from drafting.models import Amendment, LegislativeText, PublishedAmendment, User
from drafting.permissions import visible_amendments_clause
from drafting.rendering.akn import (
    AknAmendment,
    AknOrganization,
    AknPerson,
    AknText,
    render_amendment,
    render_amendment_list,
)
from drafting.rendering.liasse_xml import LiasseText, LiasseXmlAmendment
from drafting.rendering.sheet import TITLE, AmendmentSheet, Signatory
from drafting.services import texts
from drafting.services.amendments import get_visible_amendment
from drafting.services.assembly import order
from drafting.services.assembly.people import printed_name
from drafting.services.documents import sheets
from workflows.deadlines import PARIS
from workflows.numbering import number_label
from workflows.review import State

LIASSE_STATES = (State.READY.value, State.FILED.value)
_MENTION = re.compile(r"^\s*et\s+les\s+membres\s+du\s+groupe\s+", re.IGNORECASE)
_CIVILITY = re.compile(r"^(M\.|Mme|Mlle)[\s\u00a0]+(.+)$")


# --- the text ----------------------------------------------------------------------------------


def _text_day(text: LegislativeText) -> date:
    moment = text.examination_starts_at or text.created_at
    return moment.astimezone(PARIS).date()


def akn_text(text: LegislativeText) -> AknText:
    """The amended text as Akoma Ntoso names it (its number, short title, date)."""
    return AknText(
        number=text.amended_number, title=text.short_title or text.title, date=_text_day(text)
    )


def liasse_text(text: LegislativeText) -> LiasseText:
    """The amended text as the liasse XML names it."""
    legislature = str(current_app.config.get("LIASSE_LEGISLATURE") or "17")
    return LiasseText(legislature=legislature, number=text.amended_number)


# --- people ------------------------------------------------------------------------------------


class Cosigner(NamedTuple):
    """A co-signatory as the exchange formats name them (one per deputy, shared by all the
    amendments they signed: a liasse of 20 000 lists 600 000 co-signatures of 577 deputies)."""

    id: int
    civility: str
    first_name: str
    last_name: str
    assembly_id: str | None
    person: AknPerson


def _person(user: Any) -> AknPerson:
    if isinstance(user, Cosigner):
        return user.person
    key = user.assembly_id or f"liasse-{user.id}"
    return _named(key, user.civility, user.first_name, user.last_name)


@functools.lru_cache(maxsize=4096)  # a liasse names the same deputies thousands of times
def _named(key: str, civility: str, first_name: str, last_name: str) -> AknPerson:
    return AknPerson(key=key, name=printed_name(civility, first_name, last_name))


def cosigners(ids: Sequence[int], session: Session | None = None) -> dict[int, list[Cosigner]]:
    """Current co-signatories of each amendment in signing order, with their Assembly ids."""
    found = sheets.current_cosigner_ids(ids, session)
    deputies = sheets.deputies_by_id((d for people in found.values() for d in people), session)
    return cosigners_of(found, deputies)


def cosigners_of(
    cosigner_ids: dict[int, list[int]], deputies: dict[int, sheets.Deputy]
) -> dict[int, list[Cosigner]]:
    """Each amendment's co-signatories (`sheets.current_cosigner_ids`) as the exchange formats
    name them: one `Cosigner` per deputy, shared by their signatures."""
    people = {
        deputy.id: Cosigner(
            deputy.id,
            deputy.civility,
            deputy.first_name,
            deputy.last_name,
            deputy.assembly_id,
            _named(
                deputy.assembly_id or f"liasse-{deputy.id}",
                deputy.civility,
                deputy.first_name,
                deputy.last_name,
            ),
        )
        for deputy in deputies.values()
    }
    return {amendment: [people[d] for d in found] for amendment, found in cosigner_ids.items()}


# --- ours --------------------------------------------------------------------------------------


def _ours_record(amendment_ids: Sequence[int]) -> dict[int, PublishedAmendment]:
    if not amendment_ids:
        return {}
    query = select(PublishedAmendment).where(among(PublishedAmendment.amendment_id, amendment_ids))
    return {row.amendment_id: row for row in db.session.scalars(query) if row.amendment_id}


def _filed_on(amendment: Amendment) -> date | None:
    return amendment.filed_at.astimezone(PARIS).date() if amendment.filed_at else None


def amendment_akn(
    amendment: Amendment, signers: Sequence[Any], record: PublishedAmendment | None = None
) -> AknAmendment:
    """One of ours for Akoma Ntoso (the Assembly's uid and order once published)."""
    group = amendment.group if amendment.presented_by_group else None
    return AknAmendment(
        local_id=str(amendment.id),
        number=amendment.number,
        position_kind=amendment.position_kind,
        article_number=amendment.article.number,
        dispositif=amendment.dispositif,
        expose=amendment.expose,
        author=_person(amendment.author),
        cosignatories=tuple(_person(s) for s in signers),
        group=AknOrganization(group.assembly_id or group.code, group.mention) if group else None,
        outcome=amendment.outcome,
        outcome_label=record.outcome_label if record else None,
        filed_on=_filed_on(amendment),
        decided_on=_day(record.decided_at) if record else None,
        order_key=record.order_key if record else None,
        assembly_uid=record.uid if record else None,
        state=amendment.state,
    )


def amendment_liasse(
    amendment: Amendment, signers: Sequence[Any], record: PublishedAmendment | None
) -> LiasseXmlAmendment:
    """One of ours (ready or filed) for the liasse XML."""
    names = [_person(amendment.author).name, *(_person(s).name for s in signers)]
    group = amendment.group
    label = _joined(names, group.mention if group and amendment.presented_by_group else None)
    return LiasseXmlAmendment(
        uid=record.uid if record else f"LIASSE-{amendment.id}",
        state=amendment.state,
        number=amendment.number,
        position_kind=amendment.position_kind,
        article_number=amendment.article.number,
        dispositif=amendment.dispositif,
        expose=amendment.expose,
        signatories_label=label,
        author_ref=amendment.author.assembly_id,
        group_ref=group.assembly_id if group else None,
        cosignatory_refs=tuple(s.assembly_id for s in signers if s.assembly_id),
        rectification=record.rectification if record else 0,
        alinea=amendment.alinea,
        order_key=record.order_key if record else None,
        outcome=amendment.outcome,
        outcome_label=record.outcome_label if record else None,
        filed_on=_filed_on(amendment),
        decided_on=_day(record.decided_at) if record else None,
    )


def _joined(names: list[str], group: str | None) -> str:
    if group:
        return f"{', '.join(names)} et les membres du groupe {group}"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} et {names[-1]}"


def _day(moment: datetime | None) -> date | None:
    return moment.astimezone(PARIS).date() if moment else None


# --- published ones ----------------------------------------------------------------------------


def _group_name(row: PublishedAmendment) -> str | None:
    if not row.group_mention:
        return None
    return _MENTION.sub("", row.group_mention).strip() or None


def published_akn(row: PublishedAmendment) -> AknAmendment:
    """An external amendment for Akoma Ntoso."""
    group = _group_name(row)
    return AknAmendment(
        local_id=f"p{row.id}",
        number=number_label(row.number, row.rectification),
        position_kind=row.position_kind,
        article_number=row.article_number,
        dispositif=row.dispositif,
        expose=row.expose,
        author=AknPerson(key=row.author_ref or f"p{row.id}-auteur", name=row.author_name or "?"),
        cosignatories=tuple(AknPerson(key=ref, name=ref) for ref in row.cosignatory_refs or ()),
        group=AknOrganization(row.group_ref or "groupe", group) if group else None,
        outcome=row.outcome,
        outcome_label=row.outcome_label,
        filed_on=row.filed_on,
        decided_on=_day(row.decided_at),
        order_key=row.order_key,
        assembly_uid=row.uid,
        state="external",
    )


def published_liasse(row: PublishedAmendment) -> LiasseXmlAmendment:
    """An external amendment for the liasse XML."""
    return LiasseXmlAmendment(
        uid=row.uid,
        state="filed",
        number=row.number,
        position_kind=row.position_kind,
        article_number=row.article_number,
        dispositif=row.dispositif,
        expose=row.expose,
        signatories_label=(row.signatories_label or "")
        + (f" {row.group_mention}" if row.group_mention else ""),
        author_ref=row.author_ref,
        author_kind=row.author_kind,
        group_ref=row.group_ref,
        cosignatory_refs=tuple(row.cosignatory_refs or ()),
        rectification=row.rectification,
        alinea=row.alinea,
        alinea_relation=row.alinea_relation,
        order_key=row.order_key,
        parent_uid=row.parent_uid,
        outcome=row.outcome,
        outcome_label=row.outcome_label,
        filed_on=row.filed_on,
        decided_on=_day(row.decided_at),
        article_99=row.article_99,
    )


def _signatory(printed: str) -> Signatory:
    match = _CIVILITY.match(printed.strip())
    if match is None:
        return Signatory("", "", printed.strip())
    return Signatory(match.group(1), "", match.group(2).strip())


def _signatories(row: PublishedAmendment) -> list[Signatory]:
    label = row.signatories_label or row.author_name or "?"
    parts = re.split(r",\s*|\s+et\s+(?=(?:M\.|Mme|Mlle)[\s\u00a0])", label)
    return [_signatory(part) for part in parts if part.strip()] or [_signatory("?")]


def published_sheet(row: PublishedAmendment, text: LegislativeText) -> AmendmentSheet:
    """The official sheet of an external amendment, as the Assembly published it."""
    people = _signatories(row)
    day = row.filed_on or _text_day(text)
    return AmendmentSheet(
        text_title=text.title,
        text_number=text.number,
        stage=text.stage,
        position_kind=row.position_kind,
        article_number=row.article_number or TITLE,
        alinea=row.alinea,
        number=number_label(row.number, row.rectification),
        state=State.FILED.value,
        outcome=row.outcome,
        date=day,
        author=people[0],
        cosignatories=tuple(people[1:]),
        group_name=_group_name(row),
        dispositif=row.dispositif,
        expose=row.expose,
        version=1,
        content_hash=row.digest,
        short_title=text.short_title,
        amended_number=text.amended_number,
    )


def published_sheets(ids: Sequence[int], session: Session | None = None) -> list[AmendmentSheet]:
    """Sheets of external amendments, in the order of `ids`."""
    active: Any = session or db.session
    rows = {
        r.id: r
        for r in active.scalars(select(PublishedAmendment).where(among(PublishedAmendment.id, ids)))
    }
    texts_by_id: dict[int, LegislativeText] = {}
    found = []
    for published_id in ids:
        row = rows.get(published_id)
        if row is None:
            continue
        text = texts_by_id.get(row.text_id) or active.get(LegislativeText, row.text_id)
        assert text is not None
        texts_by_id[row.text_id] = text
        found.append(published_sheet(row, text))
    return found


# --- documents ---------------------------------------------------------------------------------


def amendment_document(user: User, amendment_id: int, now: datetime) -> tuple[bytes, str]:
    """One visible amendment as an Akoma Ntoso document, and its file name."""
    amendment = get_visible_amendment(user, amendment_id)
    record = _ours_record([amendment.id]).get(amendment.id)
    akn = amendment_akn(amendment, cosigners([amendment.id])[amendment.id], record)
    data = render_amendment(akn, akn_text(amendment.text), generated_on=_day(now) or now.date())
    return data, f"AMDT_{_slug(amendment.text.amended_number)}_{amendment.id}.akn.xml"


def visible_of_text(
    user: User, text_id: int, states: Sequence[str] | None = None
) -> list[Amendment]:
    """Our amendments of a text that `user` may see (in some states), with what they print."""
    query = (
        select(Amendment)
        .where(Amendment.text_id == text_id, visible_amendments_clause(user))
        .options(
            joinedload(Amendment.article),
            joinedload(Amendment.author),
            joinedload(Amendment.group),
            joinedload(Amendment.text),
        )
    )
    if states is not None:
        query = query.where(Amendment.state.in_(list(states)))
    return list(db.session.scalars(query).unique())


def text_document(user: User, text_id: int, now: datetime) -> tuple[bytes, str]:
    """The text's amendments `user` may see and the external ones, in the order of call, as one
    Akoma Ntoso document; and its file name."""
    text = texts.get_text(text_id)
    ours = visible_of_text(user, text_id)
    published = list(
        db.session.scalars(select(PublishedAmendment).where(PublishedAmendment.text_id == text_id))
    )
    data = render_amendment_list(
        akn_items(text, ours, published), akn_text(text), generated_on=_day(now) or now.date()
    )
    return data, f"LIASSE_{_slug(text.amended_number)}.akn.xml"


def akn_items(
    text: LegislativeText, ours: Sequence[Amendment], published: Sequence[PublishedAmendment]
) -> list[AknAmendment]:
    """Ours and the external ones for Akoma Ntoso, in the order of call."""
    signers = cosigners([a.id for a in ours])
    records = {r.amendment_id: r for r in published if r.amendment_id is not None}
    items = []
    for kind, item in order.ordered(text, ours, published):
        if kind == "amendment":
            items.append(amendment_akn(item, signers[item.id], records.get(item.id)))
        else:
            items.append(published_akn(item))
    return items


def _slug(number: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]+", "_", number).strip("_") or "x"
