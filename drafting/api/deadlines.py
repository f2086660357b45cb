"""API of deadlines: filing-deadline overrides, reopenings, group deadlines, my deadlines."""

from __future__ import annotations

from typing import Any

from drafting.api.deadlines_schemas import (
    DeadlineList,
    DeadlineQuery,
    FilingDeadlineIn,
    GroupDeadlinesIn,
    ReopeningIn,
)
from drafting.api.routing import current_user, endpoint, now
from drafting.api.schemas import GroupDeadlinesOut, ReopeningOut, TextOut
from drafting.api.serializers import text_json
from drafting.db import commit
from drafting.models import GroupDeadline, LegislativeText, User
from drafting.services import texts
from drafting.services.deadlines import authority, binding
from drafting.services.deadlines.queries import Deadline, home_group, user_deadlines

TAGS = ("deadlines",)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def group_deadlines_json(code: str, row: GroupDeadline | None) -> dict[str, Any]:
    """{group, review_by, cosign_by}."""
    return {
        "group": code,
        "review_by": _iso(row.review_by) if row else None,
        "cosign_by": _iso(row.cosign_by) if row else None,
    }


def deadline_fields(text: LegislativeText, user: User) -> dict[str, Any]:
    """The text's reopenings and the caller's group deadlines (None when they have no group)."""
    reopenings = [
        {"article": article, "until": r.until.isoformat(), "reason": r.reason}
        for r, article in binding.reopenings_of(text.id)
    ]
    group = home_group(user)
    row = binding.group_deadline(text.id, group.id) if group is not None else None
    mine = group_deadlines_json(group.code, row) if group is not None and row is not None else None
    return {"reopenings": reopenings, "group_deadlines": mine}


def text_with_deadlines(text: LegislativeText, user: User) -> dict[str, Any]:
    """The text as GET /texts/{id} returns it, deadlines included."""
    return {**text_json(text), **deadline_fields(text, user)}


def deadline_json(item: Deadline) -> dict[str, Any]:
    """One of the caller's deadlines."""
    return {
        "kind": item.kind,
        "text_id": item.text_id,
        "text_number": item.text_number,
        "at": item.at.isoformat(),
        "article": item.article,
        "group": item.group,
        "rule": item.rule,
    }


@endpoint(
    "/texts/<int:text_id>/filing-deadline",
    "PUT",
    summary="Record a decision moving the filing deadline (secretariat, admin)",
    body=FilingDeadlineIn,
    response=TextOut,
    errors=(403, 404, 422),
    tags=TAGS,
)
def set_filing_deadline(text_id: int, body: FilingDeadlineIn) -> dict[str, Any]:
    """PUT /texts/{id}/filing-deadline."""
    authority.set_filing_deadline_override(
        current_user(), text_id, body.filing_deadline, body.reason, now()
    )
    commit()
    return text_with_deadlines(texts.get_text(text_id), current_user())


@endpoint(
    "/texts/<int:text_id>/reopenings",
    "POST",
    summary="Reopen the filing deadline for deputies on one article (secretariat, admin)",
    body=ReopeningIn,
    response=ReopeningOut,
    status=201,
    errors=(403, 404, 422),
    tags=TAGS,
)
def add_reopening(text_id: int, body: ReopeningIn) -> dict[str, Any]:
    """POST /texts/{id}/reopenings."""
    reopening = authority.add_reopening(
        current_user(), text_id, body.article, body.until, body.reason, now()
    )
    commit()
    return {
        "article": reopening.article.number,
        "until": reopening.until.isoformat(),
        "reason": reopening.reason,
    }


@endpoint(
    "/texts/<int:text_id>/deadlines/<group_code>",
    "PUT",
    summary="Set a group's review and co-signature deadlines (that group's secretariat)",
    body=GroupDeadlinesIn,
    response=GroupDeadlinesOut,
    errors=(403, 404, 422),
    tags=TAGS,
)
def set_group_deadlines(text_id: int, group_code: str, body: GroupDeadlinesIn) -> dict[str, Any]:
    """PUT /texts/{id}/deadlines/{group_code}: absent fields keep their value, null clears."""
    user = current_user()
    current = binding.current_group_deadlines(text_id, group_code)
    review_by = body.review_by if "review_by" in body.model_fields_set else current[0]
    cosign_by = body.cosign_by if "cosign_by" in body.model_fields_set else current[1]
    row = authority.set_group_deadlines(user, text_id, group_code, review_by, cosign_by, now())
    commit()
    return group_deadlines_json(row.group.code, row)


@endpoint(
    "/deadlines",
    summary="My deadlines, soonest first (upcoming only by default)",
    query=DeadlineQuery,
    response=DeadlineList,
    tags=TAGS,
)
def list_deadlines(query: DeadlineQuery) -> dict[str, Any]:
    """GET /deadlines?upcoming=true."""
    found = user_deadlines(current_user(), since=now() if query.upcoming else None)
    return {"items": [deadline_json(d) for d in found]}
