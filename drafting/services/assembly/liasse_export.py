"""The liasse export with the Assembly's data: ours and the external amendments in one order of
call (`order.ordered`), the external ones' sheets, and the liasse's two exchange documents
(`liasse.akn.xml`, `liasse.xml`). The export's chunks carry tokens: our amendments by id (an
int), the external ones as "p<id>"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from drafting.extensions import db
from drafting.models import Amendment, LegislativeText, PublishedAmendment
from drafting.rendering.akn import render_amendment_list
from drafting.rendering.liasse_xml import render_liasse_xml
from drafting.rendering.sheet import AmendmentSheet
from drafting.services.assembly import exchange, order
from workflows.deadlines import PARIS
from workflows.review import State

Token = int | str
AKN_NAME, XML_NAME = "liasse.akn.xml", "liasse.xml"


def with_external(params: dict[str, Any]) -> bool:
    """External amendments go in a liasse of every group, in any that lists filed ones."""
    states = params.get("states")
    return not params.get("group") and (not states or State.FILED.value in states)


def _ours(ids: Sequence[int], session: Session | None = None) -> list[Amendment]:
    query = (
        select(Amendment)
        .where(Amendment.id.in_(list(ids)))
        .options(
            joinedload(Amendment.article),
            joinedload(Amendment.author),
            joinedload(Amendment.group),
            joinedload(Amendment.text),
        )
    )
    return list((session or db.session).scalars(query).unique())


def _published(text_id: int, external_ids: Sequence[int] | None = None) -> list[PublishedAmendment]:
    query = select(PublishedAmendment).where(PublishedAmendment.text_id == text_id)
    if external_ids is not None:
        ids = set(external_ids)
        return [r for r in db.session.scalars(query) if r.id in ids or r.amendment_id is not None]
    return list(db.session.scalars(query))


def ordered_tokens(
    text_id: int, amendment_ids: Sequence[int], params: dict[str, Any]
) -> list[Token]:
    """Ours (already chosen by the export's filters) and, when included, the external ones, in
    the order of call."""
    text = db.session.get_one(LegislativeText, text_id)
    ours = _ours(amendment_ids)
    published = _published(text_id) if with_external(params) else _records_of(ours)
    return [
        item.id if kind == "amendment" else f"p{item.id}"
        for kind, item in order.ordered(text, ours, published)
    ]


def _records_of(ours: Sequence[Amendment]) -> list[PublishedAmendment]:
    ids = [a.id for a in ours]
    if not ids:
        return []
    query = select(PublishedAmendment).where(PublishedAmendment.amendment_id.in_(ids))
    return list(db.session.scalars(query))


def split(tokens: Sequence[Token]) -> tuple[list[int], list[int]]:
    """Our ids and the external ones' ids."""
    ours = [t for t in tokens if isinstance(t, int)]
    external = [int(t[1:]) for t in tokens if isinstance(t, str)]
    return ours, external


def merge(
    tokens: Sequence[Token], ours: Sequence[AmendmentSheet], external: Sequence[AmendmentSheet]
) -> list[AmendmentSheet]:
    """The sheets of both kinds back in the tokens' order."""
    mine, theirs = iter(ours), iter(external)
    return [next(mine) if isinstance(t, int) else next(theirs) for t in tokens]


def external_sheets(ids: Sequence[int], session: Session | None = None) -> list[AmendmentSheet]:
    """The external amendments' sheets, in the order of `ids`."""
    return exchange.published_sheets(ids, session)


def documents(text_id: int, tokens: Sequence[Token], now: datetime) -> list[tuple[str, bytes]]:
    """The liasse's Akoma Ntoso document and liasse XML for the exported amendments."""
    text = db.session.get_one(LegislativeText, text_id)
    mine, external = split(tokens)
    ours = _ours(mine)
    published = [*_published(text_id, external)]
    day = now.astimezone(PARIS).date()
    akn = render_amendment_list(
        exchange.akn_items(text, ours, published), exchange.akn_text(text), generated_on=day
    )
    xml = render_liasse_xml(
        exchange.liasse_items(text, ours, published), exchange.liasse_text(text)
    )
    return [(AKN_NAME, akn), (XML_NAME, xml)]
