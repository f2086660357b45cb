"""Identical and competing amendments, found when an amendment is saved or shown.

Identical: the same text, article, position (and parent, for a sub-amendment) and the same
normalised dispositif (`amendments.digest`, indexed with the text). Competing: amendments that
change the same alinéa or the same words (`amendment_touches`, indexed by article and alinéa,
written at each save; the spans are compared with the rules of `workflows.legistique`).
Only amendments the caller may see are named, and abandoned ones are left out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, insert, or_, select, true

from drafting.extensions import db
from drafting.models import Amendment, AmendmentTouch, Group, User
from drafting.permissions import visible_amendments_clause
from drafting.services.legistique import checks
from workflows.legistique import Touch, are_competing, touched_spans
from workflows.review import State

MAX_NAMED = 20  # identical or competing amendments named on a page or in a response
MAX_ROWS = 5_000  # touches read to find the competing ones (a deletion competes with all)


@dataclass(frozen=True)
class Related:
    """Another amendment as a drafter sees it beside their own."""

    id: int
    number: str | None
    group: str | None
    state: str
    author_id: int
    group_id: int | None


@dataclass(frozen=True)
class Concordance:
    """The amendments identical to one, and those competing with it."""

    identical: list[Related]
    competing: list[Related]
    competing_total: int


def _touches(
    amendment: Amendment, alineas: list[str] | checks.Unset | None = checks.UNSET
) -> list[Touch]:
    """What the amendment's dispositif touches in what it amends (nothing for a new article)."""
    if isinstance(alineas, checks.Unset):
        alineas = checks.target_alineas(amendment)
    if alineas is None:
        return []
    return touched_spans(amendment.dispositif, alineas)


def remember_touches(
    amendment: Amendment, alineas: list[str] | checks.Unset | None = checks.UNSET
) -> None:
    """Replace the amendment's stored touches with those of its current dispositif."""
    db.session.execute(delete(AmendmentTouch).where(AmendmentTouch.amendment_id == amendment.id))
    rows = [
        {
            "amendment_id": amendment.id,
            "article_id": amendment.article.id,  # the relationship: an edit may have moved it
            "parent_id": amendment.parent_id,
            "kind": touch.kind,
            "alinea": touch.alinea,
            "start": touch.start,
            "end": touch.end,
        }
        for touch in _touches(amendment, alineas)
    ]
    if rows:
        db.session.execute(insert(AmendmentTouch), rows)


def _related(row: object) -> Related:
    return Related(
        row.id,  # type: ignore[attr-defined]
        row.number,  # type: ignore[attr-defined]
        row.code,  # type: ignore[attr-defined]
        row.state,  # type: ignore[attr-defined]
        row.author_id,  # type: ignore[attr-defined]
        row.group_id,  # type: ignore[attr-defined]
    )


_COLUMNS = (
    Amendment.id,
    Amendment.number,
    Group.code,
    Amendment.state,
    Amendment.author_id,
    Amendment.group_id,
)


def _same_place(amendment: Amendment) -> ColumnElement[bool]:
    """Amendments on the same text, article and parent, not abandoned, not this one."""
    return (
        (Amendment.text_id == amendment.text_id)
        & (Amendment.article_id == amendment.article_id)
        & Amendment.parent_id.is_not_distinct_from(amendment.parent_id)
        & (Amendment.state != State.ABANDONED.value)
        & (Amendment.id != amendment.id)
    )


def identical(
    viewer: User, amendment: Amendment, visible: ColumnElement[bool] | None = None
) -> list[Related]:
    """The visible amendments at the same position with the same normalised dispositif."""
    if amendment.digest is None:
        return []
    query = (
        select(*_COLUMNS)
        .outerjoin(Group, Group.id == Amendment.group_id)
        .where(
            Amendment.digest == amendment.digest,
            Amendment.position_kind == amendment.position_kind,
            _same_place(amendment),
            visible_amendments_clause(viewer) if visible is None else visible,
        )
        .order_by(Amendment.id)
        .limit(MAX_NAMED)
    )
    return [_related(row) for row in db.session.execute(query)]


def _candidates(
    visible: ColumnElement[bool], amendment: Amendment, mine: list[Touch]
) -> tuple[dict[int, list[Touch]], dict[int, Related]]:
    """Touches of the other visible amendments that may compete (same alinéas, or the whole
    article on either side), grouped by amendment, with the amendments themselves: one query."""
    numbers = sorted({t.alinea for t in mine if t.alinea is not None})
    if any(t.kind == "article" for t in mine):
        where: ColumnElement[bool] = true()
    else:
        where = or_(AmendmentTouch.kind == "article", AmendmentTouch.alinea.in_(numbers))
    query = (
        select(
            *_COLUMNS,
            AmendmentTouch.kind,
            AmendmentTouch.alinea,
            AmendmentTouch.start,
            AmendmentTouch.end,
        )
        .join(Amendment, Amendment.id == AmendmentTouch.amendment_id)
        .outerjoin(Group, Group.id == Amendment.group_id)
        .where(
            AmendmentTouch.article_id == amendment.article_id,
            AmendmentTouch.parent_id.is_not_distinct_from(amendment.parent_id),
            where,
            _same_place(amendment),
            visible,
        )
        .limit(MAX_ROWS)
    )
    touches: dict[int, list[Touch]] = defaultdict(list)
    related: dict[int, Related] = {}
    for row in db.session.execute(query):
        touches[row.id].append(Touch(row.kind, row.alinea, None, row.start, row.end))
        related.setdefault(row.id, _related(row))
    return touches, related


def stored_touches(amendment: Amendment) -> list[Touch]:
    """What the amendment touches, as its last save wrote it (no parsing, no alinéas read)."""
    query = select(
        AmendmentTouch.kind, AmendmentTouch.alinea, AmendmentTouch.start, AmendmentTouch.end
    ).where(AmendmentTouch.amendment_id == amendment.id)
    return [Touch(r.kind, r.alinea, None, r.start, r.end) for r in db.session.execute(query)]


def competing(
    viewer: User,
    amendment: Amendment,
    exclude: set[int],
    visible: ColumnElement[bool] | None = None,
) -> tuple[list[Related], int]:
    """The visible amendments changing the same alinéa or words (the first ones, and how many)."""
    mine = stored_touches(amendment)
    if not mine:
        return [], 0
    clause = visible_amendments_clause(viewer) if visible is None else visible
    touches, related = _candidates(clause, amendment, mine)
    rivals = sorted(
        other
        for other, theirs in touches.items()
        if other not in exclude and are_competing(mine, theirs)
    )
    return [related[i] for i in rivals[:MAX_NAMED]], len(rivals)


def concordance(viewer: User, amendment: Amendment) -> Concordance:
    """The identical and the competing amendments of one amendment, as `viewer` may see them."""
    visible = visible_amendments_clause(viewer)
    same = identical(viewer, amendment, visible)
    rivals, total = competing(viewer, amendment, {r.id for r in same}, visible)
    return Concordance(same, rivals, total)
