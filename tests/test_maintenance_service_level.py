"""Seasons and service levels as data (issue 10, point 9): the municipality sets them in a form, plans
give no visits outside the season, the overview and the contractor's own page measure the visits
against the service level per agreement and month, and the crew's "today" list is in route order
with a Done and a Skipped button per visit that work without JavaScript."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, time, timedelta
from html import unescape

import pytest
import sqlalchemy as sa

from community.db import utcnow
from community.extensions import db
from community.i18n import to_local, to_utc
from community.maintenance.models import Agreement, FacilityKind, FixtureKind, TaskType, Visit, VisitStatus
from community.maintenance.services import facilities, fixtures, plans
from tests.test_maintenance_journey import EN, build_pitches


@pytest.fixture
def pitches(municipality, make_space, make_user, member):
    return build_pitches(municipality, make_space, make_user, member)


def _terms(**change) -> dict:
    return {
        "interval_days": "7",
        "season_start_month": "4",
        "season_end_month": "10",
        "height_mm": "30",
        "max_height_mm": "60",
        "quiet_hours_before": "18",
        "wanted_within_hours": "",
        "service_level": "Græsset samles op",
        **change,
    }


def test_staff_set_the_season_and_service_level_in_a_form(client, login, pitches):
    p = pitches
    url = f"/maintenance/agreements/{p.mowing2.id}/edit"
    login(p.peter)
    assert client.get(url).status_code == 403
    login(p.mette)
    page = client.get(url, headers=EN).text
    assert "Season and service level" in page and '<option value="4">April</option>' in page
    response = client.post(url, data=_terms(season_end_month=""), headers=EN)
    assert (
        response.status_code == 400
        and "Give both the first and the last month of the season" in response.text
    )
    response = client.post(url, data=_terms(max_height_mm="20"), headers=EN)
    assert response.status_code == 400 and "must be above the height it is cut to" in response.text
    db.session.refresh(p.mowing2)
    assert p.mowing2.season_start_month is None and p.mowing2.interval_days is None  # nothing half-saved
    response = client.post(url, data=_terms(), headers=EN, follow_redirects=True)
    assert "The agreement for mowing at Stilling Stadion, bane 2 is changed." in response.text
    db.session.refresh(p.mowing2)
    a = p.mowing2
    assert (a.interval_days, a.season_start_month, a.season_end_month, a.height_mm, a.max_height_mm) == (
        7,
        4,
        10,
        30,
        60,
    )
    page = unescape(client.get(f"/maintenance/facilities/{p.pitch2.id}", headers=EN).text)
    assert "every week · in season April to October · cut to 30 mm · never taller than 60 mm" in page
    # The form is filled back from the agreement.
    page = client.get(url, headers=EN).text
    assert re.search(r'<option (selected )?value="7"( selected)?>', page) and 'value="60"' in page


def test_plans_respect_the_season_no_mowing_at_christmas(client, login, pitches):
    p = pitches
    p.mowing2.season_start_month, p.mowing2.season_end_month = 4, 10
    db.session.commit()
    christmas = date(to_local(utcnow()).year + 1, 12, 20)
    first = datetime.combine(christmas - timedelta(days=christmas.weekday()), time(8, 0))  # a Monday
    login(p.peter)
    response = client.post(
        "/s/groenne-omraader/plan/new",
        data={
            "agreement": p.mowing2.id,
            "starts_at": first.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 60,
            "rrule": "FREQ=WEEKLY;COUNT=6",
        },
        headers=EN,
    )
    assert response.status_code == 400 and "The plan gives no visits within the season." in response.text
    response = client.post(
        "/s/groenne-omraader/plan/new",
        data={
            "agreement": p.mowing2.id,
            "starts_at": first.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 60,
            "rrule": "FREQ=WEEKLY",
        },
        headers=EN,
        follow_redirects=True,
    )
    assert "The plan is saved with" in response.text
    months = {
        to_local(v.planned_at).month
        for v in db.session.scalars(sa.select(Visit).where(Visit.agreement_id == p.mowing2.id))
    }
    assert months == set(range(4, 11))  # April to October, nothing in winter


def _last_month() -> tuple[datetime, datetime]:
    """The start of last month and of this month, naive UTC (Danish months)."""
    this = to_local(utcnow()).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    last = (this - timedelta(days=1)).replace(day=1)
    return to_utc(last), to_utc(this)


def test_compliance_is_measured_against_the_service_level(client, login, pitches, make_user, member):
    p = pitches
    start, end = _last_month()
    month = f"{to_local(start):%Y-%m}"
    # Mowing pitch 2: weekly, all year, the grass never over 60 mm; running since well before.
    mowing = p.mowing2
    mowing.interval_days, mowing.max_height_mm, mowing.created_at = 7, 60, start - timedelta(days=40)
    for n, height in enumerate((50, 75, 55)):
        v = plans.add_visit(mowing, at=start + timedelta(days=3 + 7 * n, hours=8))
        v.status, v.done_at, v.height_mm = VisitStatus.DONE, v.planned_at + timedelta(hours=2), height
    # Line marking pitch 1: within 48 hours before a match; last month's match had none.
    p.lines.created_at = start - timedelta(days=40)
    kickoff = start + timedelta(days=12, hours=10)
    fixtures.add_fixture(
        p.club,
        fixtures.FixtureInput(
            facility_id=p.pitch1.id,
            title="Kamp U19",
            kind=FixtureKind.MATCH,
            starts_at=kickoff,
            ends_at=kickoff + timedelta(hours=2),
        ),
        by=p.lars,
    )
    db.session.commit()

    login(p.mette)
    page = unescape(client.get("/maintenance/overview", headers=EN).text)
    assert "Service level kept, per agreement and month" in page
    row = _row(page, f"Mowing · Stilling Stadion, bane 2</th><td>Grønne Områder</td><td>{month}</td>")
    days = (end - start).days
    assert f"<td>3 of {days // 7}</td>" in row and "<td>1 of 3 measured</td>" in row
    assert "No</strong>: " in row and "the grass too tall on 1 visit" in row
    assert f"{days // 7 - 3} visit" in row and "short of the frequency" in row
    row = _row(page, f"Line marking · Stilling Stadion, bane 1</th><td>Grønne Områder</td><td>{month}</td>")
    assert "<td>0 of 1</td>" in row and "1 of 1 matches without it in time" in row
    rows = list(
        csv.reader(io.StringIO(client.get("/maintenance/overview/service-levels.csv", headers=EN).text))
    )
    assert rows[0][:4] == ["Contractor", "Facility", "Task", "Month"]
    assert [
        "Grønne Områder",
        "Stilling Stadion, bane 2",
        "Mowing",
        month,
        str(days // 7),
        "3",
        "3",
        "",
        "",
        "3",
        "1",
        "No",
    ] in rows

    # The contractor sees its own compliance; a member of the network reads along; an outsider is not told.
    login(p.peter)
    own = unescape(client.get("/s/groenne-omraader/plan/compliance", headers=EN).text)
    assert "How Grønne Områder keeps its agreements" in own and "the grass too tall on 1 visit" in own
    assert _row(own, "Mowing · Stilling Stadion, bane 2") and month in own
    login(p.jens)
    assert client.get("/s/groenne-omraader/plan/compliance").status_code == 404


def _row(page: str, start: str) -> str:
    page = re.sub(r">\s+<", "><", page)
    at = page.index(start)
    return page[at : page.index("</tr>", at)]


def _today_at(hour: int) -> datetime:
    return to_utc(datetime.combine(to_local(utcnow()).date(), time(hour, 0)))


def test_today_is_in_route_order_and_marked_with_big_buttons_without_javascript(
    client, login, pitches, member
):
    p = pitches
    ry = facilities.create_facility(
        p.municipality,
        facilities.FacilityInput(
            name="Ry Stadion", kind=FacilityKind.GRASS_PITCH, latitude=56.09, longitude=9.77
        ),
        by=None,
    )
    far = facilities.add_agreement(
        ry, facilities.AgreementInput(contractor=p.network, task=TaskType.MOWING), by=None
    )
    # Planned in the opposite order of the route: Ry first, then pitch 2, then pitch 1.
    first = plans.add_visit(far, at=_today_at(5))
    second = plans.add_visit(p.mowing2, at=_today_at(6))
    third = plans.add_visit(p.mowing1, at=_today_at(7))
    db.session.execute(  # Friday's planned mowing, when today is a Friday
        sa.delete(Visit).where(
            Visit.agreement_id == p.mowing1.id,
            Visit.id != third.id,
            Visit.planned_at >= _today_at(0),
            Visit.planned_at < _today_at(0) + timedelta(days=1),
        )
    )
    db.session.commit()

    login(p.peter)
    page = client.get("/s/groenne-omraader/plan/today", headers=EN).text
    order = [page.index(f'id="stop-{v.id}"') for v in (third, second, first)]
    # From the depot in Skanderborg: pitch 1 is nearest, then pitch 2 beside it, Ry last.
    assert order == sorted(order)
    assert ">1. Stilling Stadion, bane 1<" in page and ">3. Ry Stadion<" in page
    assert "3 visits left, in the order to drive them: the nearest next." in page
    # Distances as every page writes them (community/formatting.py): a decimal under 10 km, none above.
    assert re.findall(r"· ([^<·]*km from[^<]*)<", page) == [
        "5.7 km from the start",
        "0.2 km from the stop before",
        "15 km from the stop before",
    ]
    danish = client.get("/s/groenne-omraader/plan/today", headers={"Accept-Language": "da"}).text
    assert "5,7 km fra start" in danish and "15 km fra forrige stop" in danish
    assert (
        'name="back" value="today"' in page
        and "<script" not in page.split("<main", 1)[1].split("</main>", 1)[0]
    )

    response = client.post(
        f"/s/groenne-omraader/plan/visits/{first.id}/done", data={"back": "today"}, headers=EN
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/s/groenne-omraader/plan/today#route"
    )
    response = client.post(
        f"/s/groenne-omraader/plan/visits/{second.id}/skip",
        data={"back": "today", "reason": "Too wet to work"},
        headers=EN,
        follow_redirects=True,
    )
    assert "Marked skipped." in response.text and "1 visit left" in response.text
    assert "Already marked today" in response.text
    db.session.refresh(first)
    db.session.refresh(second)
    assert first.status == VisitStatus.DONE and second.status == VisitStatus.SKIPPED
    assert second.reason == "Too wet to work"

    # An outsider is not told; someone who reads along sees the list without the buttons.
    login(p.lars)
    assert client.get("/s/groenne-omraader/plan/today").status_code == 404
    member(p.network, p.lars)
    db.session.commit()
    page = client.get("/s/groenne-omraader/plan/today", headers=EN).text
    assert "Stilling Stadion, bane 1" in page and "Why skipped" not in page and "/done" not in page


def test_the_crew_notes_the_grass_height_when_marking_done(client, login, pitches):
    p = pitches
    visit = db.session.scalars(
        sa.select(Visit).where(Visit.agreement_id == p.mowing1.id).order_by(Visit.planned_at)
    ).first()
    login(p.peter)
    page = client.get(f"/s/groenne-omraader/plan/visits/{visit.id}", headers=EN).text
    assert "Grass height when you came, in mm (optional)" in page
    response = client.post(
        f"/s/groenne-omraader/plan/visits/{visit.id}/done", data={"height_mm": "2000"}, headers=EN
    )
    assert response.status_code == 400 and "Give a height between 1 and 1000 mm." in response.text
    client.post(f"/s/groenne-omraader/plan/visits/{visit.id}/done", data={"height_mm": "70"})
    db.session.refresh(visit)
    assert visit.status == VisitStatus.DONE and visit.height_mm == 70


def test_the_demo_shows_seasons_service_levels_and_a_today_list(client, db):
    from community.demo import seed_demo

    seed_demo()
    db.session.commit()
    client.post("/login", data={"email": "entreprenor@example.org", "password": "faelled-demo"})
    plan = unescape(client.get("/s/groenne-omraader/plan/", headers=EN).text)
    assert "every week · in season April to October · cut to 30 mm · never taller than 60 mm" in plan
    assert "Brushing (artificial turf)" in plan and "within 48 hours before a match" in plan
    today = client.get("/s/groenne-omraader/plan/today", headers=EN).text
    assert "Legepladsen ved Stilling Skole" in today and "Legepladsen ved Stilling Hallen" in today
    positions = [
        today.index(name)
        for name in (
            "Legepladsen ved Stilling Skole",
            "Stilling Sø, grønt område",
            "Legepladsen ved Stilling Hallen",
        )
    ]
    assert len(set(positions)) == 3
    own = client.get("/s/groenne-omraader/plan/compliance", headers=EN).text
    assert "Service level kept, per agreement and month" in own and "Brushing (artificial turf)" in own
    mowing = db.session.scalars(sa.select(Agreement).where(Agreement.task == TaskType.MOWING)).first()
    assert not [
        v
        for v in db.session.scalars(sa.select(Visit).where(Visit.agreement_id == mowing.id))
        if not 4 <= to_local(v.planned_at).month <= 10
    ]
