"""The deadlines binding an amendment: read for a text and group, enforced for the other services.

The rules (jours ouvrables, Paris time) live in the pure `workflows.deadlines`; this module reads
the text's filing deadline, per-article reopenings and each group's internal deadlines.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeGuard

from sqlalchemy import bindparam, select

from drafting.errors import Conflict
from drafting.extensions import db
from drafting.models import Amendment, Article, Group, GroupDeadline, LegislativeText, Reopening
from workflows.deadlines import DeadlineSet, format_paris

_GROUP_DEADLINE = select(GroupDeadline).where(
    GroupDeadline.text_id == bindparam("text_id"), GroupDeadline.group_id == bindparam("group_id")
)


def group_deadline(text_id: int, group_id: int | None) -> GroupDeadline | None:
    """The group's internal deadlines on a text, if its secretariat set any."""
    if group_id is None:
        return None
    return db.session.scalar(_GROUP_DEADLINE, {"text_id": text_id, "group_id": group_id})


def current_group_deadlines(
    text_id: int, group_code: str
) -> tuple[datetime | None, datetime | None]:
    """(review_by, cosign_by) of a group on a text, (None, None) when unset or unknown."""
    group = db.session.scalar(select(Group).where(Group.code == (group_code or "").upper()))
    row = group_deadline(text_id, group.id) if group is not None else None
    return (row.review_by, row.cosign_by) if row is not None else (None, None)


def reopenings_of(text_id: int) -> list[tuple[Reopening, str]]:
    """Every reopening of a text with its article number, in the order they were recorded."""
    query = (
        select(Reopening, Article.number)
        .join(Article, Article.id == Reopening.article_id)
        .where(Reopening.text_id == text_id)
        .order_by(Reopening.created_at, Reopening.id)
    )
    return [(row[0], row[1]) for row in db.session.execute(query)]


def deadline_set(text: LegislativeText, group_id: int | None) -> DeadlineSet:
    """The deadlines binding a group's amendments on a text (rules applied by DeadlineSet)."""
    reopened: dict[str, datetime] = {}
    for reopening, article in reopenings_of(text.id):
        reopened[article] = max(reopened.get(article, reopening.until), reopening.until)
    group = group_deadline(text.id, group_id)
    return DeadlineSet(
        filing_deadline=text.filing_deadline,
        reopenings=reopened,
        review_by=group.review_by if group else None,
        cosign_by=group.cosign_by if group else None,
    )


def _group_code(amendment: Amendment) -> str:
    return amendment.group.code if amendment.group else ""


def cosign_closed(cosign_by: datetime | None, now: datetime) -> TypeGuard[datetime]:
    """Whether the group's co-signature deadline (None: none set) has passed at `now` (closed
    implies set, which the type says too)."""
    return cosign_by is not None and now > cosign_by


def assert_can_cosign(amendment: Amendment, now: datetime) -> None:
    """Raise Conflict(code="deadline_passed") once the group's cosign_by has passed."""
    group = group_deadline(amendment.text_id, amendment.group_id)
    cosign_by = group.cosign_by if group is not None else None
    if not cosign_closed(cosign_by, now):
        return
    raise Conflict(
        f"La cosignature est close depuis le {format_paris(cosign_by)} "
        f"(date limite fixée par le groupe {_group_code(amendment)}).",
        code="deadline_passed",
    )


def assert_can_submit(amendment: Amendment, now: datetime) -> None:
    """Raise Conflict(code="deadline_passed") when a draft is submitted after the review_by.

    The secretariat can still act: it edits the draft, or moves the group's review_by later.
    """
    group = group_deadline(amendment.text_id, amendment.group_id)
    if group is None or group.review_by is None or now <= group.review_by:
        return
    raise Conflict(
        f"La date limite de relecture du groupe était le {format_paris(group.review_by)} : "
        "demandez au secrétariat du groupe de la reporter.",
        code="deadline_passed",
    )


def assert_can_file(amendment: Amendment, now: datetime, exception_reason: str | None) -> None:
    """Raise Conflict(code="deadline_passed") after the filing deadline, unless an exception
    with a reason is given (the caller journals it)."""
    if exception_reason is not None and exception_reason.strip():
        return
    article = amendment.article.number
    rules = deadline_set(amendment.text, amendment.group_id)
    if rules.is_filing_open(article, now, sub_amendment=amendment.is_sub_amendment):
        return
    deadline = rules.filing_deadline_for(article)
    assert deadline is not None  # a closed filing always has a deadline
    raise Conflict(
        f"Le délai de dépôt sur l'article {article} a expiré le {format_paris(deadline)} : "
        "indiquez le motif de l'exception pour déposer quand même.",
        code="deadline_passed",
    )
