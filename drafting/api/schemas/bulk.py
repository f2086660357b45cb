"""Bulk actions: a selection (ids or a list filter), the action's fields, one result each."""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import Field, field_validator, model_validator

from drafting.api.schemas import Schema
from drafting.api.schemas.amendments import AmendmentFilter
from drafting.services.bulk.actions import Item
from drafting.services.bulk.selection import MAX_IDS

MAX_NUMBER_CHARS = 40


class ItemError(Schema):
    code: str
    message: str


class BulkItemOut(Schema):
    amendment_id: int
    status: Literal["done", "refused"]
    error: ItemError | None

    @classmethod
    def of(cls, item: Item) -> Self:
        """One amendment's result: done, or refused with the single action's code and message."""
        error = None if item.done else ItemError(code=item.code or "", message=item.message or "")
        return cls(amendment_id=item.amendment_id, status=item.status, error=error)  # type: ignore[arg-type]


class BulkOut(Schema):
    items: list[BulkItemOut]
    done: int
    refused: int

    @classmethod
    def of(cls, items: list[Item]) -> Self:
        """Each amendment's result, in the request's order, and the counts."""
        done = sum(1 for item in items if item.done)
        return cls(items=[BulkItemOut.of(i) for i in items], done=done, refused=len(items) - done)

    @classmethod
    def stored(cls, report: dict[str, Any]) -> Self:
        """A bulk job's stored report (`bulk.jobs.report`), read back."""
        return cls.model_validate(report)


class Selected(Schema):
    """Exactly one of `ids` (at most 100 000) and `filter` (the list's query keys)."""

    ids: list[int] | None = Field(default=None, max_length=MAX_IDS)
    filter: AmendmentFilter | None = Field(
        default=None, description="The keys of GET /amendments (page and per_page excepted)."
    )

    @model_validator(mode="after")
    def _one_selection(self) -> Self:
        if (self.ids is None) == (self.filter is None):
            raise ValueError("give either `ids` or `filter`")
        return self


class BulkTransitionIn(Selected):
    action: str = Field(
        max_length=40,
        description="submit, request_changes, approve, close, reopen, file, record_outcome, "
        "abandon, or invite.",
    )
    comment: str | None = Field(default=None, max_length=10_000)
    numbers: dict[str, str] | None = Field(
        default=None,
        max_length=MAX_IDS,
        description='file: {"<amendment id>": "<official number>"}.',
    )
    first_number: str | None = Field(
        default=None,
        max_length=MAX_NUMBER_CHARS,
        description="file: numbers assigned in the selection's order from this one (CL100…).",
    )
    outcome: str | None = Field(default=None, max_length=20)
    deputy_ids: list[int] | None = Field(default=None, max_length=1_000, description="invite")
    deadline_exception_reason: str | None = Field(default=None, max_length=2_000)

    @field_validator("numbers")
    @classmethod
    def _numbers_are_ids(cls, numbers: dict[str, str] | None) -> dict[str, str] | None:
        if numbers and not all(key.isdigit() and len(key) < 11 for key in numbers):
            raise ValueError("the keys of `numbers` are amendment ids")
        if numbers and any(len(n) > MAX_NUMBER_CHARS for n in numbers.values()):
            raise ValueError(f"a number has at most {MAX_NUMBER_CHARS} characters")
        return numbers

    def numbers_by_id(self) -> dict[int, str]:
        """`numbers` keyed by amendment id."""
        return {int(k): v for k, v in (self.numbers or {}).items()}


class BulkExportIn(Selected):
    format: Literal["zip"] = "zip"
