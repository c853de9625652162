"""The maintenance issue's "done when", through the app: the club enters Saturday's match and asks for
mowing before it; the contractor sees the conflict with Friday's planned visit, proposes Friday
morning and marks it done with a photo; the club's calendar feed shows it; a citizen reports a broken
goal net and follows it to "fixed"; the municipality sees the compliance chart. Also the demo data."""

from __future__ import annotations

import io
from datetime import time, timedelta
from html import unescape
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from icalendar import Calendar
from PIL import Image

from community.db import utcnow
from community.extensions import db
from community.i18n import to_local
from community.maintenance.demo import next_weekday
from community.maintenance.models import (
    ChangeRequest,
    FacilityKind,
    FaultReport,
    Fixture,
    RequestStatus,
    TaskType,
    Visit,
    VisitStatus,
)
from community.maintenance.services import crew, facilities, plans
from community.notifications.models import Notification

EN = {"Accept-Language": "en"}
WHEN = "%Y-%m-%dT%H:%M"


def form_time(moment) -> str:
    """A stored naive-UTC time as a person types it into the form (Danish local time)."""
    return to_local(moment).strftime(WHEN)


def png() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 40)).save(out, "PNG")
    out.seek(0)
    return out


@pytest.fixture
def pitches(municipality, make_space, make_user, member):
    return build_pitches(municipality, make_space, make_user, member)


def build_pitches(municipality, make_space, make_user, member):
    """Stilling Stadion's two grass pitches; Stilling IF uses both, Hørning IF neither; Grønne Områder
    mows both (pitch 1: not in the 18 hours before kick-off), marks lines and mends nets on pitch 1,
    with a weekly Friday 17:00 mowing plan on pitch 1. Mette is staff, Jens a citizen."""
    club = make_space("club", name="Stilling IF", place="Stilling")
    other = make_space("club", name="Hørning IF", place="Hørning (8362 Hørning)")
    network = make_space("contractor_network", name="Grønne Områder", place="Skanderborg")
    people = SimpleNamespace(
        lars=make_user("lars@example.org", name="Lars"),
        peter=make_user("peter@example.org", name="Peter", home="Skanderborg"),
        mette=make_user("mette@example.org", name="Mette", staff_of=municipality),
        jens=make_user("jens@example.org", name="Jens"),
        ole=make_user("ole@example.org", name="Ole", home="Ry"),
    )
    member(club, people.lars, "admin")
    member(other, people.ole, "admin")
    member(network, people.peter, "admin")
    crew.grant(network, people.peter, by=None)  # the contractor role: Peter acts for the network
    pitch1 = facilities.create_facility(
        municipality,
        facilities.FacilityInput(
            name="Stilling Stadion, bane 1", kind=FacilityKind.GRASS_PITCH, latitude=56.066, longitude=10.003
        ),
        by=None,
    )
    pitch2 = facilities.create_facility(
        municipality,
        facilities.FacilityInput(
            name="Stilling Stadion, bane 2", kind=FacilityKind.GRASS_PITCH, latitude=56.067, longitude=10.005
        ),
        by=None,
    )
    mowing1 = facilities.add_agreement(
        pitch1,
        facilities.AgreementInput(contractor=network, task=TaskType.MOWING, quiet_hours_before=18),
        by=None,
    )
    mowing2 = facilities.add_agreement(
        pitch2, facilities.AgreementInput(contractor=network, task=TaskType.MOWING), by=None
    )
    lines = facilities.add_agreement(
        pitch1, facilities.AgreementInput(contractor=network, task=TaskType.LINE_MARKING), by=None
    )
    nets = facilities.add_agreement(
        pitch1, facilities.AgreementInput(contractor=network, task=TaskType.GOAL_NET_REPAIR), by=None
    )
    for pitch in (pitch1, pitch2):
        facilities.link_club(pitch, club, by=None)
    saturday = next_weekday(5, at=time(10, 0))
    friday_evening = saturday - timedelta(hours=17)
    plans.create_plan(
        network,
        plans.PlanInput(agreement=mowing1, rrule="FREQ=WEEKLY;COUNT=8", starts_at=friday_evening),
        by=people.peter,
    )
    db.session.flush()
    return SimpleNamespace(
        municipality=municipality,
        club=club,
        other=other,
        network=network,
        pitch1=pitch1,
        pitch2=pitch2,
        mowing1=mowing1,
        mowing2=mowing2,
        lines=lines,
        nets=nets,
        saturday=saturday,
        friday_evening=friday_evening,
        **vars(people),
    )


def test_done_when_club_contractor_citizen_and_municipality(client, login, pitches, outbox):
    p = pitches
    # The club enters Saturday's match ...
    login(p.lars)
    response = client.post(
        "/s/stilling-if/pitches/fixtures/new",
        data={
            "facility_id": p.pitch1.id,
            "title": "U13 mod Hørning",
            "kind": "match",
            "starts_at": form_time(p.saturday),
            "ends_at": form_time(p.saturday + timedelta(hours=2)),
            "repeat": "once",
        },
        headers=EN,
        follow_redirects=True,
    )
    assert "“U13 mod Hørning” is in the calendar." in response.text
    # Flagged at once: Friday's mowing is in the 18 hours before kick-off, and no line marking is planned.
    assert "2 conflicts with the contractor's plan, the first: mowing" in unescape(response.text)
    match = db.session.scalar(sa.select(Fixture).where(Fixture.title == "U13 mod Hørning"))
    # ... and asks for mowing before it.
    response = client.post(
        "/s/stilling-if/pitches/requests/new",
        data={
            "facility_id": p.pitch1.id,
            "task": "mowing",
            "occurrence": f"{match.id}@{match.starts_at:%Y%m%dT%H%M}",
            "wanted_before": "",
            "message": "Vi spiller kl. 10. Kan I slå fredag formiddag?",
        },
        headers=EN,
        follow_redirects=True,
    )
    assert "Your request is sent to Grønne Områder." in response.text
    request = db.session.scalar(sa.select(ChangeRequest))
    assert request.status == RequestStatus.PENDING
    # The chosen booking sets the time it must be done by.
    assert request.fixture_id == match.id and request.wanted_before == request.occurrence_at == p.saturday
    told = db.session.scalars(sa.select(Notification.kind).where(Notification.user_id == p.peter.id)).all()
    assert "maintenance.request_new" in told and "maintenance.clash" in told

    # The contractor sees the conflict with Friday's planned visit ...
    login(p.peter)
    plan = client.get("/s/groenne-omraader/plan/", headers=EN).text
    assert (
        "Conflicts to resolve" in plan
        and "It falls in the 18 hours before kick-off of “U13 mod Hørning”" in plan
    )
    friday_morning = (to_local(p.friday_evening).replace(hour=7, minute=0)).strftime(WHEN)
    page = client.get(f"/maintenance/requests/{request.id}", headers=EN).text
    assert "Planned visits around the wanted time" in page and "Conflict" in page
    assert f'value="{friday_morning}"' in page  # the suggested free slot, Friday 07:00, filled in
    # ... proposes Friday morning ...
    proposed = (to_local(p.friday_evening).replace(hour=8, minute=0)).strftime(WHEN)
    response = client.post(
        f"/maintenance/requests/{request.id}/propose",
        data={"at": proposed, "note": "Vi kommer kl. 8."},
        headers=EN,
        follow_redirects=True,
    )
    assert "Your proposal is sent to Stilling IF." in response.text
    assert "The proposed time collides" not in response.text
    db.session.refresh(request)
    assert request.status == RequestStatus.PROPOSED
    visit = db.session.get(Visit, request.visit_id)
    assert visit.planned_at == p.friday_evening  # nothing moves before the club agrees
    # ... the club agrees, and Friday evening's visit moves to the morning in the same step ...
    login(p.lars)
    response = client.post(f"/maintenance/requests/{request.id}/agree", headers=EN, follow_redirects=True)
    assert "You accepted the proposed time. The contractor's visit is moved there." in unescape(response.text)
    db.session.refresh(visit)
    assert to_local(visit.planned_at).strftime(WHEN) == proposed and visit.status == VisitStatus.PLANNED
    planned_that_day = db.session.scalars(
        sa.select(Visit).where(
            Visit.agreement_id == p.mowing1.id,
            Visit.status == VisitStatus.PLANNED,
            Visit.planned_at.between(p.saturday - timedelta(days=2), p.saturday),
        )
    ).all()
    assert planned_that_day == [visit]  # not left planned beside it
    login(p.peter)
    plan = client.get("/s/groenne-omraader/plan/", headers=EN).text
    assert "It falls in the 18 hours before kick-off" not in plan  # resolved; line marking still wanted
    assert "has no line marking planned in the hours before it" in plan
    # ... and marks it done with a photo, from the phone-sized visit page.
    assert "Mark it done" in client.get(f"/s/groenne-omraader/plan/visits/{visit.id}", headers=EN).text
    response = client.post(
        f"/s/groenne-omraader/plan/visits/{visit.id}/done",
        data={"note": "Slået til 30 mm.", "photo": (png(), "bane1.png")},
        content_type="multipart/form-data",
        headers=EN,
        follow_redirects=True,
    )
    assert "Marked done. Thank you!" in response.text
    db.session.refresh(visit)
    db.session.refresh(request)
    assert visit.status == VisitStatus.DONE and visit.photo and request.status == RequestStatus.DONE
    assert db.session.scalar(
        sa.select(Notification).where(
            Notification.user_id == p.lars.id, Notification.kind == "maintenance.request_done"
        )
    )

    # The club's calendar app shows it through the private feed.
    login(p.lars)
    client.post("/s/stilling-if/calendar-feed")
    page = client.get("/s/stilling-if/pitches/", headers=EN).text
    feed_url = page.split('id="feed-url" type="text" readonly value="', 1)[1].split('"', 1)[0]
    client.post("/logout")
    feed = client.get(feed_url.replace("http://faelled.test", ""))
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    events = {str(e["SUMMARY"]): e for e in Calendar.from_ical(feed.data).walk("VEVENT")}
    assert "U13 mod Hørning" in events
    done = events["Slåning (udført)"]  # in the language of the feed's owner (Danish by default)
    assert to_local(done.decoded("DTSTART").replace(tzinfo=None)).strftime(WHEN) == proposed

    # A citizen reports a broken goal net and follows it to "fixed".
    login(p.jens)
    response = client.post(
        "/maintenance/faults/new",
        data={
            "facility_id": p.pitch1.id,
            "category": "goal_net",
            "description": "Nettet i nordmålet er revet.",
        },
        headers=EN,
        follow_redirects=True,
    )
    assert "Your report is sent, and you follow it." in response.text
    report = db.session.scalar(sa.select(FaultReport))
    assert report.routed_space_id == p.network.id  # the net-repair agreement covers it
    login(p.peter)
    client.post(
        f"/maintenance/faults/{report.id}/update", data={"status": "acknowledged", "note": "Vi kommer."}
    )
    client.post(f"/maintenance/faults/{report.id}/update", data={"status": "fixed", "note": "Nyt net."})
    client.post("/logout")
    public = client.get(f"/maintenance/faults/{report.id}", headers=EN).text
    assert "Fixed" in public and "Nyt net." in public
    notes = db.session.scalars(
        sa.select(Notification).where(
            Notification.user_id == p.jens.id, Notification.kind == "maintenance.fault_status"
        )
    ).all()
    assert [n.context["status"] for n in notes] == ["acknowledged", "fixed"]
    assert any("now: fixed" in m["Subject"] + str(m.get_body()) for m in outbox()) or outbox()

    # The municipality sees the compliance chart (here with a visit done late last month).
    past = utcnow() - timedelta(days=10)
    late = plans.add_visit(p.mowing2, at=past)
    late.status, late.done_at = VisitStatus.DONE, past + timedelta(days=3)
    on_time = plans.add_visit(p.mowing2, at=past - timedelta(days=1))
    on_time.status, on_time.done_at = VisitStatus.DONE, past
    db.session.commit()
    login(p.mette)
    overview = client.get("/maintenance/overview", headers=EN).text
    assert (
        "Share of visits done on time" in overview
        and "Visits done on time per contractor and month" in overview
    )
    assert "50 %" in overview or "100 %" in overview


def test_the_demo_has_a_conflict_a_request_and_a_report(client, db):
    from community.demo import seed_demo

    seed_demo()
    db.session.commit()

    def log_in(email):
        client.post("/logout")
        assert client.post("/login", data={"email": email, "password": "faelled-demo"}).status_code == 302

    log_in("entreprenor@example.org")
    plan = client.get("/s/groenne-omraader/plan/", headers=EN).text
    assert "It falls in the 18 hours before kick-off of “Serie 2: Stilling IF – Hørning IF”" in plan
    assert "Waiting for an answer" in plan and "Stilling Stadion, bane 1" in plan
    assert "Goal or net: Stilling Stadion, bane 1" in plan
    log_in("klub@example.org")
    calendar = client.get("/s/stilling-if/pitches/", headers=EN).text
    assert "Træning, senior" in calendar and "Serie 2: Stilling IF – Hørning IF" in calendar
    log_in("kommune@example.org")
    overview = client.get("/maintenance/overview", headers=EN).text
    assert "Grønne Områder" in overview and "Visits done on time per contractor and month" in overview
    assert "Open requests, oldest first" in overview
    log_in("borger@example.org")
    assert "Goal or net" in client.get("/maintenance/faults/", headers=EN).text
