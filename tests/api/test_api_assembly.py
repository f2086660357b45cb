"""API of the Assembly's data: POST /texts/import (upload, pasted HTML or text, URL by a job)
and its refusals: each bad input a 4xx saying what was wrong, nothing half-imported."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from drafting.extensions import db
from drafting.models import LegislativeText
from drafting.services.assembly import remote

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "assembly"
FIELDS = {
    "number": "1234",
    "stage": "commission",
    "examination_starts_at": "2026-03-02T15:00:00+01:00",
}


def _texts() -> int:
    return db.session.scalar(select(func.count(LegislativeText.id))) or 0


def test_pasted_html_is_imported_and_answered_as_get_text(api, people):
    client = api(people["claire"])
    html = (FIXTURES / "bill-an.html").read_text(encoding="utf-8")
    response = client.post("/texts/import", {**FIELDS, "html": html})
    assert response.status_code == 201, response.json
    body = response.json
    assert body == client.get(f"/texts/{body['id']}").json
    assert [(a["number"], a["status"], a["anchor"]) for a in body["articles"]] == [
        ("1er", None, "D_Article_1er"),
        ("2", "supprime", "D_Article_2"),
        ("2 bis", "nouveau", "D_Article_2_bis"),
        ("3", None, "D_Article_3"),
    ]
    assert body["short_title"] == "PROTÉGER LES HAIES"
    assert body["divisions"][0] == {
        "kind": "titre",
        "label": "TITRE Ier",
        "heading": "DISPOSITIONS GÉNÉRALES",
        "article_position": 1,
    }


def test_an_uploaded_file_is_imported(api, people):
    client = api(people["admin"])
    data = {**FIELDS, "file": (io.BytesIO((FIXTURES / "bill-an.html").read_bytes()), "pl.html")}
    response = client.post("/texts/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    assert len(response.json["articles"]) == 4


def test_pasted_plain_text_is_imported(api, people):
    plain = (FIXTURES / "bill-plain.txt").read_text(encoding="utf-8")
    response = api(people["claire"]).post(
        "/texts/import", {**FIELDS, "plain": plain, "title": "Proposition de loi sur les haies"}
    )
    assert response.status_code == 201, response.json
    assert [len(a["alineas"]) for a in response.json["articles"]] == [3, 1]


def test_a_url_is_fetched_by_a_job_that_names_the_new_text(api, people, monkeypatch, run_jobs):
    fetched = []

    def fake_fetch(url: str, policy: Any, out: BinaryIO) -> str:
        fetched.append(url)
        out.write((FIXTURES / "bill-an.html").read_bytes())
        return "1234.html"

    monkeypatch.setattr(remote, "fetch", fake_fetch)
    client = api(people["claire"])
    url = "https://www.assemblee-nationale.fr/dyn/opendata/PIONANR5L17B1234.html"
    response = client.post("/texts/import", {**FIELDS, "url": url})
    assert response.status_code == 202, response.json
    run_jobs()
    job = client.get(f"/jobs/{response.json['job']['id']}").json
    assert job["status"] == "finished", job
    assert fetched == [url]
    text = client.get(f"/texts/{job['result']['text_id']}").json
    assert text["number"] == "1234" and len(text["articles"]) == job["result"]["articles"] == 4


def test_a_host_outside_the_allow_list_is_refused_before_any_request(api, people, monkeypatch):
    monkeypatch.setattr(remote, "fetch", lambda *a: pytest.fail("nothing may be fetched"))
    client = api(people["claire"])
    for url in (
        "http://169.254.169.254/latest/meta-data/",
        "https://www.assemblee-nationale.fr.evil.example/x.html",
        "https://www.assemblee-nationale.fr:8443/x.html",
        "file:///etc/passwd",
    ):
        response = client.post("/texts/import", {**FIELDS, "url": url})
        assert response.status_code == 422, url
        assert "url" in response.json["error"]["fields"]
    assert _texts() == 0


def test_a_page_that_is_not_a_bill_is_a_422_and_nothing_is_written(api, people):
    html = (FIXTURES / "not-a-bill.html").read_text(encoding="utf-8")
    response = api(people["claire"]).post("/texts/import", {**FIELDS, "html": html})
    assert response.status_code == 422
    assert "Aucun article" in response.json["error"]["message"]
    assert _texts() == 0


@pytest.mark.parametrize(
    "body",
    [
        FIELDS,  # no source
        {**FIELDS, "html": "<p>Article 1er</p><p>Texte.</p>", "plain": "Article 1er\nTexte."},
        {"text": {"articles": []}},  # JSON of another shape
        {**FIELDS, "stage": "plenary", "html": "<p>x</p>"},
    ],
)
def test_bad_bodies_are_422_naming_the_field(api, people, body):
    response = api(people["claire"]).post("/texts/import", body)
    assert response.status_code == 422, response.json
    assert response.json["error"]["fields"]
    assert _texts() == 0


def test_an_upload_of_500_mb_is_refused_before_it_is_read(api, people, client):
    client_api = api(people["claire"])
    response = client.post(
        "/api/v1/texts/import",
        data=b"x" * 10,
        headers={**client_api._headers(), "Content-Type": "multipart/form-data; boundary=b"},
        environ_overrides={"CONTENT_LENGTH": str(500 * 2**20)},
    )
    assert response.status_code == 413
    assert response.json["error"]["code"] == "too_large"


def test_deputies_and_assistants_may_not_import(api, people):
    html = (FIXTURES / "bill-an.html").read_text(encoding="utf-8")
    for name in ("regol", "lea"):
        response = api(people[name]).post("/texts/import", {**FIELDS, "html": html})
        assert response.status_code == 403
    assert _texts() == 0


def test_an_upload_above_the_general_request_limit_is_accepted_on_the_import_route(api, people):
    page = (FIXTURES / "bill-an.html").read_text(encoding="utf-8")
    padded = page.replace("<head>", "<head><style>" + "/* marge */ " * 300_000 + "</style>")
    assert len(padded.encode()) > 3 * 2**20  # over MAX_CONTENT_LENGTH (2 MiB)
    # Encoded here: the test client would spool so large a body to a file it never closes.
    boundary, body = encode_multipart(
        {**FIELDS, "file": FileStorage(io.BytesIO(padded.encode()), "pl.html")}
    )
    response = api(people["claire"]).post(
        "/texts/import", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 201, response.json
