"""Fault reports from anyone, and the municipality's overview with its compliance chart and CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from community.db import utcnow
from community.extensions import db
from community.maintenance.models import FaultCategory, FaultReport, FaultStatus, VisitStatus
from community.maintenance.services import faults, plans
from community.notifications.models import Notification
from tests.test_maintenance_journey import EN, build_pitches


@pytest.fixture
def pitches(municipality, make_space, make_user, member):
    return build_pitches(municipality, make_space, make_user, member)


def _reports() -> list[FaultReport]:
    return list(db.session.scalars(sa.select(FaultReport).order_by(FaultReport.id)))


def test_a_report_without_a_place_or_facility_gets_a_field_error(client, login, pitches):
    login(pitches.jens)
    response = client.post(
        "/maintenance/faults/new",
        data={"facility_id": "", "place": "", "category": "pothole", "description": "Stort hul i stien."},
        headers=EN,
    )
    assert response.status_code == 400
    assert "Choose the facility, or give the place" in response.text
    assert 'id="facility_id-error"' in response.text and _reports() == []


def test_a_place_only_report_about_a_pothole_goes_to_the_municipality(client, login, pitches):
    login(pitches.jens)
    response = client.post(
        "/maintenance/faults/new",
        data={"place": "Ry", "category": "pothole", "description": "Stort hul i cykelstien ved søen."},
        headers=EN,
        follow_redirects=True,
    )
    assert "Your report is sent, and you follow it." in response.text
    (report,) = _reports()
    assert report.routed_space_id is None and report.facility_id is None and report.place_label == "Ry"
    assert "Handled by" in response.text and "Skanderborg Kommune" in response.text
    told = db.session.scalar(
        sa.select(Notification).where(
            Notification.user_id == pitches.mette.id, Notification.kind == "maintenance.fault_new"
        )
    )
    assert told is not None


def test_coordinates_next_to_a_pitch_route_to_its_contractor(client, login, pitches):
    login(pitches.jens)
    client.post(
        "/maintenance/faults/new",
        data={
            "latitude": "56,0661",
            "longitude": "10.0031",
            "category": "goal_net",
            "description": "Nettet er væk.",
        },
    )
    (report,) = _reports()
    assert report.facility_id == pitches.pitch1.id and report.routed_space_id == pitches.network.id


def test_the_same_kind_nearby_is_shown_before_sending(client, login, pitches):
    p = pitches
    faults.report_fault(
        p.municipality,
        faults.FaultInput(category=FaultCategory.GOAL_NET, description="Revet net.", facility=p.pitch1),
        by=p.jens,
    )
    db.session.commit()
    login(p.lars)
    data = {"facility_id": p.pitch1.id, "category": "goal_net", "description": "Nettet i målet er i stykker."}
    response = client.post("/maintenance/faults/new", data=data, headers=EN)
    assert response.status_code == 200 and "Is it one of these?" in response.text
    assert "Yes, follow this one" in response.text and "No, send my report" in response.text
    assert len(_reports()) == 1
    other_kind = client.post("/maintenance/faults/new", data={**data, "category": "lighting"}, headers=EN)
    assert other_kind.status_code == 302  # a different category is not a duplicate
    response = client.post("/maintenance/faults/new", data={**data, "confirmed": "1"}, headers=EN)
    assert response.status_code == 302 and len(_reports()) == 3


def test_a_photo_that_is_not_an_image_is_refused(client, login, pitches):
    login(pitches.jens)
    response = client.post(
        "/maintenance/faults/new",
        data={
            "facility_id": pitches.pitch2.id,
            "category": "litter",
            "description": "Affald overalt.",
            "photo": (io.BytesIO(b"just text"), "billede.jpg"),
        },
        content_type="multipart/form-data",
        headers=EN,
    )
    assert response.status_code == 400 and "This file is not an image we can use." in response.text
    assert _reports() == []


def test_status_updates_are_public_followers_are_told_and_not_ours_says_who(client, login, pitches):
    p = pitches
    report = faults.report_fault(
        p.municipality,
        faults.FaultInput(category=FaultCategory.LIGHTING, description="Lampen er gået.", facility=p.pitch2),
        by=p.jens,
    )
    db.session.commit()
    assert report.routed_space_id is None  # no agreement on pitch 2 covers lighting
    login(p.lars)
    assert client.post(f"/maintenance/faults/{report.id}/update", data={"status": "fixed"}).status_code == 403
    client.post(f"/maintenance/faults/{report.id}/follow")
    login(p.mette)
    response = client.post(f"/maintenance/faults/{report.id}/update", data={"status": "not_ours"}, headers=EN)
    assert response.status_code == 400 and "Say who is responsible instead" in response.text
    client.post(
        f"/maintenance/faults/{report.id}/update",
        data={"status": "not_ours", "responsible_instead": "Stilling Skole", "note": "Lampen er skolens."},
    )
    db.session.refresh(report)
    assert report.status == FaultStatus.NOT_OURS and report.follower_count == 2
    for person in (p.jens, p.lars):
        assert db.session.scalar(
            sa.select(Notification).where(
                Notification.user_id == person.id, Notification.kind == "maintenance.fault_status"
            )
        )
    client.post("/logout")
    page = client.get(f"/maintenance/faults/{report.id}", headers=EN).text  # anonymous: the public status
    assert (
        "Not ours" in page and "Responsible instead: Stilling Skole" in page and "Lampen er skolens." in page
    )
    assert "jens@example.org" not in page
    listing = client.get("/maintenance/faults/?status=not_ours", headers=EN).text
    assert "Lighting" in listing
    assert "No account is needed" in client.get("/maintenance/faults/new", headers=EN).text
    assert client.post(f"/maintenance/faults/{report.id}/follow").status_code == 302


def test_an_unconfirmed_account_reports_as_anyone_without_an_account_does(client, login, pitches, make_user):
    login(make_user("ny@example.org", confirmed=False))
    page = client.get("/maintenance/faults/new", headers=EN).text
    assert "No account is needed" in page and "Your e-mail (optional)" in page


def test_the_overview_is_for_staff_with_the_same_numbers_in_chart_table_and_csv(
    client, login, pitches, query_counter
):
    p = pitches
    base = utcnow() - timedelta(days=5)
    for n, done_after in enumerate((timedelta(hours=2), timedelta(hours=3), timedelta(days=4), None)):
        visit = plans.add_visit(p.mowing2, at=base - timedelta(hours=n))
        if done_after is not None:
            visit.status, visit.done_at = VisitStatus.DONE, visit.planned_at + done_after
    db.session.commit()
    login(p.lars)
    assert client.get("/maintenance/overview").status_code == 403
    assert client.get("/maintenance/overview/compliance.csv").status_code == 403
    login(p.mette)
    with query_counter() as counted:
        page = client.get("/maintenance/overview", headers=EN).text
    assert counted.n < 40
    assert 'style="width: 50%"' in page
    assert '">4</td><td data-label="Done on time">2</td><td data-label="Share on time">50 %</td>' in page
    assert "Overdue visits" in page and "Planned visits more than a day past" in page  # the unmarked one
    rows = list(csv.reader(io.StringIO(client.get("/maintenance/overview/compliance.csv", headers=EN).text)))
    assert rows[0] == ["Contractor", "Month", "Visits due", "Done on time", "Share on time (%)"]
    assert rows[1][0] == "Grønne Områder" and rows[1][2:] == ["4", "2", "50"]


def test_a_report_is_followed_like_anything_else_and_muting_it_silences(client, login, pitches):
    p = pitches
    report = faults.report_fault(
        p.municipality,
        faults.FaultInput(category=FaultCategory.POTHOLE, description="Hul i stien.", facility=p.pitch2),
        by=p.jens,
    )
    db.session.commit()
    login(p.jens)
    following = client.get("/notifications/following", headers=EN).text
    assert "Pothole · " in following, "reporting a fault follows it, listed with everything followed"
    page = client.get(f"/maintenance/faults/{report.id}", headers=EN).text
    assert "You follow this." in page and "Stop following" in page
    client.post(f"/notifications/follow/fault/{report.id}", data={"level": "muted"})
    db.session.refresh(report)
    assert report.follower_count == 0, "a muted report has no follower in the count"
    login(p.mette)
    update = {"status": "acknowledged", "note": "Vi kommer."}
    client.post(f"/maintenance/faults/{report.id}/update", data=update)
    told = db.session.scalars(
        sa.select(Notification.user_id).where(Notification.kind == "maintenance.fault_status")
    ).all()
    assert p.jens.id not in told
    login(p.jens)
    client.post(f"/notifications/follow/fault/{report.id}", data={"level": "everything"})
    login(p.mette)
    client.post(f"/maintenance/faults/{report.id}/update", data={"status": "fixed"})
    told = db.session.scalars(
        sa.select(Notification).where(
            Notification.user_id == p.jens.id, Notification.kind == "maintenance.fault_status"
        )
    ).all()
    assert [n.context["status"] for n in told] == ["fixed"]


def test_the_overview_lists_open_reports_at_a_place_in_the_same_number_of_queries(
    client, login, pitches, query_counter
):
    """A pothole in a road has no facility: the overview lists it (category, place, age, status, link),
    and the page costs the same queries with one such report as with six; fixed ones leave the table."""
    p = pitches

    def pothole(place: str) -> FaultReport:
        from community import geo

        found = geo.resolve(place)
        return faults.report_fault(
            p.municipality,
            faults.FaultInput(
                category=FaultCategory.POTHOLE,
                description="Hul i vejen.",
                latitude=found.lat,
                longitude=found.lon,
                place_label=found.label,
            ),
            by=p.jens,
        )

    first = pothole("Ry")
    old = pothole("Stilling")
    old.created_at = utcnow() - timedelta(days=3)
    faults.update(old, by=p.mette, status=FaultStatus.FIXED, note="Lappet.")
    db.session.commit()
    login(p.mette)

    def table() -> str:
        page = client.get("/maintenance/overview", headers=EN).text
        return page.split('id="places-heading"', 1)[1].split("</section>", 1)[0]

    table()  # the first page of a session also reads what later pages find cached
    with query_counter() as one:
        shown = table()
    assert f'href="/maintenance/faults/{first.id}">Pothole</a>' in shown and ">Ry</td>" in shown
    assert f"/maintenance/faults/{old.id}" not in shown, "a fixed report is no longer open"
    for place in ("Skanderborg", "Stilling", "Ry", "Galten", "Skanderborg"):
        pothole(place)
    db.session.commit()
    with query_counter() as six:
        shown = table()
    assert shown.count('href="/maintenance/faults/') == 6
    assert six.n == one.n
