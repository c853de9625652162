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


# --- e-mail leaves only with a committed transaction -----------------------------------------------

KAREN = {
    "display_name": "Karen",
    "email": "karen@example.org",
    "password": "en lang sætning",
    "confirm": "en lang sætning",
    "home": "Ry",
}


def test_a_committed_request_sends_its_mail(client, outbox):
    response = client.post("/register", data=KAREN, headers={"Accept-Language": "en"})
    assert response.status_code == 302
    assert [m["To"] for m in outbox()] == ["karen@example.org"]


def test_a_request_that_fails_after_composing_sends_nothing(app, client, outbox, monkeypatch):
    """The confirmation is composed, then the request fails before its commit: a 500, rolled back."""
    from community.accounts import services

    real_register = services.register

    def register_then_fail(**kwargs):
        real_register(**kwargs)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(services, "register", register_then_fail)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = client.post("/register", data=KAREN, headers={"Accept-Language": "en"})
    assert response.status_code == 500
    assert outbox() == []
    assert client.post("/reset", data={"email": "karen@example.org"}).status_code == 302
    assert outbox() == [], "no account was committed, and the rolled-back mail never follows later"


def test_a_request_refused_after_composing_sends_nothing(client, outbox, monkeypatch):
    """A DomainError after the e-mail was composed: the form is shown again, nothing is committed."""
    from community.accounts import services
    from community.errors import DomainError

    real_register = services.register

    def register_then_refuse(**kwargs):
        real_register(**kwargs)
        raise DomainError("Refused after all.", field="email")

    monkeypatch.setattr(services, "register", register_then_refuse)
    response = client.post("/register", data=KAREN, headers={"Accept-Language": "en"})
    assert response.status_code == 200 and "Refused after all." in response.text
    client.get("/")  # a later request of the same client commits its own work
    assert outbox() == []


def _note(db, to: str) -> None:
    mail.send_template(
        to, "notification", locale="en", user=type("U", (), {"display_name": "X"})(), sentence=to, link="/"
    )


def test_mail_waits_for_the_commit_and_a_rollback_drops_it(app, db, outbox):
    _note(db, "first@example.org")
    assert outbox() == []
    db.session.rollback()
    _note(db, "second@example.org")
    db.session.commit()
    assert [m["To"] for m in outbox()] == ["second@example.org"]


def test_a_savepoint_rolled_back_drops_only_its_own_mail(app, db, outbox):
    _note(db, "outer@example.org")
    savepoint = db.session.begin_nested()
    _note(db, "inner@example.org")
    savepoint.rollback()
    with db.session.begin_nested():
        _note(db, "kept@example.org")
    assert outbox() == [], "a released savepoint is not a commit"
    db.session.commit()
    assert sorted(m["To"] for m in outbox()) == ["kept@example.org", "outer@example.org"]


@pytest.mark.parametrize("odd", ["\x1e", "\u2028", "\x0b", "\x85", "\x1c"])
def test_a_subject_made_of_what_people_wrote_stays_one_line(app, odd):
    """The fuzzing found a hand-back reason with a record separator (\\x1e), which Python's e-mail
    headers count as a line break: a 500. Every kind of line break in a subject becomes a space."""
    from types import SimpleNamespace

    with app.test_request_context():
        message = mail.compose(
            "a@example.org",
            "notification",
            locale="da",
            sentence=f"Anne{odd}gav den tilbage",
            user=SimpleNamespace(display_name="Inger"),
            link="http://faelled.test/",
        )
    assert message["Subject"] == "Anne gav den tilbage"
    assert message.as_bytes()
