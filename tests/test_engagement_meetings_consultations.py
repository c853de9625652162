"""Citizen meetings and consultations through the app: the debate with badges, the officials filter,
the summary, Faaborg-Midtfyn's figures and the CSV; views on sites, comments, a proposed site, the
results as chart, table, CSV and GeoJSON, the decision told to every participant; and bad input."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from community.db import utcnow
from community.engagement.models import (
    CitizenMeeting,
    Consultation,
    MeetingComment,
    Site,
    SiteComment,
    SitePreference,
    SiteStatus,
)
from community.engagement.services import consultations, meetings
from community.engagement.services.consultations import SiteInput
from community.extensions import db
from community.notifications.models import Notification
from tests.engagement_support import CPR_TEXT, EN, eng_fixture, local, soon  # noqa: F401


@pytest.fixture
def meeting(eng):
    return meetings.create_meeting(
        eng.municipality,
        by=eng.staff,
        title="Borgermøde om Ry",
        opens_at=soon(-10),
        closes_at=soon(120),
        topics=[("Trafik", "Parkering"), ("Natur", "")],
    )


def test_staff_hold_a_meeting_with_an_agenda(client, login, eng):
    login(eng.staff)
    response = client.post(
        "/engagement/meetings/new",
        data={
            "title": "Fremtidens Ry",
            "space_id": "",
            "opens_at": local(soon(10)),
            "closes_at": local(soon(200)),
            "topics": "Trafik: parkering ved stationen\nBoliger\n",
        },
        headers=EN,
    )
    meeting = db.session.scalar(sa.select(CitizenMeeting))
    assert response.headers["Location"] == f"/engagement/meetings/{meeting.id}"
    assert [(t.title, t.description) for t in meeting.topics] == [
        ("Trafik", "parkering ved stationen"),
        ("Boliger", ""),
    ]


def test_a_meeting_closing_before_it_opens_is_refused(client, login, eng):
    login(eng.staff)
    response = client.post(
        "/engagement/meetings/new",
        data={
            "title": "Forkert",
            "opens_at": local(soon(100)),
            "closes_at": local(soon(10)),
            "topics": "Trafik",
        },
        headers=EN,
    )
    assert response.status_code == 400 and "The meeting must close after it opens." in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CitizenMeeting)) == 0


def test_the_debate_badges_filter_summary_figures_and_csv(client, login, eng, meeting):
    traffic = meeting.topics[0]
    login(eng.borger)
    made = client.post(
        f"/engagement/meetings/{meeting.id}/topics/{traffic.id}/comment",
        data={"body": "Mere parkering!"},
        headers=EN,
    )
    first = db.session.scalar(sa.select(MeetingComment))
    assert made.headers["Location"].endswith(f"#c-{first.id}")
    login(eng.senior)
    client.post(f"/engagement/meetings/{meeting.id}/topics/{traffic.id}/comment", data={"body": "Enig"})
    login(eng.mayor)
    client.post(
        f"/engagement/meetings/{meeting.id}/topics/{traffic.id}/comment",
        data={"body": "Vi ser på det.", "parent_id": str(first.id)},
    )
    reply = db.session.scalar(sa.select(MeetingComment).where(MeetingComment.parent_id == first.id))
    assert reply.official.value == "politician"
    login(eng.staff)
    client.post(
        f"/engagement/meetings/{meeting.id}/topics/{traffic.id}/comment",
        data={"body": "Forvaltningen svarer."},
    )
    page = client.get(f"/engagement/meetings/{meeting.id}", headers=EN).text
    assert 'Karen Borgmester</strong><span class="official-badge">Politician</span>' in page
    officials = client.get(f"/engagement/meetings/{meeting.id}?show=officials", headers=EN).text
    assert (
        "Vi ser på det." in officials
        and "Forvaltningen svarer." in officials
        and "Mere parkering!" not in officials
    )

    login(eng.borger)
    assert client.get(f"/engagement/meetings/{meeting.id}/export.csv").status_code == 403
    assert client.post(f"/engagement/meetings/{meeting.id}/summary", data={"summary": "x"}).status_code == 403

    meeting.opens_at, meeting.closes_at = utcnow() - timedelta(hours=3), utcnow() - timedelta(hours=1)
    db.session.flush()
    late = client.post(
        f"/engagement/meetings/{meeting.id}/topics/{traffic.id}/comment",
        data={"body": "For sent"},
        headers=EN,
    )
    assert late.status_code == 400 and "The meeting has closed" in late.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MeetingComment)) == 4

    login(eng.staff)
    client.post(f"/engagement/meetings/{meeting.id}/summary", data={"summary": "Vi hørte **meget**."})
    closed = client.get(f"/engagement/meetings/{meeting.id}", headers=EN).text
    assert "<strong>meget</strong>" in closed
    assert "<dt>Comments by citizens</dt><dd>2</dd>" in closed
    assert "<dt>Citizens who wrote</dt><dd>2</dd>" in closed
    assert "<dt>Politicians and staff who wrote</dt><dd>2</dd>" in closed
    assert "<dt>Their comments</dt><dd>2</dd>" in closed
    exported = client.get(f"/engagement/meetings/{meeting.id}/export.csv", headers=EN)
    assert exported.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert rows[0] == ["Topic", "Comment", "In reply to", "Time", "Name", "Badge", "Text"]
    assert [r[6] for r in rows[1:]] == ["Mere parkering!", "Vi ser på det.", "Enig", "Forvaltningen svarer."]
    assert rows[2][2] == str(first.id) and rows[2][5] == "Politician"


@pytest.mark.parametrize(
    ("body", "message"), [("", "Write your comment first."), ("x" * 2001, "at most 2000"), (CPR_TEXT, "CPR")]
)
def test_bad_meeting_comments_are_refused(client, login, eng, meeting, body, message):
    login(eng.borger)
    response = client.post(
        f"/engagement/meetings/{meeting.id}/topics/{meeting.topics[0].id}/comment",
        data={"body": body},
        headers=EN,
    )
    assert response.status_code == 400 and message in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MeetingComment)) == 0


# --- consultations ---------------------------------------------------------------------------------------


@pytest.fixture
def consultation(eng):
    return consultations.create_consultation(
        eng.municipality,
        by=eng.staff,
        title="Genbrugsplads ved Ry",
        description="Hvor skal den ligge?",
        deadline=utcnow() + timedelta(days=7),
        sites=[
            SiteInput("Nord", 56.1035, 9.7650, "Ry Nord"),
            SiteInput("Øst", 56.0950, 9.7830, "Ry Øst"),
            SiteInput("Syd", 56.0720, 9.7470, "Gl. Rye"),
        ],
    )


def test_staff_open_a_consultation_with_sites_from_lines(client, login, eng):
    login(eng.staff)
    response = client.post(
        "/engagement/consultations/new",
        data={
            "title": "Genbrugsplads",
            "description": "Tre placeringer.",
            "deadline": local(soon(60 * 24 * 7)),
            "mode": "preference",
            "documents": "Dagsorden | https://example.dk/dagsorden.pdf",
            "sites": "Nord | 56.1035, 9.7650 | Ved vejen\nRy by | Ry",
        },
        headers=EN,
    )
    consultation = db.session.scalar(sa.select(Consultation))
    assert response.headers["Location"] == f"/engagement/consultations/{consultation.id}"
    assert [s.name for s in consultation.sites] == ["Nord", "Ry by"]
    assert consultation.documents == [{"title": "Dagsorden", "url": "https://example.dk/dagsorden.pdf"}]


@pytest.mark.parametrize(
    ("sites", "message"),
    [
        ("", "Place at least one candidate site"),
        ("Langt væk | 55.40, 10.40", "outside the municipality"),
        ("Kun navn", "write the site as name | place | description"),
    ],
)
def test_a_consultation_without_good_sites_is_refused(client, login, eng, sites, message):
    login(eng.staff)
    response = client.post(
        "/engagement/consultations/new",
        data={
            "title": "G",
            "description": "D",
            "deadline": local(soon(600)),
            "mode": "preference",
            "sites": sites,
        },
        headers=EN,
    )
    assert response.status_code == 400 and message in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Consultation)) == 0


def test_two_citizens_give_views_and_propose_a_site_the_chart_and_csv_agree(
    client, login, eng, consultation, outbox
):
    north, east, south = consultation.sites
    login(eng.borger)
    client.post(
        f"/engagement/consultations/{consultation.id}/views",
        data={f"site-{north.id}": "1", f"site-{east.id}": "-1", f"site-{south.id}": "0"},
    )
    client.post(
        f"/engagement/consultations/{consultation.id}/sites/{north.id}/comment", data={"body": "Godt sted"}
    )
    proposed = client.post(
        f"/engagement/consultations/{consultation.id}/propose",
        data={
            "name": "Grusgraven",
            "place": "",
            "latitude": "56.115",
            "longitude": "9.735",
            "description": "Allerede industri",
        },
        headers=EN,
        follow_redirects=True,
    )
    assert "Your proposal is sent to the municipality" in proposed.text
    login(eng.senior)
    client.post(
        f"/engagement/consultations/{consultation.id}/views",
        data={f"site-{north.id}": "1", f"site-{east.id}": "1", f"site-{south.id}": "none"},
    )
    client.post(f"/engagement/consultations/{consultation.id}/propose", data={"name": "Ry by", "place": "Ry"})
    # Changing one's view replaces it: one view per person and site.
    client.post(
        f"/engagement/consultations/{consultation.id}/views",
        data={f"site-{north.id}": "1", f"site-{east.id}": "-1", f"site-{south.id}": "none"},
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SitePreference)) == 5
    staff_told = db.session.scalars(
        sa.select(Notification).where(Notification.kind == "engagement.site_proposed")
    ).all()
    assert {n.user_id for n in staff_told} == {eng.staff.id} and len(staff_told) == 2

    page = client.get(f"/engagement/consultations/{consultation.id}", headers=EN).text
    assert "2 citizens have given their view" in page
    assert (
        '<span class="bar-value">2 / 0 / 0</span>' in page
        and '<span class="bar-value">0 / 0 / 2</span>' in page
    )
    assert "<td>2</td><td>0</td><td>0</td>" in page
    exported = client.get(f"/engagement/consultations/{consultation.id}/results.csv", headers=EN).text.lstrip(
        "\ufeff"
    )
    rows = {r[0]: r for r in csv.reader(io.StringIO(exported))}
    assert (
        rows["Nord"][4:] == ["2", "0", "0"]
        and rows["Øst"][4:] == ["0", "0", "2"]
        and rows["Syd"][4:] == ["0", "1", "0"]
    )
    geo = json.loads(client.get(f"/engagement/consultations/{consultation.id}/results.geojson").text)
    assert {f["properties"]["name"]: f["properties"]["for"] for f in geo["features"]} == {
        "Nord": 2,
        "Øst": 0,
        "Syd": 0,
    }
    assert geo["features"][0]["geometry"]["coordinates"] == [9.765, 56.1035]

    grusgraven = db.session.scalar(sa.select(Site).where(Site.name == "Grusgraven"))
    login(eng.borger)
    assert (
        client.post(f"/engagement/consultations/{consultation.id}/sites/{grusgraven.id}/accept").status_code
        == 403
    )
    login(eng.staff)
    client.post(f"/engagement/consultations/{consultation.id}/sites/{grusgraven.id}/accept")
    db.session.refresh(grusgraven)
    assert grusgraven.status == SiteStatus.CANDIDATE
    accepted = db.session.scalar(
        sa.select(Notification).where(Notification.kind == "engagement.site_accepted")
    )
    assert accepted.user_id == eng.borger.id

    early = client.post(
        f"/engagement/consultations/{consultation.id}/decision",
        data={"decision": "Nord"},
        headers=EN,
        follow_redirects=True,
    )
    assert "Publish the decision after the deadline" in early.text
    consultation.deadline = utcnow() - timedelta(minutes=1)
    db.session.flush()
    client.post(
        f"/engagement/consultations/{consultation.id}/decision", data={"decision": "Byrådet valgte **Nord**."}
    )
    told = {
        n.user_id
        for n in db.session.scalars(sa.select(Notification).where(Notification.kind == "engagement.decided"))
    }
    assert told == {eng.borger.id, eng.senior.id}
    assert (
        "<strong>Nord</strong>" in client.get(f"/engagement/consultations/{consultation.id}", headers=EN).text
    )
    login(eng.borger)
    late = client.post(
        f"/engagement/consultations/{consultation.id}/views",
        data={f"site-{north.id}": "-1"},
        headers=EN,
        follow_redirects=True,
    )
    assert "The consultation has closed." in late.text


def test_bad_views_comments_and_proposals_are_refused(client, login, eng, consultation):
    north = consultation.sites[0]
    login(eng.borger)
    outside = client.post(
        f"/engagement/consultations/{consultation.id}/propose",
        data={"name": "Odense", "latitude": "55.40", "longitude": "10.39"},
        headers=EN,
    )
    assert outside.status_code == 400 and "outside the municipality" in outside.text
    nowhere = client.post(
        f"/engagement/consultations/{consultation.id}/propose", data={"name": "Et sted"}, headers=EN
    )
    assert nowhere.status_code == 400 and "Give the place" in nowhere.text
    cpr = client.post(
        f"/engagement/consultations/{consultation.id}/sites/{north.id}/comment",
        data={"body": CPR_TEXT},
        headers=EN,
    )
    assert cpr.status_code == 400 and "CPR" in cpr.text
    nonsense = client.post(
        f"/engagement/consultations/{consultation.id}/views",
        data={f"site-{north.id}": "7"},
        headers=EN,
        follow_redirects=True,
    )
    assert "Choose for, neutral or against." in nonsense.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SitePreference)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SiteComment)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Site)) == 3


def test_ranking_each_place_once(client, login, eng):
    ranked = consultations.create_consultation(
        eng.municipality,
        by=eng.staff,
        title="Rangér",
        description="D",
        deadline=utcnow() + timedelta(days=1),
        mode=consultations.ConsultationMode.RANKING,
        sites=[SiteInput("A", 56.05, 9.9), SiteInput("B", 56.06, 9.9)],
    )
    a, b = ranked.sites
    login(eng.borger)
    twice = client.post(
        f"/engagement/consultations/{ranked.id}/views",
        data={f"site-{a.id}": "1", f"site-{b.id}": "1"},
        headers=EN,
        follow_redirects=True,
    )
    assert "Give each site its own place" in twice.text
    client.post(
        f"/engagement/consultations/{ranked.id}/views", data={f"site-{a.id}": "2", f"site-{b.id}": "1"}
    )
    results = {r.site.name: (r.first, r.points) for r in consultations.results(ranked)}
    assert results == {"A": (0, 1), "B": (1, 2)}


def test_every_place_to_write_says_personal_cases_are_not_handled_here(
    client, login, eng, meeting, consultation
):
    """The Q&A hour, the citizen meeting, the consultation, a new idea and an idea's comments each tell
    a citizen, in Danish and in English, that personal cases go elsewhere, with the municipality's website
    (a Q&A hour for the whole municipality too)."""
    from community.engagement.models import IdeaCategory
    from community.engagement.services import ideas, qa

    eng.municipality.website = "https://www.skanderborg.dk"
    session = qa.create_session(
        eng.municipality,
        qa.SessionInput(title="Spørgetime", starts_at=soon(-5), ends_at=soon(55), host_ids=[eng.mayor.id]),
        by=eng.staff,
    )
    assert session.space_id is None
    idea = ideas.submit(
        eng.municipality,
        ideas.IdeaInput(title="Bænke ved søen", body="Flere bænke.", category=IdeaCategory.NATURE),
        by=eng.senior,
    )
    db.session.flush()
    login(eng.borger)
    pages = [
        f"/engagement/qa/{session.id}",
        f"/engagement/meetings/{meeting.id}",
        f"/engagement/consultations/{consultation.id}",
        "/engagement/ideas/new",
        f"/engagement/ideas/{idea.id}",
    ]
    for path in pages:
        english = client.get(path, headers=EN)
        danish = client.get(path, headers={"Accept-Language": "da"})
        assert english.status_code == danish.status_code == 200, path
        assert "Personal cases (sager) are not handled here." in english.text, path
        assert "Never write CPR numbers here." in english.text, path
        assert "Personlige sager behandles ikke her." in danish.text, path
        assert '<a href="https://www.skanderborg.dk">The municipality\'s website</a>' in english.text, path
        assert '<a href="https://www.skanderborg.dk">Kommunens hjemmeside</a>' in danish.text, path


def test_a_spaces_front_page_shows_its_own_dialogue_that_is_coming_or_open(client, eng):
    """A space's front page lists its own Q&A hours to come, meetings not closed and consultations still
    open; not those of the whole municipality, nor what is over or decided."""
    from community.engagement.services import qa

    def session(title, space, start, end):
        return qa.create_session(
            eng.municipality,
            qa.SessionInput(
                title=title, starts_at=soon(start), ends_at=soon(end), host_ids=[eng.mayor.id], space=space
            ),
            by=eng.staff,
            allow_past=True,
        )

    def meeting(title, space, opens, closes):
        return meetings.create_meeting(
            eng.municipality, by=eng.staff, title=title, opens_at=soon(opens), closes_at=soon(closes),
            topics=[("Trafik", "")], space=space, allow_past=True,
        )  # fmt: skip

    def consultation(title, space, days):
        return consultations.create_consultation(
            eng.municipality, by=eng.staff, title=title, description="Hvor?", space=space, allow_past=True,
            deadline=utcnow() + timedelta(days=days), sites=[SiteInput("Nord", 56.06, 9.99, "Stilling")],
        )  # fmt: skip

    session("Spørgetime i Stilling", eng.village, 60, 120)
    session("Spørgetime for hele kommunen", None, 60, 120)
    session("Forbi spørgetime", eng.village, -120, -60)
    meeting("Borgermøde i Stilling", eng.village, -10, 120)
    meeting("Lukket borgermøde", eng.village, -200, -100)
    consultation("Høring i Stilling", eng.village, 7)
    decided = consultation("Afgjort høring", eng.village, 7)
    decided.decided_at = utcnow()
    consultation("Udløbet høring", eng.village, -1)
    db.session.commit()

    page = client.get("/s/stilling/", headers=EN).text
    section = page[page.index("Citizen dialogue here") :]
    section = section[: section.index("</section>")]
    for shown in ("Spørgetime i Stilling", "Borgermøde i Stilling", "Høring i Stilling"):
        assert shown in section, shown
    for left_out in ("hele kommunen", "Forbi", "Lukket borgermøde", "Afgjort", "Udløbet"):
        assert left_out not in section, left_out
