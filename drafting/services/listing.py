"""The list of amendments one may see: filters, full-text search, orders and pages, all in SQL.

One filter (`ListFilter`) serves the pages, `GET /api/v1/amendments` and the bulk actions that
take "everything the filter matches": the selection is made here, server-side, whatever its size.
Visibility is always applied (`permissions.visible_amendments_clause`). The order of discussion
is the stored `order_key` (services/ordering.py); the search uses the database's own index
(models/search.py): FTS5 on SQLite, the French configuration of PostgreSQL's full-text search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    column,
    exists,
    false,
    func,
    literal_column,
    not_,
    select,
    table,
)
from sqlalchemy.orm import aliased, joinedload

from drafting.errors import Invalid
from drafting.extensions import db
from drafting.models import Amendment, Article, Group, Role, Signature, User
from drafting.models.search import FTS_TABLE, TEXT_SEARCH_CONFIG, TSVECTOR_COLUMN
from drafting.permissions import visible_amendments_clause
from drafting.services.cosigning import pending
from workflows.review import State

MAX_PER_PAGE = 100
ORDERS = ("discussion", "number", "article", "created")
MAX_SEARCH_CHARS = 200
MAX_SEARCH_WORDS = 12
_WORD = re.compile(r"\w+", re.UNICODE)
_POSITION_RANK = {"before_article": 0, "article": 1, "after_article": 2}


@dataclass
class ListFilter:
    """What the list shows: filters (all optional, combined with AND), order and page.

    `state` is one state or several separated by commas; `to_sign` is "me" (what waits for the
    caller's signature); `not_signed_by` a deputy's id (no current signature of theirs, not
    their own amendments); `identical` keeps amendments with (True) or without (False) an
    identical one at the same place; `lint` is "errors" or "clean" once lint results are
    stored (`lint_clause`)."""

    text_id: int | None = None
    state: str | None = None
    group: str | None = None
    article: str | None = None
    author_id: int | None = None
    q: str | None = None
    order: str | None = None  # None: by id, as the API always listed
    to_sign: str | None = None
    not_signed_by: int | None = None
    identical: bool | None = None
    lint: str | None = None
    page: int = 1
    per_page: int = 50

    def without_page(self) -> ListFilter:
        """The same selection from its first item (bulk actions take every match)."""
        return replace(self, page=1)


def states_of(value: str | None) -> list[str]:
    """The states a `state` filter names ("open" or "open,ready"); 422 naming an unknown one."""
    if not value:
        return []
    names = [part.strip() for part in value.split(",") if part.strip()]
    unknown = [name for name in names if name not in {s.value for s in State}]
    if unknown:
        allowed = ", ".join(s.value for s in State)
        raise Invalid(
            f"État inconnu : « {unknown[0][:32]} ».", fields={"state": f"valeurs : {allowed}"}
        )
    return list(dict.fromkeys(names))


def search_words(q: str | None) -> list[str]:
    """The words of a search (letters and digits; punctuation and operators are not syntax)."""
    return _WORD.findall((q or "")[:MAX_SEARCH_CHARS])[:MAX_SEARCH_WORDS]


def search_clause(q: str | None) -> ColumnElement[bool] | None:
    """Amendments whose dispositif or exposé contain every word of `q` (None: no search)."""
    words = search_words(q)
    if not words:
        return None
    if db.session.get_bind().dialect.name == "postgresql":
        return _tsvector().op("@@")(func.plainto_tsquery(_config(), " ".join(words)))
    # FTS5: each word quoted (never an operator), as a prefix: "vidéo"* finds vidéoprotection,
    # and without a French stemmer "amendement"* finds "amendements" too.
    match = " ".join(f'"{word}"*' for word in words)
    fts = table(FTS_TABLE, column("rowid"))
    hits = select(fts.c.rowid).where(literal_column(FTS_TABLE).op("MATCH")(match))
    return Amendment.id.in_(hits)


def _tsvector() -> Any:
    """The amendment's stored French `tsvector` (migrations 21a1b2c3d4e7, 22a1b2c3d4e8: its
    lexemes without positions, kept in the row), GIN-indexed: a search reads it rather than
    computing to_tsvector for every candidate."""
    return literal_column(f"{Amendment.__tablename__}.{TSVECTOR_COLUMN}")


def _config() -> Any:
    """The text search configuration as a constant (a bound parameter would not match the
    index's expression)."""
    return literal_column(f"'{TEXT_SEARCH_CONFIG}'::regconfig")


def lint_clause(value: str) -> ColumnElement[bool] | None:
    """The hook for the stored lint (issue 18): "errors" keeps amendments whose last lint found
    an error, "clean" those without. None while no lint is stored: the filter is refused."""
    return None


def _lint(value: str) -> ColumnElement[bool]:
    clause = lint_clause(value) if value in ("errors", "clean") else None
    if clause is None:
        raise Invalid(
            "Le filtre sur le contrôle de légistique n'est pas encore disponible.",
            fields={"lint": "indisponible : aucun contrôle enregistré"},
        )
    return clause


def _not_signed_by(deputy_id: int) -> ColumnElement[bool]:
    deputy = db.session.get(User, deputy_id)
    if deputy is None or deputy.role != Role.DEPUTY:
        raise Invalid("Député inconnu.", fields={"not_signed_by": "député inconnu"})
    signed = exists(
        select(Signature.id).where(
            Signature.amendment_id == Amendment.id,
            Signature.deputy_id == deputy_id,
            Signature.withdrawn_at.is_(None),
            Signature.voided_at.is_(None),
            Signature.content_hash == Amendment.content_hash,
        )
    )
    return and_(not_(signed), Amendment.author_id != deputy_id)


def _identical(user: User, wanted: bool) -> ColumnElement[bool]:
    """Another amendment the user may see, at the same place, with an identical dispositif."""
    twin = aliased(Amendment)
    found = exists(
        select(twin.id).where(
            twin.text_id == Amendment.text_id,
            twin.article_id == Amendment.article_id,
            twin.position_kind == Amendment.position_kind,
            twin.digest == Amendment.digest,
            twin.id != Amendment.id,
            visible_amendments_clause(user, twin),
        )
    )
    return found if wanted else not_(found)


def _to_sign(user: User, value: str) -> ColumnElement[bool]:
    if value != "me":
        raise Invalid("Valeur inconnue.", fields={"to_sign": "seule valeur : me"})
    ids = pending.pending_ids(user)
    return Amendment.id.in_(ids) if ids else false()


def _clauses(user: User, filters: ListFilter) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = [visible_amendments_clause(user)]
    if filters.text_id is not None:
        clauses.append(Amendment.text_id == filters.text_id)
    states = states_of(filters.state)
    if states:
        clauses.append(Amendment.state.in_(states))
    if filters.author_id is not None:
        clauses.append(Amendment.author_id == filters.author_id)
    if filters.group:
        group = select(Group.id).where(Group.code == filters.group.upper())
        clauses.append(Amendment.group_id.in_(group))
    if filters.article:
        articles = select(Article.id).where(Article.number == filters.article)
        clauses.append(Amendment.article_id.in_(articles))
    searched = search_clause(filters.q)
    if searched is not None:
        clauses.append(searched)
    if filters.to_sign:
        clauses.append(_to_sign(user, filters.to_sign))
    if filters.not_signed_by is not None:
        clauses.append(_not_signed_by(filters.not_signed_by))
    if filters.identical is not None:
        clauses.append(_identical(user, filters.identical))
    if filters.lint:
        clauses.append(_lint(filters.lint))
    return clauses


def matching(user: User, filters: ListFilter) -> Select[tuple[Amendment]]:
    """Every amendment the user may see that the filter keeps (not ordered, not paged)."""
    return select(Amendment).where(*_clauses(user, filters))


def ordered(query: Select[Any], order: str | None) -> Select[Any]:
    """`query` in the list's order: discussion (the default of the pages), number, article,
    created; None keeps the API's historical order (by id)."""
    if order is None:
        return query.order_by(Amendment.id)
    if order not in ORDERS:
        raise Invalid("Ordre inconnu.", fields={"order": "valeurs : " + ", ".join(ORDERS)})
    if order == "discussion":
        return query.order_by(Amendment.text_id, Amendment.order_key.nulls_last(), Amendment.id)
    if order == "number":
        return query.order_by(
            Amendment.text_id,
            Amendment.number.is_(None),
            func.length(Amendment.number),  # natural order: "CL9" before "CL10"
            Amendment.number,
            Amendment.id,
        )
    if order == "created":
        return query.order_by(Amendment.created_at, Amendment.id)
    rank = case(_POSITION_RANK, value=Amendment.position_kind, else_=1)
    return query.join(Article, Article.id == Amendment.article_id).order_by(
        Amendment.text_id, Article.position, rank, Amendment.alinea.nulls_first(), Amendment.id
    )


def count(user: User, filters: ListFilter) -> int:
    """How many amendments the filter keeps (every match, not a page)."""
    query = matching(user, filters).with_only_columns(Amendment.id)
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def list_amendments(user: User, filters: ListFilter) -> tuple[list[Amendment], int]:
    """One page of the visible amendments the filter keeps, in its order, and their total.

    The page's ids come with the total (`count(*) OVER ()`, computed on the matches before the
    page is cut), so the matches are found once; the page's amendments are then loaded by id
    with what the list shows. A page past the end counts the matches apart."""
    per_page = max(1, min(filters.per_page, MAX_PER_PAGE))
    ids_and_total = (
        ordered(matching(user, filters).with_only_columns(Amendment.id), filters.order)
        .add_columns(func.count().over().label("total"))
        .limit(per_page)
        .offset((max(1, filters.page) - 1) * per_page)
    )
    rows = db.session.execute(ids_and_total).all()
    if not rows:
        return [], count(user, filters)
    ids = [row.id for row in rows]
    page = (
        select(Amendment)
        .where(Amendment.id.in_(ids))
        .options(
            joinedload(Amendment.article),
            joinedload(Amendment.author),
            joinedload(Amendment.created_by),
            joinedload(Amendment.group),
            joinedload(Amendment.text),
        )
    )
    found = {amendment.id: amendment for amendment in db.session.scalars(page).unique()}
    return [found[i] for i in ids if i in found], int(rows[0].total)


def matching_ids(user: User, filters: ListFilter, limit: int | None = None) -> list[int]:
    """The ids of every amendment the filter keeps, in its order (a bulk action's selection)."""
    query = ordered(matching(user, filters).with_only_columns(Amendment.id), filters.order)
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def state_counts(user: User, filters: ListFilter) -> dict[str, int]:
    """How many of the amendments the filter keeps (its state aside) are in each state."""
    query = (
        matching(user, replace(filters, state=None))
        .with_only_columns(Amendment.state, func.count(Amendment.id))
        .group_by(Amendment.state)
    )
    return {state: number for state, number in db.session.execute(query)}


def authors_on(user: User, text_id: int) -> list[User]:
    """The authors of the amendments of a text the user may see (the list's author filter)."""
    authors = select(Amendment.author_id).where(
        Amendment.text_id == text_id, visible_amendments_clause(user)
    )
    query = select(User).where(User.id.in_(authors)).order_by(User.last_name, User.name)
    return list(db.session.scalars(query))


def group_deputies(group_id: int | None) -> list[User]:
    """The active deputies of a group (who may not have signed yet)."""
    if group_id is None:
        return []
    query = select(User).where(
        User.role == Role.DEPUTY, User.group_id == group_id, User.active.is_(True)
    )
    return list(db.session.scalars(query.order_by(User.last_name, User.name)))


def deputies() -> list[User]:
    """Every active deputy, by group then name (whom one may invite to co-sign)."""
    query = select(User).where(User.role == Role.DEPUTY, User.active.is_(True))
    return list(db.session.scalars(query.order_by(User.group_id, User.last_name, User.name)))


def visible_by_id(user: User, amendment_ids: list[int]) -> dict[int, Amendment]:
    """{id: amendment} of those the user may see, article and text loaded (a result page's
    labels: an amendment refused as unknown stays unnamed)."""
    found: dict[int, Amendment] = {}
    ids = list(dict.fromkeys(amendment_ids))
    for start in range(0, len(ids), 5_000):
        query = (
            select(Amendment)
            .where(Amendment.id.in_(ids[start : start + 5_000]), visible_amendments_clause(user))
            .options(joinedload(Amendment.article), joinedload(Amendment.text))
        )
        found.update({a.id: a for a in db.session.scalars(query).unique()})
    return found
