"""Ideas and the response-time promise through the app: similar ideas before saving, one support per
person, the threshold and its promised answer date, official responses that tell the supporters,
merging, keyset pages with a fixed number of queries; Danish working days, overdue items escalated
once and shown on the public page with the monthly figures; fault reports tracked through signals."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from community import signals
from community.db import utcnow
from community.engagement.models import (
    EngagementSettings,
    Idea,
    IdeaCategory,
    IdeaComment,
    IdeaState,
    IdeaSupport,
    PromiseKind,
    TrackedItem,
)
from community.engagement.services import ideas, promises
from community.engagement.services.ideas import IdeaInput
from community.engagement.workdays import add_working_days, working_days_between
from community.extensions import db
from community.maintenance.models import FaultCategory, FaultStatus
from community.notifications.models import Notification
from tests.engagement_support import CPR_TEXT, EN, eng_fixture  # noqa: F401


@pytest.fixture
def threshold_two(eng):
    db.session.add(EngagementSettings(municipality_id=eng.municipality.id, idea_threshold=2, area_km=25))
    db.session.flush()


def _idea(eng, title="Cykelsti til skolen", body="En sikker cykelsti.", by=None):
    return ideas.submit(
        eng.municipality,
        IdeaInput(title=title, body=body, category=IdeaCategory.TRAFFIC),
        by=by or eng.borger,
    )


def test_a_new_idea_shows_similar_ones_before_it_is_saved(client, login, eng):
    existing = _idea(eng, "Cykelstier til skolerne", "Børnene skal kunne cykle sikkert.")
    login(eng.senior)
    data = {
        "title": "Cykelsti ved skolen",
        "body": "Sikker vej for børnene",
        "category": "traffic",
        "space_id": "",
    }
    first = client.post("/engagement/ideas/new", data=data, headers=EN)
    assert first.status_code == 200 and "Is it one of these?" in first.text and existing.title in first.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Idea)) == 1
    sent = client.post("/engagement/ideas/new", data={**data, "confirmed": "1"}, headers=EN)
    idea = db.session.scalar(sa.select(Idea).where(Idea.id != existing.id))
    assert sent.headers["Location"] == f"/engagement/ideas/{idea.id}"
    assert [i.id for i in ideas.found(eng.municipality.id, "cykelstien")] == [idea.id, existing.id] or {
        i.id for i in ideas.found(eng.municipality.id, "cykelstien")
    } == {idea.id, existing.id}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "body": "Tekst"}, "Fill in this field."),
        ({"title": "x" * 121, "body": "Tekst"}, "Write at most 120 characters."),
        ({"title": "Idé", "body": CPR_TEXT}, "CPR"),
        ({"title": "Idé", "body": "Tekst", "place": "Atlantis"}, "We do not know Atlantis"),
        ({"title": "Idé", "body": "Tekst", "place": "Odense"}, "outside the municipality"),
    ],
)
def test_bad_ideas_are_refused_and_nothing_is_saved(client, login, eng, data, message):
    login(eng.borger)
    response = client.post(
        "/engagement/ideas/new",
        data={"category": "other", "space_id": "", "confirmed": "1", **data},
        headers=EN,
    )
    assert response.status_code == 400 and message in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Idea)) == 0


def test_support_once_the_threshold_promises_an_answer_and_a_response_tells_supporters(
    client, login, eng, threshold_two
):
    idea = _idea(eng)
    login(eng.borger)
    client.post(f"/engagement/ideas/{idea.id}/support")
    again = client.post(f"/engagement/ideas/{idea.id}/support", headers=EN, follow_redirects=True)
    assert "You already support this idea." in again.text
    db.session.refresh(idea)
    assert idea.support_count == 1 and idea.threshold_reached_at is None
    login(eng.senior)
    crossed = client.post(f"/engagement/ideas/{idea.id}/support", headers=EN, follow_redirects=True)
    assert "Your support brought the idea to the threshold" in crossed.text
    item = promises.tracked(PromiseKind.IDEA, idea.id)
    assert item is not None and item.due_at == add_working_days(item.started_at, 20)
    assert "The municipality has promised an official answer by" in crossed.text
    told = {
        n.user_id
        for n in db.session.scalars(
            sa.select(Notification).where(Notification.kind == "engagement.idea_threshold")
        )
    }
    assert {eng.staff.id, eng.borger.id, eng.senior.id} <= told

    login(eng.borger)
    assert (
        client.post(
            f"/engagement/ideas/{idea.id}/respond", data={"state": "accepted", "text": "Ja"}
        ).status_code
        == 403
    )
    login(eng.staff)
    no_reason = client.post(
        f"/engagement/ideas/{idea.id}/respond", data={"state": "rejected", "text": ""}, headers=EN
    )
    assert no_reason.status_code == 400
    wrong = client.post(
        f"/engagement/ideas/{idea.id}/respond", data={"state": "done", "text": "Færdig"}, headers=EN
    )
    assert wrong.status_code == 400 and "cannot move to that state" in wrong.text
    client.post(
        f"/engagement/ideas/{idea.id}/respond", data={"state": "considering", "text": "Vi undersøger det."}
    )
    db.session.refresh(idea)
    assert idea.state == IdeaState.CONSIDERING
    assert promises.tracked(PromiseKind.IDEA, idea.id).answered_at is not None
    told = {
        n.user_id
        for n in db.session.scalars(
            sa.select(Notification).where(Notification.kind == "engagement.idea_state")
        )
    }
    assert told == {eng.borger.id, eng.senior.id}
    client.post(f"/engagement/ideas/{idea.id}/respond", data={"state": "rejected", "text": "For dyrt."})
    page = client.get(f"/engagement/ideas/{idea.id}", headers=EN).text
    assert "For dyrt." in page and "Rejected" in page
    login(eng.senior)
    closed = client.post(f"/engagement/ideas/{idea.id}/unsupport", headers=EN, follow_redirects=True)
    assert "You no longer support the idea." in closed.text
    refused = client.post(f"/engagement/ideas/{idea.id}/support", headers=EN, follow_redirects=True)
    assert "takes no more support" in refused.text


def test_comments_and_merging(client, login, eng):
    original = _idea(eng, "Hundeskov i Hørning")
    duplicate = _idea(eng, "Hundeskov ved Hørning", by=eng.senior)
    login(eng.senior)
    client.post(f"/engagement/ideas/{duplicate.id}/support")
    client.post(f"/engagement/ideas/{duplicate.id}/comment", data={"body": "Ja tak!"})
    bad = client.post(f"/engagement/ideas/{duplicate.id}/comment", data={"body": CPR_TEXT}, headers=EN)
    assert bad.status_code == 400 and "CPR" in bad.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IdeaComment)) == 1
    assert (
        client.post(f"/engagement/ideas/{duplicate.id}/merge", data={"into": str(original.id)}).status_code
        == 403
    )
    login(eng.staff)
    merged = client.post(f"/engagement/ideas/{duplicate.id}/merge", data={"into": str(original.id)})
    assert merged.headers["Location"] == f"/engagement/ideas/{original.id}"
    db.session.refresh(original)
    db.session.refresh(duplicate)
    assert duplicate.state == IdeaState.MERGED and original.support_count == 1
    assert client.get(f"/engagement/ideas/{duplicate.id}", headers=EN).text.count("Hundeskov i Hørning") >= 1


def test_the_idea_list_pages_by_keyset_with_a_fixed_number_of_queries(client, eng, query_counter):
    for n in range(45):
        _idea(eng, f"Idé nummer {n}", "Tekst")
    client.get("/engagement/ideas/")
    with query_counter() as first:
        page = client.get("/engagement/ideas/", headers=EN)
    cursor = page.text.split("cursor=")[1].split("&")[0].split('"')[0]
    with query_counter() as second:
        next_page = client.get(f"/engagement/ideas/?cursor={cursor}", headers=EN)
    assert first.n == second.n
    assert "Idé nummer 44" in page.text and "Idé nummer 24" not in page.text
    assert "Idé nummer 24" in next_page.text and "Idé nummer 44" not in next_page.text


# --- working days and the promise ------------------------------------------------------------------------


def test_danish_working_days_skip_weekends_and_public_holidays():
    friday_evening = datetime(2026, 4, 1, 18, 0)  # Wednesday 1 April 2026, before Easter (UTC)
    due = add_working_days(friday_evening, 2)
    # Maundy Thursday, Good Friday, the weekend and Easter Monday are not working days.
    assert due == datetime(2026, 4, 8, 21, 59, 59)  # the end of Wednesday 8 April in Denmark (CEST)
    assert working_days_between(datetime(2026, 4, 1, 9), datetime(2026, 4, 7, 9)) == 1
    assert add_working_days(datetime(2026, 12, 4, 10), 1) == datetime(
        2026, 12, 7, 22, 59, 59
    )  # Friday → Monday


def test_overdue_items_are_escalated_once_and_shown_in_public(client, login, eng, outbox):
    idea = _idea(eng)
    item = promises.track(
        PromiseKind.IDEA, idea.id, municipality_id=eng.municipality.id, title=idea.title, started_at=utcnow()
    )
    assert promises.escalate_overdue() == 0
    promises.retime(item, started_at=utcnow() - timedelta(days=40), answered_at=None)
    assert promises.escalate_overdue() == 1
    assert promises.escalate_overdue() == 0, "once per item"
    told = db.session.scalar(sa.select(Notification).where(Notification.kind == "engagement.overdue"))
    assert told.user_id == eng.staff.id
    db.session.commit()  # as the hourly job does: the e-mails leave with the commit
    mails = [m for m in outbox() if m["To"] == eng.staff.email]
    assert any("Forsinket" in m.get_body(preferencelist=("plain",)).get_content() for m in mails), (
        "by e-mail, in Danish"
    )

    page = client.get("/engagement/response-times", headers=EN).text
    assert "Overdue now" in page and idea.title in page
    assert "An idea past the threshold gets an official response within 20 working days." in page
    assert "<td>1</td><td>0</td>" in page, "one idea decided (overdue), none answered"
    login(eng.staff)
    assert idea.title in client.get("/engagement/tracked", headers=EN).text
    login(eng.borger)
    assert client.get("/engagement/tracked").status_code == 403


def test_monthly_figures_give_the_median_and_the_share_within_the_promise(eng):
    start = datetime(2026, 3, 2, 9)  # a Monday
    for n, days in enumerate([1, 3, 10]):
        item = promises.track(
            PromiseKind.QUESTION, 1000 + n, municipality_id=eng.municipality.id, title="Q", started_at=start
        )
        promises.retime(item, started_at=start, answered_at=start + timedelta(days=days))
    figures = promises.monthly(eng.municipality.id, now=datetime(2026, 4, 15))
    march = next(f for f in figures if f.month == "2026-03" and f.kind == PromiseKind.QUESTION)
    assert (march.items, march.answered, march.within) == (3, 3, 1)
    assert march.median_days == 3


def test_fault_reports_are_tracked_through_signals(eng):
    class Report:
        id = 77
        municipality_id = eng.municipality.id
        created_at = utcnow()
        category_label = "Goal net"
        category = FaultCategory.GOAL_NET
        status = FaultStatus.ACKNOWLEDGED
        where = "Stilling Stadion"

    signals.fault_reported.send(Report(), by=eng.borger)
    item = promises.tracked(PromiseKind.FAULT, 77)
    assert item.title == "Goal net: Stilling Stadion" and item.due_at == add_working_days(item.started_at, 5)
    signals.fault_updated.send(Report(), by=eng.staff)
    assert promises.tracked(PromiseKind.FAULT, 77).answered_at is not None


def test_staff_set_the_promises(client, login, eng):
    login(eng.borger)
    assert client.get("/engagement/settings").status_code == 403
    login(eng.staff)
    data = {"idea_threshold": "25", "area_km": "30", "question_days": "3", "question_active": "y",
            "idea_days": "15", "idea_active": "y", "fault_days": "5"}  # fmt: skip
    client.post("/engagement/settings", data=data)
    terms = promises.terms(eng.municipality.id)
    assert terms[PromiseKind.QUESTION].working_days == 3 and not terms[PromiseKind.FAULT].active
    assert promises.idea_threshold(eng.municipality.id) == 25
    bad = client.post("/engagement/settings", data={**data, "question_days": "0"}, headers=EN)
    assert bad.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TrackedItem)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IdeaSupport)) == 0


def test_a_fault_report_shows_the_acknowledgement_promised_by_its_date(
    app, client, login, municipality, make_space, make_user, member
):
    """The promise's deadline on the fault report's own page (maintenance's), contributed by
    engagement through the core's ``item_facts`` hook: promised by a date, then overdue, then kept."""
    from community.i18n import force_locale, format_date
    from community.maintenance.models import FaultReport
    from tests.test_maintenance_journey import build_pitches

    p = build_pitches(municipality, make_space, make_user, member)
    login(p.jens)
    sent = client.post(
        "/maintenance/faults/new",
        data={"place": "Ry", "category": "pothole", "description": "Stort hul i cykelstien ved søen."},
        headers=EN,
        follow_redirects=True,
    )
    report = db.session.scalar(sa.select(FaultReport))
    item = promises.tracked(PromiseKind.FAULT, report.id)
    assert item.due_at == add_working_days(report.created_at, 5)
    with app.test_request_context(), force_locale("en"):
        due = format_date(item.due_at)
    assert "Response-time promise" in sent.text
    assert f"Acknowledgement promised by {due}" in sent.text and "Overdue" not in sent.text
    client.post("/logout")
    danish = client.get(f"/maintenance/faults/{report.id}", headers={"Accept-Language": "da"}).text
    assert "Svartidsløfte" in danish and "Kvittering lovet senest" in danish

    promises.retime(item, started_at=utcnow() - timedelta(days=30), answered_at=None)
    db.session.flush()
    late = client.get(f"/maintenance/faults/{report.id}", headers=EN).text
    assert "Acknowledgement promised by" in late and "Overdue" in late

    login(p.mette)
    client.post(f"/maintenance/faults/{report.id}/update", data={"status": "acknowledged"})
    item = promises.tracked(PromiseKind.FAULT, report.id)
    assert item.answered_at is not None
    kept = client.get(f"/maintenance/faults/{report.id}", headers=EN).text
    assert "Acknowledged " in kept and "(promised by " in kept and "Acknowledgement promised by" not in kept


def test_a_fault_report_the_promise_does_not_cover_shows_no_deadline(
    client, login, municipality, make_space, make_user, member
):
    from community.maintenance.models import FaultReport
    from tests.test_maintenance_journey import build_pitches

    p = build_pitches(municipality, make_space, make_user, member)
    promises.save_settings(
        municipality.id,
        by=p.mette,
        idea_threshold=50,
        area_km=25.0,
        promises={kind: (5, kind != PromiseKind.FAULT) for kind in PromiseKind},
    )
    login(p.jens)
    sent = client.post(
        "/maintenance/faults/new",
        data={"place": "Ry", "category": "pothole", "description": "Stort hul i cykelstien ved søen."},
        headers=EN,
        follow_redirects=True,
    )
    assert db.session.scalar(sa.select(FaultReport)) is not None
    assert "Your report is sent" in sent.text and "Response-time promise" not in sent.text


def _picture(size=(900, 600), fmt="PNG") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 110, 60)).save(buffer, fmt)
    return buffer.getvalue()


def _idea_with_picture(client, content: bytes, filename: str, alt: str):
    return client.post(
        "/engagement/ideas/new",
        data={
            "title": "Shelter ved søen",
            "body": "Et shelter ved Stilling Sø til familier.",
            "category": "nature",
            "space_id": "",
            "confirmed": "1",
            "image": (io.BytesIO(content), filename),
            "image_alt": alt,
        },
        content_type="multipart/form-data",
        headers=EN,
    )


def _media_files(app) -> set[str]:
    folder = Path(app.config["MEDIA_FOLDER"])
    return {p.name for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


def test_an_idea_with_a_picture_shows_its_thumbnail_with_the_description(app, client, login, eng):
    from PIL import Image

    login(eng.borger)
    sent = _idea_with_picture(client, _picture(), "shelter.png", "Skitse af et shelter ved vandet")
    idea = db.session.scalar(sa.select(Idea))
    assert sent.status_code == 302 and sent.headers["Location"] == f"/engagement/ideas/{idea.id}"
    assert idea.image and idea.thumbnail and idea.thumbnail != idea.image
    page = client.get(f"/engagement/ideas/{idea.id}", headers=EN).text
    assert (
        f'<a href="/media/{idea.image}"><img class="idea-image" src="/media/{idea.thumbnail}" '
        'alt="Skitse af et shelter ved vandet"></a>' in page
    )
    thumbnail = client.get(f"/media/{idea.thumbnail}")
    assert thumbnail.status_code == 200
    with Image.open(io.BytesIO(thumbnail.data)) as small:
        assert max(small.size) <= 480


@pytest.mark.parametrize(
    ("content", "filename", "alt", "field", "message"),
    [
        (_picture(), "shelter.png", "  ", "image_alt", "Describe the picture for those who cannot see it."),
        (b"%PDF-1.4 not a picture", "plan.pdf", "En plan", "image", "This file is not an image we can use."),
        (
            b"\x89PNG\r\n\x1a\n" + b"\0" * (10 * 1024 * 1024),
            "huge.png",
            "Et stort billede",
            "image",
            "The image is larger than 10 MB. Choose a smaller one.",
        ),
    ],
    ids=["no-description", "not-an-image", "too-large"],
)
def test_a_picture_without_a_description_or_not_a_usable_image_is_refused(
    app, client, login, eng, content, filename, alt, field, message
):
    from community.spaces.models import MediaFile

    before = _media_files(app)
    login(eng.borger)
    refused = _idea_with_picture(client, content, filename, alt)
    assert refused.status_code == 400
    assert message in refused.text and f'id="{field}-error"' in refused.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Idea)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MediaFile)) == 0
    assert _media_files(app) == before
