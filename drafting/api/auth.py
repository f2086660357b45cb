"""API authentication: bearer tokens issued for credentials, revoked at logout."""

from __future__ import annotations

from flask import g

from drafting.api.routing import endpoint, now
from drafting.api.schemas.auth import TokenOut, TokenRequest
from drafting.db import commit
from drafting.infra.rate_limits import LOGIN, LOGIN_FAILED, POST, limited
from drafting.infra.request_info import client_address
from drafting.services.accounts import api_tokens, authentication


@endpoint(
    "/auth/token",
    "POST",
    summary="Exchange e-mail and password for a bearer token",
    body=TokenRequest,
    response=TokenOut,
    auth=False,
    errors=(401, 429),
    tags=("auth",),
)
@limited(LOGIN, scope="login", key=client_address, methods=POST, failures=LOGIN_FAILED)
def create_token(body: TokenRequest) -> TokenOut:
    """POST /auth/token."""
    try:
        user = authentication.authenticate(body.email, body.password, now())
    except Exception:
        commit()  # keep the recorded failure even though we refuse
        raise
    token, record = api_tokens.issue_token(user, now())
    commit()
    return TokenOut.of(token, record, user)


@endpoint(
    "/auth/token",
    "DELETE",
    summary="Revoke the token used for this call",
    status=204,
    tags=("auth",),
)
def delete_token() -> tuple[None, int]:
    """DELETE /auth/token."""
    api_tokens.revoke_bearer(g.api_token, now())
    commit()
    return None, 204
