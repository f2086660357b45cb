"""Documents through the JSON API: 202 with a job, the job's status and result, the download
with its type and name, authorisation (404 for what one may not see, 403 for the export)."""

from __future__ import annotations

import hashlib
import io
import zipfile

from docx import Document

from drafting.services.documents import official, sheets
from tests.conftest import draft_payload
from tests.documents_helpers import make_amendment, pdf_text


def _draft(api, people, bill) -> int:
    response = api(people["regol"]).post("/amendments", draft_payload(bill.id))
    assert response.status_code == 201
    return int(response.get_json()["id"])


def test_requesting_a_document_answers_202_with_a_job_that_finishes(api, people, bill, run_jobs):
    amendment_id = _draft(api, people, bill)
    client = api(people["regol"])
    response = client.post(f"/amendments/{amendment_id}/documents", {"format": "docx"})
    assert response.status_code == 202
    job = response.get_json()["job"]
    assert set(job) >= {"id", "status", "progress"}
    assert job["status"] in ("queued", "finished")
    run_jobs()
    body = client.get(f"/jobs/{job['id']}").get_json()
    assert (body["status"], body["progress"]) == ("finished", 100)
    result = body["result"]
    assert result["filename"].endswith(".docx") and result["size"] > 0
    assert result["url"] == f"/api/v1/jobs/{job['id']}/file"
    download = client.get(f"/jobs/{job['id']}/file")
    assert download.status_code == 200
    assert download.headers["Content-Type"] == sheets.CONTENT_TYPES["docx"]
    assert download.headers["Content-Disposition"] == f'attachment; filename="{result["filename"]}"'
    assert int(download.headers["Content-Length"]) == result["size"]
    assert Document(io.BytesIO(download.data)).paragraphs


def test_a_filed_amendments_pdf_is_named_after_the_text_article_and_number(
    api, people, bill, run_jobs
):
    amendment = make_amendment(people["regol"], bill, state="filed", number="123")
    client = api(people["peu"])  # filed: visible to every deputy
    job = client.post(f"/amendments/{amendment.id}/documents", {"format": "pdf"}).get_json()["job"]
    run_jobs()
    download = client.get(f"/jobs/{job['id']}/file")
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"] == (
        'attachment; filename="AMDT_809_art7_n123.pdf"'
    )
    assert "ASSEMBL" in pdf_text(download.data)


def test_another_groups_deputy_gets_404_for_a_drafts_document(api, people, bill, run_jobs):
    amendment_id = _draft(api, people, bill)
    job = (
        api(people["regol"])
        .post(f"/amendments/{amendment_id}/documents", {"format": "pdf"})
        .get_json()["job"]
    )
    run_jobs()
    outsider = api(people["peu"])
    assert (
        outsider.post(f"/amendments/{amendment_id}/documents", {"format": "pdf"}).status_code == 404
    )
    assert outsider.get(f"/jobs/{job['id']}").status_code == 404
    assert outsider.get(f"/jobs/{job['id']}/file").status_code == 404
    assert api(people["claire"]).get(f"/jobs/{job['id']}/file").status_code == 200


def test_a_deputy_cannot_export_and_a_secretariat_gets_the_zip(api, people, bill, run_jobs):
    make_amendment(people["regol"], bill, state="filed", number="27")
    response = api(people["regol"]).post(f"/texts/{bill.id}/exports", {"format": "zip"})
    assert response.status_code == 403
    client = api(people["claire"])
    response = client.post(f"/texts/{bill.id}/exports", {"format": "zip", "states": ["filed"]})
    assert response.status_code == 202
    job_id = response.get_json()["job"]["id"]
    run_jobs()
    body = client.get(f"/jobs/{job_id}").get_json()
    assert body["status"] == "finished", body
    assert body["result"]["content_type"] == "application/zip"
    download = client.get(body["result"]["url"].removeprefix("/api/v1"))
    assert download.headers["Content-Disposition"] == 'attachment; filename="LIASSE_809.zip"'
    names = zipfile.ZipFile(io.BytesIO(download.data)).namelist()
    assert "index.csv" in names and any(n.startswith("0001_") for n in names)
    assert api(people["hugo"]).get(f"/jobs/{job_id}").status_code == 404  # not the requester
    # spliced from its parts, the liasse is served as one file: its digest, its ranges
    assert hashlib.sha256(download.data).hexdigest() == body["result"]["sha256"]
    assert download.headers["X-Content-SHA256"] == body["result"]["sha256"]
    assert int(download.headers["Content-Length"]) == len(download.data) == body["result"]["size"]
    url = "/api/v1" + body["result"]["url"].removeprefix("/api/v1")
    middle = client.client.get(url, headers=client._headers() | {"Range": "bytes=200-4300"})
    assert (middle.status_code, middle.data) == (206, download.data[200:4301])


def test_unknown_jobs_and_bad_bodies_are_refused(api, people, bill):
    client = api(people["regol"])
    assert client.get("/jobs/nope").status_code == 404
    assert client.get("/jobs/nope/file").status_code == 404
    assert client.post("/amendments/999/documents", {"format": "pdf"}).status_code == 404
    amendment_id = _draft(api, people, bill)
    response = client.post(f"/amendments/{amendment_id}/documents", {"format": "odt"})
    assert response.status_code == 422 and "format" in response.get_json()["error"]["fields"]
    response = api(people["claire"]).post(f"/texts/{bill.id}/exports", {"states": ["bidon"]})
    assert response.status_code == 422
    assert api(people["claire"]).post("/texts/999/exports", {}).status_code == 404
    assert api(None).get("/jobs/nope").status_code == 401


def test_a_failed_job_reports_failed_with_an_error(api, people, bill, run_jobs, monkeypatch):
    amendment_id = _draft(api, people, bill)
    monkeypatch.setattr(official, "render", lambda sheet, fmt: 1 / 0)
    client = api(people["regol"])
    job = client.post(f"/amendments/{amendment_id}/documents", {"format": "pdf"}).get_json()["job"]
    run_jobs()
    body = client.get(f"/jobs/{job['id']}").get_json()
    assert body["status"] == "failed" and "ZeroDivisionError" in body["error"]
    assert "result" not in body
    assert client.get(f"/jobs/{job['id']}/file").status_code == 404


def test_the_openapi_document_describes_the_document_routes(api, people):
    paths = api(None).get("/openapi.json").get_json()["paths"]
    assert "post" in paths["/amendments/{amendment_id}/documents"]
    assert "post" in paths["/texts/{text_id}/exports"]
    assert "get" in paths["/jobs/{job_id}"] and "get" in paths["/jobs/{job_id}/file"]


def test_the_cache_serves_a_second_request_without_rendering(
    api, people, bill, run_jobs, monkeypatch
):
    amendment_id = _draft(api, people, bill)
    client = api(people["regol"])
    first = client.post(f"/amendments/{amendment_id}/documents", {"format": "pdf"})
    run_jobs()
    monkeypatch.setattr(official, "render", lambda sheet, fmt: 1 / 0)  # would fail if called
    second = client.post(f"/amendments/{amendment_id}/documents", {"format": "pdf"})
    run_jobs()
    body = client.get(f"/jobs/{second.get_json()['job']['id']}").get_json()
    assert body["status"] == "finished"
    first_body = client.get(f"/jobs/{first.get_json()['job']['id']}").get_json()
    assert body["result"]["sha256"] == first_body["result"]["sha256"]


def test_a_download_resumes_with_a_range_request(api, people, bill, run_jobs):
    amendment = make_amendment(people["regol"], bill, state="filed", number="123")
    client = api(people["peu"])
    job = client.post(f"/amendments/{amendment.id}/documents", {"format": "pdf"}).get_json()["job"]
    run_jobs()
    url = f"/jobs/{job['id']}/file"
    whole = client.get(url)
    assert whole.headers["Accept-Ranges"] == "bytes"
    assert whole.headers["ETag"] == f'"{whole.headers["X-Content-SHA256"]}"'
    size = len(whole.data)
    part = client.client.get("/api/v1" + url, headers=client._headers() | {"Range": "bytes=100-"})
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 100-{size - 1}/{size}"
    assert part.data == whole.data[100:]
    outside = client.client.get(
        "/api/v1" + url, headers=client._headers() | {"Range": f"bytes={size}-"}
    )
    assert outside.status_code == 416
    assert outside.get_json()["error"]["code"] == "range_not_satisfiable"
    assert outside.headers["Content-Range"] == f"bytes */{size}"
