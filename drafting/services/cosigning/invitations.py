"""Invitations to co-sign: the author, an assistant or the secretariat invites deputies (usually
of other groups); an invited deputy may decline. Whether an invitation admits a signature is
`signatures.refusal`'s to say."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from drafting.errors import Conflict, Forbidden, Invalid, NotFound
from drafting.extensions import db
from drafting.models import Amendment, Invitation, Role, User
from drafting.models.event_kinds import EventKind
from drafting.permissions import actors_for
from drafting.services import amendments, journal, notifications
from drafting.services.cosigning.signatures import (
    invitation_of,
    require_deputy,
    signature_of,
    state_name,
)
from drafting.services.workflow.notices import amendment_label
from workflows.review import State

MAX_INVITEES = 1_000
INVITABLE_STATES = (State.DRAFT, State.IN_REVIEW, State.OPEN)


def _deputies(deputy_ids: list[int]) -> dict[int, User]:
    ids = list(dict.fromkeys(deputy_ids))
    if not ids or len(ids) > MAX_INVITEES:
        raise Invalid("Choisissez au moins un député.", fields={"deputy_ids": "1 à 1000 députés"})
    found = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    bad = [i for i in ids if i not in found or found[i].role != Role.DEPUTY or not found[i].active]
    if bad:
        listed = ", ".join(str(i) for i in bad[:20])
        raise Invalid(
            "Seuls des députés sont invités.", fields={"deputy_ids": f"pas député : {listed}"}
        )
    return {i: found[i] for i in ids}


def check_invitees(deputy_ids: list[int]) -> tuple[int, ...]:
    """The distinct ids of active deputies to invite (422 naming those who are not)."""
    return tuple(_deputies(deputy_ids))


def _invitees(amendment: Amendment, deputy_ids: list[int]) -> list[User]:
    found = _deputies(deputy_ids)
    ids = list(found)
    if amendment.author_id in found:
        raise Invalid(
            "L'auteur est premier signataire de droit.",
            fields={"deputy_ids": "l'auteur ne s'invite pas"},
        )
    return [found[i] for i in ids]


def _check_inviter(actor: User, amendment: Amendment) -> None:
    if not actors_for(actor, amendment):
        raise Forbidden("Seuls l'auteur, ses collaborateurs et le secrétariat du groupe invitent.")
    if amendment.state not in INVITABLE_STATES:
        raise Conflict(
            f"Invitation impossible : l'amendement est à l'état « {state_name(amendment)} ».",
            code="invalid_state",
        )


def invite(
    actor: User, amendment_id: int, deputy_ids: list[int], now: datetime
) -> list[Invitation]:
    """Invite deputies (usually of other groups) to co-sign; idempotent; notifies the new ones.

    A pending invitation is left as it is; a declined one is renewed (a new, explicit act)."""
    amendment = amendments.get_visible_amendment(actor, amendment_id, lock=True)
    _check_inviter(actor, amendment)
    invitees = _invitees(amendment, deputy_ids)
    query = select(Invitation).where(
        Invitation.amendment_id == amendment.id,
        Invitation.deputy_id.in_([d.id for d in invitees]),
    )
    existing = {i.deputy_id: i for i in db.session.scalars(query)}
    fresh: list[User] = []
    for deputy in invitees:
        invitation = existing.get(deputy.id)
        if invitation is None:
            invitation = Invitation(amendment_id=amendment.id, deputy_id=deputy.id, deputy=deputy)
            db.session.add(invitation)
            existing[deputy.id] = invitation
        elif invitation.declined_at is None:
            continue
        invitation.invited_at, invitation.invited_by_id = now, actor.id
        invitation.declined_at = None
        fresh.append(deputy)
    if fresh:
        _announce(actor, amendment, fresh, now)
    return [existing[d.id] for d in invitees]


def _announce(actor: User, amendment: Amendment, invitees: list[User], now: datetime) -> None:
    event = journal.record(
        EventKind.INVITED,
        now=now,
        actor=actor,
        amendment_id=amendment.id,
        on_behalf_of=amendments.on_behalf_of(actor, amendment),
        data={"deputy_ids": [d.id for d in invitees], "deputies": [d.name for d in invitees]},
    )
    notifications.notify(
        invitees,
        "invited",
        key=f"invited:{amendment.id}:{event.seq}",
        message=f"{actor.display_name} vous invite à cosigner {amendment_label(amendment)}.",
        now=now,
        amendment=amendment,
    )


def decline(deputy: User, amendment_id: int, now: datetime) -> Invitation:
    """Decline an invitation to co-sign (journalled; declining twice is harmless)."""
    require_deputy(deputy)
    amendment = amendments.get_visible_amendment(deputy, amendment_id, lock=True)
    invitation = invitation_of(amendment.id, deputy.id)
    if invitation is None:
        raise NotFound("Vous n'êtes pas invité à cosigner cet amendement.")
    if invitation.declined_at is not None:
        return invitation
    signature = signature_of(amendment.id, deputy.id)
    if signature is not None and signature.is_active:
        raise Conflict(
            "Vous avez cosigné cet amendement : retirez votre signature plutôt.",
            code="already_signed",
        )
    invitation.declined_at = now
    journal.record(
        EventKind.DECLINED,
        now=now,
        actor=deputy,
        amendment_id=amendment.id,
        data={"deputy_id": deputy.id, "version": amendment.version},
    )
    return invitation


def invitations_of(amendment: Amendment) -> list[Invitation]:
    """Every invitation of the amendment, oldest first, deputies loaded: one query."""
    query = (
        select(Invitation)
        .where(Invitation.amendment_id == amendment.id)
        .options(joinedload(Invitation.deputy))
        .order_by(Invitation.invited_at, Invitation.id)
    )
    return list(db.session.scalars(query))
