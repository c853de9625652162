"""Who may act (issue 9, finding 7): acting for a contractor needs the contractor role in its network
(the crew), not mere membership; a club's fixtures are kept by its admins and the municipality's
staff, not by every member."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from community.extensions import db
from community.maintenance.models import (
    ChangeRequest,
    Fixture,
    FixtureKind,
    RequestStatus,
    TaskType,
    Visit,
    VisitStatus,
)
from community.maintenance.services import fixtures
from community.maintenance.services import requests as request_service
from community.spaces.models import Membership
from tests.test_maintenance_journey import EN, build_pitches, form_time


@pytest.fixture
def pitches(municipality, make_space, make_user, member):
    return build_pitches(municipality, make_space, make_user, member)


def _log_in(client, email: str) -> None:
    client.post("/logout")
    assert client.post("/login", data={"email": email, "password": "faelled-demo"}).status_code == 302


def test_the_demo_club_admin_cannot_act_for_the_contractor(client, db):
    from community.demo import seed_demo

    seed_demo()
    db.session.commit()
    request = db.session.scalar(sa.select(ChangeRequest))
    visit = db.session.scalars(
        sa.select(Visit).where(Visit.status == VisitStatus.PLANNED).order_by(Visit.planned_at)
    ).first()

    # Lars is admin of the club and a plain member of the contractor's network: he reads along.
    _log_in(client, "klub@example.org")
    page = client.get(f"/maintenance/requests/{request.id}", headers=EN).text
    assert "Answer the club" not in page
    assert client.post(f"/maintenance/requests/{request.id}/accept").status_code == 403
    assert (
        client.post(f"/maintenance/requests/{request.id}/decline", data={"reason": "Nej"}).status_code == 403
    )
    plan = client.get("/s/groenne-omraader/plan/", headers=EN).text
    assert "You read along: only the contractor's crew plans" in plan and "Add a recurring plan" not in plan
    assert "Mark it done" not in client.get(f"/s/groenne-omraader/plan/visits/{visit.id}", headers=EN).text
    assert client.post(f"/s/groenne-omraader/plan/visits/{visit.id}/done", data={}).status_code == 403
    assert client.get("/s/groenne-omraader/plan/new").status_code == 403
    db.session.refresh(request)
    db.session.refresh(visit)
    assert request.status == RequestStatus.PENDING and visit.status == VisitStatus.PLANNED

    # Peter, the contractor, does both.
    _log_in(client, "entreprenor@example.org")
    assert client.post(f"/maintenance/requests/{request.id}/accept").status_code == 302
    assert client.post(f"/s/groenne-omraader/plan/visits/{visit.id}/done", data={}).status_code == 302
    db.session.refresh(request)
    db.session.refresh(visit)
    assert request.status == RequestStatus.ACCEPTED and visit.status == VisitStatus.DONE


def test_the_networks_admin_names_the_crew_and_leaving_ends_it(client, login, pitches, make_user, member):
    p = pitches
    kim = make_user("kim@example.org", name="Kim")
    member(p.network, kim)
    member(p.network, p.lars)
    request = request_service.create_request(
        p.club,
        request_service.RequestInput(facility=p.pitch1, task=TaskType.MOWING, wanted_before=p.saturday),
        by=p.lars,
    )
    db.session.commit()
    kim_membership = db.session.scalar(
        sa.select(Membership).where(Membership.user_id == kim.id, Membership.space_id == p.network.id)
    )

    # A plain member may not name the crew, and may not act.
    login(kim)
    assert client.get("/s/groenne-omraader/plan/crew").status_code == 403
    assert client.post(f"/s/groenne-omraader/plan/crew/{kim_membership.id}/grant").status_code == 403
    assert client.post(f"/maintenance/requests/{request.id}/accept").status_code == 403

    # The admin makes Kim crew: now Kim answers the club.
    login(p.peter)
    page = client.get("/s/groenne-omraader/plan/crew", headers=EN).text
    assert "Acts for the contractor" in page and "Make Kim crew" in page and "Reads along" in page
    response = client.post(
        f"/s/groenne-omraader/plan/crew/{kim_membership.id}/grant", headers=EN, follow_redirects=True
    )
    assert "Kim now acts for Grønne Områder." in response.text
    login(kim)
    assert "Answer the club" in client.get(f"/maintenance/requests/{request.id}", headers=EN).text

    # Leaving the network ends the role; coming back does not bring it back.
    client.post("/s/groenne-omraader/leave")
    kim_membership = member(p.network, kim)
    db.session.commit()
    assert client.post(f"/maintenance/requests/{request.id}/accept").status_code == 403

    # The municipality's staff may name the crew too, and take it away.
    login(p.mette)
    client.post(f"/s/groenne-omraader/plan/crew/{kim_membership.id}/grant")
    client.post(
        f"/s/groenne-omraader/plan/crew/{kim_membership.id}/revoke", headers=EN, follow_redirects=True
    )
    login(kim)
    assert client.post(f"/maintenance/requests/{request.id}/accept").status_code == 403


def _fixture_data(p, start):
    return {
        "facility_id": p.pitch2.id,
        "title": "Træning U9",
        "kind": "training",
        "starts_at": form_time(start),
        "ends_at": form_time(start + timedelta(hours=1)),
        "repeat": "once",
    }


def test_a_plain_club_member_cannot_add_or_remove_fixtures(client, login, pitches, make_user, member):
    p = pitches
    jens = make_user("jens.member@example.org", name="Jens Medlem")
    member(p.club, jens)
    start = p.saturday + timedelta(days=2)
    kept = fixtures.add_fixture(
        p.club,
        fixtures.FixtureInput(
            facility_id=p.pitch2.id,
            title="Kamp U15",
            kind=FixtureKind.MATCH,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
        ),
        by=p.lars,
    )
    db.session.commit()

    login(jens)
    calendar = client.get("/s/stilling-if/pitches/", headers=EN).text
    assert "Add a match, tournament or training" not in calendar and "Remove “Kamp U15”" not in calendar
    assert "Ask the contractor" in calendar  # a member still asks the contractor
    assert client.get("/s/stilling-if/pitches/fixtures/new").status_code == 403
    assert client.post("/s/stilling-if/pitches/fixtures/new", data=_fixture_data(p, start)).status_code == 403
    assert client.post(f"/s/stilling-if/pitches/fixtures/{kept.id}/delete").status_code == 403
    assert client.get("/s/stilling-if/pitches/import").status_code == 403
    assert [f.title for f in db.session.scalars(sa.select(Fixture))] == ["Kamp U15"]

    # The club's admin and the municipality's staff keep the fixtures.
    login(p.lars)
    assert client.post("/s/stilling-if/pitches/fixtures/new", data=_fixture_data(p, start)).status_code == 302
    login(p.mette)
    assert client.post(f"/s/stilling-if/pitches/fixtures/{kept.id}/delete").status_code == 302
    assert [f.title for f in db.session.scalars(sa.select(Fixture))] == ["Træning U9"]
