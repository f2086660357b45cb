"""The co-signature service: who signs, consent bound to one text, staleness, order, journal."""

from __future__ import annotations

import threading
from datetime import timedelta

import pyotp
import pytest
from flask import Flask
from sqlalchemy import func, select

from drafting.db import commit, rollback
from drafting.errors import Conflict, Forbidden, Invalid, NotFound
from drafting.extensions import db
from drafting.models import Event, GroupDeadline, Notification, Signature, User
from drafting.services import amendments, journal
from drafting.services.accounts import registration
from drafting.services.cosigning import invitations, signatures, stale
from drafting.services.cosigning.pending import pending_count, pending_for
from drafting.services.workflow import transitions
from tests.conftest import NOW, open_amendment

LATER = NOW + timedelta(hours=1)


def at(minutes: int):
    """A moment `minutes` after the amendment was opened."""
    return LATER + timedelta(minutes=minutes)


def edit(people, amendment, dispositif: str, minutes: int = 30, who: str = "regol"):
    """The author saves a new dispositif in the open state."""
    change = amendments.Edit(amendment.version, dispositif=dispositif)
    amendments.update_amendment(people[who], amendment.id, change, at(minutes))
    commit()


def events(amendment_id: int, action: str) -> list[Event]:
    query = select(Event).where(Event.amendment_id == amendment_id, Event.action == action)
    return list(db.session.scalars(query.order_by(Event.seq)))


def order(amendment) -> list[str]:
    return [s.deputy.name for s in signatures.signatures_of(amendment)]


def test_a_deputy_of_the_group_cosigns_the_exact_current_text(people, opened):
    signature, created = signatures.sign(people["lucas"], opened.id, at(1))
    commit()
    assert created and signature.deputy_id == people["lucas"].id
    assert (signature.version, signature.content_hash) == (opened.version, opened.content_hash)
    assert signature.signed_at == signature.first_signed_at == at(1)
    [event] = events(opened.id, "signed")
    assert event.actor_id == people["lucas"].id
    assert event.data == {
        "deputy_id": people["lucas"].id,
        "version": opened.version,
        "content_hash": opened.content_hash,
    }


@pytest.mark.parametrize("who", ["lea", "claire", "admin"])
def test_only_deputies_sign(people, opened, who):
    with pytest.raises(Forbidden):
        signatures.sign(people[who], opened.id, at(1))


def test_the_author_is_first_signatory_by_right_and_never_signs(people, opened):
    with pytest.raises(Conflict) as refused:
        signatures.sign(people["regol"], opened.id, at(1))
    assert refused.value.code == "author_signs_by_right"
    assert "premier signataire de droit" in refused.value.message


def test_signing_needs_an_open_amendment_and_names_the_state(people, opened):
    transitions.transition(people["claire"], opened.id, "close", now=at(1))
    commit()
    with pytest.raises(Conflict) as refused:
        signatures.sign(people["lucas"], opened.id, at(2))
    assert refused.value.code == "invalid_state"
    assert "« clos, prêt au dépôt »" in refused.value.message


def test_a_deputy_of_another_group_signs_only_once_invited(people, opened):
    with pytest.raises(NotFound):  # not invited: the open amendment is not even visible
        signatures.sign(people["peu"], opened.id, at(1))
    rollback()
    invitations.invite(people["lea"], opened.id, [people["peu"].id], at(2))
    commit()
    signature, created = signatures.sign(people["peu"], opened.id, at(3))
    assert created and signature.is_current(opened.content_hash)


def test_a_declined_invitation_no_longer_allows_signing(people, opened):
    invitations.invite(people["regol"], opened.id, [people["peu"].id], at(1))
    invitations.decline(people["peu"], opened.id, at(2))
    commit()
    with pytest.raises(Forbidden) as refused:
        signatures.sign(people["peu"], opened.id, at(3))
    assert "décliné" in refused.value.message
    [event] = events(opened.id, "declined")
    assert event.data["deputy_id"] == people["peu"].id


def test_signing_twice_the_same_version_is_harmless(people, opened):
    first, _ = signatures.sign(people["lucas"], opened.id, at(1))
    commit()
    again, created = signatures.sign(people["lucas"], opened.id, at(5))
    commit()
    assert again.id == first.id and not created and again.signed_at == at(1)
    assert len(events(opened.id, "signed")) == 1


def test_a_consent_on_a_text_read_before_an_edit_is_refused(people, opened):
    seen = opened.content_hash
    edit(people, opened, "Rédiger ainsi cet article : « Le titre est supprimé. »")
    with pytest.raises(Conflict) as refused:
        signatures.sign(people["lucas"], opened.id, at(40), seen_hash=seen)
    assert refused.value.code == "stale_version"


def test_an_edit_in_open_makes_signatures_stale_kept_and_not_counted(people, opened):
    signatures.sign(people["lucas"], opened.id, at(1))
    commit()
    edit(people, opened, "Supprimer les alinéas 1 à 3.")
    [signature] = signatures.signatures_of(opened)
    assert signature.is_active and not signature.is_current(opened.content_hash)
    assert signatures.current_cosignatories(opened) == []


def test_each_stale_signatory_is_notified_once_per_version(people, opened):
    signatures.sign(people["lucas"], opened.id, at(1))
    signatures.sign(people["bayou"], opened.id, at(2))
    commit()
    edit(people, opened, "Supprimer les alinéas 1 à 3.", minutes=30)
    assert stale.notify_stale_signatories(opened, at(31)) == 2  # again: no second notice
    commit()
    edit(people, opened, "Supprimer les alinéas 1 à 4.", minutes=40)
    keys = db.session.scalars(
        select(Notification.key).where(Notification.user_id == people["lucas"].id)
    ).all()
    assert sorted(keys) == [
        f"stale:{opened.id}:2:{people['lucas'].id}",
        f"stale:{opened.id}:3:{people['lucas'].id}",
    ]


def test_withdrawn_voided_and_current_signatures_are_not_told_to_reconfirm(people, opened):
    for n, who in enumerate(("lucas", "bayou", "peu"), start=1):
        if who == "peu":
            invitations.invite(people["regol"], opened.id, [people["peu"].id], at(n))
        signatures.sign(people[who], opened.id, at(n + 1))
    signatures.withdraw(people["lucas"], opened.id, at(5))
    signatures.void(people["claire"], opened.id, people["bayou"].id, "Erreur", at(6))
    commit()
    edit(people, opened, "Supprimer les alinéas 1 à 3.", minutes=30)
    signatures.sign(people["peu"], opened.id, at(35))  # re-confirmed: current again
    commit()
    assert stale.stale_signatures(opened) == []
    assert stale.notify_stale_signatories(opened, at(40)) == 0
    notified = select(Notification.user_id).where(Notification.kind == "signature_stale")
    assert db.session.scalars(notified).all() == [people["peu"].id]  # once, at the edit


def test_reconfirming_updates_the_text_signed_but_keeps_the_place_in_the_order(people, opened):
    signatures.sign(people["lucas"], opened.id, at(1))
    signatures.sign(people["bayou"], opened.id, at(2))
    commit()
    edit(people, opened, "Supprimer les alinéas 1 à 3.")
    signature, created = signatures.sign(people["lucas"], opened.id, at(45))
    commit()
    assert created and signature.is_current(opened.content_hash)
    assert (signature.version, signature.first_signed_at, signature.signed_at) == (2, at(1), at(45))
    assert order(opened) == ["Benjamin Lucas-Lundy", "Julien Bayou"]
    [event] = events(opened.id, "reconfirmed")
    assert event.data["previous_version"] == 1 and event.data["version"] == 2


def test_changes_since_signed_is_a_word_diff_of_the_signed_and_current_text(people, opened):
    signature, _ = signatures.sign(people["lucas"], opened.id, at(1))
    commit()
    edit(people, opened, "Supprimer les alinéas 1 à 3.")
    changes = stale.changes_since_signed(signature, opened)
    assert ("delete", "cet article") in changes["dispositif"]
    assert ("insert", "les alinéas 1 à 3") in changes["dispositif"]
    assert all(op == "equal" for op, _ in changes["expose"] + changes["position"])


def test_a_withdrawal_is_a_recorded_act_and_the_row_is_kept(people, opened):
    signatures.sign(people["lucas"], opened.id, at(1))
    signatures.withdraw(people["lucas"], opened.id, at(2))
    commit()
    [signature] = signatures.signatures_of(opened)
    assert signature.withdrawn_at == at(2) and not signature.is_current(opened.content_hash)
    [event] = events(opened.id, "withdrawn")
    assert event.actor_id == people["lucas"].id and event.data["version"] == 1
    signatures.withdraw(people["lucas"], opened.id, at(3))  # twice: harmless, no new event
    assert len(events(opened.id, "withdrawn")) == 1


def test_withdrawal_is_only_while_open(people, opened):
    signatures.sign(people["lucas"], opened.id, at(1))
    transitions.transition(people["claire"], opened.id, "close", now=at(2))
    commit()
    with pytest.raises(Conflict):
        signatures.withdraw(people["lucas"], opened.id, at(3))


def test_a_deputy_who_withdraws_then_signs_again_goes_to_the_end_of_the_order(people, opened):
    signatures.sign(people["lucas"], opened.id, at(1))
    signatures.sign(people["bayou"], opened.id, at(2))
    signatures.withdraw(people["lucas"], opened.id, at(3))
    signature, created = signatures.sign(people["lucas"], opened.id, at(4))
    commit()
    assert created and signature.withdrawn_at is None and signature.first_signed_at == at(4)
    assert order(opened) == ["Julien Bayou", "Benjamin Lucas-Lundy"]
    assert events(opened.id, "signed")[-1].data["after_withdrawal"] is True


def test_signatures_are_listed_in_first_signing_order(people, opened):
    for minutes, who in enumerate(("bayou", "lucas"), start=1):
        signatures.sign(people[who], opened.id, at(minutes))
    invitations.invite(people["claire"], opened.id, [people["peu"].id], at(3))
    signatures.sign(people["peu"], opened.id, at(4))
    commit()
    assert order(opened) == ["Julien Bayou", "Benjamin Lucas-Lundy", "Stéphane Peu"]
    assert [s.deputy.name for s in signatures.current_cosignatories(opened)] == order(opened)


@pytest.mark.parametrize("who", ["lucas", "regol", "lea"])
def test_only_the_group_secretariat_voids_a_signature(people, opened, who):
    signatures.sign(people["bayou"], opened.id, at(1))
    with pytest.raises(Forbidden):
        signatures.void(people[who], opened.id, people["bayou"].id, "Erreur", at(2))


def test_voiding_needs_a_reason_and_is_journalled_and_notified(people, opened):
    signatures.sign(people["bayou"], opened.id, at(1))
    with pytest.raises(Invalid) as refused:
        signatures.void(people["claire"], opened.id, people["bayou"].id, "  ", at(2))
    assert "reason" in refused.value.fields
    signature = signatures.void(
        people["claire"], opened.id, people["bayou"].id, "Signé pour un autre député", at(3)
    )
    commit()
    assert (signature.voided_at, signature.voided_by_id) == (at(3), people["claire"].id)
    assert not signature.is_current(opened.content_hash)
    [event] = events(opened.id, "voided")
    assert event.data["reason"] == "Signé pour un autre député"
    assert event.data["deputy_id"] == people["bayou"].id
    with pytest.raises(Forbidden):  # the secretariat's decision stands
        signatures.sign(people["bayou"], opened.id, at(4))


def test_the_to_sign_list_holds_group_invited_and_stale_amendments(people, bill, opened):
    other = open_amendment(people, bill, author="peu")
    assert [(p.amendment.id, p.reason) for p in pending_for(people["lucas"])] == [
        (opened.id, "group")
    ]
    invitations.invite(people["hugo"], other.id, [people["lucas"].id], at(1))
    signatures.sign(people["lucas"], opened.id, at(2))
    commit()
    assert [(p.amendment.id, p.reason) for p in pending_for(people["lucas"])] == [
        (other.id, "invited")
    ]
    edit(people, opened, "Supprimer les alinéas 1 à 3.")
    invitations.decline(people["lucas"], other.id, at(40))
    assert [(p.amendment.id, p.reason) for p in pending_for(people["lucas"])] == [
        (opened.id, "stale")
    ]
    assert pending_count(people["lucas"]) == 1 and pending_for(people["regol"]) == []


def test_signing_after_the_group_s_cosign_by_is_refused_and_before_it_allowed(people, opened, bill):
    group_id = people["regol"].group_id  # the bill's filing deadline is past: a row, not the form
    db.session.add(GroupDeadline(text_id=bill.id, group_id=group_id, cosign_by=at(10)))
    commit()
    with pytest.raises(Conflict) as refused:
        signatures.sign(people["lucas"], opened.id, at(11))
    assert refused.value.code == "deadline_passed"
    rollback()
    _, created = signatures.sign(people["lucas"], opened.id, at(10))  # at the deadline: allowed
    assert created


def test_signing_needs_a_second_factor_when_required(app, people, opened, monkeypatch):
    monkeypatch.setitem(app.config, "LIASSE_REQUIRE_2FA", True)
    with pytest.raises(Forbidden) as refused:
        signatures.sign(people["lucas"], opened.id, at(1))
    assert refused.value.code == "second_factor_required"
    rollback()
    lucas = people["lucas"]
    lucas.totp_secret, lucas.totp_enabled_at = pyotp.random_base32(), NOW
    commit()
    code = pyotp.TOTP(lucas.totp_secret).at(at(1))
    _, created = signatures.sign(lucas, opened.id, at(1), otp=code)
    assert created


def _sign_in_thread(
    app: Flask,
    barrier: threading.Barrier,
    deputy_id: int,
    amendment_id: int,
    errors: list[BaseException],
) -> None:
    with app.app_context():
        try:
            barrier.wait(timeout=30)  # then all race for the pool's connections and the row lock
            deputy = db.session.get(User, deputy_id)
            assert deputy is not None
            signatures.sign(deputy, amendment_id, at(5))
            commit()
        except BaseException as exc:
            errors.append(exc)
            rollback()
        finally:
            db.session.remove()


def test_100_deputies_signing_at_once_record_exactly_100_signatures(app, people, opened):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks and real concurrency: PostgreSQL only")
    ids = [
        registration.create_user(
            email=f"depute{n}@an.example",
            name=f"Député {n}",
            role="deputy",
            password="Motdepasse-solide-42",
            group_code="ECOS",
        ).id
        for n in range(100)
    ]
    commit()
    barrier, errors = threading.Barrier(len(ids)), []
    threads = [
        threading.Thread(target=_sign_in_thread, args=(app, barrier, i, opened.id, errors))
        for i in ids
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    count = select(func.count(func.distinct(Signature.deputy_id))).where(
        Signature.amendment_id == opened.id
    )
    assert db.session.scalar(count) == 100
    assert db.session.scalar(select(func.count(Signature.id))) == 100
    assert len(events(opened.id, "signed")) == 100
    assert journal.verify_all() == []
