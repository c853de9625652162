# ruff: noqa: F811  (the ``desk`` fixture, imported from test_helpdesk, is a parameter of each test)
"""A request for digital help and its topic are followed like anything else: a volunteer follows a
category of help and hears of each request in it while it waits for a volunteer; the one who asks
follows their request and can mute it; the news is written by the fan-out job after the commit."""

from __future__ import annotations

import sqlalchemy as sa

from community.extensions import db
from community.helpdesk.models import HelpRequest, RequestStatus
from community.notifications.models import Follow, Notification
from tests.test_helpdesk import EN, _ask, desk  # noqa: F401  (the fixture)


def _kinds(user) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(Notification.kind).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    )


def _far(desk):
    return db.session.scalar(sa.select(type(desk.anne)).where(type(desk.anne).email == "far@example.org"))


def test_a_volunteer_follows_a_category_of_help_and_hears_of_each_waiting_request(client, login, desk):
    far = _far(desk)  # coaches Digital Post at home only: never among the best matches for a phone call
    login(far)
    page = client.get(f"/helpdesk/topics/{desk.post.slug}", headers=EN).text
    assert "Tell me about new requests for help with Digital Post" in page
    followed = client.post(f"/notifications/follow/help_topic/{desk.post.id}", data={"level": "everything"})
    assert followed.status_code == 302
    assert followed.headers["Location"] == f"/helpdesk/topics/{desk.post.slug}"
    listed = client.get("/notifications/following", headers=EN).text
    assert "New requests for help with Digital Post" in listed

    login(desk.senior)
    _ask(client, topic=str(desk.post.id))
    _ask(client, topic=str(desk.mitid.id))
    asked = db.session.scalars(sa.select(HelpRequest).order_by(HelpRequest.id)).all()
    assert _kinds(far) == ["helpdesk.new_request"], "one request in the followed topic, none from MitID"
    assert _kinds(desk.anne).count("helpdesk.request_for_you") == 2, "the best match hears it in her words"
    assert "helpdesk.new_request" not in _kinds(desk.anne), "told once, personally, not twice"
    assert db.session.scalar(
        sa.select(Follow).where(Follow.user_id == desk.senior.id, Follow.target == "help_request")
    ), "asking follows the request"

    login(far)
    bell = client.get("/notifications/", headers=EN).text
    assert "Someone asks for help with Digital Post. Can you help?" in bell

    login(desk.anne)
    client.post(f"/helpdesk/requests/{asked[0].id}/accept")
    assert db.session.get(HelpRequest, asked[0].id).status == RequestStatus.MATCHED
    assert _kinds(far) == ["helpdesk.new_request"], "a taken request is no news to the topic's followers"
    assert _kinds(desk.senior).count("helpdesk.accepted") == 1

    client.post(f"/helpdesk/requests/{asked[0].id}/hand-back", data={"hand_back_reason": "Syg"})
    assert db.session.get(HelpRequest, asked[0].id).status == RequestStatus.OPEN
    assert _kinds(far) == ["helpdesk.new_request", "helpdesk.open_again"]
    assert _kinds(desk.organiser)[-1] == "helpdesk.handed_back"
    assert _kinds(desk.senior)[-1] == "helpdesk.volunteer_left"
    login(far)
    assert (
        "A request for help with Digital Post needs a volunteer again."
        in client.get("/notifications/", headers=EN).text
    )


def test_only_the_municipalitys_volunteers_and_organisers_follow_a_topic(client, login, desk):
    login(desk.senior)
    page = client.get(f"/helpdesk/topics/{desk.post.slug}", headers=EN).text
    assert "Tell me about new requests" not in page
    assert client.post(f"/notifications/follow/help_topic/{desk.post.id}").status_code == 404
    assert client.post("/notifications/follow/help_topic/999999").status_code == 404
    assert not db.session.scalar(sa.select(Follow).where(Follow.target == "help_topic"))

    login(desk.organiser)
    assert client.post(f"/notifications/follow/help_topic/{desk.mitid.id}").status_code == 302


def test_the_senior_mutes_their_request_and_hears_no_more_of_it(client, login, desk, make_user):
    login(desk.senior)
    _ask(client, topic=str(desk.post.id))
    request = db.session.scalar(sa.select(HelpRequest))
    page = client.get(f"/helpdesk/requests/{request.id}", headers=EN).text
    assert "You follow this." in page, "asking followed it"
    client.post(f"/notifications/follow/help_request/{request.id}", data={"level": "muted"})
    assert (
        "Muted: nothing about this reaches you."
        in client.get(f"/helpdesk/requests/{request.id}", headers=EN).text
    )

    login(make_user("nabo@example.org", name="Nabo"))  # may not see it, so may not follow it
    assert client.post(f"/notifications/follow/help_request/{request.id}").status_code == 404

    login(desk.anne)
    client.post(f"/helpdesk/requests/{request.id}/accept")
    assert db.session.get(HelpRequest, request.id).status == RequestStatus.MATCHED
    assert "helpdesk.accepted" not in _kinds(desk.senior), "muted: not even the personal news"
    assert db.session.scalar(
        sa.select(Follow).where(Follow.user_id == desk.anne.id, Follow.target == "help_request")
    ), "saying yes follows the request"
