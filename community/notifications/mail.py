"""E-mail: composed in the recipient's language, queued on Huey once the transaction commits, delivered
over SMTP when ``COMMUNITY_MAIL_URL`` is set (``smtp://user:pass@host:port``, ``smtps://…``, ``?starttls=1``),
otherwise written as ``.eml`` files into ``instance/outbox`` so the default runs offline."""

from __future__ import annotations

import logging
import smtplib
import uuid
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import make_msgid
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session, SessionTransaction

from community.extensions import db
from community.formatting import absolute_dates
from community.i18n import force_locale

log = logging.getLogger(__name__)


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


def compose(to: str, template: str, *, locale: str | None, **context: object) -> EmailMessage:
    """Renders ``email/<template>.txt``; its first line is the subject, the rest the body."""
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]), absolute_dates():
        # Straight from the environment: an e-mail needs none of the page's context (user, theme, bell).
        text = current_app.jinja_env.get_template(f"email/{template}.txt").render(
            external_url=external_url, **context
        )
    subject, _, body = text.strip().partition("\n")
    message = EmailMessage()
    # One line, whatever people wrote into it: every kind of line break (\x1e and \u2028 too) is a space.
    message["Subject"] = " ".join(subject.split())
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Message-ID"] = make_msgid(domain="faelled.local")
    message.set_content(body.strip() + "\n")
    return message


def send_template(to: str, template: str, *, locale: str | None, **context: object) -> None:
    """Composes now (the recipient's language, fresh data); the delivery is queued when the database
    transaction commits (see ``send_after_commit``)."""
    message = compose(to, template, locale=locale, **context)
    send_after_commit(message.as_bytes(policy=SMTP))


# --- e-mail leaves only with a committed transaction ------------------------------------------------
#
# A message composed during a transaction waits in the session's ``info`` until that transaction
# commits, and is then handed to the ``deliver_email`` job; a rollback (of the transaction, or of the
# savepoint it was composed in) drops it. So a request that fails after composing sends nothing, and
# the worker never mails about rows that do not exist.

#: ``session.info`` key: ``[(savepoint the message was composed in, or None, raw message), ...]``
PENDING = "community.mail_pending"


def send_after_commit(raw: bytes) -> None:
    session = db.session()
    if not session.in_transaction():
        session.begin()  # nothing written yet: the message leaves with the next commit
    session.info.setdefault(PENDING, []).append((session.get_nested_transaction(), raw))


def _enclosing_savepoint(transaction: SessionTransaction) -> SessionTransaction | None:
    parent = transaction.parent
    while parent is not None and not parent.nested:
        parent = parent.parent
    return parent


def _within(transaction: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


@sa.event.listens_for(Session, "after_commit")
def _queue_committed(session: Session) -> None:
    pending = session.info.get(PENDING)
    if not pending:
        return
    savepoint = session.get_nested_transaction()
    if savepoint is not None:  # a savepoint released: its messages now share the enclosing fate
        outer = _enclosing_savepoint(savepoint)
        session.info[PENDING] = [(outer if owner is savepoint else owner, raw) for owner, raw in pending]
        return
    del session.info[PENDING]
    from community.notifications.tasks import deliver_email

    for _owner, raw in pending:
        try:
            deliver_email(raw)
        except Exception:  # the data is committed: a queue that is down must not turn that into a 500
            log.exception("could not queue an e-mail for delivery")


@sa.event.listens_for(Session, "after_transaction_end")
def _drop_uncommitted(session: Session, transaction: SessionTransaction) -> None:
    """Whatever is still pending when its transaction ends was not committed: rolled back or closed."""
    pending = session.info.get(PENDING)
    if not pending:
        return
    if transaction.parent is None:
        del session.info[PENDING]
    elif transaction.nested:
        session.info[PENDING] = [(owner, raw) for owner, raw in pending if not _within(owner, transaction)]


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
