"""Sending one e-mail: through SMTP_URL when it is set, to the log otherwise."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from urllib.parse import urlparse

from flask import current_app

log = logging.getLogger("liasse.mail")


def one_line(value: str) -> str:
    """A header value on one line: line breaks would end the header (header injection)."""
    return " ".join(value.split())


def send_mail(to: str, subject: str, body: str) -> None:
    """Send one plain-text e-mail (or log it when no SMTP server is configured)."""
    smtp_url = current_app.config.get("SMTP_URL")
    if not smtp_url:
        log.info("mail to %s: %s", to, body)
        return
    parsed = urlparse(smtp_url)
    message = EmailMessage()
    message["From"] = current_app.config["LIASSE_MAIL_FROM"]
    message["To"] = one_line(to)
    message["Subject"] = one_line(subject)
    message.set_content(body)
    with smtplib.SMTP(parsed.hostname or "localhost", parsed.port or 25, timeout=10) as smtp:
        smtp.send_message(message)
