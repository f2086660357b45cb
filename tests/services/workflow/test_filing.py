"""Filing one can stand behind: the author's consent (« bon à déposer » or a delegation), and the
gate before closing and filing (stale co-signatures, empty exposé, the number's form)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from drafting.db import commit
from drafting.errors import Conflict, Forbidden, Invalid
from drafting.extensions import db
from drafting.models import Event, Notification, Signature
from drafting.services import amendments
from drafting.services.cosigning import signatures
from drafting.services.workflow import filing, transitions
from tests.conftest import NOW, open_amendment

FILE_AT = NOW + timedelta(hours=1)  # before the bill's filing deadline (16 March is past: reason)
REASON = {"deadline_exception_reason": "Délai prorogé"}


def _ready(people, bill, author="regol"):
    amendment = open_amendment(people, bill, author)
    transitions.transition(people["claire"], amendment.id, "close", now=NOW)
    commit()
    return amendment


def _file(people, amendment, **extra):
    return transitions.transition(
        people["claire"], amendment.id, "file", now=FILE_AT, number="27", **REASON, **extra
    )


def test_without_the_authors_consent_filing_is_409(people, bill):
    filing.set_delegation(people["regol"], [], False, NOW)  # takes the test world's back
    amendment = _ready(people, bill)
    with pytest.raises(Conflict) as refused:
        _file(people, amendment)
    assert refused.value.code == "author_consent_required"


def test_bon_a_deposer_by_the_author_lets_the_secretariat_file_that_version(people, bill):
    filing.set_delegation(people["regol"], [], False, NOW)
    amendment = _ready(people, bill)
    filing.give_consent(people["regol"], amendment.id, NOW)
    commit()
    assert filing.consent_of(amendment) == filing.Consent("author", NOW)
    _file(people, amendment)
    assert amendment.state == "filed"
    kinds = db.session.scalars(select(Event.action).where(Event.amendment_id == amendment.id))
    assert "filing_consented" in list(kinds)


def test_only_the_author_gives_the_consent(people, bill):
    amendment = _ready(people, bill)
    for who in ("claire", "lea", "lucas"):
        with pytest.raises(Forbidden):
            filing.give_consent(people[who], amendment.id, NOW)


def test_a_consent_is_to_one_version_an_edit_takes_it_away(people, bill):
    filing.set_delegation(people["regol"], [], False, NOW)
    amendment = amendments.create_amendment(
        people["regol"],
        amendments.Draft(
            bill.id, amendments.PositionInput("article", "7"), "Supprimer cet article.", "Exposé."
        ),
        NOW,
    )
    filing.give_consent(people["regol"], amendment.id, NOW)
    assert filing.consent_of(amendment) is not None
    amendments.update_amendment(
        people["regol"],
        amendment.id,
        amendments.Edit(1, dispositif="Rédiger ainsi cet article :"),
        NOW,
    )
    assert filing.consent_of(amendment) is None


def test_a_delegated_assistant_submitting_records_the_consent(people, bill):
    filing.set_delegation(people["regol"], [people["lea"].id], False, NOW)
    amendment = amendments.create_amendment(
        people["lea"],
        amendments.Draft(
            bill.id, amendments.PositionInput("article", "7"), "Supprimer cet article.", "Exposé."
        ),
        NOW,
    )
    transitions.transition(people["lea"], amendment.id, "submit", now=NOW)
    assert filing.consent_of(amendment) == filing.Consent("delegation", NOW)


def test_a_deputy_delegates_only_to_their_own_assistants(people):
    with pytest.raises(Invalid):
        filing.set_delegation(people["lucas"], [people["lea"].id], False, NOW)
    with pytest.raises(Forbidden):
        filing.set_delegation(people["claire"], [], True, NOW)


def test_a_delegation_is_revoked_dated_and_journalled(people):
    filing.set_delegation(people["regol"], [people["lea"].id], False, NOW)
    assert filing.delegation_of(people["regol"].id).assistants == [people["lea"].id]
    assert filing.delegation_of(people["regol"].id).secretariat is False
    events = db.session.scalars(
        select(Event).where(Event.action == "filing_delegation_set").order_by(Event.id)
    )
    assert [e.data["assistants"] for e in events if e.actor_id == people["regol"].id][-1] == [
        people["lea"].id
    ]


def _stale(people, bill):
    amendment = open_amendment(people, bill)
    signatures.sign(people["lucas"], amendment.id, NOW)
    amendments.update_amendment(
        people["regol"],
        amendment.id,
        amendments.Edit(amendment.version, dispositif="Supprimer entièrement cet article."),
        NOW,
    )
    commit()
    return amendment


def test_stale_co_signatures_block_closing_until_the_secretariat_decides(people, bill):
    amendment = _stale(people, bill)
    with pytest.raises(Conflict) as refused:
        transitions.transition(people["claire"], amendment.id, "close", now=NOW)
    assert refused.value.code == "filing_blocked"
    assert set(refused.value.fields) == {"stale_signatures"}
    db.session.rollback()
    transitions.transition(
        people["claire"], amendment.id, "close", now=NOW, drop_stale_signatures=True
    )
    commit()
    dropped = db.session.scalar(select(Signature).where(Signature.amendment_id == amendment.id))
    assert dropped.voided_at is not None and "reconfirmée" in dropped.void_reason
    told = db.session.scalars(
        select(Notification).where(Notification.user_id == people["lucas"].id)
    ).all()
    assert any(n.kind == "signature_voided" for n in told)


def test_an_empty_expose_blocks_closing(people, bill):
    amendment = open_amendment(people, bill)
    amendment.expose = ""
    with pytest.raises(Conflict) as refused:
        transitions.transition(people["claire"], amendment.id, "close", now=NOW)
    assert "empty_expose" in refused.value.fields


def test_the_secretariat_is_told_of_an_edit_after_its_approval(people, bill):
    amendment = open_amendment(people, bill)
    amendments.update_amendment(
        people["regol"],
        amendment.id,
        amendments.Edit(amendment.version, dispositif="Supprimer entièrement cet article."),
        NOW,
    )
    commit()
    told = db.session.scalars(
        select(Notification).where(Notification.user_id == people["claire"].id)
    ).all()
    assert any(n.kind == "edited_after_approval" for n in told)


@pytest.mark.parametrize(
    ("dispositif", "left"),
    [
        ("À l'alinéa 1, substituer aux mots :\n« … »\nles mots :\n« 2025 ».", "« … »"),
        ("Supprimer l'alinéa N.", "alinéa N"),
        ("Supprimer les alinéas N à M.", "alinéas N"),
    ],
)
def test_placeholders_left_in_the_formula_block_closing(people, bill, dispositif, left):
    amendment = open_amendment(people, bill)
    amendment.dispositif = dispositif
    with pytest.raises(Conflict) as refused:
        transitions.transition(people["claire"], amendment.id, "close", now=NOW)
    assert left in refused.value.fields["placeholders"]


def test_a_real_dispositif_has_no_placeholder():
    assert filing.placeholders_in("Supprimer les alinéas 3 à 5. Nous, N. Dupont, article 7") == []
