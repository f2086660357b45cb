"""API for my credentials (tokens, sessions, password), the second factor and draft reads."""

from __future__ import annotations

from flask import g

from drafting.api.routing import current_credential, current_user, endpoint, now
from drafting.api.schemas.security import (
    OtpIn,
    PasswordChange,
    ReadList,
    ReadOut,
    SecondFactorOut,
    SessionInfo,
    SessionInfoList,
    TokenInfo,
    TokenInfoList,
)
from drafting.db import commit
from drafting.errors import Forbidden
from drafting.permissions import can_reset_second_factor
from drafting.services import confidentiality
from drafting.services.accounts import credentials, registration, second_factor, sessions
from drafting.services.amendments import get_visible_amendment


@endpoint(
    "/auth/tokens",
    summary="My live API tokens",
    response=TokenInfoList,
    tags=("auth",),
)
def list_tokens() -> TokenInfoList:
    """GET /auth/tokens."""
    live = credentials.live_tokens(current_user(), now())
    return TokenInfoList(items=[TokenInfo.of(t, current_credential().id) for t in live])


@endpoint(
    "/auth/tokens/<int:token_id>",
    "DELETE",
    summary="Revoke one of my API tokens",
    status=204,
    errors=(404,),
    tags=("auth",),
)
def revoke_token(token_id: int) -> tuple[None, int]:
    """DELETE /auth/tokens/{id}."""
    credentials.revoke_token(current_user(), token_id, now())
    commit()
    return None, 204


@endpoint(
    "/auth/sessions",
    summary="My open browser sessions",
    response=SessionInfoList,
    tags=("auth",),
)
def list_sessions() -> SessionInfoList:
    """GET /auth/sessions."""
    live = credentials.live_sessions(current_user())
    return SessionInfoList(items=[SessionInfo.of(s) for s in live])


@endpoint(
    "/auth/sessions/<int:session_id>",
    "DELETE",
    summary="Close one of my browser sessions",
    status=204,
    errors=(404,),
    tags=("auth",),
)
def revoke_session(session_id: int) -> tuple[None, int]:
    """DELETE /auth/sessions/{id}."""
    credentials.revoke_session(current_user(), session_id, now())
    commit()
    return None, 204


@endpoint(
    "/auth/password",
    "POST",
    summary="Change my password (signs out my other sessions/tokens)",
    body=PasswordChange,
    status=204,
    tags=("auth",),
)
def change_password(body: PasswordChange) -> tuple[None, int]:
    """POST /auth/password."""
    credentials.change_password(
        current_user(),
        body.old_password,
        body.new_password,
        now(),
        keep_token_id=g.api_token.id,
    )
    commit()
    return None, 204


@endpoint(
    "/auth/logout-everywhere",
    "POST",
    summary="Revoke all my sessions and tokens, this one too",
    status=204,
    tags=("auth",),
)
def logout_everywhere() -> tuple[None, int]:
    """POST /auth/logout-everywhere."""
    sessions.revoke_everything(current_user(), now())
    commit()
    return None, 204


@endpoint(
    "/auth/second-factor",
    summary="My second-factor status",
    response=SecondFactorOut,
    tags=("auth",),
)
def second_factor_status() -> SecondFactorOut:
    """GET /auth/second-factor."""
    user = current_user()
    return SecondFactorOut(
        required=second_factor.is_required(user),
        enrolled=second_factor.is_enrolled(user),
        enrolled_at=user.totp_enabled_at,
        recovery_codes_left=second_factor.remaining_recovery_codes(user),
        verified_at=current_credential().second_factor_at,
    )


@endpoint(
    "/auth/second-factor/verify",
    "POST",
    summary="Check a TOTP or recovery code: this token's consents need no code for 10 minutes",
    body=OtpIn,
    status=204,
    errors=(403, 429),
    tags=("auth",),
)
def verify_second_factor(body: OtpIn) -> tuple[None, int]:
    """POST /auth/second-factor/verify."""
    second_factor.check_code(current_user(), body.otp, now(), current_credential())
    commit()
    return None, 204


@endpoint(
    "/users/<int:user_id>/second-factor",
    "DELETE",
    summary="Reset a user's lost second factor (admin, journalled)",
    status=204,
    errors=(403, 404),
    tags=("people",),
)
def reset_second_factor(user_id: int) -> tuple[None, int]:
    """DELETE /users/{id}/second-factor."""
    if not can_reset_second_factor(current_user()):
        raise Forbidden("Réservé aux administrateurs.")
    second_factor.reset_second_factor(current_user(), registration.get_user(user_id), now())
    commit()
    return None, 204


@endpoint(
    "/amendments/<int:amendment_id>/reads",
    summary="Who read this unfiled amendment (author, assistants, group secretariat)",
    response=ReadList,
    errors=(403, 404),
    tags=("amendments",),
)
def list_reads(amendment_id: int) -> ReadList:
    """GET /amendments/{id}/reads."""
    amendment = get_visible_amendment(current_user(), amendment_id, lock=False)
    records = confidentiality.reads(current_user(), amendment)
    return ReadList(items=[ReadOut.of(r) for r in records])
