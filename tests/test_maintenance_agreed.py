"""When club and contractor agree on a time (issue 10, point 8): the old visit is moved or cancelled
with a reason in the same step, never left planned beside the new one and still in conflict; and
each conflict is told to both sides once, not again on each re-import or re-planning."""

from __future__ import annotations

import io
from datetime import timedelta
from html import unescape

import pytest
import sqlalchemy as sa

from community.db import utcnow
from community.extensions import db
from community.i18n import to_local
from community.maintenance.models import (
    ChangeRequest,
    ClashNotice,
    Fixture,
    FixtureKind,
    RequestMessage,
    RequestStatus,
    TaskType,
    Visit,
    VisitStatus,
)
from community.maintenance.services import conflicts, fixtures, plans
from community.maintenance.services import requests as request_service
from community.notifications.models import Notification
from tests.support import ENGINE
from tests.test_maintenance_journey import EN, build_pitches


@pytest.fixture
def pitches(municipality, make_space, make_user, member):
    return build_pitches(municipality, make_space, make_user, member)


def _clash_notes(user) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.kind == "maintenance.clash"
        )
    )


def _match_ics(p) -> str:
    start, end = p.saturday, p.saturday + timedelta(hours=2)
    return "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Klubsystem//DA",
            "BEGIN:VEVENT",
            "UID:kamp-u15@klub.dk",
            f"DTSTART:{start:%Y%m%dT%H%M%S}Z",
            f"DTEND:{end:%Y%m%dT%H%M%S}Z",
            "SUMMARY:Kamp U15 mod Ry",
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    )


def _upload(client, p):
    return client.post(
        "/s/stilling-if/pitches/import",
        data={
            "facility_id": p.pitch1.id,
            "kind": "match",
            "file": (io.BytesIO(_match_ics(p).encode()), "k.ics"),
        },
        content_type="multipart/form-data",
        headers=EN,
        follow_redirects=True,
    )


def test_a_conflict_is_told_to_both_sides_once_not_on_each_reimport(client, login, pitches):
    p = pitches
    login(p.lars)
    first = _upload(client, p)
    assert "1 fixture imported (0 updated)." in first.text and "conflict" in first.text
    # Friday's mowing in the 18 hours before kick-off, and no line marking before the match.
    assert _clash_notes(p.peter) == 2 and _clash_notes(p.lars) == 0  # Lars acted: he sees the flash
    notices = db.session.scalar(sa.select(sa.func.count(ClashNotice.id)))
    assert notices == 2
    for _again in range(2):
        again = _upload(client, p)
        assert "1 fixture imported (1 updated)." in again.text
    assert _clash_notes(p.peter) == 2 and db.session.scalar(sa.select(sa.func.count(ClashNotice.id))) == 2
    # The club's other admin is told too, once, when a contractor's re-planning finds the same.
    match = db.session.scalar(sa.select(Fixture))
    clashes = conflicts.find_clashes(
        p.saturday - timedelta(days=2), p.saturday + timedelta(days=1), facility_ids=[p.pitch1.id]
    )
    assert {c.booking.fixture_id for c in clashes} == {match.id}
    assert conflicts.flag(clashes, by=p.peter) == []  # nothing new to tell


def test_a_new_conflict_after_an_edit_is_told_but_the_old_one_not_again(
    client, login, pitches, make_user, member
):
    p = pitches
    anna = make_user("anna@example.org", name="Anna")  # another admin of the club, who did not act
    member(p.club, anna, "admin")
    start = p.saturday
    match = fixtures.add_fixture(
        p.club,
        fixtures.FixtureInput(
            facility_id=p.pitch1.id,
            title="Kamp U17",
            kind=FixtureKind.MATCH,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
        ),
        by=p.lars,
    )
    conflicts.flag(
        conflicts.find_clashes(
            start - timedelta(days=2),
            start + timedelta(days=1),
            fixture_ids=[match.id],
            facility_ids=[p.pitch1.id],
        ),
        by=p.lars,
    )
    db.session.commit()
    told = _clash_notes(anna)
    assert told == 2
    login(p.lars)
    data = {
        "facility_id": p.pitch1.id,
        "title": "Kamp U17 (flyttet)",
        "kind": "match",
        "starts_at": to_local(start).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": to_local(start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "repeat": "once",
    }
    assert client.post(f"/s/stilling-if/pitches/fixtures/{match.id}/edit", data=data).status_code == 302
    assert _clash_notes(anna) == told  # the same conflicts: not told again
    later = start + timedelta(weeks=1)
    data.update(
        starts_at=to_local(later).strftime("%Y-%m-%dT%H:%M"),
        ends_at=to_local(later + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    )
    client.post(f"/s/stilling-if/pitches/fixtures/{match.id}/edit", data=data)
    assert _clash_notes(anna) == told + 2  # a week later: new conflicts with next Friday's visit


def _sat_match_and_visit(p):
    """Pitch 2: a match on Saturday 10-12 and a mowing visit planned at 11:00 in the middle of it."""
    match = fixtures.add_fixture(
        p.club,
        fixtures.FixtureInput(
            facility_id=p.pitch2.id,
            title="Kamp U13",
            kind=FixtureKind.MATCH,
            starts_at=p.saturday,
            ends_at=p.saturday + timedelta(hours=2),
        ),
        by=p.lars,
    )
    during = plans.add_visit(p.mowing2, at=p.saturday + timedelta(hours=1))
    request = request_service.create_request(
        p.club,
        request_service.RequestInput(
            facility=p.pitch2, task=TaskType.MOWING, wanted_before=p.saturday, fixture_id=match.id
        ),
        by=p.lars,
    )
    db.session.commit()
    return match, during, request


def _planned(p) -> list[Visit]:
    return list(
        db.session.scalars(
            sa.select(Visit)
            .where(Visit.agreement_id == p.mowing2.id, Visit.status == VisitStatus.PLANNED)
            .order_by(Visit.planned_at)
        )
    )


def test_accepting_moves_the_colliding_visit_instead_of_planning_one_beside_it(client, login, pitches):
    p = pitches
    _match, during, request = _sat_match_and_visit(p)
    login(p.peter)
    response = client.post(f"/maintenance/requests/{request.id}/accept", headers=EN, follow_redirects=True)
    assert "Accepted. The club is told." in response.text
    db.session.refresh(request)
    assert request.status == RequestStatus.ACCEPTED and request.visit_id == during.id
    planned = _planned(p)
    assert planned == [during] and during.ends_at <= p.saturday  # moved before kick-off, not duplicated
    assert not conflicts.find_clashes(
        p.saturday - timedelta(days=3), p.saturday + timedelta(days=1), facility_ids=[p.pitch2.id]
    )


def test_an_agreed_time_cancels_the_visit_left_colliding_with_a_reason(client, login, pitches):
    p = pitches
    # Each reads in their own language (issue 10, point 17): Peter, the contractor, in English; Lars, the
    # club's chair, in Danish. The steps in the thread and the reason are worded for the reader.
    p.peter.locale, p.lars.locale = "en", "da"
    _match, during, request = _sat_match_and_visit(p)
    login(p.peter)
    friday_noon = p.saturday - timedelta(hours=22)
    client.post(
        f"/maintenance/requests/{request.id}/propose",
        data={"at": to_local(friday_noon).strftime("%Y-%m-%dT%H:%M"), "note": "We come from Ry."},
    )
    english = unescape(client.get(f"/maintenance/requests/{request.id}").text)
    assert "Proposed time: Fri " in english and "We come from Ry." in english
    login(p.lars)
    danish = unescape(client.get(f"/maintenance/requests/{request.id}").text)
    assert (
        "Foreslået tidspunkt: fre. " in danish and "Proposed" not in danish and "We come from Ry." in danish
    )
    db.session.refresh(request)
    assert request.status == RequestStatus.PROPOSED and _planned(p) == [during]  # nothing moved yet
    # A second visit that collides too (say, from another plan), then the club agrees.
    also = plans.add_visit(p.mowing2, at=p.saturday + timedelta(minutes=30))
    db.session.commit()
    client.post(f"/maintenance/requests/{request.id}/agree")
    db.session.refresh(request)
    db.session.refresh(also)
    answering = db.session.get(Visit, request.visit_id)
    assert request.status == RequestStatus.ACCEPTED and answering.planned_at == friday_noon
    assert _planned(p) == [answering]
    assert also.status == VisitStatus.CANCELLED
    danish = unescape(client.get(f"/maintenance/requests/{request.id}").text)
    assert "Det foreslåede tidspunkt passer os." in danish
    # The crew reads the Danish chair's answer and the reason in English, sees the visit cancelled, and
    # cannot mark it done.
    login(p.peter)
    english = unescape(client.get(f"/maintenance/requests/{request.id}").text)
    assert "The proposed time suits us." in english and "passer os" not in english
    page = unescape(client.get(f"/s/groenne-omraader/plan/visits/{also.id}").text)
    assert "Cancelled" in page and "Replaced by the visit at Fri " in page
    assert "agreed with Stilling IF." in page and "Erstattet" not in page and "Mark it done" not in page
    response = client.post(f"/s/groenne-omraader/plan/visits/{also.id}/done", data={})
    assert response.status_code == 400
    assert "Replaced by the visit at" in unescape(response.text)
    assert db.session.scalar(sa.select(sa.func.count(ChangeRequest.id))) == 1


def test_steps_written_before_kinds_keep_their_text(client, login, pitches):
    """A thread's rows from before steps were stored as kinds are shown as they were written."""
    p = pitches
    _match, _during, request = _sat_match_and_visit(p)
    db.session.add(
        RequestMessage(request_id=request.id, author_id=p.peter.id, body="Foreslået tidspunkt: fre.")
    )
    db.session.commit()
    login(p.lars)
    page = unescape(client.get(f"/maintenance/requests/{request.id}", headers=EN).text)
    assert "Foreslået tidspunkt: fre." in page


def test_a_proposal_whose_time_has_passed_cannot_be_agreed(client, login, pitches):
    p = pitches
    _match, _during, request = _sat_match_and_visit(p)
    request.status, request.proposed_at = RequestStatus.PROPOSED, p.saturday - timedelta(days=30)
    db.session.commit()
    login(p.lars)
    response = client.post(f"/maintenance/requests/{request.id}/agree", headers=EN, follow_redirects=True)
    assert "The proposed time has passed." in response.text
    db.session.refresh(request)
    assert request.status == RequestStatus.PROPOSED


@pytest.mark.skipif(ENGINE != "postgresql", reason="COMMUNITY_TEST_DATABASE_URL names no PostgreSQL database")
def test_two_requests_at_once_record_a_conflict_notice_once(app):
    """The once-only rule holds in the database: two requests that find the same conflict at the same
    moment (on two connections, committing for real) insert one notice, and only one tells anyone."""
    import threading

    from community.maintenance.services.common import insert_once

    key = "v0:race-test"
    barrier = threading.Barrier(2)
    results: list[bool] = []

    def one() -> None:
        with app.app_context():
            barrier.wait()
            results.append(insert_once(ClashNotice, unique=["key"], key=key, created_at=utcnow()))
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=one) for _ in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert sorted(results) == [False, True]
        with app.app_context():
            assert (
                db.session.scalar(sa.select(sa.func.count(ClashNotice.id)).where(ClashNotice.key == key)) == 1
            )
    finally:
        with app.app_context():
            db.session.execute(sa.delete(ClashNotice).where(ClashNotice.key == key))
            db.session.commit()
            db.session.remove()
