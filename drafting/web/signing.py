"""Co-signature pages: the "À signer" list, the consent screen, withdraw, decline, invite, void,
and the signature panel of the amendment page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext, ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from drafting.db import commit, rollback
from drafting.errors import DomainError, Forbidden, Invalid, NotFound
from drafting.extensions import db
from drafting.infra.rate_limits import BULK_SIGNATURE, SIGNATURE, WRITE_METHODS, limited
from drafting.infra.request_info import parse_id
from drafting.models import Amendment, Group, Invitation, LegislativeText, Role, Signature, User
from drafting.permissions import (
    actors_for,
    can_follow_group_signatures,
    can_follow_signatures,
    can_invite,
    can_void_signature,
)
from drafting.services import amendments, listing
from drafting.services.cosigning import bulk as bulk_signing
from drafting.services.cosigning import invitations, signatures
from drafting.services.cosigning import missing as missing_signatures
from drafting.services.cosigning import pending as pending_signatures
from drafting.services.cosigning import stale as stale_signatures
from drafting.web.common import current_credential, now
from workflows.review import State

bp = Blueprint("signing", __name__)

REASONS = {
    "group": lazy_gettext("Amendement de votre groupe"),
    "invited": lazy_gettext("Vous êtes invité à cosigner"),
    "stale": lazy_gettext("Texte modifié : signature à reconfirmer"),
}


def _user() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


@dataclass
class Panel:
    """What the signature panel shows: signatories in order and what the viewer may do."""

    amendment: Amendment
    rows: list[tuple[Signature, str]]  # (signature, "current" | "stale" | "withdrawn" | "voided")
    invitations: list[Invitation]
    mine: Signature | None = None
    my_invitation: Invitation | None = None
    refusal: str | None = None
    can_invite: bool = False
    can_void: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    missing: list[User] | None = None  # who may sign and has not (insiders see it)


def status_of(signature: Signature, amendment: Amendment) -> str:
    """ "current", "stale" (to re-confirm), "withdrawn" or "voided"."""
    if signature.voided_at is not None:
        return "voided"
    if signature.withdrawn_at is not None:
        return "withdrawn"
    return "current" if signature.content_hash == amendment.content_hash else "stale"


def build_panel(user: User, amendment: Amendment) -> Panel:
    """The panel data in two queries (signatures and invitations, deputies joined)."""
    rows = [(s, status_of(s, amendment)) for s in signatures.signatures_of(amendment)]
    invited_deputies = invitations.invitations_of(amendment)
    mine = next((s for s, _status in rows if s.deputy_id == user.id), None)
    invited = next((i for i in invited_deputies if i.deputy_id == user.id), None)
    counts = {key: 0 for key in ("current", "stale", "withdrawn", "voided")}
    for _signature, status in rows:
        counts[status] += 1
    return Panel(
        amendment,
        rows,
        invited_deputies,
        mine,
        invited,
        refusal=signatures.refusal(user, amendment, invited),
        can_invite=can_invite(user, amendment),
        can_void=can_void_signature(user, amendment),
        counts=counts,
        missing=_missing(user, amendment),
    )


def _missing(user: User, amendment: Amendment) -> list[User] | None:
    """Who has not signed the open amendment yet, for those who follow its signatures."""
    if amendment.state != State.OPEN or not can_follow_signatures(user, amendment):
        return None
    return missing_signatures.non_signatories(amendment)


@bp.app_template_global("signature_panel")
def signature_panel(amendment: Amendment) -> Panel:
    """The signature panel of `amendment` for the signed-in user (constant number of queries)."""
    return build_panel(_user(), amendment)


@bp.app_template_global("pending_signatures_count")
def pending_signatures_count() -> int:
    """How many amendments wait for the signed-in deputy's signature (navigation badge)."""
    if not current_user.is_authenticated or current_user.role != Role.DEPUTY:
        return 0
    return pending_signatures.pending_count(_user())


def _consent_url(amendment_id: int) -> str:
    return url_for("signing.consent", amendment_id=amendment_id)


def _back(amendment_id: int) -> ResponseReturnValue:
    return redirect(url_for("amendments.show", amendment_id=amendment_id), code=303)


def _refused(error: DomainError, target: str) -> ResponseReturnValue:
    """Show the refusal where the user acted; an invisible amendment stays a 404."""
    rollback()
    if isinstance(error, NotFound):
        raise error
    flash(_("Refusé : %(message)s", message=error.message))
    return redirect(target, code=303)


def _pending_filtered(values: Any) -> tuple[list[pending_signatures.Pending], dict[str, Any]]:
    """The "À signer" list narrowed by text and reason (the page's filters)."""
    items = pending_signatures.pending_for(_user())
    text_id = values.get("text_id", "")
    reason = values.get("reason", "")
    if text_id.isdigit():
        items = [i for i in items if i.amendment.text_id == int(text_id)]
    if reason in REASONS:
        items = [i for i in items if i.reason == reason]
    chosen = {"text_id": int(text_id) if text_id.isdigit() else None, "reason": reason or None}
    return items, chosen


@bp.get("/a-signer")
@login_required
def pending() -> ResponseReturnValue:
    """The deputy's "À signer" list (group amendments, invitations, signatures to re-confirm),
    filtered by text and reason, each amendment ticked to co-sign several at once."""
    everything = pending_signatures.pending_for(_user())
    items, chosen = _pending_filtered(request.args)
    texts = {i.amendment.text_id: i.amendment.text for i in everything}
    return render_template(
        "signing/pending.html",
        items=items,
        reasons=REASONS,
        chosen=chosen,
        texts=sorted(texts.values(), key=lambda t: t.id),
        total=len(everything),
    )


def _consent_items(values: Any) -> list[pending_signatures.Pending]:
    """What the consent screen lists: the ticked amendments (or all the filter keeps) that
    still wait for the deputy's signature, in the list's order."""
    items, _chosen = _pending_filtered(values)
    if values.get("all") == "1":
        return items
    wanted = {int(v) for v in values.getlist("ids") if v.isdigit() and len(v) < 10}
    return [i for i in items if i.amendment.id in wanted]


def _consent_page(
    items: list[pending_signatures.Pending], error: DomainError | None = None, status: int = 200
) -> ResponseReturnValue:
    page = render_template(
        "signing/bulk_consent.html",
        items=items,
        reasons=REASONS,
        error=error,
        back=request.full_path if request.method == "GET" else url_for("signing.pending"),
    )
    return page, status


@bp.get("/a-signer/consentement")
@login_required
def bulk_consent() -> ResponseReturnValue:
    """One consent screen for several amendments: each with its number or position, its short
    hash and its text a tap away; what the second factor needs, before « Je cosigne »."""
    items = _consent_items(request.args)
    if not items:
        flash(_("Cochez au moins un amendement à cosigner."))
        return redirect(url_for("signing.pending"), code=303)
    return _consent_page(items)


def _consents() -> list[bulk_signing.Consent]:
    consents = []
    for value in request.form.getlist("consent")[: bulk_signing.MAX_ITEMS + 1]:
        amendment_id, _, content_hash = value.partition(":")
        if amendment_id.isdigit() and len(amendment_id) < 10:
            consents.append(bulk_signing.Consent(int(amendment_id), content_hash[:64]))
    return consents


@bp.post("/a-signer/signer")
@limited(BULK_SIGNATURE, scope="signature-bulk", methods=WRITE_METHODS)
@login_required
def bulk_sign() -> ResponseReturnValue:
    """Sign each amendment of the consent screen on the text it showed, with one code."""
    consents = _consents()
    try:
        outcomes = bulk_signing.sign_many(
            _user(),
            consents,
            now(),
            otp=request.form.get("otp") or None,
            credential=current_credential(),
        )
    except DomainError as exc:
        rollback()
        ids = {c.amendment_id for c in consents}
        items = [i for i in pending_signatures.pending_for(_user()) if i.amendment.id in ids]
        return _consent_page(items, exc, exc.status)
    commit()
    labels = listing.visible_by_id(_user(), [o.amendment_id for o in outcomes])
    return render_template("signing/bulk_results.html", outcomes=outcomes, labels=labels)


@bp.get("/amendements/<int:amendment_id>/signer")
@login_required
def consent(amendment_id: int) -> ResponseReturnValue:
    """The consent screen: the exact text, and what changed since one signed if stale."""
    amendment = amendments.get_visible_amendment(_user(), amendment_id)
    panel = build_panel(_user(), amendment)
    mine = panel.mine
    stale = mine is not None and mine.is_active and mine.content_hash != amendment.content_hash
    changes = stale_signatures.changes_since_signed(mine, amendment) if stale and mine else {}
    changes = {k: v for k, v in changes.items() if any(op != "equal" for op, _text in v)}
    return render_template(
        "signing/consent.html",
        amendment=amendment,
        panel=panel,
        stale=stale,
        changes=changes,
        status=status_of(mine, amendment) if mine else None,
    )


@bp.post("/amendements/<int:amendment_id>/signer")
@limited(SIGNATURE, scope="signature", methods=WRITE_METHODS)
@login_required
def sign(amendment_id: int) -> ResponseReturnValue:
    """Record the consent to the text shown (refused if it changed since it was shown)."""
    form = request.form
    try:
        signature, created = signatures.sign(
            _user(),
            amendment_id,
            now(),
            otp=form.get("otp") or None,
            seen_hash=form.get("content_hash") or None,
            credential=current_credential(),
        )
    except DomainError as exc:
        return _refused(exc, _consent_url(amendment_id))
    commit()
    if created:
        flash(
            _(
                "Signature enregistrée : vous cosignez la version %(version)s.",
                version=signature.version,
            )
        )
    else:
        flash(_("Vous aviez déjà cosigné cette version."))
    if form.get("from") == "list":
        return redirect(url_for("signing.pending"), code=303)
    return _back(amendment_id)


@bp.post("/amendements/<int:amendment_id>/signature/retirer")
@limited(SIGNATURE, scope="signature", methods=WRITE_METHODS)
@login_required
def withdraw(amendment_id: int) -> ResponseReturnValue:
    """Withdraw one's co-signature (a dated act in the history)."""
    try:
        signatures.withdraw(
            _user(),
            amendment_id,
            now(),
            otp=request.form.get("otp") or None,
            credential=current_credential(),
        )
    except DomainError as exc:
        return _refused(exc, _consent_url(amendment_id))
    commit()
    flash(_("Signature retirée : le retrait est daté dans l'historique."))
    return _back(amendment_id)


@bp.post("/amendements/<int:amendment_id>/invitation/decliner")
@login_required
def decline(amendment_id: int) -> ResponseReturnValue:
    """Decline an invitation to co-sign."""
    try:
        invitations.decline(_user(), amendment_id, now())
    except DomainError as exc:
        return _refused(exc, _consent_url(amendment_id))
    commit()
    flash(_("Invitation déclinée."))
    return redirect(url_for("signing.pending"), code=303)


def _invitable(amendment: Amendment) -> list[tuple[str, list[User]]]:
    """Active deputies outside the author's group, by group (the group's may sign already)."""
    query = select(User).where(
        User.role == Role.DEPUTY, User.active.is_(True), User.id != amendment.author_id
    )
    if amendment.group_id is not None:
        query = query.where((User.group_id != amendment.group_id) | User.group_id.is_(None))
    groups: dict[str, list[User]] = {}
    for deputy in db.session.scalars(query.order_by(User.last_name, User.name)):
        name = deputy.group.name if deputy.group else _("Non-inscrits")
        groups.setdefault(name, []).append(deputy)
    return sorted(groups.items())


def _invite_page(amendment: Amendment, error: Invalid | None = None) -> ResponseReturnValue:
    invited = {i.deputy_id: i for i in invitations.invitations_of(amendment)}
    page = render_template(
        "signing/invite.html",
        amendment=amendment,
        deputies=_invitable(amendment),
        invited=invited,
        error=error,
    )
    return page, 422 if error else 200


@bp.route("/amendements/<int:amendment_id>/inviter", methods=["GET", "POST"])
@login_required
def invite(amendment_id: int) -> ResponseReturnValue:
    """Invite deputies of other groups to co-sign (author, assistant, group secretariat)."""
    amendment = amendments.get_visible_amendment(_user(), amendment_id)
    if not actors_for(_user(), amendment):
        raise Forbidden(
            _("Seuls l'auteur, ses collaborateurs et le secrétariat du groupe invitent.")
        )
    if request.method == "GET":
        return _invite_page(amendment)
    ids = [i for v in request.form.getlist("deputy_ids") if (i := parse_id(v)) is not None]
    try:
        found = invitations.invite(_user(), amendment_id, ids, now())
    except Invalid as exc:
        rollback()
        return _invite_page(amendment, exc)
    except DomainError as exc:
        return _refused(exc, url_for("amendments.show", amendment_id=amendment_id))
    commit()
    flash(
        ngettext(
            "Invitation envoyée (%(num)d député).",
            "Invitation envoyée (%(num)d députés).",
            len(found),
        )
    )
    return _back(amendment_id)


def _void_page(
    amendment: Amendment, signature: Signature, error: Invalid | None = None
) -> ResponseReturnValue:
    page = render_template(
        "signing/void.html",
        amendment=amendment,
        signature=signature,
        error=error,
        status=status_of(signature, amendment),
    )
    return page, 422 if error else 200


@bp.route(
    "/amendements/<int:amendment_id>/signatures/<int:deputy_id>/annuler", methods=["GET", "POST"]
)
@limited(SIGNATURE, scope="signature", methods=WRITE_METHODS)
@login_required
def void(amendment_id: int, deputy_id: int) -> ResponseReturnValue:
    """The secretariat voids a signature added in error, giving a reason."""
    amendment = amendments.get_visible_amendment(_user(), amendment_id)
    if not can_void_signature(_user(), amendment):
        raise Forbidden(_("Seul le secrétariat du groupe de l'auteur annule une signature."))
    signature = signatures.signature_of(amendment.id, deputy_id)
    if signature is None:
        raise NotFound(_("Ce député n'a pas cosigné cet amendement."))
    if request.method == "GET":
        return _void_page(amendment, signature)
    try:
        signatures.void(_user(), amendment_id, deputy_id, request.form.get("reason"), now())
    except Invalid as exc:
        rollback()
        return _void_page(amendment, signature, exc)
    except DomainError as exc:
        return _refused(exc, url_for("amendments.show", amendment_id=amendment_id))
    commit()
    flash(_("Signature de %(name)s annulée.", name=signature.deputy.display_name))
    return _back(amendment_id)


@bp.get("/amendements/<int:amendment_id>/signatures/annuler")
@login_required
def choose_void(amendment_id: int) -> ResponseReturnValue:
    """The panel's "void a signature" picker leads to that signature's void form."""
    deputy_id = parse_id(request.args.get("deputy_id"))
    if deputy_id is None:
        raise NotFound(_("Signature inconnue."))
    return redirect(url_for("signing.void", amendment_id=amendment_id, deputy_id=deputy_id))


@bp.post("/amendements/<int:amendment_id>/relancer")
@login_required
def remind(amendment_id: int) -> ResponseReturnValue:
    """Remind, in one action, everyone who may sign the amendment and has not."""
    try:
        reminded = missing_signatures.remind_amendment(_user(), amendment_id, now())
    except DomainError as exc:
        return _refused(exc, url_for("amendments.show", amendment_id=amendment_id))
    commit()
    if reminded:
        flash(ngettext("%(num)d député relancé.", "%(num)d députés relancés.", len(reminded)))
    else:
        flash(_("Personne à relancer : chacun a déjà été relancé aujourd'hui."))
    return _back(amendment_id)


def _followed_group(user: User) -> Group | None:
    """The group whose signatures the page follows: the secretariat's own; an admin's choice."""
    code = (request.values.get("group") or "").strip().upper()[:32]
    if user.role == Role.ADMIN and code:
        return db.session.scalar(select(Group).where(Group.code == code))
    return user.group


@bp.get("/textes/<int:text_id>/signatures")
@login_required
def group_signatures(text_id: int) -> ResponseReturnValue:
    """Per deputy of the group, what they still have to sign on the text, and reminders."""
    user = _user()
    group = _followed_group(user)
    if group is None or not can_follow_group_signatures(user, group.id):
        raise Forbidden(_("Seul le secrétariat du groupe suit les signatures de ses députés."))
    backlog = missing_signatures.group_backlog(user, text_id, group.id)
    text = db.session.get(LegislativeText, text_id)
    return render_template("signing/group.html", text=text, group=group, backlog=backlog)


@bp.post("/textes/<int:text_id>/signatures/relancer")
@login_required
def remind_group(text_id: int) -> ResponseReturnValue:
    """Remind the ticked deputies (or every one with something to sign) in one action."""
    user = _user()
    group = _followed_group(user)
    if group is None or not can_follow_group_signatures(user, group.id):
        raise Forbidden(_("Seul le secrétariat du groupe suit les signatures de ses députés."))
    chosen = None
    if request.form.get("all") != "1":
        chosen = [int(v) for v in request.form.getlist("deputy_ids") if v.isdigit() and len(v) < 10]
    reminded = missing_signatures.remind_deputies(user, text_id, group.id, chosen, now())
    commit()
    if reminded:
        flash(ngettext("%(num)d député relancé.", "%(num)d députés relancés.", len(reminded)))
    else:
        flash(_("Personne à relancer : chacun a déjà été relancé aujourd'hui."))
    target = url_for("signing.group_signatures", text_id=text_id, group=request.values.get("group"))
    return redirect(target, code=303)
