"""notify(): the in-app bell and list, and e-mail in the recipient's language."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from community.extensions import db
from community.notifications.models import Notification
from community.notifications.services import notify, unread_count

EN = {"Accept-Language": "en"}


def _role_changed(user, **extra):
    context = {"by": "Hanne", "role": "moderator", "space": "Stilling", "space_slug": "stilling"}
    context.update(extra)
    return notify(user, "membership.role_changed", **context)


def test_notify_records_and_mails_in_the_recipients_language(db, make_user, outbox):
    danish = make_user(locale="da")
    english = make_user(locale="en")
    _role_changed(danish)
    _role_changed(english)
    assert outbox() == [], "e-mail waits for the transaction to commit"
    db.session.commit()
    by_recipient = {m["To"]: m for m in outbox()}
    assert by_recipient[danish.email]["Subject"] == "Hanne har givet dig rollen moderator i Stilling."
    assert by_recipient[english.email]["Subject"] == "Hanne gave you the role moderator in Stilling."
    assert "http://faelled.test/s/stilling/" in by_recipient[english.email].get_body().get_content()
    assert unread_count(danish) == 1


def test_no_email_when_the_user_said_no_or_is_unconfirmed(db, make_user, outbox):
    quiet = make_user()
    quiet.email_notifications = False
    unconfirmed = make_user(confirmed=False)
    _role_changed(quiet)
    _role_changed(unconfirmed)
    assert outbox() == []
    assert unread_count(quiet) == 1 and unread_count(unconfirmed) == 1


def test_an_unknown_kind_is_a_programming_error(db, make_user):
    with pytest.raises(ValueError, match="unknown notification kind"):
        notify(make_user(), "no.such.kind")


def test_open_marks_read_and_goes_to_the_target(client, login, make_user, make_space):
    make_space()
    user = make_user()
    note = _role_changed(user)
    login(user)
    response = client.post(f"/notifications/{note.id}/read")
    assert response.headers["Location"] == "/s/stilling/"
    assert db.session.get(Notification, note.id).read_at is not None
    page = client.get("/", headers=EN).get_data(as_text=True)
    assert 'class="badge"' not in page


def test_mark_all_read(client, login, make_user):
    user = make_user()
    for _ in range(3):
        _role_changed(user)
    login(user)
    assert (
        '<span class="badge">3<span class="visually-hidden"> unread</span>'
        in client.get("/", headers=EN).text
    )
    client.post("/notifications/read-all")
    assert unread_count(user) == 0


def test_someone_elses_notification_is_not_found(client, login, make_user):
    note = _role_changed(make_user())
    login(make_user())
    assert client.post(f"/notifications/{note.id}/read").status_code == 404
    assert db.session.get(Notification, note.id).read_at is None


def test_the_list_shows_newest_first_in_the_readers_language(client, login, make_user):
    user = make_user()
    _role_changed(user, space="Ry", space_slug="ry")
    _role_changed(user, space="Galten", space_slug="galten")
    login(user)
    text = client.get("/notifications/", headers=EN).text
    assert text.index("moderator in Galten") < text.index("moderator in Ry")
    danish = client.get("/notifications/", headers={"Accept-Language": "da"}).text
    assert "Hanne har givet dig rollen moderator i Galten." in danish


def test_the_list_loads_with_a_fixed_number_of_queries(client, login, make_user, query_counter):
    user = make_user()
    login(user)
    _role_changed(user)
    client.get("/notifications/")
    with query_counter() as few:
        client.get("/notifications/")
    for _ in range(20):
        _role_changed(user)
    with query_counter() as many:
        client.get("/notifications/")
    assert many.n == few.n
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 21
