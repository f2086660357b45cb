"""Second factor for signing: TOTP enrolment, recovery codes, verification and the step-up check."""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from flask import current_app
from sqlalchemy import delete, func, select, text, update

from drafting.errors import Conflict, Forbidden
from drafting.extensions import db
from drafting.infra import rate_limits
from drafting.models import ApiToken, Person, RecoveryCode, Role, User, WebSession
from drafting.models.event_kinds import EventKind
from drafting.permissions import can_reset_second_factor
from drafting.services import journal
from drafting.services.accounts import api_tokens

ISSUER = "Liasse"
WINDOW_STEPS = 1  # accept the previous and the next 30 s step (clock drift)
RECENT = timedelta(minutes=10)  # a web or API check covers the consents of the next 10 minutes
RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: codes are read from paper
SECURITY_CHAIN_LOCK = 707_202  # advisory lock serialising the security chain of the journal
FAILURES_SCOPE = "second-factor"
# What carries the request, where a passed check is remembered for RECENT: the browser session
# or the API token. The view hands it over; None remembers nothing.
Credential = WebSession | api_tokens.BearerToken


@dataclass(frozen=True)
class Enrolment:
    """What the user needs to add Liasse to an authenticator app."""

    secret: str
    uri: str
    qr_svg: str | None


def is_enrolled(user: Person) -> bool:
    """True once a TOTP authenticator has been confirmed."""
    return user.totp_enabled_at is not None and bool(user.totp_secret)


def is_required(user: Person) -> bool:
    """Deputies consent with a second factor when the deployment requires it."""
    return bool(current_app.config.get("LIASSE_REQUIRE_2FA", True)) and user.role == Role.DEPUTY


def _enrolment(user: User, secret: str) -> Enrolment:
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return Enrolment(secret=secret, uri=uri, qr_svg=_qr_svg(uri))


def _qr_svg(uri: str) -> str | None:
    """An inline SVG QR code (no external service); None if segno is not installed."""
    try:
        import segno
    except ImportError:  # pragma: no cover - segno is a declared dependency
        return None
    buffer = io.BytesIO()
    code = segno.make(uri, error="m")
    code.save(buffer, kind="svg", scale=5, xmldecl=False, svgclass="qr")
    width, height = code.symbol_size(scale=5)
    # A viewBox lets the page shrink the drawing to a narrow phone (CSS max-width: 100%).
    svg = buffer.getvalue().decode("utf-8")
    return svg.replace("<svg ", f'<svg viewBox="0 0 {width} {height}" ', 1)


def secret_groups(secret: str) -> list[str]:
    """The secret in groups of four characters, as typed into an app (and wrapped on a phone)."""
    return [secret[i : i + 4] for i in range(0, len(secret), 4)]


def start_enrolment(
    user: User, now: datetime, *, code: str | None = None, credential: Credential | None = None
) -> Enrolment:
    """A new pending secret; replacing a confirmed factor needs a valid current code."""
    if is_enrolled(user):
        check_code(user, code, now, credential)
    user.totp_pending_secret = pyotp.random_base32()
    db.session.flush()
    return _enrolment(user, user.totp_pending_secret)


def pending_enrolment(user: User) -> Enrolment | None:
    """The enrolment waiting for its first code, if any."""
    return _enrolment(user, user.totp_pending_secret) if user.totp_pending_secret else None


def confirm_enrolment(user: User, code: str, now: datetime) -> list[str]:
    """Activate the pending secret with a first valid code; returns new recovery codes."""
    secret = user.totp_pending_secret
    if not secret:
        raise Conflict("Aucun enrôlement en cours.", code="no_enrolment")
    _refuse_when_throttled(user)
    step = _matching_step(secret, code, now, last_step=None)
    if step is None:
        _failed(user)
        raise Forbidden("Code incorrect : vérifiez l'heure de votre téléphone.", code="bad_otp")
    user.totp_secret, user.totp_pending_secret = secret, None
    user.totp_enabled_at, user.totp_last_step = now, step
    codes = _new_recovery_codes(user)
    _journal(EventKind.SECOND_FACTOR_ENABLED, now, actor=user, user=user)
    return codes


def regenerate_recovery_codes(
    user: User, code: str | None, now: datetime, credential: Credential | None = None
) -> list[str]:
    """Replace every recovery code (the old ones stop working); needs a valid code."""
    check_code(user, code, now, credential)
    return _new_recovery_codes(user)


def remaining_recovery_codes(user: User) -> int:
    """How many unused recovery codes the user still has."""
    query = select(func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
    )
    return db.session.scalar(query) or 0


def _digest(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode("ascii", "ignore")).hexdigest()


def _normalise(code: str) -> str:
    """The code as typed, reduced to ASCII letters and digits: spaces and dashes go, and digits
    typed in another script ("١٢٣٤٥٦", a phone's keyboard) are read as the digits they are."""
    kept = []
    for char in code.lower():
        if char.isdecimal():
            kept.append(str(unicodedata.decimal(char)))
        elif char.isascii() and char.isalnum():
            kept.append(char)
    return "".join(kept)


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_digest(raw)))
    db.session.flush()
    return codes


def _matching_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The time-step this 6-digit code belongs to (±1 step), if not already used."""
    digits = _normalise(code)
    if len(digits) != 6 or not digits.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current, current - WINDOW_STEPS, current + WINDOW_STEPS):
        fresh = last_step is None or step > last_step
        if fresh and hmac.compare_digest(totp.generate_otp(step), digits):
            return step
    return None


def _use_recovery_code(user: User, code: str, now: datetime) -> bool:
    if len(_normalise(code)) != 10:
        return False
    record = db.session.scalar(
        select(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _digest(code))
        .where(RecoveryCode.used_at.is_(None))
        .with_for_update()
    )
    if record is None:
        return False
    record.used_at = now
    _journal(EventKind.RECOVERY_CODE_USED, now, actor=user, user=user)
    return True


def verify(user: User, code: str | None, now: datetime) -> bool:
    """Check a TOTP code (never twice the same step) or a one-time recovery code."""
    if not code or not is_enrolled(user):
        return False
    db.session.flush()
    # Lock the user's row, then re-read the factor: concurrent checks of one code are serialised.
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    db.session.refresh(user, attribute_names=["totp_secret", "totp_enabled_at", "totp_last_step"])
    assert user.totp_secret is not None
    step = _matching_step(user.totp_secret, code, now, user.totp_last_step)
    if step is not None:
        user.totp_last_step = step
        db.session.flush()
        return True
    return _use_recovery_code(user, code, now)


def _failures_key(user: Person) -> str:
    return f"user:{user.id}"


def _refuse_when_throttled(user: Person) -> None:
    """429 once the user's failed codes spent the allowance: per account, whichever session or
    token they came through, so more tokens do not buy more guesses."""
    if rate_limits.spent(rate_limits.OTP_FAILURES, FAILURES_SCOPE, _failures_key(user)):
        raise rate_limits.throttled()


def _failed(user: Person) -> None:
    """Count a failed code against the user's allowance (kept whatever the request does next)."""
    rate_limits.spend(rate_limits.OTP_FAILURES, FAILURES_SCOPE, _failures_key(user))


def check_code(
    user: User, code: str | None, now: datetime, credential: Credential | None = None
) -> None:
    """Raise 403 second_factor_required unless `code` is valid (429 after too many failures);
    a passed check is remembered on `credential` for the next RECENT minutes."""
    if not is_enrolled(user):
        raise Forbidden(
            "Activez d'abord la double authentification (Mon compte › Sécurité).",
            code="second_factor_required",
        )
    _refuse_when_throttled(user)
    if not verify(user, code, now):
        _failed(user)
        raise Forbidden(
            "Code de double authentification incorrect ou déjà utilisé.",
            code="second_factor_required",
        )
    mark_verified(credential, now)


def mark_verified(credential: Credential | None, now: datetime) -> None:
    """Remember on the request's session or token that the second factor was just checked."""
    if isinstance(credential, api_tokens.BearerToken):
        api_tokens.mark_token_verified(credential, now)
    elif credential is not None:
        credential.second_factor_at = now
        db.session.flush()


def is_recently_verified(credential: Credential | None, now: datetime) -> bool:
    """True when the request's session or token passed a second-factor check lately."""
    checked = credential.second_factor_at if credential is not None else None
    return checked is not None and now - checked <= RECENT


def needs_code(user: Person, credential: Credential | None, now: datetime) -> bool:
    """True when a consent by `user` now would need a code (pages show the code field)."""
    return is_required(user) and not is_recently_verified(credential, now)


def require_recent_second_factor(
    user: Person, now: datetime, otp: str | None = None, credential: Credential | None = None
) -> None:
    """Gate for signing, re-confirming and withdrawing: a valid `otp` or a recent check on the
    request's `credential`. A request carrying a code is refused (429) once the user's failed
    codes spent their allowance, required or not: nothing more is to be guessed."""
    if otp:
        _refuse_when_throttled(user)
    if not is_required(user):
        return
    if not is_enrolled(user):
        raise Forbidden(
            "Pour signer, activez la double authentification : Mon compte › Sécurité.",
            code="second_factor_required",
        )
    if otp:
        check_code(api_tokens.mapped(user), otp, now, credential)
        return
    if not is_recently_verified(credential, now):
        raise Forbidden(
            "Confirmez avec votre code de double authentification "
            "(champ « otp » de l'API, ou « Confirmer avec mon code »).",
            code="second_factor_required",
        )


def reset_second_factor(actor: User | None, user: User, now: datetime) -> None:
    """An admin (or the operator's CLI, actor None) removes a lost factor, journalled."""
    if actor is not None and not can_reset_second_factor(actor):
        raise Forbidden("Seul un administrateur réinitialise la double authentification.")
    user.totp_secret = user.totp_pending_secret = None
    user.totp_enabled_at = user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(
        update(ApiToken).where(ApiToken.user_id == user.id).values(second_factor_at=None)
    )
    db.session.execute(
        update(WebSession).where(WebSession.user_id == user.id).values(second_factor_at=None)
    )
    _journal(EventKind.SECOND_FACTOR_RESET, now, actor=actor, user=user)


def _journal(action: EventKind, now: datetime, *, actor: User | None, user: User) -> None:
    """Append to the security chain of the journal (no amendment, no text)."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SECURITY_CHAIN_LOCK})
    journal.record(action, now=now, actor=actor, data={"user_id": user.id, "email": user.email})
