"""API of co-signatures: sign, withdraw, list, invite, decline, void and the "À signer" list."""

from __future__ import annotations

from drafting.api.routing import current_caller, current_credential, current_user, endpoint, now
from drafting.api.schemas.people import UserOut
from drafting.api.schemas.signatures import (
    BacklogList,
    BacklogOut,
    BacklogQuery,
    DeputyList,
    GroupReminderIn,
    InvitationIn,
    InvitationList,
    InvitationOut,
    PendingList,
    PendingOut,
    ReminderOut,
    SignatureList,
    SignatureOut,
    SignIn,
    SignManyIn,
    SignManyOut,
    VoidIn,
    WithdrawIn,
)
from drafting.db import commit
from drafting.errors import Forbidden
from drafting.infra.rate_limits import BULK_SIGNATURE, SIGNATURE, WRITE_METHODS, limited
from drafting.permissions import can_follow_signatures
from drafting.services import amendments
from drafting.services.accounts import registration
from drafting.services.cosigning import bulk, invitations, missing, pending, signatures

TAGS = ("signatures",)


@endpoint(
    "/amendments/<int:amendment_id>/signatures",
    "POST",
    summary="Co-sign (or re-confirm) the current text: 201 recorded, 200 already signed on it",
    body=SignIn,
    body_optional=True,
    response=SignatureOut,
    status=201,
    also_ok=(200,),
    errors=(403, 404, 409, 429),
    tags=TAGS,
)
@limited(SIGNATURE, scope="signature", methods=WRITE_METHODS)
def sign_amendment(amendment_id: int, body: SignIn) -> tuple[SignatureOut, int]:
    """POST /amendments/{id}/signatures (body optional: {"otp", "content_hash"})."""
    signature, created = signatures.sign(
        current_caller(),
        amendment_id,
        now(),
        otp=body.otp,
        seen_hash=body.content_hash,
        credential=current_credential(),
    )
    payload = SignatureOut.of(signature, current=True)  # built before the commit expires it
    commit()
    return payload, 201 if created else 200


@endpoint(
    "/signatures",
    "POST",
    summary="Co-sign several amendments at once, each on the text shown (its content hash), "
    "with one second-factor code: one outcome each",
    body=SignManyIn,
    response=SignManyOut,
    errors=(403, 429),
    tags=TAGS,
)
@limited(BULK_SIGNATURE, scope="signature-bulk", methods=WRITE_METHODS)
def sign_many(body: SignManyIn) -> SignManyOut:
    """POST /signatures {items: [{amendment_id, content_hash}], otp}."""
    consents = [bulk.Consent(i.amendment_id, i.content_hash) for i in body.items]
    outcomes = bulk.sign_many(
        current_caller(), consents, now(), otp=body.otp, credential=current_credential()
    )
    commit()
    return SignManyOut.of(outcomes)


@endpoint(
    "/amendments/<int:amendment_id>/signatures/me",
    "DELETE",
    summary="Withdraw my co-signature while the amendment is open (recorded, not erased)",
    body=WithdrawIn,
    body_optional=True,
    status=204,
    errors=(403, 404, 409, 429),
    tags=TAGS,
)
@limited(SIGNATURE, scope="signature", methods=WRITE_METHODS)
def withdraw_signature(amendment_id: int, body: WithdrawIn) -> tuple[None, int]:
    """DELETE /amendments/{id}/signatures/me."""
    signatures.withdraw(
        current_user(), amendment_id, now(), otp=body.otp, credential=current_credential()
    )
    commit()
    return None, 204


@endpoint(
    "/amendments/<int:amendment_id>/signatures",
    summary="Signatures in signing order, each with `current`",
    response=SignatureList,
    errors=(404,),
    tags=TAGS,
)
def list_signatures(amendment_id: int) -> SignatureList:
    """GET /amendments/{id}/signatures."""
    amendment = amendments.get_visible_amendment(current_user(), amendment_id)
    rows = signatures.signatures_of(amendment)
    return SignatureList.of(
        [SignatureOut.of(s, s.is_current(amendment.content_hash)) for s in rows]
    )


@endpoint(
    "/amendments/<int:amendment_id>/signatures/<int:deputy_id>/void",
    "POST",
    summary="Void a signature added in error, with a reason (group secretariat)",
    body=VoidIn,
    response=SignatureOut,
    errors=(403, 404, 409, 429),
    tags=TAGS,
)
@limited(SIGNATURE, scope="signature", methods=WRITE_METHODS)
def void_signature(amendment_id: int, deputy_id: int, body: VoidIn) -> SignatureOut:
    """POST /amendments/{id}/signatures/{deputy_id}/void."""
    signature = signatures.void(current_user(), amendment_id, deputy_id, body.reason, now())
    payload = SignatureOut.of(signature, current=False)  # a voided signature never counts
    commit()
    return payload


@endpoint(
    "/amendments/<int:amendment_id>/invitations",
    "POST",
    summary="Invite deputies to co-sign (author, assistant, group secretariat); idempotent",
    body=InvitationIn,
    response=InvitationList,
    status=201,
    errors=(403, 404, 409),
    tags=TAGS,
)
def invite_cosignatories(amendment_id: int, body: InvitationIn) -> tuple[InvitationList, int]:
    """POST /amendments/{id}/invitations."""
    found = invitations.invite(current_user(), amendment_id, body.deputy_ids, now())
    commit()
    return InvitationList(items=[InvitationOut.of(i) for i in found]), 201


@endpoint(
    "/amendments/<int:amendment_id>/invitations",
    summary="Invitations to co-sign, oldest first",
    response=InvitationList,
    errors=(404,),
    tags=TAGS,
)
def list_invitations(amendment_id: int) -> InvitationList:
    """GET /amendments/{id}/invitations."""
    amendment = amendments.get_visible_amendment(current_user(), amendment_id)
    found = invitations.invitations_of(amendment)
    return InvitationList(items=[InvitationOut.of(i) for i in found])


@endpoint(
    "/amendments/<int:amendment_id>/invitations/me",
    "DELETE",
    summary="Decline my invitation to co-sign",
    status=204,
    errors=(403, 404, 409),
    tags=TAGS,
)
def decline_invitation(amendment_id: int) -> tuple[None, int]:
    """DELETE /amendments/{id}/invitations/me."""
    invitations.decline(current_user(), amendment_id, now())
    commit()
    return None, 204


@endpoint(
    "/signatures/pending",
    summary='My "À signer" list: group amendments not signed, invitations, stale signatures',
    response=PendingList,
    tags=TAGS,
)
def pending_signatures_list() -> PendingList:
    """GET /signatures/pending."""
    return PendingList(items=[PendingOut.of(p) for p in pending.pending_for(current_user())])


@endpoint(
    "/amendments/<int:amendment_id>/non-signatories",
    summary="Who may co-sign and has not (the author's group, invited deputies): insiders",
    response=DeputyList,
    errors=(403, 404),
    tags=TAGS,
)
def non_signatories(amendment_id: int) -> DeputyList:
    """GET /amendments/{id}/non-signatories."""
    amendment = amendments.get_visible_amendment(current_user(), amendment_id)
    if not can_follow_signatures(current_user(), amendment):
        raise Forbidden("Seuls l'auteur, ses collaborateurs et le secrétariat voient qui manque.")
    return DeputyList(items=[UserOut.of(u) for u in missing.non_signatories(amendment)])


@endpoint(
    "/amendments/<int:amendment_id>/reminders",
    "POST",
    summary="Remind everyone who has not signed (at most once a day each)",
    response=ReminderOut,
    errors=(403, 404, 409),
    tags=TAGS,
)
def remind_non_signatories(amendment_id: int) -> ReminderOut:
    """POST /amendments/{id}/reminders."""
    reminded = missing.remind_amendment(current_user(), amendment_id, now())
    commit()
    return ReminderOut(reminded=[UserOut.of(u) for u in reminded])


def _group_id(code: str | None) -> int | None:
    """The group followed: the caller's own, or (admins) the one named."""
    if code:
        return registration.group_by_code(code).id
    return current_user().group_id


@endpoint(
    "/texts/<int:text_id>/signing-backlog",
    summary="Per deputy of the group, how many open amendments of the group they have not "
    "signed on the text (group secretariat, admin)",
    query=BacklogQuery,
    response=BacklogList,
    errors=(403, 404),
    tags=TAGS,
)
def signing_backlog(text_id: int, query: BacklogQuery) -> BacklogList:
    """GET /texts/{id}/signing-backlog?group=."""
    group_id = _group_id(query.group if current_user().role == "admin" else None)
    if group_id is None:
        raise Forbidden("Seul le secrétariat du groupe suit les signatures de ses députés.")
    backlog = missing.group_backlog(current_user(), text_id, group_id)
    return BacklogList(items=[BacklogOut.of(b) for b in backlog])


@endpoint(
    "/texts/<int:text_id>/reminders",
    "POST",
    summary="Remind the group's deputies of what they still have to sign on the text",
    body=GroupReminderIn,
    body_optional=True,
    response=ReminderOut,
    errors=(403, 404),
    tags=TAGS,
)
def remind_group(text_id: int, body: GroupReminderIn) -> ReminderOut:
    """POST /texts/{id}/reminders {group?, deputy_ids?}."""
    group_id = _group_id(body.group if current_user().role == "admin" else None)
    if group_id is None:
        raise Forbidden("Seul le secrétariat du groupe suit les signatures de ses députés.")
    reminded = missing.remind_deputies(current_user(), text_id, group_id, body.deputy_ids, now())
    commit()
    return ReminderOut(reminded=[UserOut.of(u) for u in reminded])
