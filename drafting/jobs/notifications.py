"""Notification jobs: one e-mail per notification, sent after the commit that created it."""

from __future__ import annotations

from datetime import UTC, datetime

from drafting.db import commit
from drafting.jobs.runner import in_app
from drafting.services import notifications


@in_app
def send_notification_email(notification_id: int) -> None:
    """E-mail one notification when SMTP_URL is set; log it otherwise. Sent once."""
    notifications.email_notification(notification_id, datetime.now(UTC))
    commit()
