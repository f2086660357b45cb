"""Deadline enforcement used by the other services (the deadlines feature fills this in)."""

from __future__ import annotations

from datetime import datetime

from drafting.models import Amendment


def assert_can_cosign(amendment: Amendment, now: datetime) -> None:
    """Raise Conflict(code="deadline_passed") once the group's cosign_by has passed."""


def assert_can_file(amendment: Amendment, now: datetime, exception_reason: str | None) -> None:
    """Raise Conflict(code="deadline_passed") after the filing deadline, unless an exception
    with a reason is given (the caller journals it)."""
