"""The order of call of a text's amendments, ours and the Assembly's together.

Published amendments carry the Assembly's `triAmendement` (or a key slotted between the
Assembly's by `workflows.order_of_call.call_keys`), and their `rule_key`, where the rules alone
place them. One of ours that the Assembly has not published yet is slotted among them by
comparing its own rule key with theirs, exactly as `call_keys` does for a whole set, without
recomputing the others' keys (`keys_for`): a list page reads two short columns per published
amendment, not their dispositifs. The liasse orders everything at once (`ordered`).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update

from drafting.extensions import db
from drafting.models import Amendment, Article, Group, LegislativeText, PublishedAmendment
from drafting.services.assembly.published import call_items
from workflows.order_of_call import CallItem, call_keys, computed_keys, keys_between
from workflows.review import Outcome


def amendment_item(amendment: Amendment, article: Article | None = None) -> CallItem:
    """What the order of call reads of one of ours (on `article`, its article, when the
    caller holds the text's articles: 20 000 amendments are not asked for theirs)."""
    article = article if article is not None else amendment.article
    return CallItem(
        uid=f"a{amendment.id}",
        article_number=article.number,
        article_position=article.position - 1,
        position_kind=amendment.position_kind,
        alinea=amendment.alinea,
        dispositif=amendment.dispositif,
        number=amendment.number,
        sequence=amendment.id,
        parent_uid=f"a{amendment.parent_id}" if amendment.parent_id else None,
        inadmissible=amendment.outcome == Outcome.IRRECEVABLE,
    )


_COLUMNS = (
    PublishedAmendment.id,
    PublishedAmendment.uid,
    PublishedAmendment.number,
    PublishedAmendment.article_number,
    PublishedAmendment.division_type,
    PublishedAmendment.position_kind,
    PublishedAmendment.alinea,
    PublishedAmendment.alinea_relation,
    PublishedAmendment.dispositif,
    PublishedAmendment.parent_uid,
    PublishedAmendment.parent_number,
    PublishedAmendment.identical_group,
    PublishedAmendment.identical_position,
    PublishedAmendment.joint_group,
    PublishedAmendment.joint_position,
    PublishedAmendment.outcome,
    PublishedAmendment.order_key,
    PublishedAmendment.assembly_order,
    PublishedAmendment.rule_key,
    PublishedAmendment.amendment_id,
)


def _published_rows(text_id: int) -> list[Any]:
    query = select(*_COLUMNS).where(PublishedAmendment.text_id == text_id)
    return list(db.session.execute(query))


def refresh(text: LegislativeText) -> None:
    """After a sync: every published amendment's rule key, and the order key of those the
    Assembly gave none (slotted between its keys). Only changed values are written."""
    rows = _published_rows(text.id)
    if not rows:
        return
    items = call_items(rows, text.articles)
    rules = computed_keys(items)
    keys = call_keys(items) if not all(row.assembly_order for row in rows) else {}
    changes = []
    for row in rows:
        values: dict[str, Any] = {}
        if row.rule_key != rules[row.uid]:
            values["rule_key"] = rules[row.uid]
        if not row.assembly_order and row.order_key != keys[row.uid]:
            values["order_key"] = keys[row.uid]
        if values:
            changes.append({"id": row.id, **values})
    for start in range(0, len(changes), 1_000):
        db.session.execute(update(PublishedAmendment), changes[start : start + 1_000])


def overview(text_id: int) -> list[Any]:
    """What a list page needs of every published amendment of a text, in one query: which of
    ours it records, its keys, and what the list filters on (group code, article, author)."""
    query = (
        select(
            PublishedAmendment.id,
            PublishedAmendment.amendment_id,
            PublishedAmendment.order_key,
            PublishedAmendment.rule_key,
            PublishedAmendment.assembly_order,
            PublishedAmendment.article_number,
            PublishedAmendment.author_id,
            Group.code.label("group_code"),
        )
        .outerjoin(Group, Group.id == PublishedAmendment.group_id)
        .where(PublishedAmendment.text_id == text_id)
    )
    return list(db.session.execute(query))


def keys_for(amendments: Sequence[Amendment], published: Sequence[Any]) -> dict[int, str]:
    """The order key of each of ours: the Assembly's once published, else slotted between the
    published ones' keys by rule key (computed keys alone when nothing is published).
    `published`: the text's `overview`."""
    keys: dict[int, str] = {
        row.amendment_id: row.order_key
        for row in published
        if row.amendment_id is not None and row.order_key
    }
    pending = [a for a in amendments if a.id not in keys]
    if pending:
        keys.update(_slotted(pending, published))
    return {a.id: keys[a.id] for a in amendments}


def _slotted(pending: Sequence[Amendment], published: Sequence[Any]) -> dict[int, str]:
    rules = computed_keys([amendment_item(a) for a in pending])
    anchors = sorted(
        (row.order_key, row.rule_key)
        for row in published
        if row.assembly_order and row.rule_key and row.order_key
    )
    if not anchors:
        return {a.id: rules[f"a{a.id}"] for a in pending}
    ceilings: list[str] = []
    for _, rule in anchors:
        ceilings.append(max(ceilings[-1], rule) if ceilings else rule)
    gaps: dict[int, list[Amendment]] = {}
    for amendment in sorted(pending, key=lambda a: rules[f"a{a.id}"]):
        gaps.setdefault(bisect.bisect_right(ceilings, rules[f"a{amendment.id}"]), []).append(
            amendment
        )
    keys: dict[int, str] = {}
    for gap, waiting in gaps.items():
        low = anchors[gap - 1][0] if gap > 0 else None
        high = anchors[gap][0] if gap < len(anchors) else None
        if low is not None and high is not None and not low < high:
            high = None  # equal keys (copies of one record): after them
        slotted = keys_between(low, high, len(waiting))
        keys.update(zip((a.id for a in waiting), slotted, strict=True))
    return keys


def ordered(
    text: LegislativeText, amendments: Sequence[Amendment], published: Sequence[Any]
) -> list[tuple[str, Any]]:
    """Ours and published ones (not the records of ours) in one order of call, each as
    ("amendment", Amendment) or ("published", row); exact, for the liasse."""
    linked = {row.amendment_id for row in published if row.amendment_id is not None}
    own = {a.id: a for a in amendments}
    externals = [row for row in published if row.amendment_id is None]
    records = {row.amendment_id: row for row in published if row.amendment_id in own}
    items = call_items([*externals, *records.values()], text.articles)
    by_uid: dict[str, tuple[str, Any]] = {row.uid: ("published", row) for row in externals}
    for row in records.values():
        by_uid[row.uid] = ("amendment", own[row.amendment_id])
    articles = {article.id: article for article in text.articles}
    for amendment in amendments:
        if amendment.id not in linked:
            items.append(amendment_item(amendment, articles.get(amendment.article_id)))
            by_uid[f"a{amendment.id}"] = ("amendment", amendment)
    keys = call_keys(items)
    return [by_uid[item.uid] for item in sorted(items, key=lambda i: (keys[i.uid], i.sequence))]
