"""Document pages: the download buttons, the job page with its progress bar, the download with
session authorisation, and the secretariat's export form on the text page."""

from __future__ import annotations

import io
import re
import zipfile

from flask import render_template

from drafting.db import commit
from drafting.extensions import db
from drafting.infra import queue
from drafting.services.documents import official
from tests.conftest import NOW, login
from tests.documents_helpers import make_amendment, pdf_text


def _job_id(location: str) -> str:
    match = re.search(r"/taches/([0-9a-f-]{36})$", location)
    assert match, location
    return match.group(1)


def test_the_download_include_offers_docx_and_pdf_forms(app, people, bill):
    amendment = make_amendment(people["regol"], bill)
    with app.test_request_context():
        html = render_template("documents/_download.html", amendment=amendment)
    assert "Télécharger" in html
    assert html.count(f'action="/amendements/{amendment.id}/documents"') == 2
    assert 'value="docx"' in html and 'value="pdf"' in html and "csrf_token" in html


def test_a_deputy_downloads_the_pdf_through_the_job_page(client, people, bill, run_jobs):
    amendment = make_amendment(people["regol"], bill, state="filed", number="123")
    login(client, people["regol"])
    response = client.post(f"/amendements/{amendment.id}/documents", data={"format": "pdf"})
    assert response.status_code == 302
    job_id = _job_id(response.headers["Location"])
    run_jobs()
    page = client.get(f"/taches/{job_id}").get_data(as_text=True)
    assert "<progress" in page and 'value="100"' in page and "Terminé" in page
    assert f'href="/taches/{job_id}/fichier"' in page
    status = client.get(f"/taches/{job_id}.json").get_json()
    assert (status["status"], status["progress"]) == ("finished", 100)
    download = client.get(f"/taches/{job_id}/fichier")
    assert download.headers["Content-Type"] == "application/pdf"
    assert (
        download.headers["Content-Disposition"] == 'attachment; filename="AMDT_809_art7_n123.pdf"'
    )
    assert "ASSEMBL" in pdf_text(download.data)


def test_a_queued_job_page_shows_the_bar_and_a_refresh_link_without_script(client, people, bill):
    amendment = make_amendment(people["regol"], bill)
    job = official.request_document(people["regol"], amendment.id, "docx", NOW)
    db.session.info.pop(queue.PENDING, None)  # keep it queued: no worker will take it
    commit()
    login(client, people["regol"])
    page = client.get(f"/taches/{job.id}").get_data(as_text=True)
    assert "En attente" in page and 'value="0"' in page
    assert f'href="/taches/{job.id}" data-job-refresh>Actualiser</a>' in page
    assert "<script>" not in page and 'http-equiv="refresh"' not in page
    assert f'data-job-poll="/taches/{job.id}.json"' in page


def test_another_groups_deputy_cannot_see_the_job_nor_download(client, people, bill, run_jobs):
    amendment = make_amendment(people["regol"], bill)
    login(client, people["regol"])
    job_id = _job_id(
        client.post(f"/amendements/{amendment.id}/documents", data={"format": "docx"}).headers[
            "Location"
        ]
    )
    run_jobs()
    client.post("/logout")
    login(client, people["peu"])
    assert client.get(f"/taches/{job_id}").status_code == 404
    assert client.get(f"/taches/{job_id}.json").status_code == 404
    assert client.get(f"/taches/{job_id}/fichier").status_code == 404
    response = client.post(f"/amendements/{amendment.id}/documents", data={"format": "pdf"})
    assert response.status_code == 404


def test_the_text_page_shows_the_export_form_to_secretariats_only(client, people, bill):
    login(client, people["regol"])
    assert "Exporter la liasse" not in client.get(f"/textes/{bill.id}").get_data(as_text=True)
    response = client.post(f"/textes/{bill.id}/export", data={})
    assert response.status_code == 403
    client.post("/logout")
    login(client, people["claire"])
    page = client.get(f"/textes/{bill.id}").get_data(as_text=True)
    assert "Exporter la liasse" in page and 'name="states"' in page and "GDR" in page


def test_a_secretariat_exports_the_liasse_from_the_text_page(client, people, bill, run_jobs):
    make_amendment(people["regol"], bill, state="filed", number="27")
    make_amendment(people["lucas"], bill, expose="Brouillon.")
    login(client, people["claire"])
    response = client.post(
        f"/textes/{bill.id}/export", data={"group": "ECOS", "states": ["filed", "draft"]}
    )
    job_id = _job_id(response.headers["Location"])
    run_jobs()
    page = client.get(f"/taches/{job_id}").get_data(as_text=True)
    assert "Export de la liasse" in page and "LIASSE_809_ECOS.zip" in page
    download = client.get(f"/taches/{job_id}/fichier")
    assert download.headers["Content-Type"] == "application/zip"
    liasse = zipfile.ZipFile(io.BytesIO(download.data))
    assert liasse.read("index.csv").decode("utf-8-sig").count("\r\n") == 3


def test_a_failed_job_page_shows_the_error(client, people, bill, run_jobs, monkeypatch):
    amendment = make_amendment(people["regol"], bill)
    monkeypatch.setattr(official, "render", lambda sheet, fmt: 1 / 0)
    login(client, people["regol"])
    job_id = _job_id(
        client.post(f"/amendements/{amendment.id}/documents", data={"format": "pdf"}).headers[
            "Location"
        ]
    )
    run_jobs()
    page = client.get(f"/taches/{job_id}").get_data(as_text=True)
    assert "Échec" in page and "ZeroDivisionError" in page


def test_the_amendment_page_offers_the_official_documents(client, people, bill):
    amendment = make_amendment(people["regol"], bill)
    login(client, people["regol"])
    page = client.get(f"/amendements/{amendment.id}").get_data(as_text=True)
    assert "Télécharger" in page
    assert page.count(f'action="/amendements/{amendment.id}/documents"') == 2
