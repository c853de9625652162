"""Fault reports without an account (issue 10, point 10), as Kolding's pothole app allowed: name,
e-mail and phone optional and seen only by whoever handles it, the CPR guard, a limit per
connection with a clear answer, and a private link (its token stored hashed) that shows the status
and history; status changes e-mailed to a reporter who gave an address. The same path as any report:
the "is it this one?" check and the routing."""

from __future__ import annotations

import hashlib
import re
from html import unescape

import pytest
import sqlalchemy as sa

from community.extensions import db
from community.maintenance.models import FaultReport, FaultStatus
from community.notifications.models import Notification
from tests.support import body_of, link_in
from tests.test_maintenance_journey import EN, build_pitches


@pytest.fixture
def pitches(municipality, make_space, make_user, member):
    return build_pitches(municipality, make_space, make_user, member)


def _net(p, **extra) -> dict:
    return {
        "facility_id": p.pitch1.id,
        "category": "goal_net",
        "description": "Nettet i sydmålet er revet.",
        "reporter_name": "Kirsten",
        "reporter_email": "Kirsten@Example.org",
        "reporter_phone": "+45 86 12 34 56",
        **extra,
    }


def _reports() -> list[FaultReport]:
    return list(db.session.scalars(sa.select(FaultReport).order_by(FaultReport.id)))


def test_a_report_without_an_account_and_its_private_link(client, pitches, outbox):
    p = pitches
    page = client.get("/maintenance/faults/new", headers=EN).text
    assert "No account is needed" in page and "Your e-mail (optional)" in page
    response = client.post("/maintenance/faults/new", data=_net(p), headers=EN)
    assert response.status_code == 302 and response.headers["Location"].endswith("/sent")
    (report,) = _reports()
    # The same routing as any report: the net-repair agreement sends it to the contractor's crew.
    assert report.reporter_id is None and report.routed_space_id == p.network.id
    assert report.reporter_name == "Kirsten" and report.reporter_email == "kirsten@example.org"
    assert db.session.scalar(
        sa.select(Notification).where(
            Notification.user_id == p.peter.id, Notification.kind == "maintenance.fault_new"
        )
    )
    sent = client.get(response.headers["Location"], headers=EN).text
    assert "Your private link" in sent and "it is shown only now" in sent
    link = sent.split('id="follow-link" type="text" readonly value="', 1)[1].split('"', 1)[0]
    token = link.rsplit("/", 1)[1]
    # Only the token's hash is stored; the link is shown once (and e-mailed).
    assert report.follow_token_hash == hashlib.sha256(token.encode()).hexdigest() != token
    again = client.get(response.headers["Location"], headers=EN).text
    assert token not in again and "Your private link was shown once" in again
    (mail,) = [m for m in outbox() if m["To"] == "kirsten@example.org"]
    assert link_in(mail) == link.replace("http://faelled.test", "")
    # The private page: status and history, without logging in.
    private = unescape(client.get(link_in(mail), headers=EN).text)
    assert "Your report: Goal or net at Stilling Stadion, bane 1" in private and "Received" in private
    assert "kirsten@example.org" in private
    # Reported today reads "today", as on the public page, not "0 days ago" (point 15).
    assert "0 days" not in private and re.search(r"<dd>[^<]*· today</dd>", private)
    danish = unescape(client.get(link_in(mail), headers={"Accept-Language": "da"}).text)
    assert "0 dage" not in danish and re.search(r"<dd>[^<]*· i dag</dd>", danish)
    assert client.get("/maintenance/faults/follow/not-a-token").status_code == 404
    # The public page never shows who reported; whoever handles it does.
    public = client.get(f"/maintenance/faults/{report.id}", headers=EN).text
    assert "Kirsten" not in public and "kirsten@example.org" not in public


def test_status_changes_are_e_mailed_to_the_reporter_until_they_remove_their_details(
    client, login, pitches, outbox
):
    p = pitches
    client.post("/maintenance/faults/new", data=_net(p))
    (report,) = _reports()
    sent = client.get(f"/maintenance/faults/{report.id}/sent").text
    link = sent.split('id="follow-link" type="text" readonly value="', 1)[1].split('"', 1)[0]
    login(p.peter)
    handler = unescape(client.get(f"/maintenance/faults/{report.id}", headers=EN).text)
    assert (
        "Reported by (only you see this)" in handler
        and "kirsten@example.org" in handler
        and "+45 86 12 34 56" in handler
    )
    client.post(
        f"/maintenance/faults/{report.id}/update",
        data={"status": "acknowledged", "note": "Vi kommer torsdag."},
    )
    mails = [m for m in outbox() if m["To"] == "kirsten@example.org"]
    assert len(mails) == 2 and "Vi kommer torsdag." in body_of(mails[-1])
    client.post("/logout")
    path = link.replace("http://faelled.test", "")
    response = client.post(f"{path}/forget", headers=EN, follow_redirects=True)
    assert "Your name, e-mail and phone are removed from the report." in response.text
    db.session.refresh(report)
    assert (report.reporter_name, report.reporter_email, report.reporter_phone) == ("", None, "")
    login(p.peter)
    client.post(f"/maintenance/faults/{report.id}/update", data={"status": "fixed"})
    assert len([m for m in outbox() if m["To"] == "kirsten@example.org"]) == 2
    db.session.refresh(report)
    assert report.status == FaultStatus.FIXED


def test_the_same_check_for_reports_nearby_and_nothing_needed(client, pitches):
    p = pitches
    client.post(
        "/maintenance/faults/new",
        data={"facility_id": p.pitch1.id, "category": "goal_net", "description": "Revet net."},
    )
    (first,) = _reports()
    assert first.reporter_name == "" and first.reporter_email is None  # nothing about the reporter is needed
    page = client.post("/maintenance/faults/new", data=_net(p), headers=EN)
    assert "Is it one of these?" in page.text and "Yes, follow this one" not in page.text
    assert len(_reports()) == 1
    client.post("/maintenance/faults/new", data=_net(p, confirmed="1"))
    assert len(_reports()) == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("description", "Mit CPR er 010203-1234, ring gerne.", "CPR"),
        (
            "reporter_email",
            "not an address",
            "Write an e-mail address such as name@example.dk, or leave it empty.",
        ),
        ("reporter_phone", "ring til mig", "Write a phone number such as 86 12 34 56, or leave it empty."),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(client, pitches, field, value, message):
    response = client.post("/maintenance/faults/new", data=_net(pitches, **{field: value}), headers=EN)
    assert response.status_code == 400 and message in unescape(response.text)
    assert _reports() == []


def test_too_many_reports_from_one_connection_get_a_clear_answer(app, client, login, pitches, monkeypatch):
    monkeypatch.setitem(app.config, "FAULT_REPORT_LIMIT", "2 per hour")
    for n in range(2):
        data = _net(pitches, description=f"Revet net nummer {n}.", confirmed="1")
        assert client.post("/maintenance/faults/new", data=data).status_code == 302
    response = client.post("/maintenance/faults/new", data=_net(pitches, confirmed="1"), headers=EN)
    assert response.status_code == 429
    assert "Too many reports from here" in response.text and "Wait an hour and try again" in response.text
    assert len(_reports()) == 2
    assert client.get("/maintenance/faults/new").status_code == 200  # looking is not limited
    # Reports from a confirmed account count on the account, not on the connection.
    login(pitches.jens)
    data = {"place": "Ry", "category": "pothole", "description": "Hul i stien.", "confirmed": "1"}
    assert client.post("/maintenance/faults/new", data=data).status_code == 302
