"""The amendment list with the external ones: the visible Liasse amendments first (as the list
has always given them), then, when the list is of one text, its external amendments in the order
of call. The two are paged as one list; each of ours carries its order key too."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from drafting.extensions import db
from drafting.models import Amendment, Group, PublishedAmendment, User
from drafting.services import amendments
from drafting.services.amendments import ListFilter
from drafting.services.assembly import order

EXTERNAL = "external"  # the state filter that lists external amendments only


@dataclass
class Page:
    """One page: ours, then external ones; the total of both; our order keys."""

    ours: list[Amendment]
    external: list[PublishedAmendment]
    total: int
    order_keys: dict[int, str] = field(default_factory=dict)


def _admitted(row: Any, filters: ListFilter) -> bool:
    """Whether the filters admit an external amendment (a row of `order.overview`)."""
    if row.amendment_id is not None:
        return False
    if filters.group and (row.group_code or "") != filters.group.upper():
        return False
    if filters.article and row.article_number != filters.article:
        return False
    return filters.author_id is None or row.author_id == filters.author_id


def list_page(user: User, filters: ListFilter) -> Page:
    """A page of the list (see the module's docstring); external amendments are public."""
    ours: list[Amendment]
    if filters.state == EXTERNAL:
        ours, own_total = [], 0
    else:
        ours, own_total = amendments.list_amendments(user, filters)
    if filters.text_id is None:
        return Page(ours, [], own_total)
    listed = filters.state in (None, "", EXTERNAL)
    keys: dict[int, str] = {}
    if ours:  # their keys need the published ones' keys: one read gives the count too
        published = order.overview(filters.text_id)
        keys = order.keys_for(ours, published)
        ext_total = sum(1 for row in published if listed and _admitted(row, filters))
    else:
        ext_total = _count(_externals(filters.text_id, filters)) if listed else 0
    offset = (filters.page - 1) * filters.per_page
    room = filters.per_page - len(ours)
    external: list[PublishedAmendment] = []
    if room > 0 and ext_total:
        page = (
            _externals(filters.text_id, filters)
            .options(joinedload(PublishedAmendment.group))
            .order_by(PublishedAmendment.order_key, PublishedAmendment.id)
            .offset(max(0, offset - own_total))
            .limit(room)
        )
        external = list(db.session.scalars(page))
    return Page(ours, external, own_total + ext_total, keys)


def _count(query: Select[tuple[PublishedAmendment]]) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def _externals(text_id: int, filters: ListFilter) -> Select[tuple[PublishedAmendment]]:
    """The same filters as `_admitted`, in SQL, for the page itself."""
    query = select(PublishedAmendment).where(
        PublishedAmendment.text_id == text_id, PublishedAmendment.amendment_id.is_(None)
    )
    if filters.group:
        query = query.join(Group, Group.id == PublishedAmendment.group_id).where(
            Group.code == filters.group.upper()
        )
    if filters.article:
        query = query.where(PublishedAmendment.article_number == filters.article)
    if filters.author_id is not None:
        query = query.where(PublishedAmendment.author_id == filters.author_id)
    return query


def external_of_text(text_id: int, limit: int = 200) -> tuple[list[PublishedAmendment], int]:
    """The first external amendments of a text in the order of call, and how many there are."""
    query = _externals(text_id, ListFilter(text_id=text_id))
    total = _count(query)
    page = query.options(joinedload(PublishedAmendment.group)).order_by(
        PublishedAmendment.order_key, PublishedAmendment.id
    )
    return list(db.session.scalars(page.limit(limit))), total
