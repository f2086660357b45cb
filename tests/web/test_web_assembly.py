"""The secretariat's pages for the Assembly's data: importing a text (upload, paste, URL)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import func, select

from drafting.db import commit
from drafting.extensions import db
from drafting.models import AccountInvitation, Job, LegislativeText, User
from drafting.services import texts as text_service
from drafting.services.accounts import passwords, welcome
from drafting.services.assembly import remote
from drafting.services.assembly.people import parse_people_files
from drafting.services.assembly.people_import import import_people
from drafting.services.assembly.sync import sync_text
from tests.amo_records import acteur, files, mandate, organe
from tests.conftest import NOW, login
from tests.opendata_records import LATER, amendment, hedges_text
from tests.opendata_records import files as opendata_files
from tests.services.imports.test_stages import ARTICLES, _fallen

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "assembly"
FORM = {"number": "1234", "stage": "commission", "examination_starts_at": "2026-03-02T15:00"}


def test_the_import_page_is_for_secretariats_and_admins(client, people):
    login(client, people["regol"])
    assert client.get("/textes/importer").status_code == 403
    client.post("/logout")
    login(client, people["claire"])
    page = client.get("/textes/importer").get_data(as_text=True)
    assert "Importer un texte" in page and 'enctype="multipart/form-data"' in page
    assert "Importer un texte" in client.get("/textes/").get_data(as_text=True)


def test_an_uploaded_page_becomes_a_text(client, people):
    login(client, people["claire"])
    data = {**FORM, "file": (io.BytesIO((FIXTURES / "bill-an.html").read_bytes()), "pl.html")}
    response = client.post("/textes/importer", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Texte importé : 4 articles." in page
    assert "Proposition de loi visant à protéger les haies" in page
    text = db.session.scalar(select(LegislativeText))
    assert text is not None and text.examination_starts_at is not None
    assert text.examination_starts_at.hour == 14  # 15:00 in Paris, winter time


def test_pasted_text_is_imported(client, people):
    login(client, people["admin"])
    plain = (FIXTURES / "bill-plain.txt").read_text(encoding="utf-8")
    data = {**FORM, "content": plain, "title": "Proposition de loi sur les haies"}
    assert client.post("/textes/importer", data=data).status_code == 302


def test_a_page_that_is_not_a_bill_shows_the_form_again_with_why(client, people):
    login(client, people["claire"])
    html = (FIXTURES / "not-a-bill.html").read_text(encoding="utf-8")
    response = client.post("/textes/importer", data={**FORM, "content": html})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Aucun article trouvé" in page and 'value="1234"' in page
    assert db.session.scalar(select(func.count(LegislativeText.id))) == 0


def test_two_sources_are_refused(client, people):
    login(client, people["claire"])
    data = {**FORM, "content": "Article 1er\nTexte.", "url": "https://www.senat.fr/leg/x.html"}
    response = client.post("/textes/importer", data=data)
    assert response.status_code == 422 and "une seule source" in response.get_data(as_text=True)


def test_a_url_is_fetched_by_a_job_followed_on_its_page(client, people, monkeypatch, run_jobs):
    def fake_fetch(url: str, policy: Any, out: BinaryIO) -> str:
        out.write((FIXTURES / "bill-an.html").read_bytes())
        return "pl.html"

    monkeypatch.setattr(remote, "fetch", fake_fetch)
    login(client, people["claire"])
    url = "https://www.assemblee-nationale.fr/dyn/opendata/PIONANR5L17B1234.html"
    response = client.post("/textes/importer", data={**FORM, "url": url})
    assert response.status_code == 302 and "/taches/" in response.headers["Location"]
    run_jobs()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Import d'un texte" in page and "Voir le texte" in page, page
    assert db.session.scalar(select(Job.status)) == "finished"


def test_a_host_outside_the_allow_list_is_refused_on_the_page(client, people):
    login(client, people["claire"])
    response = client.post("/textes/importer", data={**FORM, "url": "http://10.0.0.1/admin"})
    assert response.status_code == 422
    assert "Hôte non autorisé" in response.get_data(as_text=True)


def test_an_imported_account_chooses_its_password_through_its_welcome_link(client, app):
    records = files(
        organe("PO845419", "SOC", "SOC", "Socialistes et apparentés"),
        acteur(
            "PA1",
            "Mme",
            "Christine",
            "Pirès Beaune",
            "cpb@an.example",
            [mandate("PO845419", "2024-07-19")],
        ),
    )
    import_people(None, parse_people_files(records), LATER, source="t")
    commit()
    invitation = db.session.scalar(select(AccountInvitation))
    token = welcome.issue_link(invitation, datetime.now(UTC)).rsplit("/", 1)[1]
    commit()
    page = client.get(f"/compte/bienvenue/{token}").get_data(as_text=True)
    assert "Mme\u00a0Christine Pirès Beaune" in page
    mismatch = {"password": "Un-mot-de-passe-1", "confirmation": "autre"}
    assert client.post(f"/compte/bienvenue/{token}", data=mismatch).status_code == 422
    weak = {"password": "court", "confirmation": "court"}
    assert client.post(f"/compte/bienvenue/{token}", data=weak).status_code == 422
    good = {"password": "Un-mot-de-passe-1", "confirmation": "Un-mot-de-passe-1"}
    response = client.post(f"/compte/bienvenue/{token}", data=good)
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    user = db.session.scalar(select(User).where(User.assembly_id == "PA1"))
    db.session.refresh(user)
    assert passwords.verify_password(user, "Un-mot-de-passe-1")
    assert client.get(f"/compte/bienvenue/{token}").status_code == 404  # used once
    assert client.get("/compte/bienvenue/not-a-token").status_code == 404


def test_the_sync_page_queues_a_job_whose_page_shows_the_summary(client, people, run_jobs):
    text = hedges_text(people)
    login(client, people["claire"])
    page = client.get(f"/textes/{text.id}/synchroniser").get_data(as_text=True)
    assert "Synchroniser avec l'Assemblée" in page
    assert "Synchroniser avec l'Assemblée" in client.get(f"/textes/{text.id}").get_data(
        as_text=True
    )
    _, content = opendata_files(amendment(20, author="PA610000", group="PO845514", tri="bm"))[0]
    data = {"file": (io.BytesIO(content), "20.json")}
    response = client.post(
        f"/textes/{text.id}/synchroniser", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302 and "/taches/" in response.headers["Location"]
    run_jobs()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Synchronisation avec l'Assemblée" in page and "Extérieurs ajoutés" in page, page
    recent = client.get(f"/textes/{text.id}/synchroniser").get_data(as_text=True)
    assert "Dernières synchronisations" in recent


def test_the_sync_page_refuses_json_of_another_shape_at_once(client, people):
    text = hedges_text(people)
    login(client, people["claire"])
    response = client.post(f"/textes/{text.id}/synchroniser", data={"content": '{"a": 1}'})
    assert response.status_code == 422
    assert "open data" in response.get_data(as_text=True)
    login_other = people["regol"]
    client.post("/logout")
    login(client, login_other)
    assert client.get(f"/textes/{text.id}/synchroniser").status_code == 403


def test_the_amendment_page_offers_to_refile_a_fallen_one_in_seance(client, people):
    commission = text_service.create_text(
        people["claire"], text_service.TextInput("PJL", "809", "commission", articles=ARTICLES), NOW
    )
    fallen = _fallen(people, commission, "7", 2)
    login(client, people["regol"])
    assert "Redéposer en séance" not in client.get(f"/amendements/{fallen.id}").get_data(
        as_text=True
    )
    text_service.create_text(
        people["claire"],
        text_service.TextInput(
            "PJL", "809", "seance", articles=ARTICLES, previous_id=commission.id
        ),
        NOW,
    )
    commit()
    assert "Redéposer en séance" in client.get(f"/amendements/{fallen.id}").get_data(as_text=True)
    response = client.post(f"/amendements/{fallen.id}/redeposer")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Amendement redéposé sur le texte de la séance" in page


def test_the_text_page_shows_the_other_groups_amendments_in_the_order_of_call(client, people):
    text = hedges_text(people)
    records = [
        amendment(20, author="PA610000", group="PO845514", article="2", tri="dp", sort="Adopté"),
        amendment(5, author="PA610000", group="PO845514", tri="bb"),
    ]
    sync_text(people["claire"], text.id, opendata_files(*records), LATER, source="t")
    commit()
    login(client, people["lucas"])
    page = client.get(f"/textes/{text.id}").get_data(as_text=True)
    assert "Amendements des autres groupes, dans l'ordre d'appel (2)" in page
    assert page.index(">5<") < page.index(">20<") and "Adopté" in page
