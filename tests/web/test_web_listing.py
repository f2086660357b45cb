"""The list page of a text's amendments: filters, pages, links into it, and bulk actions."""

from __future__ import annotations

import re

from sqlalchemy import select, update

from drafting.db import commit
from drafting.extensions import db
from drafting.models import Amendment
from drafting.services import amendments
from drafting.services.bulk import actions
from drafting.services.workflow import transitions
from tests.conftest import NOW, login


def _drafts(people, bill, count: int, author: str = "regol") -> list[int]:
    ids = []
    for n in range(count):
        position = amendments.PositionInput("article", "7", None)
        text = f"À l'alinéa {n % 25 + 1}, supprimer le mot : « de »."
        word = ("alpha", "bêta", "gamma", "delta", "epsilon")[n % 5]
        draft = amendments.Draft(bill.id, position, text, f"Exposé {word}.")
        ids.append(amendments.create_amendment(people[author], draft, NOW).id)
    commit()
    return ids


def _submit(people, ids: list[int], author: str = "regol") -> None:
    for amendment_id in ids:
        transitions.transition(people[author], amendment_id, "submit", now=NOW)
    commit()


def _listed(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'name="ids" value="(\d+)"', page)]


def test_the_list_pages_every_amendment_in_the_order_of_discussion(client, people, bill):
    ids = _drafts(people, bill, 55)
    login(client, people["claire"])
    first = client.get(f"/textes/{bill.id}/amendements").get_data(as_text=True)
    assert "55 amendements" in first and "page 1 sur 2" in first
    assert len(_listed(first)) == 50
    second = client.get(f"/textes/{bill.id}/amendements?page=2").get_data(as_text=True)
    shown = _listed(first) + _listed(second)
    assert sorted(shown) == ids and len(set(shown)) == 55
    by_alinea = [ids[n] for n in sorted(range(55), key=lambda n: (n % 25, n))]
    assert shown == by_alinea  # the order of discussion: alinéa 1, 1, 1, 2, 2, 2…


def test_filters_and_search_narrow_the_list(client, people, bill):
    ids = _drafts(people, bill, 4)
    _submit(people, ids[:2])
    login(client, people["claire"])
    page = client.get(f"/textes/{bill.id}/amendements?state=in_review").get_data(as_text=True)
    assert _listed(page) == ids[:2]
    page = client.get(f"/textes/{bill.id}/amendements?q=Delta").get_data(as_text=True)
    assert _listed(page) == [ids[3]]
    bad = client.get(f"/textes/{bill.id}/amendements?state=pending")
    assert bad.status_code == 422 and "État inconnu" in bad.get_data(as_text=True)


def test_the_text_page_and_the_deadline_board_link_into_the_list(client, people, bill):
    ids = _drafts(people, bill, 25)
    _submit(people, ids[:3])
    login(client, people["claire"])
    text_page = client.get(f"/textes/{bill.id}").get_data(as_text=True)
    assert "25 amendements visibles sur ce texte" in text_page
    assert f'href="/textes/{bill.id}/amendements?state=in_review"' in text_page
    assert f'href="/textes/{bill.id}/amendements"' in text_page
    board = client.get("/echeances").get_data(as_text=True)
    assert f'href="/textes/{bill.id}/amendements?state=in_review&amp;group=ECOS"' in board


def test_bulk_approve_of_everything_the_filter_matches(client, people, bill, monkeypatch):
    monkeypatch.setattr(actions, "INLINE_LIMIT", 1000)
    ids = _drafts(people, bill, 60)
    _submit(people, ids)
    login(client, people["claire"])
    form = {"scope": "all", "state": "in_review", "action": "approve"}
    page = client.post(f"/textes/{bill.id}/amendements/actions", data=form)
    assert page.status_code == 200
    assert "60 faits sur 60" in page.get_data(as_text=True)
    states = db.session.scalars(select(Amendment.state).where(Amendment.id.in_(ids)))
    assert set(states) == {"open"}


def test_bulk_on_ticked_amendments_reports_each_refusal(client, people, bill):
    ids = _drafts(people, bill, 3)
    _submit(people, ids[:2])
    login(client, people["claire"])
    form = {"scope": "selected", "ids": [str(i) for i in ids], "action": "approve"}
    page = client.post(f"/textes/{bill.id}/amendements/actions", data=form).get_data(as_text=True)
    assert "2 faits sur 3" in page and "1 refusé" in page
    assert "l&#39;amendement est à l&#39;état « brouillon »" in page


def test_bulk_file_with_a_pasted_two_column_list(client, people, bill):
    bill.stage = "commission"  # committee numbers (CL10) on a committee text
    ids = _drafts(people, bill, 2)
    db.session.execute(update(Amendment).where(Amendment.id.in_(ids)).values(state="ready"))
    commit()
    login(client, people["claire"])
    pasted = f"#{ids[0]}\tCL10\n{ids[1]}; CL11\n"
    form = {
        "scope": "selected",
        "ids": [str(i) for i in ids],
        "action": "file",
        "numbers": pasted,
        "deadline_exception_reason": "Délai prorogé",
    }
    page = client.post(f"/textes/{bill.id}/amendements/actions", data=form).get_data(as_text=True)
    assert "2 faits sur 2" in page
    numbers = db.session.scalars(select(Amendment.number).where(Amendment.id.in_(ids)))
    assert sorted(numbers) == ["CL10", "CL11"]
    form["numbers"] = "douze\n"
    refused = client.post(f"/textes/{bill.id}/amendements/actions", data=form)
    assert refused.status_code == 422 and "Ligne 1 incomprise" in refused.get_data(as_text=True)


def test_a_large_bulk_action_goes_to_the_job_page_with_its_report(
    client, people, bill, monkeypatch, run_jobs
):
    monkeypatch.setattr(actions, "INLINE_LIMIT", 2)
    ids = _drafts(people, bill, 3)
    _submit(people, ids)
    login(client, people["claire"])
    form = {"scope": "all", "state": "in_review", "action": "approve"}
    answer = client.post(f"/textes/{bill.id}/amendements/actions", data=form)
    assert answer.status_code == 303 and "/taches/" in answer.location
    run_jobs()
    page = client.get(answer.location).get_data(as_text=True)
    assert "Action groupée" in page and "3 faits sur 3" in page
