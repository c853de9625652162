"""E-mail: composed in the recipient's language, queued on Huey once the transaction commits, delivered
over SMTP when ``COMMUNITY_MAIL_URL`` is set (``smtp://user:pass@host:port``, ``smtps://…``, ``?starttls=1``),
otherwise written as ``.eml`` files into ``instance/outbox`` so the default runs offline."""

from __future__ import annotations

import functools
import logging
import smtplib
import uuid
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import make_msgid
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from flask import current_app

from community.db import after_commit
from community.formatting import absolute_dates
from community.i18n import force_locale

log = logging.getLogger(__name__)

#: How messages go on the wire: CRLF, and header lines up to RFC 5322's hard limit, so that a long link
#: in ``List-Unsubscribe`` stays a plain ``<https://…>`` a mail client can use (folded at 78 characters,
#: Python would encode it as an unreadable =?utf-8?q?…?= word).
WIRE = SMTP.clone(max_line_length=998)


def external_url(endpoint: str, **values: object) -> str:
    """An absolute URL for an e-mail or a feed, always on ``COMMUNITY_BASE_URL``: the same in a request,
    a background job and the CLI (behind a proxy the request's own host may be an internal one)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    base = app.config["BASE_URL"]
    cached = app.extensions.get("community.base_url_adapter")
    if cached is None or cached[0] != base:
        parts = urlsplit(base)
        adapter = app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
        cached = app.extensions["community.base_url_adapter"] = (base, adapter)
    anchor = values.pop("_anchor", None)
    app.inject_url_defaults(endpoint, values)
    url = cached[1].build(endpoint, values, force_external=True)
    return f"{url}#{quote(str(anchor))}" if anchor else url


def compose(
    to: str,
    template: str,
    *,
    locale: str | None,
    headers: dict[str, str] | None = None,
    html: bool = False,
    **context: object,
) -> EmailMessage:
    """Renders ``email/<template>.txt``; its first line is the subject, the rest the body. With
    ``html``, ``email/<template>.html`` is the HTML alternative of the same text."""
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]), absolute_dates():
        # Straight from the environment: an e-mail needs none of the page's context (user, theme, bell).
        text = current_app.jinja_env.get_template(f"email/{template}.txt").render(
            external_url=external_url, **context
        )
        markup = (
            current_app.jinja_env.get_template(f"email/{template}.html").render(
                external_url=external_url,
                lang=locale or current_app.config["BABEL_DEFAULT_LOCALE"],
                **context,
            )
            if html
            else None
        )
    subject, _, body = text.strip().partition("\n")
    message = EmailMessage()
    # One line, whatever people wrote into it: every kind of line break (\x1e and \u2028 too) is a space.
    message["Subject"] = " ".join(subject.split())
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Message-ID"] = make_msgid(domain="faelled.local")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body.strip() + "\n")
    if markup is not None:
        message.add_alternative(markup, subtype="html")
    return message


def send_template(
    to: str,
    template: str,
    *,
    locale: str | None,
    headers: dict[str, str] | None = None,
    html: bool = False,
    **context: object,
) -> None:
    """Composes now (the recipient's language, fresh data); the delivery is queued when the database
    transaction commits (see ``send_after_commit``)."""
    message = compose(to, template, locale=locale, headers=headers, html=html, **context)
    send_after_commit(message.as_bytes(policy=WIRE))


def send_after_commit(raw: bytes) -> None:
    """A composed message leaves when the database transaction commits (``community.db.after_commit``):
    a request that fails after composing sends nothing, and the worker never mails about rows that do
    not exist."""
    after_commit(functools.partial(_queue, raw))


def _queue(raw: bytes) -> None:
    from community.notifications.tasks import deliver_email

    deliver_email(raw)


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

        message = message_from_bytes(raw, policy=WIRE)
        client.send_message(message)
