"""The contractor's plan: recurring plans generate visits, collisions are flagged to both sides (never
silently accepted), visits are marked done or skipped, closures tell the clubs at once; and requests
with their thread, visible to both sides and to staff, hidden from everyone else."""

from __future__ import annotations

import io
from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from community.extensions import db
from community.i18n import to_local
from community.maintenance.demo import next_weekday
from community.maintenance.models import (
    ChangeRequest,
    Closure,
    FixtureKind,
    RequestMessage,
    RequestStatus,
    TaskType,
    Visit,
    VisitStatus,
)
from community.maintenance.services import conflicts, fixtures
from community.maintenance.services import requests as request_service
from community.notifications.models import Notification
from tests.test_maintenance_journey import EN, build_pitches, form_time


@pytest.fixture
def pitches(municipality, make_space, make_user, member):
    return build_pitches(municipality, make_space, make_user, member)


def _notes(user, kind) -> list[Notification]:
    return list(
        db.session.scalars(
            sa.select(Notification).where(Notification.user_id == user.id, Notification.kind == kind)
        )
    )


def _training(p, start, *, facility=None, rule="FREQ=WEEKLY;COUNT=6"):
    return fixtures.add_fixture(
        p.club,
        fixtures.FixtureInput(
            facility_id=(facility or p.pitch2).id,
            title="Træning U10",
            kind=FixtureKind.TRAINING,
            starts_at=start,
            ends_at=start + timedelta(minutes=90),
            rrule=rule,
        ),
        by=p.lars,
    )


def test_a_weekly_plan_makes_visits_and_its_collisions_are_flagged_to_both_sides(client, login, pitches):
    p = pitches
    wednesday = next_weekday(2, at=time(16, 30))
    _training(p, wednesday)
    login(p.peter)
    response = client.post(
        "/s/groenne-omraader/plan/new",
        data={
            "agreement": p.mowing2.id,
            "starts_at": form_time(wednesday + timedelta(minutes=30)),
            "duration_minutes": 60,
            "rrule": "FREQ=WEEKLY;COUNT=4",
        },
        headers=EN,
        follow_redirects=True,
    )
    assert "The plan is saved with 4 visits." in response.text
    assert "4 of them collide with the clubs" in response.text
    visits = db.session.scalars(sa.select(Visit).where(Visit.agreement_id == p.mowing2.id)).all()
    assert len(visits) == 4 and all(v.status == VisitStatus.PLANNED for v in visits)
    assert "It overlaps “Træning U10”." in client.get("/s/groenne-omraader/plan/", headers=EN).text
    told = _notes(p.lars, "maintenance.clash")
    assert told and told[0].context["side"] == "club" and told[0].context["suggested"]
    login(p.lars)
    calendar = client.get("/s/stilling-if/pitches/", headers=EN).text
    assert "Conflicts with the contractor" in calendar and "It overlaps “Træning U10”." in calendar


def test_the_default_window_no_mowing_in_the_last_two_hours(app, pitches):
    p = pitches
    saturday = p.saturday + timedelta(days=7)
    fixtures.add_fixture(
        p.club,
        fixtures.FixtureInput(
            facility_id=p.pitch2.id,
            title="Pokalkamp",
            kind=FixtureKind.MATCH,
            starts_at=saturday,
            ends_at=saturday + timedelta(hours=2),
        ),
        by=p.lars,
    )
    from community.maintenance.services import plans

    early = plans.add_visit(p.mowing2, at=saturday - timedelta(hours=3))  # ends 2 h before: fine
    late = plans.add_visit(p.mowing2, at=saturday - timedelta(minutes=90))  # ends 30 min before
    found = conflicts.find_clashes(saturday - timedelta(days=1), saturday, facility_ids=[p.pitch2.id])
    flagged = {c.visit.id: c for c in found if c.visit is not None}
    assert early.id not in flagged and flagged[late.id].kind == conflicts.ClashKind.QUIET
    suggested = flagged[late.id].suggested
    assert suggested is not None and suggested + timedelta(hours=1) <= saturday - timedelta(hours=2)


def test_line_marking_is_wanted_within_48_hours_before_a_match(app, pitches):
    p = pitches
    match_time = p.saturday + timedelta(days=14)
    fixtures.add_fixture(
        p.club,
        fixtures.FixtureInput(
            facility_id=p.pitch1.id,
            title="Derby",
            kind=FixtureKind.MATCH,
            starts_at=match_time,
            ends_at=match_time + timedelta(hours=2),
        ),
        by=p.lars,
    )
    window = (match_time - timedelta(days=3), match_time + timedelta(hours=1))
    missing = [
        c
        for c in conflicts.find_clashes(*window, facility_ids=[p.pitch1.id])
        if c.task == TaskType.LINE_MARKING
    ]
    assert missing and missing[0].kind == conflicts.ClashKind.MISSING
    assert match_time - timedelta(hours=48) <= missing[0].suggested < match_time
    from community.maintenance.services import plans

    plans.add_visit(p.lines, at=match_time - timedelta(hours=20))
    again = [
        c
        for c in conflicts.find_clashes(*window, facility_ids=[p.pitch1.id])
        if c.task == TaskType.LINE_MARKING
    ]
    assert again == []


def test_a_photo_that_is_not_an_image_is_refused(client, login, pitches):
    visit = db.session.scalars(sa.select(Visit).order_by(Visit.planned_at)).first()
    login(pitches.peter)
    response = client.post(
        f"/s/groenne-omraader/plan/visits/{visit.id}/done",
        data={"note": "", "photo": (io.BytesIO(b"%PDF-1.4 not a picture"), "kvittering.png")},
        content_type="multipart/form-data",
        headers=EN,
    )
    assert response.status_code == 400
    assert "This file is not an image we can use." in response.text
    db.session.refresh(visit)
    assert visit.status == VisitStatus.PLANNED and visit.photo is None


def test_skipped_needs_a_reason_and_only_the_crew_marks_visits(client, login, pitches):
    visit = db.session.scalars(sa.select(Visit).order_by(Visit.planned_at)).first()
    login(pitches.lars)
    assert (
        client.post(f"/s/groenne-omraader/plan/visits/{visit.id}/skip", data={"reason": "x"}).status_code
        == 404
    )
    login(pitches.peter)
    response = client.post(
        f"/s/groenne-omraader/plan/visits/{visit.id}/skip", data={"reason": ""}, headers=EN
    )
    assert response.status_code == 400 and 'aria-invalid="true"' in response.text
    response = client.post(
        f"/s/groenne-omraader/plan/visits/{visit.id}/skip",
        data={"reason": "For vådt til at slå"},
        headers=EN,
        follow_redirects=True,
    )
    assert "Marked skipped." in response.text
    db.session.refresh(visit)
    assert visit.status == VisitStatus.SKIPPED and visit.reason == "For vådt til at slå"


def test_closing_a_facility_tells_the_clubs_with_bookings_at_once(client, login, pitches):
    p = pitches
    _training(p, p.saturday + timedelta(days=1), facility=p.pitch1, rule="")
    login(p.peter)
    start = p.saturday.replace(hour=0) + timedelta(hours=-1)
    response = client.post(
        f"/maintenance/facilities/{p.pitch1.id}/close",
        data={
            "starts_at": form_time(start),
            "ends_at": form_time(start + timedelta(days=3)),
            "reason": "Vandlidende efter regnen",
        },
        headers=EN,
        follow_redirects=True,
    )
    assert "Stilling Stadion, bane 1 is closed. Told at once: Stilling IF." in response.text
    assert db.session.scalar(sa.select(Closure.reason)) == "Vandlidende efter regnen"
    note = _notes(p.lars, "maintenance.closure")
    assert len(note) == 1 and note[0].context["reason"] == "Vandlidende efter regnen"
    # A visit while closed is a conflict.
    from community.maintenance.services import plans

    plans.add_visit(p.mowing1, at=start + timedelta(hours=10))
    kinds = {
        c.kind for c in conflicts.find_clashes(start, start + timedelta(days=3), facility_ids=[p.pitch1.id])
    }
    assert conflicts.ClashKind.CLOSED in kinds
    login(p.jens)
    assert client.post(f"/maintenance/facilities/{p.pitch1.id}/close", data={}).status_code == 403


def test_request_thread_decline_and_who_sees_it(client, login, pitches):
    p = pitches
    request = request_service.create_request(
        p.club,
        request_service.RequestInput(facility=p.pitch2, task=TaskType.MOWING, wanted_before=p.saturday),
        by=p.lars,
    )
    db.session.commit()
    url = f"/maintenance/requests/{request.id}"
    login(p.jens)
    assert client.get(url).status_code == 404
    login(p.mette)
    page = client.get(url, headers=EN).text
    assert "Waiting for an answer" in page and "Answer the club" not in page and "Send</button>" not in page
    login(p.lars)
    client.post(f"{url}/messages", data={"body": "Gerne inden kl. 9."})
    assert client.post(f"{url}/decline", data={"reason": "Nej"}).status_code == 403
    login(p.peter)
    assert "Gerne inden kl. 9." in client.get(url, headers=EN).text
    response = client.post(f"{url}/decline", data={"reason": ""}, headers=EN)
    assert response.status_code == 400 and "Why not" in response.text
    client.post(f"{url}/decline", data={"reason": "Maskinen er til reparation."})
    db.session.refresh(request)
    assert request.status == RequestStatus.DECLINED and request.reason == "Maskinen er til reparation."
    assert _notes(p.lars, "maintenance.request_answered")
    login(p.lars)
    page = client.get(url, headers=EN).text
    assert "Declined" in page and "Maskinen er til reparation." in page


def test_accepting_a_request_uses_the_planned_visit_before_it(client, login, pitches):
    p = pitches
    request = request_service.create_request(
        p.club,
        request_service.RequestInput(facility=p.pitch1, task=TaskType.MOWING, wanted_before=p.saturday),
        by=p.lars,
    )
    db.session.commit()
    login(p.peter)
    client.post(f"/maintenance/requests/{request.id}/accept")
    db.session.refresh(request)
    visit = db.session.get(Visit, request.visit_id)
    assert request.status == RequestStatus.ACCEPTED
    assert to_local(visit.planned_at).weekday() == 4  # Friday's planned visit answers it
    assert db.session.scalar(sa.select(sa.func.count(ChangeRequest.id))) == 1


@pytest.mark.parametrize("moment", ["9999-12-31T23:59", "0001-01-01T00:00"])
def test_a_time_at_the_ends_of_the_calendar_is_refused_not_a_500(client, login, pitches, moment):
    """Found by tests/test_forms_fuzz.py: year 1 overflowed when turned into UTC, year 9999 when an hour
    was added for the conflict check (propose, move, close)."""
    p = pitches
    request = request_service.create_request(
        p.club,
        request_service.RequestInput(facility=p.pitch1, task=TaskType.MOWING, wanted_before=p.saturday),
        by=p.lars,
    )
    visit = db.session.scalars(sa.select(Visit).order_by(Visit.planned_at)).first()
    db.session.commit()
    login(p.peter)
    posts = [
        (f"/maintenance/requests/{request.id}/propose", {"at": moment}),
        (f"/s/{p.network.slug}/plan/visits/{visit.id}/move", {"to": moment}),
        (
            f"/maintenance/facilities/{p.pitch1.id}/close",
            {"starts_at": form_time(p.saturday), "ends_at": moment, "reason": "Frost"},
        ),
    ]
    for url, data in posts:
        response = client.post(url, data=data, headers=EN)
        assert response.status_code == 400 and 'aria-invalid="true"' in response.text, url
    db.session.refresh(request)
    db.session.refresh(visit)
    assert visit.planned_at.year < 9999
    assert (
        request.status == RequestStatus.PENDING
        and db.session.scalar(sa.select(sa.func.count(Closure.id))) == 0
    )


def test_a_nul_character_in_a_text_is_refused(client, login, pitches):
    """Found by tests/test_forms_fuzz.py on PostgreSQL, which cannot store NUL in text: a 500."""
    p = pitches
    request = request_service.create_request(
        p.club,
        request_service.RequestInput(facility=p.pitch1, task=TaskType.MOWING, wanted_before=p.saturday),
        by=p.lars,
    )
    visit = db.session.scalars(sa.select(Visit).order_by(Visit.planned_at)).first()
    db.session.commit()
    login(p.peter)
    posts = [
        (f"/maintenance/requests/{request.id}/decline", {"reason": "\x00"}),
        (f"/maintenance/requests/{request.id}/messages", {"body": "Hej\x00"}),
        (f"/maintenance/requests/{request.id}/propose", {"at": form_time(p.friday_evening), "note": "\x00"}),
        (f"/s/{p.network.slug}/plan/visits/{visit.id}/done", {"note": "Klippet\x00"}),
    ]
    for url, data in posts:
        response = client.post(url, data=data, headers=EN)
        assert response.status_code < 500, url
    # The base form drops NUL from every text, so what is kept is the text without it.
    bodies = list(db.session.scalars(sa.select(RequestMessage.body)))
    assert "Hej" in bodies and not any("\x00" in b for b in bodies)
    db.session.refresh(visit)
    assert "\x00" not in (visit.note or "")


def _plan_with(client, pitches, rule: str, headers: dict[str, str]):
    """The contractor's crew plans mowing every Wednesday at 9 by ``rule``."""
    return client.post(
        "/s/groenne-omraader/plan/new",
        data={
            "agreement": pitches.mowing2.id,
            "starts_at": form_time(next_weekday(2, at=time(9))),
            "duration_minutes": 60,
            "rrule": rule,
        },
        headers=headers,
    )


@pytest.mark.parametrize(
    ("rule", "said"),
    [
        # dateutil repeated the first visit for ever: the request never came back, its memory growing
        # (found by tests/test_forms_fuzz.py, at 16 GB)
        ("FREQ=DAILY;INTERVAL=0", "The repetition rule FREQ=DAILY;INTERVAL=0 cannot be read"),
        ("FREQ=WEEKLY;INTERVAL=-1", "cannot be read"),
        ("FREQ=DAILY;INTERVAL=100000", "cannot be read"),
        # searched for its next date up to year 9999: seconds for every page that showed it
        ("FREQ=WEEKLY;BYMONTH=4;BYMONTHDAY=31", "never gives a date, like the 30th of February"),
    ],
)
def test_a_rule_that_never_moves_on_or_never_comes_is_refused(client, login, pitches, rule, said):
    login(pitches.peter)
    response = _plan_with(client, pitches, rule, EN)
    assert response.status_code == 400 and said in response.text
    assert db.session.scalars(sa.select(Visit).where(Visit.agreement_id == pitches.mowing2.id)).all() == []


def test_a_rule_that_never_comes_is_refused_in_danish_too(client, login, pitches):
    login(pitches.peter)
    response = _plan_with(client, pitches, "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", {"Accept-Language": "da"})
    assert response.status_code == 400
    assert "giver aldrig en dato, ligesom den 30. februar" in response.text
