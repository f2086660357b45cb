"""Invitations to co-sign: who invites whom, idempotence, declining, renewing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from drafting.db import commit
from drafting.errors import Conflict, Forbidden, Invalid
from drafting.extensions import db
from drafting.models import Notification
from drafting.services.cosigning import invitations, signatures
from tests.services.cosigning.test_signatures import at, events


def test_invitations_are_for_deputies_by_the_author_side_or_the_secretariat(people, opened):
    with pytest.raises(Forbidden):
        invitations.invite(people["lucas"], opened.id, [people["peu"].id], at(1))
    with pytest.raises(Invalid):
        invitations.invite(people["regol"], opened.id, [people["hugo"].id], at(1))
    with pytest.raises(Invalid):
        invitations.invite(people["regol"], opened.id, [people["regol"].id], at(1))


def test_inviting_is_idempotent_and_notifies_each_invitee_once(people, opened):
    invitations.invite(people["regol"], opened.id, [people["peu"].id], at(1))
    commit()
    [invitation] = invitations.invite(people["claire"], opened.id, [people["peu"].id], at(2))
    commit()
    assert invitation.invited_at == at(1) and invitation.invited_by_id == people["regol"].id
    assert len(events(opened.id, "invited")) == 1
    kinds = db.session.scalars(
        select(Notification.kind).where(Notification.user_id == people["peu"].id)
    ).all()
    assert kinds == ["invited"]


def test_a_new_invitation_after_a_decline_renews_it(people, opened):
    invitations.invite(people["regol"], opened.id, [people["peu"].id], at(1))
    invitations.decline(people["peu"], opened.id, at(2))
    [invitation] = invitations.invite(people["regol"], opened.id, [people["peu"].id], at(3))
    assert invitation.declined_at is None and invitation.invited_at == at(3)
    assert len(events(opened.id, "invited")) == 2


def test_declining_after_signing_is_refused_withdraw_instead(people, opened):
    invitations.invite(people["regol"], opened.id, [people["peu"].id], at(1))
    signatures.sign(people["peu"], opened.id, at(2))
    with pytest.raises(Conflict) as refused:
        invitations.decline(people["peu"], opened.id, at(3))
    assert refused.value.code == "already_signed"
