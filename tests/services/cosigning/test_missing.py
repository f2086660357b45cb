"""Who has not signed: per amendment, per deputy of a group, and the reminders (missing.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from drafting.db import commit
from drafting.errors import Conflict, Forbidden
from drafting.extensions import db
from drafting.models import Amendment, Notification, Signature
from drafting.services import amendments
from drafting.services.cosigning import invitations, missing, signatures
from tests.conftest import NOW, open_amendment


def _names(users) -> list[str]:
    return [u.name for u in users]


def test_non_signatories_are_the_group_and_the_invited_who_have_not_signed(people, bill):
    amendment = open_amendment(people, bill)
    assert _names(missing.non_signatories(amendment)) == ["Julien Bayou", "Benjamin Lucas-Lundy"]
    invitations.invite(people["regol"], amendment.id, [people["peu"].id], NOW)
    signatures.sign(people["lucas"], amendment.id, NOW)
    commit()
    assert _names(missing.non_signatories(amendment)) == ["Julien Bayou", "Stéphane Peu"]
    invitations.decline(people["peu"], amendment.id, NOW)
    commit()
    assert _names(missing.non_signatories(amendment)) == ["Julien Bayou"]


def test_a_stale_or_withdrawn_signature_counts_as_not_signed(people, bill):
    amendment = open_amendment(people, bill)
    signatures.sign(people["lucas"], amendment.id, NOW)
    signatures.sign(people["bayou"], amendment.id, NOW)
    signatures.withdraw(people["bayou"], amendment.id, NOW)
    commit()
    assert _names(missing.non_signatories(amendment)) == ["Julien Bayou"]
    edit = amendments.Edit(amendment.version, expose="Nouvel exposé.")
    amendments.update_amendment(people["regol"], amendment.id, edit, NOW)
    commit()
    assert _names(missing.non_signatories(amendment)) == ["Julien Bayou", "Benjamin Lucas-Lundy"]


def test_the_group_backlog_counts_what_each_deputy_still_has_to_sign(people, bill):
    mine = [open_amendment(people, bill) for _ in range(3)]
    lucas_own = open_amendment(people, bill, "lucas")
    signatures.sign(people["lucas"], mine[0].id, NOW)
    db.session.execute(update(Amendment).where(Amendment.id == mine[2].id).values(state="ready"))
    commit()
    backlog = {
        b.deputy.name: b.to_sign
        for b in missing.group_backlog(people["claire"], bill.id, people["claire"].group_id)
    }
    assert backlog == {"Julien Bayou": 3, "Sandra Regol": 1, "Benjamin Lucas-Lundy": 1}
    assert lucas_own.id  # his own amendment is not counted for him
    with pytest.raises(Forbidden):
        missing.group_backlog(people["hugo"], bill.id, people["claire"].group_id)
    with pytest.raises(Forbidden):
        missing.group_backlog(people["lucas"], bill.id, people["claire"].group_id)


def _notes(user) -> list[str]:
    query = select(Notification.message).where(
        Notification.user_id == user.id, Notification.kind == "reminder"
    )
    return list(db.session.scalars(query))


def test_a_reminder_reaches_each_non_signatory_once_a_day(people, bill):
    amendment = open_amendment(people, bill)
    signatures.sign(people["lucas"], amendment.id, NOW)
    commit()
    reminded = missing.remind_amendment(people["claire"], amendment.id, NOW)
    commit()
    assert _names(reminded) == ["Julien Bayou"]
    assert _notes(people["bayou"]) == [
        f"Mme\u00a0Claire Dupont vous rappelle que l'amendement #{amendment.id} "
        "(art. 7, texte n° 809) attend votre signature."
    ]
    assert missing.remind_amendment(people["regol"], amendment.id, NOW) == []  # same day
    assert _names(
        missing.remind_amendment(people["regol"], amendment.id, NOW + timedelta(days=1))
    ) == ["Julien Bayou"]
    with pytest.raises(Forbidden):
        missing.remind_amendment(people["lucas"], amendment.id, NOW)


def test_a_closed_amendment_is_not_reminded(people, bill):
    amendment = open_amendment(people, bill)
    db.session.execute(update(Amendment).where(Amendment.id == amendment.id).values(state="ready"))
    commit()
    with pytest.raises(Conflict):
        missing.remind_amendment(people["claire"], amendment.id, NOW)


def test_the_secretariat_reminds_its_deputies_of_their_backlog(people, bill):
    for _ in range(2):
        open_amendment(people, bill)
    group = people["claire"].group_id
    reminded = missing.remind_deputies(people["claire"], bill.id, group, [people["lucas"].id], NOW)
    commit()
    assert _names(reminded) == ["Benjamin Lucas-Lundy"]
    assert _notes(people["lucas"]) == [
        "Mme\u00a0Claire Dupont vous rappelle que 2 amendements du groupe sur le texte n° 809 "
        "attendent votre signature."
    ]
    everyone = missing.remind_deputies(people["claire"], bill.id, group, None, NOW)
    assert _names(everyone) == ["Julien Bayou"]  # Lucas was reminded today; Regol has none
    assert db.session.scalar(select(Signature.id)) is None
