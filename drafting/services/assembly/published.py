"""A published amendment as a row of `published_amendments`: its values read from the Assembly's
record, the digest that tells a re-read record from a changed one, and its place in the order
of call."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from drafting.models import Article, PublishedAmendment
from drafting.services.assembly.amendment_records import AssemblyAmendment
from workflows.deadlines import PARIS
from workflows.order_of_call import CallItem
from workflows.review import Outcome

# Column lengths of `published_amendments` (a longer value from outside is cut, never refused).
_LENGTHS = {
    "uid": 80,
    "number": 40,
    "division_type": 16,
    "article_number": 40,
    "position_kind": 16,
    "anchor": 120,
    "designation": 120,
    "alinea_relation": 8,
    "author_kind": 16,
    "author_ref": 16,
    "author_name": 200,
    "group_ref": 16,
    "group_mention": 300,
    "identical_group": 40,
    "identical_position": 8,
    "joint_group": 40,
    "joint_position": 8,
    "parent_uid": 80,
    "parent_number": 40,
    "state_label": 80,
    "outcome": 16,
    "outcome_label": 120,
    "inadmissibility_ground": 8,
    "order_key": 120,
}
OUTCOMES = frozenset(o.value for o in Outcome)
# What a sync compares and reports of our own amendment's record.
TRACKED = (
    "number",
    "rectification",
    "order_key",
    "identical_group",
    "joint_group",
    "outcome",
    "outcome_label",
    "inadmissibility_ground",
    "filed_on",
    "decided_at",
)


def record_uid(record: AssemblyAmendment) -> str:
    """The Assembly's uid; Eliasse's records have none: their organ and number stand for it."""
    if record.uid:
        return record.uid
    return f"eliasse:{record.organ_ref or record.text_number or ''}:{record.number}"


def digest(record: AssemblyAmendment, order_key: str | None = None) -> str:
    """SHA-256 of everything read of the record (its dataclass repr is complete and stable) and
    of its order key (an order list's, when the record has none)."""
    read = f"{record!r}|{order_key or ''}"
    return hashlib.sha256(read.encode("utf-8")).hexdigest()


def _clean(value: Any, column: str) -> Any:
    if isinstance(value, str):
        value = value.replace("\x00", "")
        limit = _LENGTHS.get(column)
        return value[:limit] if limit else value
    return value


def _aware(moment: datetime | None) -> datetime | None:
    """The Assembly's times are Paris wall-clock times when they carry no offset."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=PARIS)


def row_values(
    record: AssemblyAmendment,
    *,
    authors: dict[str, int],
    groups: dict[str, int],
    order_key: str | None,
) -> dict[str, Any]:
    """The columns of a record (text, ids, digest and sync time excepted)."""
    position = record.position
    values: dict[str, Any] = {
        "uid": record_uid(record),
        "number": record.number,
        "rectification": record.rectification,
        "order_key": order_key,
        "assembly_order": bool(record.order_key),
        "division_type": position.division_type,
        "article_number": position.article_number,
        "position_kind": position.kind,
        "anchor": position.anchor,
        "designation": position.designation,
        "alinea": position.alinea,
        "alinea_relation": position.alinea_relation,
        "author_kind": record.author_kind,
        "author_ref": record.author_ref,
        "author_name": record.author_name,
        "author_id": authors.get(record.author_ref or ""),
        "group_ref": record.group_ref,
        "group_id": groups.get(record.group_ref or ""),
        "group_mention": record.group_mention,
        "cosignatory_refs": list(record.cosignatory_refs),
        "signatories_label": record.signatories_label,
        "dispositif": record.dispositif,
        "expose": record.expose,
        "notice": record.notice,
        "identical_group": record.identical_group,
        "identical_position": record.identical_position,
        "joint_group": record.joint_group,
        "joint_position": record.joint_position,
        "parent_uid": record.parent_uid,
        "parent_number": record.parent_number,
        "state_label": record.state,
        "outcome": record.outcome if record.outcome in OUTCOMES else None,
        "outcome_label": record.outcome_label,
        "inadmissibility_ground": record.inadmissibility_ground,
        "filed_on": record.filed_on,
        "published_on": record.published_on,
        "decided_at": _aware(record.decided_at),
        "article_99": record.article_99,
    }
    return {column: _clean(value, column) for column, value in values.items()}


def call_items(
    rows: Sequence[PublishedAmendment | Any], articles: Sequence[Article]
) -> list[CallItem]:
    """What the order of call reads of published amendments (mapped rows or plain ones); each
    item's uid is the Assembly's, so that a sub-amendment names its parent."""
    places = {a.number.casefold(): a.position - 1 for a in articles}
    by_number = {row.number: row.uid for row in rows}
    return [
        CallItem(
            uid=row.uid,
            article_number=row.article_number,
            article_position=places.get((row.article_number or "").casefold()),
            position_kind=row.position_kind,
            on_title=row.division_type == "titre" and row.article_number is None,
            alinea=row.alinea,
            alinea_relation=row.alinea_relation,
            dispositif=row.dispositif or "",
            number=row.number,
            sequence=row.id,
            parent_uid=row.parent_uid or by_number.get(row.parent_number or ""),
            identical_group=row.identical_group,
            identical_position=row.identical_position,
            joint_group=row.joint_group,
            joint_position=row.joint_position,
            inadmissible=row.outcome == Outcome.IRRECEVABLE,
            tri=row.order_key if row.assembly_order else None,
        )
        for row in rows
    ]
