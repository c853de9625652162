"""Hypothesis throws bad input at every form of the app: odd Unicode, very long strings, missing fields,
wrong types, repeated and unknown fields, junk files. No answer may be a 5xx, and a refused submission
(the form shown again with its errors, or a 4xx) must not have written a single row.

The forms are found by walking ``app.url_map``: ``FORMS`` below says, for every rule that accepts
POST, which form class its view validates and who may use it, and a test fails when a POST rule has
no entry -- so a new form cannot ship without being fuzzed."""

from __future__ import annotations

import inspect
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, url_for
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from community import geo
from community.accounts import forms as account_forms
from community.accounts.services import make_token
from community.api import forms as api_forms
from community.conversations import forms as conversation_forms
from community.db import utcnow
from community.engagement import forms as engagement_forms
from community.engagement.services import consultations as en_consultations
from community.engagement.services import ideas as en_ideas
from community.engagement.services import meetings as en_meetings
from community.engagement.services import qa as en_qa
from community.extensions import db as _db
from community.extensions import limiter
from community.forms import ActionForm
from community.helpdesk import forms as helpdesk_forms
from community.helpdesk.models import Mode
from community.helpdesk.services import feedback as hd_feedback
from community.helpdesk.services import matches as hd_matches
from community.helpdesk.services import requests as hd_requests
from community.helpdesk.services import sessions as hd_sessions
from community.helpdesk.services import topics as hd_topics
from community.helpdesk.services import volunteers as hd_volunteers
from community.helpdesk.services.requests import RequestInput
from community.maintenance import forms as maintenance_forms
from community.maintenance.models import FacilityKind, FaultCategory, FixtureKind, TaskType
from community.maintenance.services import crew as mt_crew
from community.maintenance.services import facilities as mt_facilities
from community.maintenance.services import faults as mt_faults
from community.maintenance.services import fixtures as mt_fixtures
from community.maintenance.services import plans as mt_plans
from community.maintenance.services import requests as mt_requests
from community.moderation import forms as moderation_forms
from community.moderation import services as mod_services
from community.moderation.models import Reason, WordAction
from community.notifications import following as notification_following
from community.notifications import forms as notification_forms
from community.notifications.services import notify
from community.spaces import forms as space_forms
from community.spaces import services as space_services
from community.spaces.models import JoinPolicy, Membership, MembershipStatus, Role
from community.villages import forms as village_forms
from community.villages.models import HelpCategory, PostKind
from community.villages.services import comments as village_comments
from community.villages.services import help as village_help
from community.villages.services import posts as village_posts
from community.villages.services.posts import PostInput
from tests.support import PASSWORD

# --- the scene every form is tried in -------------------------------------------------------------


@dataclass
class World:
    staff: Any
    admin: Any
    member: Any
    outsider: Any
    unconfirmed: Any
    village: Any
    club: Any
    member_in_club: Any
    pending: Any
    notification: Any
    invitation_token: str
    confirm_token: str
    reset_token: str
    question: Any = None  # by member, in the village, with a comment by admin
    #: a reported question (case), a warning to its author (action), a watched word, a protected name
    mod: dict[str, Any] = field(default_factory=dict)
    comment: Any = None
    event: Any = None
    poll: Any = None
    help_request: Any = None  # by member; admin answered it, which opened a conversation
    conversation: Any = None
    topic: Any = None  # helpdesk: a topic; admin volunteers for it by phone
    volunteer: Any = None
    drop_in: Any = None  # a drop-in session, where member has booked a seat
    booking: Any = None
    open_request: Any = None  # member asks for help by phone
    matched_request: Any = None  # member asked; admin said yes
    feedback_token: str = ""  # member's "how did it go?" link for their booking
    contractor: Any = None  # maintenance: a contractor network, with worker as its admin
    worker: Any = None
    pitch: Any = None  # used by club, looked after by contractor (mowing, nets); hall: nobody's yet
    hall: Any = None
    agreement: Any = None  # contractor mows pitch, with a weekly plan; visit is its first
    fixture: Any = None  # club's match on pitch
    plan: Any = None
    visit: Any = None
    change_request: Any = None  # club (member) asks contractor to mow pitch, not yet answered
    proposed_request: Any = None  # another, to which contractor proposed another time
    fault: Any = None  # member reported a torn net at pitch (routed to contractor) and follows it
    qa: Any = None  # engagement: a live Q&A hour hosted by admin (a politician), staff moderate
    qa_question: Any = None  # member's published question in it; another, hidden
    pending_question: Any = None
    meeting: Any = None  # an open citizen meeting with one topic
    consultation: Any = None  # an open consultation on two sites; outsider proposed a third
    proposed_site: Any = None
    idea: Any = None  # member's idea; another, by outsider
    other_idea: Any = None
    follow_token: str = ""  # the private link of a report made without an account


@pytest.fixture
def world(db, municipality, make_user, make_space, member) -> World:
    staff = make_user("staff@example.org", name="Mette Staff", staff_of=municipality)
    admin = make_user("admin@example.org", name="Hanne Admin")
    regular = make_user("member@example.org", name="Jens Member")
    outsider = make_user("outsider@example.org", name="Ole Outsider")
    unconfirmed = make_user("new@example.org", name="Nina New", confirmed=False)
    asking = make_user("asking@example.org", name="Aske Asking")
    village = make_space("village", name="Stilling", place="Stilling")
    club = make_space("club", name="Stilling IF", place="Stilling", join_policy=JoinPolicy.REQUEST)
    for space in (village, club):
        member(space, admin, "admin")
        member(space, regular)
    pending = Membership(space_id=club.id, user_id=asking.id, status=MembershipStatus.PENDING)
    _db.session.add(pending)
    _db.session.flush()
    note = notify(regular, "membership.approved", email=False, space=club.title, space_slug=club.slug)
    invitation = space_services.invite(club, email=outsider.email, role=Role.MEMBER, by=admin)
    member_in_club = _db.session.scalar(
        sa.select(Membership).where(Membership.space_id == club.id, Membership.user_id == regular.id)
    )
    _db.session.flush()
    soon = datetime.now() + timedelta(days=7)

    def write(kind: PostKind, **data: Any) -> Any:
        return village_posts.create_post(
            village, by=regular, data=PostInput(kind=kind, title=f"A {kind.value}", body="Hello", **data)
        )

    question = write(PostKind.QUESTION)
    comment = village_comments.add_comment(question, village, by=admin, body="An answer")
    event = write(PostKind.EVENT, starts_at=soon, capacity=10)
    poll = write(PostKind.POLL, poll_options=["Yes", "No"])
    help_request = write(PostKind.HELP_REQUEST, help_category=HelpCategory.GARDEN)
    conversation = village_help.respond(help_request, village, by=admin, message="I can help")
    topic = hd_topics.save_topic(municipality.id, name="Digital Post", summary="Letters")
    volunteer = hd_volunteers.save_profile(
        admin,
        municipality.id,
        topics=[topic],
        languages=["da"],
        modes=[Mode.PHONE, Mode.DROP_IN],
        radius_km=10,
        availability="",
        about="",
        paused=False,
    )
    drop_in = hd_sessions.create_sessions(
        municipality.id,
        by=staff,
        title="IT café",
        place=geo.resolve("Skanderborg"),
        starts_at=soon,
        ends_at=soon + timedelta(hours=2),
        seats=2,
        topics=[topic],
    )[0]
    booking = hd_sessions.book(drop_in, by=regular)
    windows = [(soon, soon + timedelta(hours=2))]
    open_request = hd_requests.file_request(
        municipality.id,
        by=regular,
        data=RequestInput(topic=topic, mode=Mode.PHONE, description="Letters", windows=windows),
    )
    matched_request = hd_requests.file_request(
        municipality.id,
        by=regular,
        data=RequestInput(topic=topic, mode=Mode.PHONE, description="More letters", windows=windows),
    )
    hd_matches.accept(matched_request, by=admin)
    maintenance = maintenance_scene(
        municipality, make_user, make_space, member, club=club, club_member=regular, club_admin=admin
    )
    engagement = engagement_scene(
        municipality, staff=staff, host=admin, citizen=regular, other=outsider, village=village
    )
    _db.session.flush()
    return World(
        **maintenance,
        **engagement,
        topic=topic,
        volunteer=volunteer,
        drop_in=drop_in,
        booking=booking,
        open_request=open_request,
        matched_request=matched_request,
        feedback_token=hd_feedback.token_for(booking=booking, user=regular),
        mod=moderation_scene(municipality, question=question, admin=admin, staff=staff),
        question=question,
        comment=comment,
        event=event,
        poll=poll,
        help_request=help_request,
        conversation=conversation,
        staff=staff,
        admin=admin,
        member=regular,
        outsider=outsider,
        unconfirmed=unconfirmed,
        village=village,
        club=club,
        member_in_club=member_in_club,
        pending=pending,
        notification=note,
        invitation_token=invitation.token,
        confirm_token=make_token(unconfirmed, "confirm"),
        reset_token=make_token(regular, "reset"),
    )


def maintenance_scene(
    municipality: Any,
    make_user: Any,
    make_space: Any,
    join: Any,
    *,
    club: Any,
    club_member: Any,
    club_admin: Any,
) -> dict[str, Any]:
    """Built through the maintenance services, as the maintenance tests do."""
    contractor = make_space("contractor_network", name="Grønne Områder", place="Skanderborg")
    worker = make_user("worker@example.org", name="Peter Worker")
    join(contractor, worker, "admin")
    mt_crew.grant(contractor, worker, by=None)

    def facility(name: str, kind: FacilityKind, lat: float, lon: float) -> Any:
        data = mt_facilities.FacilityInput(name=name, kind=kind, latitude=lat, longitude=lon)
        return mt_facilities.create_facility(municipality, data, by=None)

    def agree(task: TaskType) -> Any:
        data = mt_facilities.AgreementInput(contractor=contractor, task=task)
        return mt_facilities.add_agreement(pitch, data, by=None)

    pitch = facility("Stilling Stadion", FacilityKind.GRASS_PITCH, 56.066, 10.003)
    hall = facility("Stilling Hallen", FacilityKind.HALL, 56.07, 10.01)
    mowing = agree(TaskType.MOWING)
    agree(TaskType.GOAL_NET_REPAIR)
    mt_facilities.link_club(pitch, club, by=None)
    kickoff = utcnow().replace(second=0, microsecond=0) + timedelta(days=10)
    fixture = mt_fixtures.add_fixture(
        club,
        mt_fixtures.FixtureInput(
            facility_id=pitch.id,
            title="U13 mod Hørning",
            kind=FixtureKind.MATCH,
            starts_at=kickoff,
            ends_at=kickoff + timedelta(hours=2),
        ),
        by=club_admin,
    )
    plan, visits = mt_plans.create_plan(
        contractor,
        mt_plans.PlanInput(
            agreement=mowing, rrule="FREQ=WEEKLY;COUNT=4", starts_at=kickoff - timedelta(days=8, hours=3)
        ),
        by=worker,
    )

    def ask(message: str) -> Any:
        data = mt_requests.RequestInput(
            facility=pitch,
            task=TaskType.MOWING,
            wanted_before=kickoff,
            message=message,
            fixture_id=fixture.id,
        )
        return mt_requests.create_request(club, data, by=club_member)

    change_request = ask("Please mow before the match")
    proposed_request = ask("And once more, please")
    mt_requests.propose(proposed_request, at=kickoff - timedelta(days=1), by=worker)
    fault = mt_faults.report_fault(
        municipality,
        mt_faults.FaultInput(category=FaultCategory.GOAL_NET, description="The net is torn", facility=pitch),
        by=club_member,
    )
    _anonymous_fault, follow_token = mt_faults.report_anonymously(
        municipality,
        mt_faults.FaultInput(category=FaultCategory.LIGHTING, description="The lamp is out", facility=pitch),
        contact=mt_faults.Contact(name="Kirsten", email="kirsten@example.org"),
    )
    return {
        "follow_token": follow_token,
        "contractor": contractor,
        "worker": worker,
        "pitch": pitch,
        "hall": hall,
        "agreement": mowing,
        "fixture": fixture,
        "plan": plan,
        "visit": visits[0],
        "change_request": change_request,
        "proposed_request": proposed_request,
        "fault": fault,
    }


def engagement_scene(
    municipality: Any, *, staff: Any, host: Any, citizen: Any, other: Any, village: Any
) -> dict:
    """Built through the engagement services, as the engagement tests do."""
    from community.spaces.models import Official

    space_services.add_member(village, host, role=Role.ADMIN, official=Official.POLITICIAN)
    now = utcnow().replace(microsecond=0)
    session = en_qa.create_session(
        municipality,
        en_qa.SessionInput(
            title="Spørgetime",
            starts_at=now - timedelta(minutes=5),
            ends_at=now + timedelta(hours=1),
            host_ids=[host.id],
        ),
        by=staff,
    )
    question = en_qa.ask(session, body="Hvornår kommer cykelstien?", anonymous=False, by=citizen)
    pending = en_qa.ask(session, body="Og bussen?", anonymous=True, by=other)
    en_qa.hide(pending, reason="Dublet", by=staff)
    meeting = en_meetings.create_meeting(
        municipality,
        by=staff,
        title="Borgermøde",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(hours=2),
        topics=[("Trafik", "")],
    )
    consultation = en_consultations.create_consultation(
        municipality,
        by=staff,
        title="Genbrugsplads",
        description="Hvor?",
        deadline=now + timedelta(days=7),
        sites=[
            en_consultations.SiteInput("Nord", 56.10, 9.76),
            en_consultations.SiteInput("Syd", 56.07, 9.75),
        ],
    )
    proposed = en_consultations.propose_site(
        consultation, en_consultations.SiteInput("Grusgraven", 56.11, 9.73), by=other
    )
    idea = en_ideas.submit(
        municipality, en_ideas.IdeaInput(title="Shelter ved søen", body="Til spejderne"), by=citizen
    )
    other_idea = en_ideas.submit(municipality, en_ideas.IdeaInput(title="Bænke", body="Ved stien"), by=other)
    return {
        "qa": session,
        "qa_question": question,
        "pending_question": pending,
        "meeting": meeting,
        "consultation": consultation,
        "proposed_site": proposed,
        "idea": idea,
        "other_idea": other_idea,
    }


# --- which form each POST rule validates, and who may send it --------------------------------------


@dataclass(frozen=True)
class FormSpec:
    form: type[FlaskForm]
    #: the user the client is logged in as (None: anonymous)
    actor: Callable[[World], Any]
    #: URL values of the rule
    values: Callable[[World], dict[str, Any]] = lambda w: {}
    #: the form's prefix in the view (``RoleForm(prefix=f"m{id}")``)
    prefix: Callable[[World], str] = lambda w: ""
    #: field name -> plausible values, so some submissions get past validation to the service; a
    #: ``(stream, name)`` pair is sent as a file
    plausible: dict[str, list[Any]] = field(default_factory=dict)
    #: the helper function of the view's module that builds the form, when the view does not
    via: str | None = None
    #: field name -> the only values sent, to keep a known bug (with a test of its own) out of the fuzzing
    only: dict[str, list[str]] = field(default_factory=dict)
    #: field name -> more plausible values taken from the scene: the ids of its rows, which differ
    #: between databases (PostgreSQL's sequences are not rolled back)
    scene: Callable[[World], dict[str, list[str]]] = lambda w: {}


def moderation_scene(municipality: Any, *, question: Any, admin: Any, staff: Any) -> dict[str, Any]:
    case = mod_services.report(question, by=admin, reason=Reason.SPAM)
    action = mod_services.warn(question, by=admin, reason="Tonen")
    word = mod_services.add_word(municipality.id, pattern="fjols", action=WordAction.FLAG, by=staff)
    person = mod_services.add_protected(municipality.id, name="Birgitte Holm", variants="", by=staff)
    return {"case": case.id, "action": action.id, "word": word.id, "person": person.id}


def anonymous(_w: World) -> None:
    return None


def member_(w: World) -> Any:
    return w.member


def admin_(w: World) -> Any:
    return w.admin


def outsider_(w: World) -> Any:
    return w.outsider


def in_village(**extra: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"space_slug": w.village.slug, **extra}


def on(post: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"space_slug": w.village.slug, "post_id": getattr(w, post).id}


def on_comment(w: World) -> dict[str, Any]:
    return {"space_slug": w.village.slug, "comment_id": w.comment.id}


def in_conversation(w: World) -> dict[str, Any]:
    return {"conversation_id": w.conversation.id}


def worker_(w: World) -> Any:
    return w.worker


def staff_(w: World) -> Any:
    return w.staff


def in_club(w: World) -> dict[str, Any]:
    return {"space_slug": w.club.slug}


def at_contractor(w: World) -> dict[str, Any]:
    return {"space_slug": w.contractor.slug}


def at(facility: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"facility_id": getattr(w, facility).id}


def on_request(request: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"request_id": getattr(w, request).id}


def on_visit(w: World) -> dict[str, Any]:
    return {"space_slug": w.contractor.slug, "visit_id": w.visit.id}


def on_fault(w: World) -> dict[str, Any]:
    return {"report_id": w.fault.id}


def on_worker_membership(w: World) -> dict[str, Any]:
    membership = _db.session.scalar(
        sa.select(Membership).where(Membership.space_id == w.contractor.id, Membership.user_id == w.worker.id)
    )
    return {"space_slug": w.contractor.slug, "membership_id": membership.id}


def facilities_(w: World) -> dict[str, list[str]]:
    return {"facility_id": [str(w.pitch.id), str(w.hall.id), ""]}


NEW_PASSWORD = ["correct horse battery staple", PASSWORD, "short"]
PLACES = ["Stilling", "8660", "Skanderborg", "Atlantis", "Hørning (8362 Hørning)"]
COLOURS = ["#1f5f3a", "#ffffff", "#FFF", "1f5f3a", "#zzzzzz", "#000000"]
IDS = ["1", "2", "3", "4", "0", "-1", "1.5", "١"]  # a huge id: see test_an_id_too_large_for_the_database
RADII = ["5", "0.5", "50", "51", "4,5", "NaN", "sNaN", "-Infinity"]
WHEN = {
    "starts_at": ["2031-05-01T18:00", "2000-01-01T00:00", "2031-02-30T10:00", "9999-12-31T23:59", "now"],
    "ends_at": ["2031-05-01T17:00", "2031-05-01T20:00", "0001-01-01T00:00"],
    "poll_closes_at": ["2031-05-01T18:00", "1999-01-01T00:00"],
    "capacity": ["0", "1", "100001", "-5", "2.5", "99999999999999999999999"],
    "poll_options": ["A\nB", "A\na", "only one", "\n".join("x" * 5 for _ in range(40))],
    "help_category": ["garden", "transport", "nonsense", ""],
    "tags": ["garden, tools", ",,,", "#, #, #", ", ".join(f"t{i}" for i in range(100))],
}
PLACE = {"place": PLACES}
#: local times for the maintenance forms: a DST gap (2031-03-30 02:30 does not exist in Denmark), the
#: last minute of year 9999 and the first of year 1, both beyond UTC once the offset is applied
MOMENTS = ["2031-05-01T18:00", "2031-03-30T02:30", "2000-01-01T00:00", "9999-12-31T23:59", "0001-01-01T00:00"]
RULES = [
    "FREQ=WEEKLY;BYDAY=SA",
    "FREQ=WEEKLY;COUNT=6",
    "rrule:freq=daily;until=20311031T000000Z",
    "FREQ=MONTHLY;BYMONTHDAY=31;COUNT=3",
    "FREQ=SOMETIMES",
    "FREQ=WEEKLY;BYDAY=XX",
    "FREQ=YEARLY;BYMONTH=13",
    "FREQ=DAILY;INTERVAL=0",
    "FREQ=WEEKLY;UNTIL=20000101T000000Z",
    "FREQ=SECONDLY",  # see test_a_rule_more_often_than_hourly_is_refused
    "FREQ=HOURLY;BYMINUTE=0,1",
    "DTSTART:20310101T000000\nRRULE:FREQ=DAILY",
]
TIMES = {"starts_at": MOMENTS, "ends_at": [*MOMENTS, *WHEN["ends_at"]], "rrule": RULES}
#: an agreement's service level: how often, and the tallest the grass may grow
TERMS = {"interval_days": ["7", "14", "5", "", "x"], "max_height_mm": ["60", "20", "0", "1001"]}
#: the fixture form's repetition: how often, on which days, to which date, and which dates not
REPEATS = {
    "repeat": ["once", "weekly", "biweekly", "monthly", "custom", "hourly"],
    "weekdays": ["0", "5", "6", "7", "-1", "x"],
    "until": ["2031-10-31", "2000-01-01", "9999-12-31", "0001-01-01", "2031-02-30"],
    "skip_holidays": ["y", ""],
    "skipped_dates": ["24-12-2031", "2031-12-31, 1.1.2032", "31-02-2031", "01-01-0001", "x, y"],
}


def ics_file(*event: str, encoding: str = "utf-8") -> tuple[io.BytesIO, str]:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", "UID:kamp-1@klub.dk", *event, "END:VEVENT"]
    return io.BytesIO("\r\n".join([*lines, "END:VCALENDAR", ""]).encode(encoding, "replace")), "klub.ics"


MATCH = (
    "DTSTART;TZID=Europe/Copenhagen:20310503T100000",
    "DTEND;TZID=Europe/Copenhagen:20310503T120000",
    "SUMMARY:Kamp mod Hørning",
)
ICS_FILES = [
    ics_file(*MATCH),
    ics_file(*MATCH, "RRULE:FREQ=WEEKLY;BYDAY=SA;COUNT=5"),
    ics_file(*MATCH, "RRULE:FREQ=SOMETIMES"),
    ics_file(*MATCH, "RRULE:FREQ=SECONDLY"),
    ics_file(*MATCH, "this line is broken"),
    ics_file(*MATCH, "LOCATION:Bane\x001"),
    ics_file(*MATCH, encoding="latin-1"),
    ics_file("DTSTART:2031xx", "SUMMARY:Kamp"),
    ics_file("DTSTART:99991231T230000Z", "DURATION:P2D", "SUMMARY:Kamp"),
    ics_file("DTSTART:00010101T000000", "SUMMARY:Kamp"),
    ics_file("DTSTART;VALUE=DATE:20310503", "SUMMARY:Stævne"),
    ics_file("DTSTART:20310503T100000Z", "DTEND:20310503T090000Z", "SUMMARY:Kamp"),
    (io.BytesIO(b""), "empty.ics"),
]


def on_question(attr: str = "qa_question") -> Callable[[World], dict[str, Any]]:
    return lambda w: {"question_id": getattr(w, attr).id}


def on_idea(w: World) -> dict[str, Any]:
    return {"idea_id": w.idea.id}


def in_consultation(**extra: Any) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"consultation_id": w.consultation.id, **extra}


def site_views(w: World) -> dict[str, list[str]]:
    return {f"site-{s.id}": ["1", "0", "-1", "none", "7"] for s in w.consultation.sites}


EN_WHEN = ["2031-05-01T18:00", "2031-05-01T17:00", "2000-01-01T00:00", "2031-03-30T02:30", "9999-12-31T23:59"]
CPR_OR_NOT = ["Hvornår kommer cykelstien?", "Mit CPR er 010203-1234", " ", "x" * 301]
ENGAGEMENT_FORMS: dict[str, FormSpec] = {
    "engagement.qa_new": FormSpec(
        engagement_forms.QASessionForm,
        staff_,
        plausible={
            "starts_at": EN_WHEN,
            "ends_at": EN_WHEN,
            "open_hours_before": ["0", "24", "400", "-1"],
            "helpers": ["member@example.org", "nobody@example.org", ""],
        },
        scene=lambda w: {
            "hosts": [str(w.admin.id), str(w.member.id)],
            "space_id": [str(w.village.id), "", "999"],
        },
    ),
    "engagement.qa_ask": FormSpec(
        engagement_forms.AskForm, member_, lambda w: {"session_id": w.qa.id}, plausible={"body": CPR_OR_NOT}
    ),
    "engagement.qa_hide": FormSpec(
        engagement_forms.ReasonForm,
        staff_,
        on_question(),
        plausible={"reason": ["Dublet", "010203-1234", ""]},
    ),
    "engagement.qa_merge": FormSpec(
        engagement_forms.MergeForm,
        staff_,
        on_question("pending_question"),
        scene=lambda w: {"into": [str(w.qa_question.id), str(w.pending_question.id), "0"]},
    ),
    "engagement.qa_answer": FormSpec(
        engagement_forms.AnswerForm,
        admin_,
        on_question(),
        plausible={"answer": ["Til sommer.", "010203-1234"]},
    ),
    **{
        f"engagement.qa_{name}": FormSpec(engagement_forms.ActionForm, actor, on_question(attr), via="_act")
        for name, actor, attr in [
            ("vote", member_, "qa_question"),
            ("unvote", member_, "qa_question"),
            ("publish", staff_, "pending_question"),
            ("answering", staff_, "qa_question"),
        ]
    },
    "engagement.meeting_new": FormSpec(
        engagement_forms.MeetingForm,
        staff_,
        plausible={"opens_at": EN_WHEN, "closes_at": EN_WHEN, "topics": ["Trafik: veje\nBoliger", "", ":"]},
    ),
    "engagement.meeting_comment": FormSpec(
        engagement_forms.CommentForm,
        member_,
        lambda w: {"meeting_id": w.meeting.id, "topic_id": w.meeting.topics[0].id},
        plausible={"body": CPR_OR_NOT, "parent_id": ["", "1", "x"]},
    ),
    "engagement.meeting_summary": FormSpec(
        engagement_forms.SummaryForm, staff_, lambda w: {"meeting_id": w.meeting.id}
    ),
    "engagement.consultation_new": FormSpec(
        engagement_forms.ConsultationForm,
        staff_,
        plausible={
            "deadline": EN_WHEN,
            "sites": [
                "Nord | 56.10, 9.76",
                "Nord | Ry | Ved vejen\nSyd | 8660",
                "Langt væk | 55.4, 10.4",
                "x",
                "",
            ],
            "documents": ["Plan | https://example.dk/plan.pdf", "Plan | javascript:alert(1)", "|"],
        },
    ),
    "engagement.consultation_views": FormSpec(
        engagement_forms.ActionForm, member_, in_consultation(), scene=site_views
    ),
    "engagement.consultation_comment": FormSpec(
        engagement_forms.CommentForm,
        member_,
        lambda w: {"consultation_id": w.consultation.id, "site_id": w.consultation.sites[0].id},
        plausible={"body": CPR_OR_NOT},
    ),
    "engagement.consultation_propose": FormSpec(
        engagement_forms.SiteForm,
        member_,
        in_consultation(),
        plausible={
            "place": PLACES,
            "latitude": ["56.1", "55.4", "NaN", "91"],
            "longitude": ["9.75", "10.4", "-200"],
        },
    ),
    "engagement.consultation_site_answer": FormSpec(
        engagement_forms.ActionForm,
        staff_,
        lambda w: {"consultation_id": w.consultation.id, "site_id": w.proposed_site.id, "answer": "accept"},
    ),
    "engagement.consultation_decision": FormSpec(engagement_forms.DecisionForm, staff_, in_consultation()),
    "engagement.idea_new": FormSpec(
        engagement_forms.IdeaForm,
        member_,
        plausible={
            "place": ["", *PLACES, "Odense"],
            "confirmed": ["1", ""],
            "body": ["Til spejderne", "010203-1234"],
        },
        scene=lambda w: {"space_id": [str(w.village.id), ""]},
    ),
    "engagement.idea_support": FormSpec(
        engagement_forms.ActionForm, member_, lambda w: {"idea_id": w.other_idea.id, "action": "support"}
    ),
    "engagement.idea_comment": FormSpec(
        engagement_forms.CommentForm, member_, on_idea, plausible={"body": CPR_OR_NOT}
    ),
    "engagement.idea_respond": FormSpec(
        engagement_forms.IdeaResponseForm,
        staff_,
        on_idea,
        plausible={
            "state": ["considering", "accepted", "rejected", "done", "x"],
            "text": ["Vi ser på det.", ""],
        },
    ),
    "engagement.idea_merge": FormSpec(
        engagement_forms.IdeaMergeForm,
        staff_,
        on_idea,
        scene=lambda w: {"into": [str(w.other_idea.id), str(w.idea.id), "0", "99999"]},
    ),
    "engagement.settings": FormSpec(
        engagement_forms.SettingsForm,
        staff_,
        plausible={
            "idea_threshold": ["10", "0"],
            "area_km": ["25", "0,5", "NaN"],
            "question_days": ["2", "0", "500"],
        },
    ),
}

FORMS: dict[str, FormSpec] = {
    "moderation.report": FormSpec(
        moderation_forms.ReportForm,
        member_,
        lambda w: {"kind": "comment", "item_id": w.comment.id},
        plausible={"reason": ["spam", "other", "hate"], "note": ["Grimt", ""]},
    ),
    "moderation.space_case": FormSpec(
        moderation_forms.ActForm,
        admin_,
        lambda w: {"space_slug": w.village.slug, "case_id": w.mod["case"]},
        via="_case_page",
        plausible={
            "action": ["keep", "hide", "suspend", "edit"],
            "reason": ["Tonen", ""],
            "days": ["3", "0"],
        },
    ),
    "moderation.staff_case": FormSpec(
        moderation_forms.ActForm,
        staff_,
        lambda w: {"case_id": w.mod["case"]},
        via="_case_page",
        plausible={"action": ["keep", "hide", "warn", "exclude"], "reason": ["Tonen"]},
    ),
    "moderation.action_detail": FormSpec(
        moderation_forms.AppealForm,
        member_,
        lambda w: {"action_id": w.mod["action"]},
        prefix=lambda w: "appeal",
        plausible={"text": ["Det var ikke ment sådan"]},
    ),
    "moderation.block": FormSpec(ActionForm, member_, lambda w: {"user_id": w.outsider.id}),
    "moderation.unblock": FormSpec(ActionForm, member_, lambda w: {"user_id": w.outsider.id}),
    "moderation.delete_account": FormSpec(moderation_forms.DeleteAccountForm, member_),
    "moderation.my_data": FormSpec(ActionForm, member_),
    "moderation.protected": FormSpec(
        moderation_forms.ProtectedForm,
        staff_,
        plausible={"name": ["Ib Sagsbehandler"], "email": ["", "x@y.dk"]},
    ),
    "moderation.delete_protected": FormSpec(ActionForm, staff_, lambda w: {"person_id": w.mod["person"]}),
    "moderation.staff_words": FormSpec(
        moderation_forms.WordForm,
        staff_,
        via="_words_page",
        plausible={"pattern": ["tåbe", "/(x/", "/ok+/"], "action": ["block", "hold", "flag"]},
    ),
    "moderation.space_words": FormSpec(
        moderation_forms.WordForm,
        admin_,
        lambda w: {"space_slug": w.village.slug},
        via="_words_page",
        plausible={"pattern": ["tåbe"], "action": ["hold"]},
    ),
    "moderation.delete_word": FormSpec(ActionForm, staff_, lambda w: {"word_id": w.mod["word"]}),
    "moderation.staff_person": FormSpec(
        moderation_forms.StaffDeleteForm, staff_, prefix=lambda w: "delete", plausible={"content": ["keep"]}
    ),
    "accounts.register": FormSpec(
        account_forms.RegisterForm,
        anonymous,
        plausible={
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "home": PLACES,
            "next": ["/", "//evil"],
        },
    ),
    "accounts.confirm": FormSpec(
        account_forms.ResendConfirmationForm, lambda w: w.unconfirmed, lambda w: {"token": w.confirm_token}
    ),
    "accounts.resend_confirmation": FormSpec(account_forms.ResendConfirmationForm, lambda w: w.unconfirmed),
    "accounts.login": FormSpec(
        account_forms.LoginForm,
        anonymous,
        plausible={"email": ["member@example.org"], "password": [PASSWORD], "next": ["/", "http://x"]},
    ),
    "accounts.logout": FormSpec(ActionForm, lambda w: w.member),
    "accounts.reset_request": FormSpec(
        account_forms.ResetRequestForm, anonymous, plausible={"email": ["member@example.org"]}
    ),
    "accounts.reset": FormSpec(
        account_forms.ResetForm,
        anonymous,
        lambda w: {"token": w.reset_token},
        plausible={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    ),
    "accounts.profile": FormSpec(account_forms.ProfileForm, lambda w: w.member, plausible={"home": PLACES}),
    "accounts.change_password": FormSpec(
        account_forms.PasswordChangeForm,
        lambda w: w.member,
        plausible={"current_password": [PASSWORD], "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    ),
    "accounts.language": FormSpec(account_forms.LanguageForm, lambda w: w.member),
    "accounts.text_size": FormSpec(account_forms.TextSizeForm, lambda w: w.member),
    "spaces.join": FormSpec(
        space_forms.JoinForm, lambda w: w.outsider, lambda w: {"space_slug": w.club.slug}
    ),
    "spaces.leave": FormSpec(ActionForm, lambda w: w.member, lambda w: {"space_slug": w.club.slug}),
    "spaces.change_role": FormSpec(
        space_forms.RoleForm,
        lambda w: w.admin,
        lambda w: {"space_slug": w.club.slug, "membership_id": w.member_in_club.id},
        prefix=lambda w: f"m{w.member_in_club.id}",
    ),
    "spaces.approve": FormSpec(
        ActionForm, lambda w: w.admin, lambda w: {"space_slug": w.club.slug, "membership_id": w.pending.id}
    ),
    "spaces.reject": FormSpec(
        ActionForm, lambda w: w.admin, lambda w: {"space_slug": w.club.slug, "membership_id": w.pending.id}
    ),
    "spaces.invite": FormSpec(
        space_forms.InviteForm,
        lambda w: w.admin,
        lambda w: {"space_slug": w.club.slug},
        plausible={"email": ["member@example.org", "someone@example.org"]},
    ),
    "spaces.settings": FormSpec(
        space_forms.ThemeForm,
        lambda w: w.admin,
        lambda w: {"space_slug": w.club.slug},
        plausible={"primary_color": COLOURS},
    ),
    "spaces.invitation": FormSpec(ActionForm, lambda w: w.outsider, lambda w: {"token": w.invitation_token}),
    "admin.space_new": FormSpec(
        space_forms.SpaceCreateForm,
        lambda w: w.staff,
        plausible={
            "place": PLACES,
            "primary_color": COLOURS,
            "slug": ["ny-by", "stilling", "Æ Ø", "-x-"],
            "hostname": ["ny.example.dk", "http://x/y", "a..b"],
        },
    ),
    "admin.space_edit": FormSpec(
        space_forms.SpaceSettingsForm,
        lambda w: w.staff,
        lambda w: {"space_id": w.village.id},
        plausible={
            "place": PLACES,
            "primary_color": COLOURS,
            "slug": ["stilling", "stilling-if", "ny-by", "Æ Ø"],
            "hostname": ["ny.example.dk", "http://x/y", ""],
            "radius_km": ["5", "0.4", "200", "1e999", "NaN", "-0"],
        },
    ),
    "admin.space_archive": FormSpec(ActionForm, lambda w: w.staff, lambda w: {"space_id": w.village.id}),
    "admin.places": FormSpec(
        space_forms.PlaceForm,
        lambda w: w.staff,
        plausible={
            "postcode": ["8660", "866", "86600", "٨٦٦٠"],
            "latitude": ["56.1", "54.5", "57.8", "90", "NaN", "1e999", "56,1"],
            "longitude": ["10.0", "8.0", "15.2", "-200", "Infinity", "sNaN"],
        },
    ),
    "notifications.read": FormSpec(
        ActionForm, lambda w: w.member, lambda w: {"notification_id": w.notification.id}
    ),
    "notifications.read_all": FormSpec(ActionForm, lambda w: w.member),
    "helpdesk.topic_edit": FormSpec(helpdesk_forms.TopicForm, lambda w: w.staff),
    "helpdesk.guide_edit": FormSpec(
        helpdesk_forms.GuideForm,
        lambda w: w.staff,
        lambda w: {"slug": w.topic.slug},
        plausible={"steps": ["Open the app.\n\nLog in.", "x", "010203-1234"]},
    ),
    "helpdesk.volunteer": FormSpec(
        helpdesk_forms.VolunteerForm,
        lambda w: w.member,
        plausible={"radius_km": RADII, "modes": ["phone", "home"], "languages": ["da", "xx"], "topics": IDS},
    ),
    "helpdesk.vet": FormSpec(ActionForm, lambda w: w.staff, lambda w: {"profile_id": w.volunteer.id}),
    "helpdesk.session_new": FormSpec(
        helpdesk_forms.SessionForm,
        lambda w: w.staff,
        plausible={**WHEN, "place": PLACES, "seats": ["0", "6", "501"], "weeks": ["1", "27", "8"]},
    ),
    "helpdesk.book": FormSpec(
        helpdesk_forms.BookingForm, lambda w: w.outsider, lambda w: {"session_id": w.drop_in.id}
    ),
    "helpdesk.cancel_booking": FormSpec(
        helpdesk_forms.BookingForm, lambda w: w.member, lambda w: {"booking_id": w.booking.id}
    ),
    "helpdesk.ask": FormSpec(
        helpdesk_forms.RequestForm,
        lambda w: w.outsider,
        plausible={
            "who": ["me", "other"],
            "mode": ["phone", "home"],
            "topic": IDS,
            "place": PLACES,
            "phone": ["86 12 34 56", "123", "+4586123456"],
            "consent": ["y", ""],
            "window_1_start": WHEN["starts_at"],
            "window_1_end": WHEN["ends_at"],
        },
    ),
    "helpdesk.accept": FormSpec(ActionForm, lambda w: w.admin, lambda w: {"request_id": w.open_request.id}),
    "helpdesk.schedule": FormSpec(
        helpdesk_forms.ScheduleForm,
        lambda w: w.member,
        lambda w: {"request_id": w.matched_request.id},
        plausible={"agreed_at": WHEN["starts_at"]},
    ),
    "helpdesk.done": FormSpec(
        helpdesk_forms.DoneForm,
        lambda w: w.member,
        lambda w: {"request_id": w.matched_request.id},
        plausible={"hours": ["1", "0", "25", "NaN"], "rating": ["5", "9", ""]},
    ),
    "helpdesk.cancel": FormSpec(ActionForm, lambda w: w.member, lambda w: {"request_id": w.open_request.id}),
    "helpdesk.assign": FormSpec(
        helpdesk_forms.AssignForm,
        lambda w: w.staff,
        lambda w: {"request_id": w.matched_request.id},
        plausible={"volunteer_id": IDS},
        via="_assign_form",
    ),
    "helpdesk.release": FormSpec(
        helpdesk_forms.ReleaseForm, lambda w: w.staff, lambda w: {"request_id": w.matched_request.id}
    ),
    "helpdesk.hand_back": FormSpec(
        helpdesk_forms.HandBackForm, lambda w: w.admin, lambda w: {"request_id": w.matched_request.id}
    ),
    "helpdesk.share_phone": FormSpec(
        helpdesk_forms.PhoneForm,
        lambda w: w.member,
        lambda w: {"request_id": w.matched_request.id},
        plausible={"phone": ["86 12 34 56", "123", "+4586123456", "0045 20 12 34 56", ""]},
    ),
    "helpdesk.feedback": FormSpec(
        helpdesk_forms.FeedbackForm,
        lambda w: None,
        lambda w: {"token": w.feedback_token},
        plausible={"answer": ["good", "not_so_good", "bad"]},
    ),
    "helpdesk.take_attendance": FormSpec(
        helpdesk_forms.AttendanceForm,
        lambda w: w.staff,
        lambda w: {"session_id": w.drop_in.id},
        plausible={"came": IDS},
    ),
    # categories: see test_a_choice_that_is_not_offered_is_refused
    "villages.help_alert": FormSpec(
        village_forms.HelpAlertForm,
        member_,
        plausible={"radius_km": RADII},
        only={"categories": ["garden", "transport"]},
    ),
    **{
        f"villages.{name}": FormSpec(form, actor, values, plausible=plausible, via=via)
        for name, form, actor, values, plausible, via in [
            ("write", village_forms.PostForm, member_, in_village(kind="event"), {**WHEN, **PLACE}, None),
            ("edit", village_forms.EditPostForm, member_, on("question"), {**WHEN, **PLACE}, None),
            ("delete", ActionForm, member_, on("question"), {}, "_action"),
            ("pin", ActionForm, admin_, on("question"), {}, "_action"),
            ("close", ActionForm, member_, on("question"), {}, "_action"),
            ("thank", ActionForm, admin_, on("question"), {}, "_action"),
            ("comment", village_forms.CommentForm, member_, on("question"), {"parent_id": IDS}, None),
            ("edit_comment", village_forms.CommentForm, admin_, on_comment, {}, None),
            ("delete_comment", ActionForm, admin_, on_comment, {}, "_action"),
            ("thank_comment", ActionForm, member_, on_comment, {}, "_action"),
            ("accept", village_forms.AcceptForm, member_, on("question"), {"comment_id": IDS}, None),
            ("rsvp", village_forms.RsvpForm, member_, on("event"), {"waitlist": ["1", "0"]}, None),
            ("vote", village_forms.VoteForm, member_, on("poll"), {"options": IDS}, None),
            ("respond", village_forms.RespondForm, outsider_, on("help_request"), {}, None),
            ("resolve", village_forms.ResolveForm, member_, on("help_request"), {"helper_id": IDS}, None),
            ("help_alert_remove", ActionForm, member_, lambda w: {}, {}, None),
        ]
    },
    "conversations.send": FormSpec(conversation_forms.MessageForm, member_, in_conversation),
    "conversations.mark_read": FormSpec(ActionForm, member_, in_conversation),
    "maintenance.facility_new": FormSpec(
        maintenance_forms.FacilityForm,
        staff_,
        plausible={
            "place": PLACES,
            "latitude": ["56.066", "90", "-91", "NaN", "56,1", ""],
            "longitude": ["10.003", "180", "181", "-Infinity", ""],
        },
    ),
    "maintenance.agreement_new": FormSpec(
        maintenance_forms.AgreementForm,
        staff_,
        at("hall"),
        plausible={
            "season_start_month": ["4", "1", "13", "0"],
            "season_end_month": ["10", "12", "-1"],
            "height_mm": ["30", "0", "501"],
            "quiet_hours_before": ["2", "0", "73"],
            "wanted_within_hours": ["48", "0", "169"],
            **TERMS,
        },
        scene=lambda w: {"contractor": [str(w.contractor.id), str(w.club.id), str(w.village.id)]},
    ),
    "maintenance.agreement_edit": FormSpec(
        maintenance_forms.TermsForm,
        staff_,
        lambda w: {"agreement_id": w.agreement.id},
        plausible={
            "season_start_month": ["4", "1", "13", "0", ""],
            "season_end_month": ["10", "12", "-1", ""],
            "height_mm": ["30", "0", "501"],
            **TERMS,
        },
    ),
    "maintenance.club_link": FormSpec(
        maintenance_forms.ClubLinkForm,
        staff_,
        at("hall"),
        scene=lambda w: {"club": [str(w.club.id), str(w.contractor.id), str(w.village.id)]},
    ),
    "maintenance.facility_close": FormSpec(
        maintenance_forms.ClosureForm,
        worker_,
        at("pitch"),
        plausible={**TIMES, "reason": ["Waterlogged after the rain", "010203-1234"]},
    ),
    "maintenance.fixture_new": FormSpec(
        maintenance_forms.FixtureForm,
        admin_,
        in_club,
        plausible={**TIMES, **REPEATS, "title": ["U13 mod Hørning", "010203-1234"]},
        scene=facilities_,
    ),
    "maintenance.fixture_edit": FormSpec(
        maintenance_forms.FixtureForm,
        admin_,
        lambda w: {**in_club(w), "fixture_id": w.fixture.id},
        plausible={**TIMES, **REPEATS, "title": ["U13 mod Hørning", "010203-1234"]},
        scene=facilities_,
    ),
    "maintenance.calendar_import": FormSpec(
        maintenance_forms.ImportForm, admin_, in_club, plausible={"file": ICS_FILES}, scene=facilities_
    ),
    "maintenance.request_new": FormSpec(
        maintenance_forms.RequestForm,
        admin_,
        in_club,
        plausible={"wanted_before": MOMENTS, "message": ["Please mow pitch 2", "010203-1234"]},
        scene=lambda w: {
            **facilities_(w),
            "occurrence": [f"{w.fixture.id}@{w.fixture.starts_at:%Y%m%dT%H%M}", f"{w.fixture.id}@x", ""],
        },
    ),
    "maintenance.request_propose": FormSpec(
        maintenance_forms.ProposeForm,
        worker_,
        on_request("change_request"),
        plausible={"at": MOMENTS, "note": ["Friday morning suits us", "010203-1234"]},
    ),
    "maintenance.request_decline": FormSpec(
        maintenance_forms.DeclineForm,
        worker_,
        on_request("change_request"),
        plausible={"reason": ["Too wet", "010203-1234", " "]},
    ),
    "maintenance.request_message": FormSpec(
        maintenance_forms.ThreadForm,
        member_,
        on_request("change_request"),
        plausible={"body": ["Thank you", "010203-1234", " "]},
    ),
    "maintenance.plan_new": FormSpec(
        maintenance_forms.PlanForm,
        worker_,
        at_contractor,
        plausible={**TIMES, "duration_minutes": ["60", "9", "721", "1e3"]},
        scene=lambda w: {"agreement": [str(w.agreement.id), str(w.agreement.id + 1), "0"]},
    ),
    "maintenance.visit_done": FormSpec(
        maintenance_forms.DoneForm,
        worker_,
        on_visit,
        plausible={"note": ["Mowed", "010203-1234"], "height_mm": ["50", "0", "1001", "x"]},
    ),
    "maintenance.visit_skip": FormSpec(
        maintenance_forms.SkipForm, worker_, on_visit, plausible={"reason": ["Too wet to mow", "010203-1234"]}
    ),
    "maintenance.visit_move": FormSpec(
        maintenance_forms.MoveForm, worker_, on_visit, plausible={"to": MOMENTS}
    ),
    "maintenance.fault_new": FormSpec(
        maintenance_forms.FaultForm,
        anonymous,
        plausible={
            "reporter_name": ["Kirsten", "010203-1234", ""],
            "reporter_email": ["kirsten@example.org", "not an address", ""],
            "reporter_phone": ["+45 86 12 34 56", "010203-1234", "call me", ""],
            "place": PLACES,
            "latitude": ["56.066", "56.1", "53.9", "90", "NaN"],
            "longitude": ["10.003", "10.0", "16.1", "-200"],
            "description": ["The net in the north goal is torn", "010203-1234", " "],
            "confirmed": ["1", "", "0"],
        },
        scene=facilities_,
    ),
    "maintenance.fault_update": FormSpec(
        maintenance_forms.FaultUpdateForm,
        worker_,
        on_fault,
        plausible={
            "responsible_instead": ["Vejdirektoratet", ""],
            "note": ["A new net is ordered", "010203-1234", ""],
        },
    ),
    **ENGAGEMENT_FORMS,
    **{
        f"maintenance.{name}": FormSpec(ActionForm, actor, values, via=via)
        for name, actor, values, via in [
            ("fixture_delete", admin_, lambda w: {**in_club(w), "fixture_id": w.fixture.id}, None),
            ("crew_grant", worker_, on_worker_membership, "_crew_change"),
            ("crew_revoke", worker_, on_worker_membership, "_crew_change"),
            ("request_accept", worker_, on_request("change_request"), None),
            ("request_accept_proposal", member_, on_request("proposed_request"), None),
            ("fault_follow", outsider_, on_fault, None),
            ("fault_forget", anonymous, lambda w: {"token": w.follow_token}, None),
            ("fault_unfollow", member_, on_fault, None),
            ("space_feed", member_, in_club, "_checked"),
            ("space_feed_revoke", worker_, at_contractor, "_checked"),
            ("facility_feed", member_, at("pitch"), "_checked"),
            ("facility_feed_revoke", worker_, at("pitch"), "_checked"),
        ]
    },
}


def _token_of(w: World, kind: str) -> int:
    """A token of the member's (``personal``) or the municipality's (``open311``), made once per scene."""
    from community.api import tokens
    from community.api.models import Scope, TokenKind

    key = f"_token_{kind}"
    if key not in w.__dict__:
        if kind == "personal":
            made, _secret = tokens.create_personal(
                w.member, name="script", scopes=[Scope.READ], days=30, municipality_id=None
            )
        else:
            place = _db.session.get(type(w.village.municipality), w.staff.staff_municipality_id)
            made, _secret = tokens.create_municipal(
                place, TokenKind.OPEN311, name="app", days=365, by=w.staff
            )
        _db.session.flush()
        w.__dict__[key] = made.id
    return w.__dict__[key]


FORMS.update(
    {
        "api_pages.profile_tokens": FormSpec(
            api_forms.TokenForm,
            member_,
            plausible={
                "name": ["Min kalender", ""],
                "scopes": ["read", "write", "admin"],
                "days": ["30", "1000"],
            },
        ),
        "api_pages.profile_token_revoke": FormSpec(
            ActionForm, member_, lambda w: {"token_id": _token_of(w, "personal")}
        ),
        "api_pages.console_tokens": FormSpec(
            api_forms.MunicipalTokenForm,
            staff_,
            plausible={
                "name": ["skanderborg.dk", ""],
                "kind": ["site", "open311", "personal"],
                "days": ["365", "7"],
            },
        ),
        "api_pages.console_token_revoke": FormSpec(
            ActionForm, staff_, lambda w: {"token_id": _token_of(w, "open311")}
        ),
    }
)


def _member_follow(w: World) -> Any:
    """Member follows their own question (writing it followed it)."""
    return notification_following.follow_of(w.member, "post", w.question.id)


def _unsubscribe(w: World) -> dict[str, Any]:
    return {"token": notification_following.unsubscribe_token(w.member, _member_follow(w))}


LEVELS = ["everything", "replies", "muted", "loud"]
FORMS.update(
    {
        "notifications.follow": FormSpec(
            notification_forms.FollowForm,
            member_,
            lambda w: {"name": "post", "target_id": w.question.id},
            plausible={"level": LEVELS, "stop": ["1"]},
        ),
        "notifications.following_page": FormSpec(
            notification_forms.SettingsForm,
            member_,
            plausible={
                "frequency": ["instant", "daily", "weekly", "app", "hourly"],
                "digest_hour": ["0", "23", "24", "-1"],
                "auto_follow": ["y", ""],
            },
        ),
        "notifications.change_follow": FormSpec(
            notification_forms.FollowRowForm,
            member_,
            lambda w: {"follow_id": _member_follow(w).id},
            prefix=lambda w: f"f{_member_follow(w).id}",
            plausible={"level": LEVELS, "frequency": ["", "daily", "weekly", "never"]},
        ),
        # The one-click POST of a mail client carries no form at all; the page's undo carries one field.
        "notifications.unsubscribe_post": FormSpec(notification_forms.UndoForm, anonymous, _unsubscribe),
        "notifications.unsubscribe_undo": FormSpec(
            notification_forms.UndoForm, anonymous, _unsubscribe, plausible={"previous": LEVELS}
        ),
    }
)

#: POST endpoints that are no HTML form, fuzzed where they are tested: the JSON API by schemathesis
#: (tests/test_api_schema.py), Open311's POST with the specification's example and bad requests
#: (tests/test_open311.py), and linking a provider's first login, which needs a login pending at a real
#: OpenID provider (tests/test_oidc.py).
FUZZED_ELSEWHERE = {
    "api.post_create",
    "api.comment_create",
    "api.fault_create",
    "open311.requests_create",
    "accounts.oidc_link",
    "accounts.oidc_link_cancel",
}


def post_endpoints(app: Flask) -> set[str]:
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or ()) and rule.endpoint not in FUZZED_ELSEWHERE
    }


def test_every_post_rule_is_fuzzed(app):
    missing = post_endpoints(app) - set(FORMS)
    assert not missing, (
        f"These endpoints accept POST but tests/test_forms_fuzz.py does not fuzz them: {sorted(missing)}. "
        "Add each to FORMS with its form class and a user who may use it."
    )
    gone = set(FORMS) - post_endpoints(app)
    assert not gone, f"FORMS names endpoints that no longer accept POST: {sorted(gone)}; remove them."


@pytest.mark.parametrize("endpoint", sorted(FORMS))
def test_the_table_names_the_form_the_view_uses(app, endpoint):
    view = app.view_functions[endpoint]
    source = inspect.getsource(view)
    spec = FORMS[endpoint]
    name = spec.form.__name__
    if spec.via is not None:
        assert f"{spec.via}(" in source, f"{endpoint} does not call {spec.via}; correct FORMS"
        source = inspect.getsource(getattr(inspect.getmodule(view), spec.via))
    assert f"{name}(" in source, f"{endpoint} does not build a {name}; correct FORMS"


# --- what to send ----------------------------------------------------------------------------------

#: Unicode werkzeug will encode in a form body: anything but lone surrogates.
ANY_CHAR = st.characters(blacklist_categories=["Cs"])
ODD = [
    "\x00",
    "\x07",
    "\x1b[31m",
    "\r\n",
    "\u200f",  # right-to-left mark
    "\u202e",  # right-to-left override
    "\u200b",  # zero-width space
    "\ufeff",
    "\u0085",
    "\u2028",
    "💩",
    "👩‍👩‍👧",
    "Z̴̡̪͔a̷l̷g̶o̵",
    "ﷺ",
    "𝕏",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%s%n",
    "{{ 7*7 }}",
    "../../etc/passwd",
    "Æøå",
    " ",
    "",
]
NUMBERISH = [
    "0",
    "-1",
    "1e309",
    "NaN",
    "-inf",
    "0x10",
    "١٢٣",
    "3.14159265358979323846264338327950288",
    "1_000",
]
EMAILISH = ["42", "a@b", "@", "x@y.z" * 100, "æ@ø.dk", "a@[127.0.0.1]", "a@b.c\x00", "\u202e@example.org"]

short_text = st.text(ANY_CHAR, max_size=40)
odd_text = st.lists(st.sampled_from(ODD) | short_text, min_size=1, max_size=6).map("".join)
long_text = st.builds(
    lambda piece, n: (piece * (n // max(1, len(piece)) + 1))[:n],
    st.sampled_from(["x", "æ", "💩", "\u200f", "a b ", "\x00"]),
    st.integers(10_000, 100_000),
)
junk_value = st.one_of(
    odd_text,
    short_text,
    st.sampled_from(NUMBERISH + EMAILISH + ODD),
    st.integers().map(str),
    st.floats().map(str),
    long_text,
)
junk_file = st.builds(
    lambda data, name: (io.BytesIO(data), name),
    st.one_of(
        st.binary(max_size=2048),
        st.binary(max_size=64).map(lambda b: b"\x89PNG\r\n\x1a\n" + b),
        st.binary(max_size=64).map(lambda b: b"GIF89a" + b),
        st.integers(2 * 1024 * 1024, 2 * 1024 * 1024 + 16).map(lambda n: b"\xff\xd8\xff" + b"\0" * n),
    ),
    st.sampled_from(["logo.png", "x.jpg", "", "../../evil.png", "æ💩.gif", "a" * 300]),
)
MISSING = object()


def field_strategy(form_field: Any, plausible: list[Any], careful: bool = False) -> st.SearchStrategy[Any]:
    kind = form_field.type
    sensible: list[st.SearchStrategy[Any]] = [st.sampled_from(plausible)] if plausible else []
    if kind in ("SelectField", "SelectMultipleField", "MultiCheckboxField") and form_field.choices:
        sensible.append(st.sampled_from([str(c.value) for c in form_field.choices]))
    elif kind == "BooleanField":
        sensible.append(st.sampled_from(["y", "on", "false", "0", ""]))
    elif kind == "DecimalField":
        sensible.append(st.decimals(allow_nan=True, allow_infinity=True).map(str))
    elif kind == "FileField":
        sensible.append(junk_file)
    elif "email" in form_field.name:
        sensible.append(st.emails().map(str))
    if careful:  # what a user means to send: a plausible value, else one the form offers, else a word
        return st.sampled_from(plausible) if plausible else st.one_of(*sensible, st.just("Hej"), short_text)
    single = st.one_of(*sensible, junk_value) if sensible else junk_value
    return st.one_of(
        st.just(MISSING),
        single,
        single,
        st.lists(single, min_size=2, max_size=3),  # the field given repeatedly
        junk_file,  # a file where text is expected
    )


def fields_of(app: Flask, spec: FormSpec, prefix: str) -> list[Any]:
    with app.test_request_context():
        form = spec.form(meta={"csrf": False}, prefix=prefix)
        return [f for f in form if f.type != "CSRFTokenField"]


@st.composite
def submission(draw: Any, fields: list[Any], spec: FormSpec, world: World) -> dict[str, Any]:
    data: dict[str, Any] = {}
    scene = spec.scene(world)
    # One example in three is careful, so that a form with many required fields gets past its
    # validation to the service at all: every field then has a plausible value.
    careful = draw(st.integers(0, 2), label="careful") == 0
    for form_field in fields:
        if form_field.short_name in spec.only:
            values = spec.only[form_field.short_name]
            value = draw(
                st.one_of(st.just(MISSING), st.sampled_from(values), st.lists(st.sampled_from(values)))
            )
        else:
            name = form_field.short_name
            plausible = spec.plausible.get(name, []) + scene.get(name, [])
            value = draw(field_strategy(form_field, plausible, careful))
        if value is not MISSING:
            data[form_field.name] = value
    extra = draw(
        st.dictionaries(
            st.text(ANY_CHAR, min_size=1, max_size=20), st.one_of(junk_value, junk_file), max_size=3
        )
    )
    for key, value in extra.items():
        data.setdefault(key, value)
    return data


# --- the checks ------------------------------------------------------------------------------------


def row_counts() -> dict[str, int]:
    session = _db.session
    return {
        table.name: session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in _db.metadata.sorted_tables
    }


@contextmanager
def rolled_back() -> Iterator[None]:
    """Each example starts from the same scene: a savepoint on the test's connection, rolled back."""
    connection = _db.session.connection()
    connection.exec_driver_sql("SAVEPOINT fuzz_example")
    try:
        yield
    finally:
        _db.session.flush()
        connection.exec_driver_sql("ROLLBACK TO SAVEPOINT fuzz_example")
        connection.exec_driver_sql("RELEASE SAVEPOINT fuzz_example")
        _db.session.expire_all()


def post(client: Any, url: str, data: dict[str, Any]) -> Any:
    has_file = any(isinstance(v, tuple) for v in data.values()) or any(
        isinstance(x, tuple) for v in data.values() if isinstance(v, list) for x in v
    )
    body = MultiDict()
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, tuple):  # a fresh stream for every request: the test client consumes it
                stream, name = item
                item = (io.BytesIO(stream.getvalue()), name)
            body.add(key, item)
    return client.post(
        url,
        data=body,
        content_type="multipart/form-data" if has_file else None,
        headers={"Accept-Language": "en"},
    )


def log_in_as(client: Any, login: Callable[[Any], Any], user: Any) -> None:
    if user is None:
        with client.session_transaction() as session:
            session.clear()
    else:
        login(user)


def check(response: Any, before: dict[str, int], after: dict[str, int], data: dict[str, Any]) -> None:
    shown = {
        k: (v if not isinstance(v, str) or len(v) < 200 else f"<{len(v)} chars>") for k, v in data.items()
    }
    assert response.status_code < 500, f"{response.status_code} for {shown!r}"
    # A redirect, or 201 for a page that shows what was made once (a new token), is success.
    if not 300 <= response.status_code < 400 and response.status_code != 201:
        changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
        assert not changed, f"refused ({response.status_code}) yet rows changed {changed} for {shown!r}"


@pytest.mark.parametrize("endpoint", sorted(FORMS))
def test_the_form_is_reached_by_its_user(app, client, login, world, endpoint):
    """The fuzzing below means something only if the actor gets past login and permission checks."""
    spec = FORMS[endpoint]
    log_in_as(client, login, spec.actor(world))
    with app.test_request_context():
        url = url_for(endpoint, **spec.values(world))
    response = post(client, url, {})
    assert response.status_code not in (401, 403, 404, 405, 429), response.status_code
    assert "/login" not in response.headers.get("Location", ""), response.headers["Location"]


@pytest.mark.parametrize("endpoint", sorted(FORMS))
@settings(
    max_examples=15,  # ~45 endpoints: the whole file stays under a minute
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
@given(data=st.data())
def test_bad_input_never_fails_or_half_writes(app, client, login, world, endpoint, data):
    spec = FORMS[endpoint]
    fields = fields_of(app, spec, spec.prefix(world))
    submitted = data.draw(submission(fields, spec, world), label="form")
    with app.test_request_context():
        url = url_for(endpoint, **spec.values(world))
    with rolled_back():
        limiter.reset()
        log_in_as(client, login, spec.actor(world))
        before = row_counts()
        response = post(client, url, submitted)
        after = row_counts()
        check(response, before, after, submitted)


# --- regressions found by the fuzzing above, reproduced deterministically ------------------------------

TEXT_FIELDS = {"StringField", "TextAreaField", "PasswordField", "HiddenField", "EmailField"}


@pytest.mark.parametrize("endpoint", sorted(FORMS))
def test_a_file_sent_in_a_text_field_is_refused(app, client, login, world, endpoint):
    """Flask-WTF hands request.files to every field by name: a file part named like a text field made
    its data a FileStorage, and len()/strip() on it a 500 (register, login, profile, join, …)."""
    spec = FORMS[endpoint]
    fields = fields_of(app, spec, spec.prefix(world))
    data: dict[str, Any] = {
        f.name: (io.BytesIO(b"not text"), "x.txt") for f in fields if f.type in TEXT_FIELDS
    }
    data["unknown"] = (io.BytesIO(b"junk"), "junk.bin")
    with app.test_request_context():
        url = url_for(endpoint, **spec.values(world))
    log_in_as(client, login, spec.actor(world))
    before = row_counts()
    response = post(client, url, data)
    check(response, before, row_counts(), data)


@pytest.mark.parametrize(
    "data",
    [
        {"name": "Nyby", "latitude": "sNaN", "longitude": "10.0"},
        {"name": "Nyby", "latitude": "56.1", "longitude": "sNaN"},
        {"name": "Nyby", "latitude": "NaN", "longitude": "10.0"},
        {"name": "Nyby", "latitude": "56.1", "longitude": "-Infinity"},
        {"name": "Nyby", "latitude": "1e999999", "longitude": "10.0"},
    ],
)
def test_not_a_number_in_a_number_field_is_refused(app, client, login, world, data):
    """Decimal("sNaN") passed DecimalField, and NumberRange comparing it raised a 500."""
    spec = FORMS["admin.places"]
    with app.test_request_context():
        url = url_for("admin.places")
    log_in_as(client, login, spec.actor(world))
    before = row_counts()
    response = post(client, url, data)
    check(response, before, row_counts(), data)
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("categories", ["", "nonsense"])
def test_a_choice_that_is_not_offered_is_refused(app, client, login, world, categories):
    login(world.member)
    data = {"radius_km": "5", "categories": categories}
    before = row_counts()
    response = post(client, "/villages/help/alert", data)
    check(response, before, row_counts(), data)


HUGE = "99999999999999999999999"


def test_a_huge_id_in_an_address_is_not_found(client, world):
    assert client.get(f"/s/stilling/posts/{HUGE}").status_code == 404
    assert client.get(f"/villages/people/{HUGE}").status_code == 404


@pytest.mark.parametrize(
    ("endpoint", "data"),
    [
        ("villages.comment", {"body": "Hi", "parent_id": HUGE}),
        ("villages.accept", {"comment_id": HUGE}),
        ("villages.resolve", {"helper_id": HUGE}),
        ("villages.vote", {"options": HUGE}),
    ],
)
def test_an_id_too_large_for_the_database_is_refused(app, client, login, world, endpoint, data):
    spec = FORMS[endpoint]
    with app.test_request_context():
        url = url_for(endpoint, **spec.values(world))
    log_in_as(client, login, spec.actor(world))
    before = row_counts()
    response = post(client, url, data)
    check(response, before, row_counts(), data)


@pytest.mark.parametrize(
    ("endpoint", "data"),
    [
        ("spaces.join", {"message": "Hej\x00"}),
        ("villages.respond", {"message": "Hej\x00"}),
        ("villages.comment", {"body": "Hej\x00"}),
        ("conversations.send", {"body": "Hej\x00"}),
        ("spaces.settings", {"name": "Stilling IF", "primary_color": "#1f5f3a", "description": "Hej\x00"}),
    ],
)
def test_a_nul_character_in_a_text_is_refused(app, client, login, world, endpoint, data):
    spec = FORMS[endpoint]
    with app.test_request_context():
        url = url_for(endpoint, **spec.values(world))
    log_in_as(client, login, spec.actor(world))
    before = row_counts()
    response = post(client, url, data)
    check(response, before, row_counts(), data)
