"""Deadlines: filing-deadline decisions, reopenings, a group's deadlines, the caller's deadlines."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import AwareDatetime, Field

from drafting.api.schemas import Schema, Timestamp
from drafting.models import GroupDeadline, Reopening
from drafting.services.deadlines.queries import Deadline

REASON_CHARS = 2_000


class FilingDeadlineIn(Schema):
    filing_deadline: AwareDatetime
    reason: str = Field(max_length=REASON_CHARS, description="The decision moving the deadline.")


class RuleRestoreIn(Schema):
    reason: str = Field(max_length=REASON_CHARS, description="Why the rule applies again.")


class ReopeningIn(Schema):
    article: str = Field(min_length=1, max_length=40)
    until: AwareDatetime
    reason: str = Field(max_length=REASON_CHARS)


class ReopeningOut(Schema):
    article: str
    until: Timestamp
    reason: str

    @classmethod
    def of(cls, reopening: Reopening, article: str) -> Self:
        """A reopening on the article numbered `article` (read with it: no lazy load)."""
        return cls(article=article, until=reopening.until, reason=reopening.reason)


class GroupDeadlinesIn(Schema):
    review_by: AwareDatetime | None = Field(
        default=None, description="Drafts submitted for review by then; absent: unchanged."
    )
    cosign_by: AwareDatetime | None = Field(
        default=None, description="Co-signature closes then; absent: unchanged, null: none."
    )


class GroupDeadlinesOut(Schema):
    group: str
    review_by: Timestamp | None
    cosign_by: Timestamp | None

    @classmethod
    def of(cls, group: str, row: GroupDeadline) -> Self:
        """The deadlines of the group coded `group` (the caller knows it: no lazy load)."""
        return cls(group=group, review_by=row.review_by, cosign_by=row.cosign_by)


class DeadlineQuery(Schema):
    upcoming: bool = Field(default=True, description="Only deadlines still ahead (default).")


class DeadlineItem(Schema):
    kind: Literal["filing", "reopening", "review", "cosign"]
    text_id: int
    text_number: str
    at: Timestamp
    article: str | None = None
    group: str | None = None
    rule: str | None = None

    @classmethod
    def of(cls, item: Deadline) -> Self:
        """One of the caller's deadlines (every field written, the empty ones as null)."""
        return cls(
            kind=item.kind,  # type: ignore[arg-type]  # a str to mypy; pydantic checks it
            text_id=item.text_id,
            text_number=item.text_number,
            at=item.at,
            article=item.article,
            group=item.group,
            rule=item.rule,
        )


class DeadlineList(Schema):
    items: list[DeadlineItem]
