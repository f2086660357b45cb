"""API of the Assembly's data: text import (upload, paste, URL by a job), amendment sync (a job),
external amendments in the list, Akoma Ntoso, re-filing in séance, people import; and their
refusals: each bad input a 4xx saying what was wrong, nothing half-imported."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from lxml import etree
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from drafting.extensions import db
from drafting.models import Job, LegislativeText, PublishedAmendment, StoredFile, User
from drafting.services import texts as text_service
from drafting.services.assembly import remote
from drafting.services.assembly.sync import sync_text
from tests.amo_records import acteur, mandate, organe
from tests.conftest import NOW
from tests.opendata_records import ECOS, GDR, LATER, LUCAS, PEU, REGOL, amendment, hedges_text
from tests.opendata_records import files as opendata_files
from tests.services.imports.test_stages import ARTICLES, _fallen

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
        assert policy.max_bytes == 64 << 20  # a bill's page: far below the dump's limit
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


@pytest.mark.parametrize("route", ["/texts/import", "/texts/1/sync", "/people/import"])
def test_an_upload_of_500_mb_is_refused_before_it_is_read(api, people, client, route):
    client_api = api(people["admin"])
    response = client.post(
        "/api/v1" + route,
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


# ----- POST /texts/{id}/sync -----

SOURCE = [
    amendment(10, author=REGOL, group=ECOS, dispositif="Supprimer cet article.", tri="bm"),
    amendment(20, author=PEU, group=GDR, article="2", tri="dp"),
]


@pytest.fixture
def hedges(people) -> Any:
    return hedges_text(people)


def _zip(items: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in items:
            archive.writestr(name, content)
    return buffer.getvalue()


def _published() -> int:
    return db.session.scalar(select(func.count(PublishedAmendment.id))) or 0


def test_an_uploaded_zip_is_synced_by_a_job_whose_result_is_the_summary(
    api, people, hedges, run_jobs
):
    client = api(people["claire"])
    data = {"file": (io.BytesIO(_zip(opendata_files(*SOURCE))), "Amendements.json.zip")}
    response = client.post(
        f"/texts/{hedges.id}/sync", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 202, response.json
    run_jobs()
    job = client.get(f"/jobs/{response.json['job']['id']}").json
    assert job["status"] == "finished", job
    result = job["result"]
    assert (result["read"], result["external_added"], result["matched"]) == (2, 2, 0)
    assert result["unmatched"][0]["number"] == "10" and result["unmatched"][0]["side"] == "assembly"
    assert db.session.scalar(select(func.count(StoredFile.id))) == 0  # the upload is dropped


def test_pasted_json_is_synced(api, people, hedges, run_jobs):
    client = api(people["admin"])
    body = {"json": [SOURCE[1]]}
    response = client.post(f"/texts/{hedges.id}/sync", body)
    assert response.status_code == 202, response.json
    run_jobs()
    assert client.get(f"/jobs/{response.json['job']['id']}").json["result"]["external_added"] == 1


def test_a_url_is_synced_from_an_allow_listed_host(api, people, hedges, monkeypatch, run_jobs):
    def fake_fetch(url: str, policy: Any, out: BinaryIO) -> str:
        out.write(_zip(opendata_files(*SOURCE)))
        return "Amendements.json.zip"

    monkeypatch.setattr(remote, "fetch", fake_fetch)
    client = api(people["claire"])
    url = "https://data.assemblee-nationale.fr/static/openData/repository/17/loi/amendements_div_legis/Amendements.json.zip"
    response = client.post(f"/texts/{hedges.id}/sync", {"url": url})
    assert response.status_code == 202
    run_jobs()
    assert client.get(f"/jobs/{response.json['job']['id']}").json["result"]["read"] == 2


@pytest.mark.parametrize(
    ("payload", "why"),
    [
        ({"json": {"acteur": {"uid": "PA1"}}}, "amendement de l'open data"),
        ({"xml": "<html><body>Pas un amendement</body></html>"}, ""),
        ({"url": "http://192.168.0.1/dump.zip"}, "Hôte non autorisé"),
        ({}, "une seule source"),
    ],
)
def test_bad_sync_sources_are_422_before_any_job(api, people, hedges, payload, why):
    response = api(people["claire"]).post(f"/texts/{hedges.id}/sync", payload)
    assert response.status_code == 422, response.json
    assert why in json.dumps(response.json, ensure_ascii=False)
    assert db.session.scalar(select(func.count(Job.id))) == 0 and _published() == 0


def test_a_truncated_zip_is_a_422_before_any_job(api, people, hedges):
    whole = _zip(opendata_files(*SOURCE))
    data = {"file": (io.BytesIO(whole[: len(whole) // 2]), "Amendements.json.zip")}
    response = api(people["claire"]).post(
        f"/texts/{hedges.id}/sync", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert "ZIP" in response.json["error"]["message"]
    assert db.session.scalar(select(func.count(Job.id))) == 0


def test_deputies_may_not_sync_and_an_unknown_text_is_404(api, people, hedges):
    assert (
        api(people["regol"]).post(f"/texts/{hedges.id}/sync", {"json": [SOURCE[1]]}).status_code
        == 403
    )
    assert api(people["claire"]).post("/texts/999/sync", {"json": [SOURCE[1]]}).status_code == 404


# ----- GET /amendments?text_id=: ours, then the external ones in the order of call -----


def test_external_amendments_are_listed_after_ours_with_their_order_key(api, people, hedges):
    draft = (
        api(people["regol"])
        .post(
            "/amendments",
            {
                "text_id": hedges.id,
                "position": {"kind": "article", "article": "2"},
                "dispositif": "Supprimer cet article.",
            },
        )
        .json
    )
    source = [
        *SOURCE,
        amendment(30, author=LUCAS, group=ECOS, article="3", tri="fm"),
        amendment(5, author=PEU, group=GDR, article="1er", tri="bb"),
    ]
    sync_text(people["claire"], hedges.id, opendata_files(*source), LATER, source="t")
    db.session.commit()
    client = api(people["peu"])  # another group: externals are visible to all
    listed = client.get(f"/amendments?text_id={hedges.id}").json
    assert listed["total"] == 4  # Peu cannot see Regol's draft; the 4 external amendments
    assert [(i["external"], i["number"]) for i in listed["items"]] == [
        (True, "5"),
        (True, "10"),
        (True, "20"),
        (True, "30"),
    ]
    assert [i["order_key"] for i in listed["items"]] == ["bb", "bm", "dp", "fm"]
    assert listed["items"][1]["author"]["assembly_id"] == REGOL
    mine = api(people["regol"]).get(f"/amendments?text_id={hedges.id}").json
    assert mine["total"] == 5 and mine["items"][0]["id"] == draft["id"]
    assert mine["items"][0]["external"] is False
    # a draft on article 2 is called between the Assembly's article 1er and article 2 blocks
    assert "bm" < mine["items"][0]["order_key"] < "fm"
    only = client.get(f"/amendments?text_id={hedges.id}&state=external&per_page=2&page=2").json
    assert only["total"] == 4 and [i["number"] for i in only["items"]] == ["20", "30"]
    assert client.get(f"/amendments?text_id={hedges.id}&group=GDR").json["total"] == 2
    assert client.get(f"/amendments?text_id={hedges.id}&article=3").json["total"] == 1
    assert client.get("/amendments").json["total"] == 0  # externals only in a list of one text


# ----- Akoma Ntoso -----

AKN = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"


def test_an_amendment_and_a_texts_amendments_as_akoma_ntoso(api, people, hedges):
    client = api(people["regol"])
    created = client.post(
        "/amendments",
        {
            "text_id": hedges.id,
            "position": {"kind": "article", "article": "2"},
            "dispositif": "Supprimer cet article.",
        },
    ).json
    one = client.get(f"/amendments/{created['id']}/akn")
    assert one.status_code == 200 and one.mimetype == "application/akn+xml"
    assert etree.fromstring(one.data).xpath("count(//a:amendment)", namespaces={"a": AKN}) == 1
    assert api(people["peu"]).get(f"/amendments/{created['id']}/akn").status_code == 404
    sync_text(people["claire"], hedges.id, opendata_files(*SOURCE), LATER, source="t")
    db.session.commit()
    whole = client.get(f"/texts/{hedges.id}/akn")
    assert whole.status_code == 200 and whole.mimetype == "application/akn+xml"
    tree = etree.fromstring(whole.data)
    assert tree.xpath("count(//a:amendment)", namespaces={"a": AKN}) == 3  # the draft + 2
    other = etree.fromstring(api(people["peu"]).get(f"/texts/{hedges.id}/akn").data)
    assert other.xpath("count(//a:amendment)", namespaces={"a": AKN}) == 2  # not her draft
    assert client.get("/texts/999/akn").status_code == 404
    assert client.get("/amendments/999/akn").status_code == 404


def test_the_akoma_ntoso_of_a_text_validates_against_the_oasis_schema(api, people, hedges):
    xsd = (
        Path(__file__).resolve().parents[2].parent
        / "shared/domain/open-data/akn30-xsd/akomantoso30.xsd"
    )
    if not xsd.is_file():
        pytest.skip("OASIS schema absent")
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    sync_text(people["claire"], hedges.id, opendata_files(*SOURCE), LATER, source="t")
    db.session.commit()
    document = etree.fromstring(api(people["claire"]).get(f"/texts/{hedges.id}/akn").data)
    assert schema.validate(document), [str(e) for e in schema.error_log][:5]


def test_a_fallen_commission_amendment_is_refiled_in_seance_through_the_api(api, people):
    commission = text_service.create_text(
        people["claire"], text_service.TextInput("PJL", "809", "commission", articles=ARTICLES), NOW
    )
    seance = text_service.create_text(
        people["claire"],
        text_service.TextInput(
            "PJL", "809", "seance", articles=ARTICLES, previous_id=commission.id
        ),
        NOW,
    )
    db.session.commit()
    fallen = _fallen(people, commission, "7", 3)
    response = api(people["regol"]).post(f"/amendments/{fallen.id}/refile")
    assert response.status_code == 201, response.json
    body = response.json
    assert body["amendment"]["text_id"] == seance.id and body["amendment"]["state"] == "draft"
    assert body["invited"] == [people["lucas"].id] and body["article_moved"] is False
    assert (
        api(people["regol"]).post(f"/amendments/{body['amendment']['id']}/refile").status_code
        == 409
    )
    assert api(people["hugo"]).post(f"/amendments/{fallen.id}/refile").status_code == 403


# ----- POST /people/import -----


def _amo() -> list[dict[str, Any]]:
    return [
        organe("PO845419", "SOC", "SOC", "Socialistes et apparentés"),
        acteur(
            "PA720430",
            "Mme",
            "Christine",
            "Pirès Beaune",
            "cpb@an.example",
            [mandate("PO845419", "2024-07-19")],
        ),
    ]


def test_admins_import_people_from_records_or_a_zip(api, people):
    client = api(people["admin"])
    response = client.post("/people/import", {"records": _amo()})
    assert response.status_code == 200, response.json
    assert (response.json["deputies_created"], response.json["groups_created"]) == (1, 1)
    zipped = _zip(
        [(f"json/{k}/{n}.json", json.dumps(r).encode()) for n, r in enumerate(_amo()) for k in r]
    )
    data = {"file": (io.BytesIO(zipped), "AMO10.zip")}
    again = client.post("/people/import", data=data, content_type="multipart/form-data")
    assert again.status_code == 200 and again.json["deputies_unchanged"] == 1
    user = db.session.scalar(select(User).where(User.assembly_id == "PA720430"))
    assert user is not None and user.last_name == "Pirès Beaune"


@pytest.mark.parametrize(
    ("records", "why"),
    [
        ([{"amendement": {"uid": "X"}}], "acteur ou un organe"),  # JSON of another shape
        ([{"acteur": {"uid": None, "etatCivil": {}}}], "sans identifiant"),  # no deputy id
        ([_amo()[1]], "Groupe politique inconnu"),  # its group neither read nor known
    ],
)
def test_bad_people_sources_are_422_and_import_nothing(api, people, records, why):
    before = db.session.scalar(select(func.count(User.id)))
    response = api(people["admin"]).post("/people/import", {"records": records})
    assert response.status_code == 422, response.json
    assert why in response.json["error"]["message"]
    assert db.session.scalar(select(func.count(User.id))) == before


def test_a_truncated_people_zip_is_a_422(api, people):
    zipped = _zip([("json/organe/PO1.json", json.dumps(_amo()[0]).encode())])
    data = {"file": (io.BytesIO(zipped[: len(zipped) // 2]), "AMO10.zip")}
    response = api(people["admin"]).post(
        "/people/import", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 422 and "ZIP" in response.json["error"]["message"]


def test_only_admins_import_people(api, people):
    for name in ("claire", "regol"):
        assert api(people[name]).post("/people/import", {"records": _amo()}).status_code == 403
