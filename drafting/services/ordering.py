"""What the list sorts and groups amendments by, derived from each amendment and kept on its row.

`order_key` places the amendment in the order of discussion of its text (the computed key of
`workflows.order_of_call`: the article's place, before/on/after it, deletion and rewriting first,
then the alinéas in order, numbered amendments in number order, a sub-amendment right after its
parent). It is written with the change that moves it (a draft, an edit, a filing), so that the
list pages in SQL; `refresh` also writes the dispositif's digest (`amendments.digest`, see
`services.legistique.checks`) of rows written without it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, select, update

from drafting.extensions import db
from drafting.models import Amendment, Article
from workflows.legistique.identity import digest
from workflows.order_of_call import CallItem, computed_keys

BATCH = 1_000


def call_item(
    amendment_id: int,
    article_position: int,
    article_number: str,
    position_kind: str,
    alinea: int | None,
    dispositif: str,
    number: str | None,
    parent_id: int | None = None,
) -> CallItem:
    """What the order of call reads of one amendment (its id breaks ties among drafts)."""
    return CallItem(
        uid=str(amendment_id),
        article_number=article_number,
        article_position=max(0, article_position - 1),
        position_kind=position_kind,
        alinea=alinea,
        dispositif=dispositif,
        number=number,
        sequence=amendment_id,
        parent_uid=str(parent_id) if parent_id is not None else None,
    )


def _item(amendment: Amendment) -> CallItem:
    article: Article = amendment.article
    return call_item(
        amendment.id,
        article.position,
        article.number,
        amendment.position_kind,
        amendment.alinea,
        amendment.dispositif,
        amendment.number,
        amendment.parent_id,
    )


def order_key(amendment: Amendment) -> str:
    """The amendment's key in the order of discussion (after its parent's, if it has one)."""
    item = _item(amendment)
    parent = db.session.get(Amendment, amendment.parent_id) if amendment.parent_id else None
    items = [item] if parent is None else [_item(parent), item]
    return computed_keys(items)[item.uid]


def derive(amendment: Amendment) -> None:
    """Set the amendment's order key from what it now says (needs its id: call after the first
    flush)."""
    amendment.order_key = order_key(amendment)


def _rows(text_id: int | None) -> Any:
    query = (
        select(
            Amendment.id,
            Article.position,
            Article.number.label("article_number"),
            Amendment.position_kind,
            Amendment.alinea,
            Amendment.dispositif,
            Amendment.number,
            Amendment.parent_id,
        )
        .join(Article, Article.id == Amendment.article_id)
        .order_by(Amendment.id)
    )
    return query if text_id is None else query.where(Amendment.text_id == text_id)


def refresh(text_id: int | None = None) -> int:
    """Recompute every key and digest of a text (or of all texts), in batches of Core updates:
    after amendments were written without them (a bulk import, a benchmark's seeding) or the
    articles were reordered. Returns how many rows were written."""
    rows = list(db.session.execute(_rows(text_id)))
    items = {
        r.id: call_item(
            r.id,
            r.position,
            r.article_number,
            r.position_kind,
            r.alinea,
            r.dispositif,
            r.number,
            r.parent_id,
        )
        for r in rows
    }
    keys = computed_keys(list(items.values()))
    values = [
        {"row_id": r.id, "key": keys[str(r.id)], "digest": digest(r.dispositif)} for r in rows
    ]
    _write(values)
    return len(values)


def _write(values: Sequence[dict[str, Any]]) -> None:
    table = Amendment.__table__
    statement = (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values(order_key=bindparam("key"), digest=bindparam("digest"))
    )
    connection = db.session.connection()
    for start in range(0, len(values), BATCH):
        connection.execute(statement, list(values[start : start + BATCH]))
