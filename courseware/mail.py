"""Sending email: to SMTP when MAIL_SERVER is set, otherwise to the console and instance/mail/."""

from __future__ import annotations

import logging
import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app

log = logging.getLogger(__name__)


def build_message(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="courseware.local")
    message.set_content(body)
    return message


def open_smtp() -> smtplib.SMTP:
    """A connection to MAIL_SERVER, with STARTTLS and login as configured; the caller closes it."""
    config = current_app.config
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30)
    try:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    except BaseException:
        smtp.close()
        raise
    return smtp


def send_mail(to: str, subject: str, body: str) -> EmailMessage:
    message = build_message(to, subject, body)
    config = current_app.config
    if config["MAIL_SERVER"]:
        with open_smtp() as smtp:
            smtp.send_message(message)
        return message
    folder = config["MAIL_DIR"]
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in to.replace("@", "_at_"))[:100]
    path = folder / f"{stamp}-{safe}.eml"
    path.write_bytes(bytes(message))
    if not current_app.testing:
        print(f"\n--- mail to {to}: {subject} (saved in {path}) ---\n{body}\n---", flush=True)
    return message
