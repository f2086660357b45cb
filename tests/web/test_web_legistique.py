"""Légistique pages: the linter's findings on the amendment page, the approval's reason field."""

from __future__ import annotations

from typing import Any

from drafting.db import commit
from drafting.services import amendments
from drafting.services.workflow import transitions
from tests.conftest import NOW, login

NBSP = "\u00a0"
PLAIN_SPACES = "À l’alinéa 3, supprimer le mot :\n« article »."


def _draft(people: dict[str, Any], bill: Any, dispositif: str, expose: str = "Exposé.") -> Any:
    data = amendments.Draft(bill.id, amendments.PositionInput("article", "7"), dispositif, expose)
    amendment = amendments.create_amendment(people["regol"], data, NOW)
    commit()
    return amendment


def test_the_amendment_page_lists_the_findings_with_their_span(client, people, bill):
    amendment = _draft(people, bill, f"Supprimer l’alinéa{NBSP}99.")
    login(client, people["regol"])
    page = client.get(f"/amendements/{amendment.id}").get_data(as_text=True)
    assert "Vérifications de rédaction" in page
    assert "L’alinéa 99 n’existe pas" in page
    assert "les erreurs empêchent la soumission au groupe" in page


def test_a_clean_amendment_page_says_so(client, people, bill):
    amendment = _draft(people, bill, "Supprimer cet article.")
    login(client, people["regol"])
    page = client.get(f"/amendements/{amendment.id}").get_data(as_text=True)
    assert "Aucune remarque" in page


def test_the_secretariat_gives_a_reason_to_approve_with_warnings(client, people, bill):
    amendment = _draft(people, bill, PLAIN_SPACES)
    transitions.transition(people["regol"], amendment.id, "submit", now=NOW)
    commit()
    login(client, people["claire"])
    page = client.get(f"/amendements/{amendment.id}").get_data(as_text=True)
    assert 'name="lint_reason"' in page
    url = f"/amendements/{amendment.id}/transitions"
    refused = client.post(url, data={"action": "approve"}, follow_redirects=True)
    assert "indiquez le motif" in refused.get_data(as_text=True)
    client.post(url, data={"action": "approve", "lint_reason": "Vu."})
    commit()
    assert amendments.get_visible_amendment(people["claire"], amendment.id).state == "open"
