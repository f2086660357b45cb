"""API of deadlines: filing-deadline overrides, reopenings, group deadlines, my deadlines."""

from __future__ import annotations

from drafting.api.routing import current_user, endpoint, now
from drafting.api.schemas.deadlines import (
    DeadlineItem,
    DeadlineList,
    DeadlineQuery,
    FilingDeadlineIn,
    GroupDeadlinesIn,
    GroupDeadlinesOut,
    ReopeningIn,
    ReopeningOut,
    RuleRestoreIn,
)
from drafting.api.schemas.texts import TextOut
from drafting.db import commit
from drafting.models import LegislativeText, User
from drafting.services import texts
from drafting.services.deadlines import authority, binding
from drafting.services.deadlines.queries import home_group, user_deadlines

TAGS = ("deadlines",)


def text_with_deadlines(text: LegislativeText, user: User) -> TextOut:
    """The text as GET /texts/{id} returns it: its reopenings and the caller's group deadlines
    (null when they have no group or it set none)."""
    reopenings = [ReopeningOut.of(r, article) for r, article in binding.reopenings_of(text.id)]
    group = home_group(user)
    row = binding.group_deadline(text.id, group.id) if group is not None else None
    mine = GroupDeadlinesOut.of(group.code, row) if group is not None and row is not None else None
    return TextOut.of(text, reopenings=reopenings, group_deadlines=mine)


@endpoint(
    "/texts/<int:text_id>/filing-deadline",
    "PUT",
    summary="Record a decision moving the filing deadline (admin)",
    body=FilingDeadlineIn,
    response=TextOut,
    errors=(403, 404, 422),
    tags=TAGS,
)
def set_filing_deadline(text_id: int, body: FilingDeadlineIn) -> TextOut:
    """PUT /texts/{id}/filing-deadline."""
    authority.set_filing_deadline_override(
        current_user(), text_id, body.filing_deadline, body.reason, now()
    )
    commit()
    return text_with_deadlines(texts.get_text(text_id), current_user())


@endpoint(
    "/texts/<int:text_id>/filing-deadline",
    "DELETE",
    summary="Back to the rule: the filing deadline the Règlement gives (admin)",
    body=RuleRestoreIn,
    response=TextOut,
    errors=(403, 404, 422),
    tags=TAGS,
)
def restore_filing_deadline(text_id: int, body: RuleRestoreIn) -> TextOut:
    """DELETE /texts/{id}/filing-deadline."""
    authority.restore_filing_deadline_rule(current_user(), text_id, body.reason, now())
    commit()
    return text_with_deadlines(texts.get_text(text_id), current_user())


@endpoint(
    "/texts/<int:text_id>/reopenings",
    "POST",
    summary="Reopen the filing deadline for deputies on one article (admin)",
    body=ReopeningIn,
    response=ReopeningOut,
    status=201,
    errors=(403, 404, 422),
    tags=TAGS,
)
def add_reopening(text_id: int, body: ReopeningIn) -> ReopeningOut:
    """POST /texts/{id}/reopenings."""
    reopening = authority.add_reopening(
        current_user(), text_id, body.article, body.until, body.reason, now()
    )
    commit()
    return ReopeningOut.of(reopening, reopening.article.number)


@endpoint(
    "/texts/<int:text_id>/deadlines/<group_code>",
    "PUT",
    summary="Set a group's review and co-signature deadlines (that group's secretariat)",
    body=GroupDeadlinesIn,
    response=GroupDeadlinesOut,
    errors=(403, 404, 422),
    tags=TAGS,
)
def set_group_deadlines(text_id: int, group_code: str, body: GroupDeadlinesIn) -> GroupDeadlinesOut:
    """PUT /texts/{id}/deadlines/{group_code}: absent fields keep their value, null clears."""
    user = current_user()
    current = binding.current_group_deadlines(text_id, group_code)
    review_by = body.review_by if "review_by" in body.model_fields_set else current[0]
    cosign_by = body.cosign_by if "cosign_by" in body.model_fields_set else current[1]
    row = authority.set_group_deadlines(user, text_id, group_code, review_by, cosign_by, now())
    commit()
    return GroupDeadlinesOut.of(row.group.code, row)


@endpoint(
    "/deadlines",
    summary="My deadlines, soonest first (upcoming only by default)",
    query=DeadlineQuery,
    response=DeadlineList,
    tags=TAGS,
)
def list_deadlines(query: DeadlineQuery) -> DeadlineList:
    """GET /deadlines?upcoming=true."""
    found = user_deadlines(current_user(), since=now() if query.upcoming else None)
    return DeadlineList(items=[DeadlineItem.of(d) for d in found])
