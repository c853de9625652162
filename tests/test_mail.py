"""E-mail over real SMTP to a local aiosmtpd server, and into the outbox folder by default."""

from __future__ import annotations

import socket
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from community.notifications import mail


class Collect(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages = []

    def handle_message(self, message) -> None:
        self.messages.append(message)


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


def test_registration_mail_arrives_over_smtp(app, client, monkeypatch, smtp_server, outbox):
    controller, handler = smtp_server
    monkeypatch.setitem(app.config, "MAIL_URL", f"smtp://127.0.0.1:{controller.port}")
    client.post(
        "/register",
        data={
            "display_name": "Karen",
            "email": "karen@example.org",
            "password": "en lang sætning",
            "confirm": "en lang sætning",
            "home": "Ry",
        },
        headers={"Accept-Language": "en"},
    )
    [message] = handler.messages
    assert message["To"] == "karen@example.org"
    assert subject(message) == "Confirm your e-mail address for Fælled"
    assert "http://faelled.test/confirm/" in message.get_payload(decode=True).decode()
    assert outbox() == [], "with SMTP configured nothing lands in the outbox"


def test_danish_text_survives_the_trip(app, monkeypatch, smtp_server):
    controller, handler = smtp_server
    monkeypatch.setitem(app.config, "MAIL_URL", f"smtp://127.0.0.1:{controller.port}")
    with app.test_request_context():
        mail.deliver(
            mail.compose(
                "aase@example.org",
                "notification",
                locale="da",
                user=type("U", (), {"display_name": "Åse Ørsted"})(),
                sentence="Æbleskiver på pladsen",
                link="http://x/",
            ).as_bytes()
        )
    [message] = handler.messages
    assert subject(message) == "Æbleskiver på pladsen"
    assert "Åse Ørsted" in message.get_payload(decode=True).decode()


def test_without_smtp_mail_is_written_to_the_outbox(app, outbox):
    with app.test_request_context():
        mail.deliver(
            mail.compose(
                "x@example.org",
                "notification",
                locale="en",
                user=type("U", (), {"display_name": "X"})(),
                sentence="Hi",
                link="http://x/",
            ).as_bytes()
        )
    [message] = outbox()
    assert message["Subject"] == "Hi"


def test_a_worker_thread_delivers_with_the_bound_app(app, outbox):
    """Consumer threads have no application context of their own: the bound app supplies one."""
    import threading

    from community import jobs
    from community.notifications.tasks import deliver_email

    with app.test_request_context():
        raw = mail.compose(
            "x@example.org",
            "notification",
            locale="en",
            user=type("U", (), {"display_name": "X"})(),
            sentence="From a worker",
            link="http://x/",
        ).as_bytes()
    jobs.bind_app(app)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            deliver_email.call_local(raw)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=30)
    assert errors == []
    assert [m["Subject"] for m in outbox()] == ["From a worker"]
