"""API of bulk actions: a workflow action (or invitations) on a selection, one result each."""

from __future__ import annotations

from drafting.api.documents import job_out
from drafting.api.routing import current_user, endpoint, now
from drafting.api.schemas.bulk import BulkExportIn, BulkOut, BulkTransitionIn, Selected
from drafting.api.schemas.documents import JobEnvelope
from drafting.db import commit
from drafting.models import User
from drafting.services.bulk import jobs as bulk_jobs
from drafting.services.bulk import selection
from drafting.services.bulk.actions import BulkAction, numbers_in_order
from drafting.services.documents import exports
from drafting.services.listing import ListFilter

TAGS = ("bulk",)


def _selection(user: User, body: Selected) -> selection.Selection:
    if body.ids is not None:
        return selection.of_ids(body.ids)
    assert body.filter is not None  # the schema requires one of the two
    return selection.of_filter(user, ListFilter(**body.filter.model_dump()))


@endpoint(
    "/bulk/transitions",
    "POST",
    summary="Take an action on each amendment of a selection (ids or a filter): one result "
    "each; 202 and a job for a large selection",
    body=BulkTransitionIn,
    response=BulkOut,
    alternatives={202: JobEnvelope},
    errors=(403,),
    tags=TAGS,
)
def bulk_transitions(body: BulkTransitionIn) -> BulkOut | tuple[JobEnvelope, int]:
    """POST /bulk/transitions {action, ids | filter, comment?, numbers?, outcome?, deputy_ids?}."""
    chosen = _selection(current_user(), body)
    numbers = body.numbers_by_id()
    if body.first_number and not numbers:
        numbers = numbers_in_order(chosen.ids, body.first_number)
    action = BulkAction(
        body.action,
        body.comment,
        numbers,
        body.outcome,
        tuple(body.deputy_ids or ()),
        body.deadline_exception_reason,
    )
    text_id = body.filter.text_id if body.filter is not None else None
    answer = bulk_jobs.perform(current_user(), action, chosen, now(), text_id)
    commit()
    if answer.job is not None:
        return JobEnvelope(job=job_out(answer.job)), 202
    assert answer.items is not None
    return BulkOut.of(answer.items)


@endpoint(
    "/bulk/exports",
    "POST",
    summary="The documents of a selection (DOCX + PDF each, combined PDF, index) as a partial "
    "liasse ZIP built by jobs",
    body=BulkExportIn,
    response=JobEnvelope,
    status=202,
    errors=(403,),
    tags=TAGS,
)
def bulk_export(body: BulkExportIn) -> JobEnvelope:
    """POST /bulk/exports {ids | filter}: the selection's liasse (one text)."""
    chosen = _selection(current_user(), body)
    job = exports.request_selection_export(current_user(), chosen.ids, now())
    commit()
    return JobEnvelope(job=job_out(job))
