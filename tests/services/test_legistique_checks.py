"""The linter on amendments: findings kept at save, shown by the API, and what they hold back
(errors block submission and approval; warnings pass an approval only with a journalled reason)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from drafting.db import commit
from drafting.errors import Conflict
from drafting.extensions import db
from drafting.models import Amendment, Event
from drafting.services import amendments
from drafting.services.workflow import transitions
from tests.conftest import NOW

NBSP = "\u00a0"
EXPOSE = "Les écologistes demandent la suppression de cet alinéa."
# Alinéa 3 of article 7 in the test bill reads « Alinéa 3 de l'article 7. »
GOOD = (
    f"À l’alinéa{NBSP}3, substituer au mot{NBSP}:\n«{NBSP}article{NBSP}»\n"
    f"le mot{NBSP}:\n«{NBSP}titre{NBSP}»."
)
MISSING_WORDS = f"À l’alinéa{NBSP}3, supprimer le mot{NBSP}:\n«{NBSP}chapitre{NBSP}»."
PLAIN_SPACES = "À l’alinéa 3, supprimer le mot :\n« article »."


def _draft(people: dict[str, Any], bill: Any, dispositif: str, expose: str = EXPOSE) -> Amendment:
    data = amendments.Draft(
        bill.id, amendments.PositionInput("article", "7", 3), dispositif, expose
    )
    amendment = amendments.create_amendment(people["regol"], data, NOW)
    commit()
    return amendment


def test_findings_are_kept_at_save_with_offsets_into_the_dispositif(people, bill):
    amendment = _draft(people, bill, MISSING_WORDS)
    assert amendment.lint is not None
    (finding,) = [f for f in amendment.lint if f["code"] == "words_not_found"]
    assert finding["severity"] == "error"
    assert "chapitre" in amendment.dispositif[finding["start"] : finding["end"]]
    assert amendment.digest is not None and len(amendment.digest) == 64


def test_a_clean_amendment_has_no_finding(people, bill):
    assert _draft(people, bill, GOOD).lint == []


def test_an_edit_refreshes_the_findings(people, bill):
    amendment = _draft(people, bill, MISSING_WORDS)
    edit = amendments.Edit(version=1, dispositif=GOOD)
    amendments.update_amendment(people["regol"], amendment.id, edit, NOW)
    commit()
    assert amendment.lint == []


def test_errors_block_submission_with_409_and_change_nothing(people, bill):
    amendment = _draft(people, bill, MISSING_WORDS)
    with pytest.raises(Conflict) as refused:
        transitions.transition(people["regol"], amendment.id, "submit", now=NOW)
    assert refused.value.code == "lint_errors"
    assert [f["code"] for f in refused.value.extra["findings"]] == ["words_not_found"]
    db.session.rollback()
    assert db.session.get(Amendment, amendment.id).state == "draft"


def test_an_empty_expose_is_an_error_article_98(people, bill):
    amendment = _draft(people, bill, GOOD, expose="")
    with pytest.raises(Conflict) as refused:
        transitions.transition(people["lea"], amendment.id, "submit", now=NOW)
    assert [f["code"] for f in refused.value.extra["findings"]] == ["expose_empty"]


def test_a_placeholder_left_in_a_formula_is_an_error(people, bill):
    amendment = _draft(people, bill, f"Supprimer l’alinéa{NBSP}N.")
    assert "placeholder" in {f["code"] for f in amendment.lint if f["severity"] == "error"}


def test_warnings_do_not_block_submission(people, bill):
    amendment = _draft(people, bill, PLAIN_SPACES)
    assert {f["severity"] for f in amendment.lint} == {"warning"}
    transitions.transition(people["regol"], amendment.id, "submit", now=NOW)
    assert amendment.state == "in_review"


def test_an_approval_lets_warnings_pass_and_journals_them_with_the_reason(people, bill):
    amendment = _draft(people, bill, PLAIN_SPACES)
    transitions.transition(people["regol"], amendment.id, "submit", now=NOW)
    commit()
    reason = "Espaces corrigées au dépôt par le service de la séance."
    transitions.transition(people["claire"], amendment.id, "approve", now=NOW, lint_reason=reason)
    commit()
    assert amendment.state == "open"
    actions = db.session.scalars(
        select(Event.action).where(Event.amendment_id == amendment.id).order_by(Event.seq)
    ).all()
    assert actions[-2:] == ["lint_warnings_passed", "approved"]
    passed = db.session.scalar(select(Event).where(Event.action == "lint_warnings_passed"))
    assert passed.data == {
        "version": 1,
        "codes": ["guillemet_nbsp", "nbsp_punctuation"],
        "reason": reason,
    }


def test_a_clean_approval_journals_no_pass(people, bill):
    amendment = _draft(people, bill, GOOD)
    transitions.transition(people["regol"], amendment.id, "submit", now=NOW)
    transitions.transition(people["claire"], amendment.id, "approve", now=NOW, lint_reason="x")
    commit()
    passed = select(Event).where(Event.action == "lint_warnings_passed")
    assert db.session.scalar(passed) is None


def test_api_amendments_carry_their_lint_and_an_unparseable_dispositif_is_a_finding(
    api, people, bill
):
    client = api(people["regol"])
    body = {
        "text_id": bill.id,
        "position": {"kind": "article", "article": "7"},
        "dispositif": "«« Modifier » un peu » : : [",
        "expose": "Exposé.",
    }
    created = client.post("/amendments", body)
    assert created.status_code == 201
    lint = created.get_json()["lint"]
    assert lint and set(lint[0]) == {"severity", "code", "message", "start", "end"}
    codes = {f["code"] for f in lint}
    assert {"doubled_colon", "placeholder"} <= codes
    amendment_id = created.get_json()["id"]
    assert client.get(f"/amendments/{amendment_id}").get_json()["lint"] == lint
    listed = client.get(f"/amendments?text_id={bill.id}").get_json()["items"]
    assert listed[0]["lint"] == lint


def test_api_submission_refused_by_the_linter_returns_the_findings(api, people, bill):
    amendment = _draft(people, bill, MISSING_WORDS)
    response = api(people["regol"]).post(
        f"/amendments/{amendment.id}/transitions", {"action": "submit"}
    )
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "lint_errors"
    assert error["findings"][0]["code"] == "words_not_found"
    assert "chapitre" in error["message"]


def test_api_approval_with_warnings_and_an_optional_reason(api, people, bill):
    amendment = _draft(people, bill, PLAIN_SPACES)
    transitions.transition(people["regol"], amendment.id, "submit", now=NOW)
    commit()
    client = api(people["claire"])
    url = f"/amendments/{amendment.id}/transitions"
    too_long = client.post(url, {"action": "approve", "lint_reason": "x" * 2_001})
    assert too_long.status_code == 422
    approved = client.post(url, {"action": "approve", "lint_reason": "Vu avec l'auteure."})
    assert approved.status_code == 200
    assert approved.get_json()["state"] == "open"


def test_an_approval_without_a_reason_still_journals_the_warnings_let_pass(people, bill):
    amendment = _draft(people, bill, PLAIN_SPACES)
    transitions.transition(people["regol"], amendment.id, "submit", now=NOW)
    transitions.transition(people["claire"], amendment.id, "approve", now=NOW)
    commit()
    passed = db.session.scalar(select(Event).where(Event.action == "lint_warnings_passed"))
    assert passed.data["reason"] is None and passed.data["codes"]


def test_an_amendment_saved_before_the_linter_is_linted_when_listed(api, people, bill):
    amendment = _draft(people, bill, MISSING_WORDS)
    amendment.lint = None
    commit()
    listed = api(people["regol"]).get(f"/amendments?text_id={bill.id}").get_json()["items"]
    assert [f["code"] for f in listed[0]["lint"]] == ["words_not_found"]
