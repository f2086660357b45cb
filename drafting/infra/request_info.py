"""What the current request carries, read the same way everywhere: the caller's address and
whether there is a form to parse."""

from __future__ import annotations

from flask import request

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def client_address() -> str:
    """The caller's address (behind a trusted proxy, `infra.proxies` put the client's there)."""
    return request.remote_addr or "unknown"


def carries_body() -> bool:
    """Whether the request has a body: a length, or chunks to come."""
    if request.content_length:
        return True
    return "chunked" in request.headers.get("Transfer-Encoding", "").lower()


def carries_form() -> bool:
    """Whether the request has a form to parse: a form content type and a body. An empty POST
    (curl's default content type is a form's) has nothing to parse."""
    if not request.headers.get("Content-Type", "").lower().startswith(FORM_TYPES):
        return False
    return carries_body()


MAX_ID = 2**31 - 1  # ids and counters are 32-bit integers in PostgreSQL


def parse_id(value: str | None) -> int | None:
    """An id given as text ("42"), or None: ASCII digits only ("²" and "٤٢" are not ids) and
    within what the database holds (so a 20-digit number is "no such thing", not an overflow)."""
    value = (value or "").strip()
    if not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None
