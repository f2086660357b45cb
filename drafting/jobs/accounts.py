"""Account jobs: the welcome e-mail of an imported account, sent after the commit."""

from __future__ import annotations

from datetime import UTC, datetime

from drafting.db import commit
from drafting.jobs.runner import in_app
from drafting.services.accounts import welcome


@in_app
def send_welcome(invitation_id: int) -> None:
    """E-mail the link to choose a password (logged when SMTP_URL is unset). Sent once."""
    welcome.send_welcome(invitation_id, datetime.now(UTC))
    commit()
