"""Welcome links: an account created without a password (by the people import) chooses one.

The invitation row is made with the account; the link's token is made only when the e-mail is
sent (by a job, after the commit), and only its SHA-256 is kept. A link works once, for
`VALID_DAYS` days; choosing the password through it is the account's first login secret.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from drafting.errors import NotFound
from drafting.extensions import db
from drafting.infra.mail import send_mail
from drafting.infra.queue import QueuedJob, enqueue_after_commit
from drafting.models import AccountInvitation, User
from drafting.services.accounts import passwords

VALID_DAYS = 14
PATH = "/compte/bienvenue/"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invite(user: User, now: datetime) -> AccountInvitation:
    """Invite `user` to choose a password: the e-mail goes out after the commit."""
    invitation = AccountInvitation(user_id=user.id, created_at=now)
    db.session.add(invitation)
    db.session.flush()
    enqueue_after_commit(
        db.session(), QueuedJob("drafting.jobs.accounts.send_welcome", (invitation.id,))
    )
    return invitation


def issue_link(invitation: AccountInvitation, now: datetime) -> str:
    """A new token for the invitation (an older link stops working); the link's URL."""
    token = secrets.token_urlsafe(32)
    invitation.token_hash = _digest(token)
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=VALID_DAYS)
    base = str(current_app.config.get("LIASSE_PUBLIC_URL") or "").rstrip("/")
    return f"{base}{PATH}{token}"


def send_welcome(invitation_id: int, now: datetime) -> None:
    """The job: make the link and e-mail it, once (an invitation already sent is left alone)."""
    invitation = db.session.get(AccountInvitation, invitation_id)
    if invitation is None or invitation.sent_at is not None or invitation.used_at is not None:
        return
    user = db.session.get_one(User, invitation.user_id)
    link = issue_link(invitation, now)
    send_mail(
        user.email,
        "[Liasse] Votre compte",
        f"Bonjour {user.display_name},\n\nUn compte Liasse a été créé pour vous. Choisissez "
        f"votre mot de passe en suivant ce lien (valable {VALID_DAYS} jours, une seule fois) :"
        f"\n\n{link}\n",
    )


def pending(token: str, now: datetime) -> AccountInvitation:
    """The invitation this link carries, if unused and unexpired; 404 otherwise."""
    query = select(AccountInvitation).where(AccountInvitation.token_hash == _digest(token))
    invitation = db.session.scalar(query)
    if (
        invitation is None
        or invitation.used_at is not None
        or invitation.expires_at is None
        or invitation.expires_at <= now
    ):
        raise NotFound("Lien inconnu, déjà utilisé ou expiré.")
    return invitation


def accept(token: str, password: str, now: datetime) -> User:
    """Choose the password through the link (strength checked); the link is then spent."""
    invitation = pending(token, now)
    passwords.check_password_strength(password)
    user = db.session.get_one(User, invitation.user_id)
    user.password_hash = passwords.hash_password(password)
    user.password_changed_at = now
    invitation.used_at = now
    db.session.flush()
    return user
