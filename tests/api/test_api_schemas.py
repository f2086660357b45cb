"""The response models are the JSON: a key is written when the serialiser set it, datetimes as
`isoformat()` writes them, and a view answers with the model its endpoint declares."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from drafting.api.routing import REGISTRY, _check_contract, _respond
from drafting.api.schemas.deadlines import ReopeningOut
from drafting.api.schemas.documents import JobOut
from drafting.api.schemas.people import GroupOut
from drafting.api.schemas.texts import TextList
from drafting.models import Job


def test_a_key_the_serialiser_leaves_unset_is_absent(api, people, bill):
    listed = api(people["regol"]).get("/texts").get_json()["items"][0]
    assert "articles" not in listed
    assert listed["reopenings"] == [] and listed["group_deadlines"] is None
    assert "articles" in api(people["regol"]).get(f"/texts/{bill.id}").get_json()


@pytest.mark.parametrize(
    ("status", "absent"), [("queued", {"result", "error"}), ("failed", {"result"})]
)
def test_a_jobs_result_and_error_are_absent_until_they_exist(app, status, absent):
    spec = next(e for e in REGISTRY if e.name == "get_job")
    job = Job(id="job-1", kind="document", status=status, progress=0, error=None)
    with app.test_request_context():
        body = _respond(spec, JobOut.of(job, "/file")).get_json()
    assert not absent & set(body)
    assert ("error" in body) == (status == "failed")


def test_datetimes_are_written_as_isoformat_writes_them():
    at = datetime(2025, 3, 4, 5, 6, 7, 890, tzinfo=UTC)
    reopening = ReopeningOut(article="7", until=at, reason="Décision.")
    assert reopening.model_dump(mode="json")["until"] == "2025-03-04T05:06:07.000890+00:00"


def test_a_view_must_answer_with_its_declared_model():
    group = GroupOut(id=1, code="ECOS", name="Écologistes")
    _check_contract(GroupOut, group, group.model_dump(mode="json"))
    with pytest.raises(TypeError):
        _check_contract(TextList, group, group.model_dump(mode="json"))
    with pytest.raises(ValidationError):
        _check_contract(GroupOut, group, {"id": 1, "code": "ECOS"})
