"""E-mail: composed in the recipient's language, queued on Huey, delivered over SMTP when
``COMMUNITY_MAIL_URL`` is set (``smtp://user:pass@host:port``, ``smtps://…``, ``?starttls=1``),
otherwise written as ``.eml`` files into ``instance/outbox`` so the default runs offline."""

from __future__ import annotations

import smtplib
import uuid
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import make_msgid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app, has_request_context, url_for

from community.formatting import absolute_dates
from community.i18n import force_locale


def external_url(endpoint: str, **values: object) -> str:
    """An absolute URL for an e-mail: on ``COMMUNITY_BASE_URL`` when it is set (behind a proxy the
    request's own host may be an internal one), else on the host of the current request."""
    base = current_app.config.get("BASE_URL")
    if not base and has_request_context():
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context(base_url=(base or "http://127.0.0.1:5000").rstrip("/")):
        return url_for(endpoint, _external=True, **values)


def compose(to: str, template: str, *, locale: str | None, **context: object) -> EmailMessage:
    """Renders ``email/<template>.txt``; its first line is the subject, the rest the body."""
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]), absolute_dates():
        # Straight from the environment: an e-mail needs none of the page's context (user, theme, bell).
        text = current_app.jinja_env.get_template(f"email/{template}.txt").render(
            external_url=external_url, **context
        )
    subject, _, body = text.strip().partition("\n")
    message = EmailMessage()
    message["Subject"] = subject.strip()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Message-ID"] = make_msgid(domain="faelled.local")
    message.set_content(body.strip() + "\n")
    return message


def send_template(to: str, template: str, *, locale: str | None, **context: object) -> None:
    """Composes now (the recipient's language, fresh data) and queues the delivery."""
    from community.notifications.tasks import deliver_email

    message = compose(to, template, locale=locale, **context)
    deliver_email(message.as_bytes(policy=SMTP))


def deliver(raw: bytes) -> None:
    url = current_app.config.get("MAIL_URL")
    if not url:
        outbox = Path(current_app.config["OUTBOX_FOLDER"])
        outbox.mkdir(parents=True, exist_ok=True)
        target = outbox / f"{uuid.uuid4().hex}.eml"
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(raw)
        tmp.replace(target)
        return
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    host = parts.hostname or "localhost"
    if parts.scheme == "smtps":
        client: smtplib.SMTP = smtplib.SMTP_SSL(host, parts.port or 465, timeout=10)
    else:
        client = smtplib.SMTP(host, parts.port or 25, timeout=10)
    with client:
        if query.get("starttls", ["0"])[0] in {"1", "true", "yes"}:
            client.starttls()
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        from email import message_from_bytes

        message = message_from_bytes(raw, policy=SMTP)
        client.send_message(message)
