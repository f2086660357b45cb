"""`liasse audit verify`: the journal's hash chains, and rows altered after the fact."""

from __future__ import annotations

from sqlalchemy import select, text

from drafting.db import commit
from drafting.extensions import db
from drafting.models import Event
from drafting.services import amendments
from drafting.services.workflow import transitions
from tests.conftest import NOW


def _amendment_with_history(people, bill) -> int:
    data = amendments.Draft(
        bill.id, amendments.PositionInput("article", "7"), "Supprimer cet article.", "Exposé."
    )
    amendment = amendments.create_amendment(people["regol"], data, NOW)
    transitions.transition(people["regol"], amendment.id, "submit", now=NOW)
    transitions.transition(people["claire"], amendment.id, "approve", now=NOW)
    commit()
    return amendment.id


def test_audit_verify_counts_the_events_of_an_intact_journal(app, people, bill):
    _amendment_with_history(people, bill)
    total = len(db.session.scalars(select(Event)).all())
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"OK: {total} events verified"


def test_audit_verify_reports_an_event_altered_by_raw_sql_and_exits_1(app, people, bill):
    amendment_id = _amendment_with_history(people, bill)
    approved = db.session.scalar(
        select(Event).where(Event.amendment_id == amendment_id, Event.action == "approved")
    )
    db.session.execute(
        text("UPDATE events SET actor_id = :who WHERE id = :id"),
        {"who": people["hugo"].id, "id": approved.id},
    )
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert (
        f"BREACH: event {approved.id} (amendment {amendment_id}, seq {approved.seq}): "
        "content altered after the fact"
    ) in result.output


def test_audit_verify_reports_a_deleted_event_as_a_broken_chain(app, people, bill):
    amendment_id = _amendment_with_history(people, bill)
    db.session.execute(
        text("DELETE FROM events WHERE amendment_id = :a AND seq = 2"), {"a": amendment_id}
    )
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "sequence 3 where 2 was expected" in result.output


def test_audit_verify_reports_the_removal_of_a_chains_last_event(app, people, bill):
    """No hash shows that a chain lost its end; the head kept on the amendment's row does."""
    amendment_id = _amendment_with_history(people, bill)
    last = db.session.scalar(
        select(Event).where(Event.amendment_id == amendment_id).order_by(Event.seq.desc())
    )
    seq = last.seq
    db.session.execute(text("DELETE FROM events WHERE id = :id"), {"id": last.id})
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert (
        f"(amendment {amendment_id}, seq {seq - 1}): the amendment's chain head "
        f"(seq {seq}) does not match its last event (seq {seq - 1})"
    ) in result.output


def test_audit_verify_passes_signatures_and_contents_of_a_real_workflow(app, people, opened):
    from drafting.services.cosigning import signatures

    signatures.sign(people["lucas"], opened.id, NOW)
    commit()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output


def test_audit_verify_sees_a_signature_row_with_no_journal_event(app, people, opened):
    db.session.execute(
        text(
            "INSERT INTO signatures (amendment_id, deputy_id, version, content_hash, "
            "first_signed_at, signed_at) VALUES (:a, :d, :v, :h, :t, :t)"
        ),
        {
            "a": opened.id,
            "d": people["lucas"].id,
            "v": opened.version,
            "h": opened.content_hash,
            "t": NOW,
        },
    )
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "no journal event records this consent" in result.output


def test_audit_verify_sees_a_filed_dispositif_changed_in_place(app, people, bill):
    amendment_id = _amendment_with_history(people, bill)
    db.session.execute(
        text("UPDATE amendments SET state = 'filed', dispositif = 'Autre texte.' WHERE id = :id"),
        {"id": amendment_id},
    )
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"amendment {amendment_id} (filed, version 1): content changed" in result.output
