"""A bulk action answered now (a small selection) or as a job (a large one), and its report.

A job runs the selection in batches, one transaction each (`checkpoint` commits: the job layer
passes it), records its progress after each batch and stores the report, the same body the
API would have answered at once, as a JSON file the job's `result` shows.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from drafting.extensions import db
from drafting.models import Job, StoredFile, User
from drafting.services.bulk import actions
from drafting.services.bulk.actions import BulkAction, Item
from drafting.services.bulk.selection import Selection, chunks
from drafting.services.documents import jobs, storage
from drafting.services.workflow import notices

KIND = "bulk"


@dataclass(frozen=True)
class Answer:
    """What a bulk request gets: the results now, or the job that will produce them."""

    items: list[Item] | None = None
    job: Job | None = None


def report(items: list[Item]) -> dict[str, Any]:
    """The report's body: each amendment's result and how many were done and refused."""
    done = sum(1 for item in items if item.done)
    return {
        "items": [
            {
                "amendment_id": item.amendment_id,
                "status": item.status,
                "error": None if item.done else {"code": item.code, "message": item.message},
            }
            for item in items
        ],
        "done": done,
        "refused": len(items) - done,
    }


def perform(
    actor: User,
    bulk: BulkAction,
    selection: Selection,
    now: datetime,
    text_id: int | None = None,
) -> Answer:
    """Check the request, then act at once on a small selection or queue a job for a large one
    (more than `actions.INLINE_LIMIT` amendments; `text_id`: the text it was chosen on)."""
    bulk = actions.check(bulk, selection)
    if len(selection) <= actions.INLINE_LIMIT:
        results = actions.run(actor, bulk, selection.ids, now)
        return Answer(items=actions.in_request_order(selection, results))
    params = {
        "action": {**asdict(bulk), "numbers": {str(k): v for k, v in bulk.numbers.items()}},
        "ids": selection.ids,
        "requested": selection.requested,
    }
    job = jobs.new_job(actor, KIND, now, params, text_id=text_id)
    jobs.enqueue(job)
    return Answer(job=job)


def _action(params: dict[str, Any]) -> BulkAction:
    fields = dict(params)
    fields["numbers"] = {int(k): v for k, v in fields.get("numbers", {}).items()}
    fields["deputy_ids"] = tuple(fields.get("deputy_ids") or ())
    return BulkAction(**fields)


def run_job(job: Job, now: datetime, checkpoint: Callable[[], None]) -> None:
    """Run a queued bulk action batch by batch (`checkpoint` after each: a commit), then store
    the report and finish the job. Notices are grouped over the whole job."""
    job_id, params = job.id, job.params
    actor = db.session.get_one(User, job.requested_by_id)
    bulk = _action(params["action"])
    ids: list[int] = sorted(params["ids"])
    results: dict[int, Item] = {}
    with notices.batched(now) as batch:
        for part in chunks(ids, actions.BATCH):
            results.update(actions.run(actor, bulk, part, now, batch))
            checkpoint()
            jobs.set_progress(job_id, 100 * len(results) // max(1, len(ids)))
    selection = Selection(params["ids"], [], params["requested"])
    body = json.dumps(report(actions.in_request_order(selection, results)), ensure_ascii=False)
    stored = storage.backend().put(
        f"bulk/{job_id}.json", body.encode("utf-8"), "application/json", "resultats.json"
    )
    jobs.mark_finished(jobs.load_job(job_id), stored, now)


def stored_report(job: Job) -> dict[str, Any] | None:
    """The report of a finished bulk job, as the API answers it (None before it finished)."""
    stored = db.session.get(StoredFile, job.file_id) if job.file_id else None
    if job.status != "finished" or stored is None:
        return None
    return json.loads(storage.open_file(stored).read())  # type: ignore[no-any-return]
