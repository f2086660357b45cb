"""Official documents through the real job path (RQ with REDIS_URL, inline otherwise): the sheet,
the signatory rules, the watermark, the cache, failures, retries and authorisation."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from docx import Document
from sqlalchemy import func, select

from drafting.db import commit
from drafting.errors import Forbidden, Invalid, NotFound
from drafting.extensions import db
from drafting.models import Job, StoredFile
from drafting.services.documents import exports, jobs, official, sheets, storage
from tests.conftest import NOW, make_user
from tests.documents_helpers import (
    docx_text,
    in_order,
    make_amendment,
    pdf_pages,
    pdf_text,
    sign,
)


@pytest.fixture
def signed(people, bill):
    """A filed amendment by Sandra Regol with current, stale, withdrawn and voided signatures."""
    amendment = make_amendment(people["regol"], bill, state="filed", number="CL358")
    extra = {n: make_user(n, "deputy", "ECOS") for n in ("Anne Stale", "Eve Retrait", "Ivo Nul")}
    sign(amendment, people["bayou"], 30)  # signed after Lucas-Lundy, listed after him
    sign(amendment, people["lucas"], 10)
    sign(amendment, people["peu"], 40)  # another group, invited: still a co-signatory
    sign(amendment, extra["Anne Stale"], 5, stale=True)
    sign(amendment, extra["Eve Retrait"], 6, withdrawn=True)
    sign(amendment, extra["Ivo Nul"], 7, voided=True)
    return amendment


def _finished_file(job_id: str) -> bytes:
    job = db.session.get(Job, job_id, populate_existing=True)
    assert job.status == "finished", job.error
    assert job.progress == 100
    stored = db.session.get(StoredFile, job.file_id)
    return storage.storage_for(stored).read(stored)


def _request(user, amendment, fmt, run_jobs, now=NOW):
    job = official.request_document(user, amendment.id, fmt, now)
    commit()  # inline without Redis: the job has run; with Redis it waits for the worker
    run_jobs()
    return job.id


def test_sheet_lists_the_author_then_current_cosignatories_in_signing_order(signed, people):
    sheet = sheets.build_sheet(signed, people["claire"], NOW)
    assert sheet.author.last_name == "Regol"
    assert [s.last_name for s in sheet.cosignatories] == ["Lucas-Lundy", "Bayou", "Peu"]
    assert sheet.number == "CL358" and sheet.watermark is None
    assert (sheet.version, sheet.content_hash) == (signed.version, signed.content_hash)


def test_a_job_goes_from_queued_to_finished_and_the_docx_reopens(signed, people, run_jobs):
    job = official.request_document(people["regol"], signed.id, "docx", NOW)
    commit()
    assert db.session.get(Job, job.id).status in ("queued", "finished")
    run_jobs()
    document = Document(io.BytesIO(_finished_file(job.id)))
    text = docx_text(_finished_file(job.id))
    assert document.paragraphs
    assert in_order(
        text,
        "ASSEMBLÉE NATIONALE",
        "CL358",
        "Regol",
        "Lucas-Lundy",
        "Bayou",
        "Peu",
        "ARTICLE 7",
        "Supprimer cet article.",
        "EXPOSÉ SOMMAIRE",
        "suppression",
    )
    assert signed.content_hash in text


def test_the_pdf_carries_the_layout_and_never_stale_withdrawn_or_voided_names(
    signed, people, run_jobs
):
    text = pdf_text(_finished_file(_request(people["regol"], signed, "pdf", run_jobs)))
    assert in_order(
        text,
        "ASSEMBLÉE NATIONALE",
        "AMENDEMENT",
        "CL358",
        "présenté par",
        "Regol",
        "Lucas-Lundy",
        "Bayou",
        "Peu",
        "ARTICLE 7",
        "Supprimer cet article.",
        "EXPOSÉ SOMMAIRE",
    )
    for absent in ("Stale", "Retrait", "Nul"):
        assert absent not in text


def test_an_unfiled_amendment_carries_the_requesters_name(people, bill, run_jobs):
    draft = make_amendment(people["regol"], bill)
    sheet = sheets.build_sheet(draft, people["lea"], NOW)
    assert sheet.watermark == "Exporté par Mme\u00a0Léa Moreau le 20 mars 2023"
    text = pdf_text(_finished_file(_request(people["lea"], draft, "pdf", run_jobs)))
    assert "Léa Moreau" in text


def test_the_same_version_is_rendered_once_then_served_from_the_cache(signed, people, run_jobs):
    first = _request(people["regol"], signed, "pdf", run_jobs)
    count = db.session.scalar(select(func.count(StoredFile.id)))
    second = _request(people["lucas"], signed, "pdf", run_jobs, NOW + timedelta(hours=2))
    assert db.session.scalar(select(func.count(StoredFile.id))) == count
    assert db.session.get(Job, first).file_id == db.session.get(Job, second).file_id


def test_a_new_cosignature_is_not_served_an_old_cached_document(signed, people, run_jobs):
    first = _request(people["regol"], signed, "pdf", run_jobs)
    sign(signed, make_user("Zoé Tardive", "deputy", "ECOS", civility="Mme"), 90)
    second = _request(people["regol"], signed, "pdf", run_jobs)
    assert db.session.get(Job, first).file_id != db.session.get(Job, second).file_id
    assert "Tardive" in pdf_text(_finished_file(second))


def test_a_failing_render_marks_the_job_failed_with_the_error(
    signed, people, run_jobs, monkeypatch
):
    def broken(sheet, fmt):
        raise RuntimeError("moteur PDF indisponible")

    monkeypatch.setattr(official, "render", broken)
    job_id = _request(people["regol"], signed, "pdf", run_jobs)
    job = db.session.get(Job, job_id, populate_existing=True)
    assert job.status == "failed"
    assert "moteur PDF indisponible" in job.error
    assert job.file_id is None


def test_a_killed_job_is_retried_and_a_finished_job_is_left_alone(signed, people, run_jobs):
    job = official.request_document(people["regol"], signed.id, "docx", NOW)
    db.session.flush()
    job.status = "started"  # as a worker killed mid-job leaves it, without queueing it
    db.session.info.pop("liasse_pending_jobs", None)
    commit()
    assert db.session.scalar(select(func.count(StoredFile.id))) == 0
    jobs.retry_job(job.id)
    commit()
    run_jobs()
    assert docx_text(_finished_file(job.id))
    with pytest.raises(Exception, match="déjà terminée"):
        jobs.retry_job(job.id)


def test_the_cli_retries_a_job(app, signed, people, run_jobs):
    job = official.request_document(people["regol"], signed.id, "pdf", NOW)
    db.session.info.pop("liasse_pending_jobs", None)
    commit()
    result = app.test_cli_runner().invoke(args=["jobs", "retry", job.id])
    assert result.exit_code == 0, result.output
    run_jobs()
    assert pdf_pages(_finished_file(job.id)) >= 1


def test_another_groups_deputy_cannot_see_a_drafts_document_job(people, bill, run_jobs):
    draft = make_amendment(people["regol"], bill)
    job_id = _request(people["regol"], draft, "docx", run_jobs)
    with pytest.raises(NotFound):
        jobs.job_for(people["peu"], job_id)
    with pytest.raises(NotFound):
        official.request_document(people["peu"], draft.id, "pdf", NOW)
    assert jobs.job_for(people["claire"], job_id).id == job_id  # may view the amendment


def test_only_secretariats_and_admins_export_and_parameters_are_checked(people, bill):
    with pytest.raises(Forbidden):
        exports.request_export(people["regol"], bill.id, now=NOW)
    with pytest.raises(Invalid) as error:
        exports.request_export(people["claire"], bill.id, group="XYZ", states=["bidon"], now=NOW)
    assert set(error.value.fields) == {"group", "states"}
    with pytest.raises(Invalid):
        official.request_document(people["regol"], 1, "odt", NOW)


def test_an_unknown_job_is_not_found(people):
    with pytest.raises(NotFound):
        jobs.job_for(people["regol"], "00000000-0000-0000-0000-000000000000")
