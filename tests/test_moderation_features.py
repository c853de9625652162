"""Moderation in the feature packages, through the app: engagement's ideas, comments, questions, meeting
comments, sites and site comments, and maintenance's fault reports, reported, hidden and held like posts
(URL, lists, search, the live Q&A page, exports and notifications); the bad inputs of issue 12 for them;
and "think before posting" on the forms that used to redirect back, kept in place with the text."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from community.conversations.models import Message
from community.db import utcnow
from community.engagement.models import (
    Idea,
    IdeaCategory,
    IdeaComment,
    IdeaState,
    MeetingComment,
    Question,
    QuestionState,
    Site,
    SiteComment,
)
from community.engagement.services import consultations, ideas, meetings, qa
from community.engagement.services.consultations import SiteInput
from community.engagement.services.ideas import IdeaInput
from community.extensions import db
from community.maintenance.models import FaultReport
from community.moderation import services as moderation
from community.moderation.models import Case, ModerationState, Reason, Report, WordAction
from community.notifications.models import Notification
from community.villages.models import Comment, HelpCategory, Post, PostKind
from community.villages.services import posts
from community.villages.services.posts import PostInput
from tests.engagement_support import CPR_TEXT, EN, eng_fixture, soon  # noqa: F401

WAITING = "Hidden until a moderator looks at it: several people reported it."
CALM = "Many exclamation marks can read as angry."


def _as(client, login, user):
    if user is None:
        with client.session_transaction() as s:
            s.clear()
    else:
        login(user)
    return client


def _report(client, login, user, kind, item_id, reason="harassment"):
    login(user)
    return client.post(f"/report/{kind}/{item_id}", data={"reason": reason}, headers=EN)


@pytest.fixture
def people(eng, make_user, member):
    """Three more citizens to report, and a moderator of the Stilling village space."""
    eng.bo = make_user("bo@example.org", name="Bo")
    eng.eva = make_user("eva@example.org", name="Eva")
    eng.moderator = make_user("hanne@example.org", name="Hanne")
    member(eng.village, eng.bo)
    member(eng.village, eng.eva)
    member(eng.village, eng.moderator, "moderator")
    return eng


def _idea(eng, title="Cykelsti til skolen", body="En sikker cykelsti til børnene.", by=None):
    idea = ideas.submit(
        eng.municipality,
        IdeaInput(title=title, body=body, category=IdeaCategory.TRAFFIC),
        by=by or eng.borger,
    )
    db.session.flush()
    return idea


def _case(kind, item_id) -> Case:
    return db.session.scalar(sa.select(Case).where(Case.content_type == kind, Case.content_id == item_id))


# --- ideas: the journey ---------------------------------------------------------------------------


def test_three_reports_hide_an_idea_everywhere_until_staff_decide(client, login, people):
    eng = people
    idea = _idea(eng)
    other = _idea(eng, "Cykelsti ved stationen", "Mere cykelsti i byen.", by=eng.senior)
    db.session.commit()
    page = _as(client, login, eng.senior).get(f"/engagement/ideas/{idea.id}", headers=EN).text
    assert f'href="/report/idea/{idea.id}"' in page
    own = _as(client, login, eng.borger).get(f"/engagement/ideas/{idea.id}", headers=EN).text
    assert f'href="/report/idea/{idea.id}"' not in own, "no Report link on what one wrote oneself"

    for who in (eng.senior, eng.bo, eng.eva):
        assert _report(client, login, who, "idea", idea.id).status_code == 302
    assert db.session.get(Idea, idea.id).moderation_state == ModerationState.HIDDEN

    # Gone for everyone but its author and its moderators: URL, list, search, overview, similar ideas.
    for who in (None, eng.senior):
        _as(client, login, who)
        assert client.get(f"/engagement/ideas/{idea.id}").status_code == 404
        assert idea.title not in client.get("/engagement/ideas/", headers=EN).text
        found = client.get("/engagement/ideas/?q=cykelsti", headers=EN).text
        assert other.title in found and idea.title not in found
        assert idea.title not in client.get("/engagement/", headers=EN).text
    writing = client.post(
        "/engagement/ideas/new",
        data={"title": "Cykelsti til skolen", "body": "Sikker vej", "category": "traffic", "space_id": ""},
        headers=EN,
    ).text
    assert "Is it one of these?" in writing and other.title in writing
    assert f'/engagement/ideas/{idea.id}"' not in writing

    # Its author sees it, and why.
    _as(client, login, eng.borger)
    mine = client.get(f"/engagement/ideas/{idea.id}", headers=EN)
    assert mine.status_code == 200 and WAITING in mine.text
    listed = client.get("/engagement/ideas/", headers=EN).text
    assert idea.title in listed and "Hidden by a moderator</strong>" in listed

    # The whole municipality's idea: the staff's queue, not a space moderator's.
    case = _case("idea", idea.id)
    assert case.space_id is None and case.report_count == 3
    _as(client, login, eng.moderator)
    assert client.get(f"/s/stilling/moderation/cases/{case.id}").status_code == 404
    acted = client.post(f"/s/stilling/moderation/cases/{case.id}", data={"action": "keep", "reason": "ok"})
    assert acted.status_code == 404
    assert idea.title not in client.get("/s/stilling/moderation/", headers=EN).text
    assert db.session.get(Idea, idea.id).moderation_state == ModerationState.HIDDEN

    _as(client, login, eng.staff)
    assert client.get(f"/engagement/ideas/{idea.id}").status_code == 200
    assert idea.title in client.get("/admin/moderation/", headers=EN).text
    kept = client.post(f"/admin/moderation/cases/{case.id}", data={"action": "keep", "reason": ""})
    assert kept.status_code == 302
    assert _as(client, login, None).get(f"/engagement/ideas/{idea.id}").status_code == 200
    assert idea.title in client.get("/engagement/ideas/", headers=EN).text


def test_a_hidden_ideas_news_reaches_only_those_who_may_see_it(client, login, people):
    eng = people
    idea = _idea(eng)
    ideas.support(idea, by=eng.senior)
    moderation.hide(idea, by=eng.staff, reason="Navngiver en medarbejder.")
    ideas.respond(idea, to_state=IdeaState.CONSIDERING, text="Vi ser på den.", by=eng.staff)
    db.session.commit()  # followers are told once it is committed
    told = set(
        db.session.scalars(
            sa.select(Notification.user_id).where(Notification.kind == "engagement.idea_state")
        )
    )
    assert told == {eng.borger.id}, "the author is told; a supporter who cannot see it is not"


def test_an_idea_comment_with_a_held_word_waits_for_a_moderator(client, login, people):
    eng = people
    moderation.add_word(eng.municipality.id, pattern="svindler", action=WordAction.HOLD, by=eng.staff)
    idea = _idea(eng, by=eng.senior)
    db.session.commit()
    _as(client, login, eng.borger)
    sent = client.post(
        f"/engagement/ideas/{idea.id}/comment", data={"body": "Entreprenøren er en svindler."}, headers=EN
    )
    assert sent.status_code == 302
    comment = db.session.scalar(sa.select(IdeaComment))
    assert comment.moderation_state == ModerationState.HELD
    page = client.get(f"/engagement/ideas/{idea.id}", headers=EN).text
    assert "Entreprenøren er en svindler." in page and "Waiting for a moderator" in page
    other = _as(client, login, eng.senior).get(f"/engagement/ideas/{idea.id}", headers=EN).text
    assert "svindler" not in other
    assert _case("idea_comment", comment.id) is not None
    assert "svindler" in _as(client, login, eng.staff).get(f"/engagement/ideas/{idea.id}", headers=EN).text


# --- the bad input of issue 12 for the new kinds -------------------------------------------------------


@pytest.fixture
def live(eng):
    return qa.create_session(
        eng.municipality,
        qa.SessionInput(
            title="Live", starts_at=soon(-5), ends_at=soon(55), host_ids=[eng.mayor.id], open_hours_before=1
        ),
        by=eng.staff,
    )


def test_bad_reports_of_engagement_items_are_refused_with_a_message(client, login, people, live):
    eng = people
    idea = _idea(eng)
    hidden = qa.ask(live, body="Hvorfor er I så dårlige?", anonymous=False, by=eng.borger)
    withheld = qa.ask(live, body="Min nabo snyder med skat.", anonymous=False, by=eng.borger)
    moderation.hide(hidden, by=eng.staff, reason="Personangreb.")
    qa.hide(withheld, reason="En personlig sag.", by=eng.staff)
    db.session.commit()

    own = _report(client, login, eng.borger, "idea", idea.id)
    assert own.status_code == 400 and "You cannot report what you wrote yourself" in own.text
    assert _report(client, login, eng.senior, "idea", idea.id).status_code == 302
    twice = _report(client, login, eng.senior, "idea", idea.id)
    assert twice.status_code == 400 and "You have already reported this" in twice.text
    for question in (hidden, withheld):
        refused = _report(client, login, eng.senior, "qa_question", question.id)
        assert refused.status_code == 404 and "We could not find that page" in refused.text
    assert db.session.scalar(sa.select(sa.func.count(Report.id))) == 1
    assert _case("qa_question", hidden.id) is None


def test_a_space_moderator_cannot_act_on_a_municipality_wide_question(client, login, people, live):
    eng = people
    question = qa.ask(live, body="Hvornår kommer cykelstien?", anonymous=False, by=eng.borger)
    moderation.report(question, by=eng.senior, reason=Reason.SPAM)
    case = _case("qa_question", question.id)
    db.session.commit()
    _as(client, login, eng.moderator)
    assert client.get(f"/s/stilling/moderation/cases/{case.id}").status_code == 404
    response = client.post(f"/s/stilling/moderation/cases/{case.id}", data={"action": "hide", "reason": "x"})
    assert response.status_code == 404
    assert db.session.get(Question, question.id).moderation_state == ModerationState.VISIBLE


# --- the live Q&A hour -----------------------------------------------------------------------------------


def test_reports_hide_a_question_from_the_live_page_presenter_and_archive(client, login, people, live):
    eng = people
    question = qa.ask(live, body="Hvorfor svarer I aldrig?", anonymous=False, by=eng.borger)
    db.session.commit()
    fragment = _as(client, login, None).get(f"/engagement/qa/{live.id}/live", headers=EN)
    assert "Hvorfor svarer I aldrig?" in fragment.text
    tag = fragment.headers["ETag"]
    page = _as(client, login, eng.senior).get(f"/engagement/qa/{live.id}", headers=EN).text
    assert f'href="/report/qa_question/{question.id}"' in page

    for who in (eng.senior, eng.bo, eng.eva):
        assert _report(client, login, who, "qa_question", question.id).status_code == 302
    # The live page moved on (a new version), so the copy anonymous viewers share is not served again.
    fresh = _as(client, login, None).get(f"/engagement/qa/{live.id}/live", headers=EN)
    assert fresh.headers["ETag"] != tag and "Hvorfor svarer I aldrig?" not in fresh.text
    for who in (None, eng.senior, eng.mayor):  # the host moderates the hour, not moderation's queue
        _as(client, login, who)
        assert "Hvorfor svarer I aldrig?" not in client.get(f"/engagement/qa/{live.id}", headers=EN).text
        assert "Hvorfor svarer I aldrig?" not in client.get(f"/engagement/qa/{live.id}/presenter").text
    assert qa.figures(live).questions == 0 and qa.figures(live).hidden == 1
    voted = _as(client, login, eng.senior).post(f"/engagement/qa/questions/{question.id}/vote")
    assert voted.status_code == 404

    mine = _as(client, login, eng.borger).get(f"/engagement/qa/{live.id}", headers=EN).text
    assert "Hvorfor svarer I aldrig?" in mine and WAITING in mine
    staff = _as(client, login, eng.staff)
    assert "Hvorfor svarer I aldrig?" not in staff.get(f"/engagement/qa/{live.id}/presenter").text
    assert WAITING in staff.get(f"/engagement/qa/{live.id}", headers=EN).text

    # The session's own workflow is untouched: its moderators still hide and publish as before.
    other = qa.ask(live, body="Hvad med bussen?", anonymous=False, by=eng.senior)
    qa.hide(other, reason="Dublet.", by=eng.staff)
    qa.publish(other, by=eng.staff)
    assert other.state == QuestionState.PUBLISHED


# --- citizen meetings and consultations -------------------------------------------------------------------


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


def test_a_hidden_meeting_comment_is_gone_from_the_debate_figures_and_minutes(client, login, people, meeting):
    eng = people
    topic = meeting.topics[0]
    first = meetings.comment(meeting, topic, body="Borgmesteren lyver.", by=eng.borger)
    reply = meetings.comment(meeting, topic, body="Det er for groft.", by=eng.senior, parent_id=first.id)
    db.session.commit()
    page = _as(client, login, eng.bo).get(f"/engagement/meetings/{meeting.id}", headers=EN).text
    assert f'href="/report/meeting_comment/{first.id}"' in page
    moderation.hide(first, by=eng.staff, reason="Et personangreb.")
    db.session.commit()

    for who in (None, eng.bo):
        page = _as(client, login, who).get(f"/engagement/meetings/{meeting.id}", headers=EN).text
        assert "Borgmesteren lyver." not in page and "Hidden by a moderator: Et personangreb." in page
        assert "Det er for groft." in page, "the reply stays under a placeholder"
    assert meetings.figures(meeting).citizen_comments == 1
    _as(client, login, eng.staff)
    rows = list(csv.reader(io.StringIO(client.get(f"/engagement/meetings/{meeting.id}/export.csv").text)))
    assert [r[6] for r in rows[1:]] == ["Det er for groft."]
    mine = _as(client, login, eng.borger).get(f"/engagement/meetings/{meeting.id}", headers=EN).text
    assert "Borgmesteren lyver." in mine
    refused = client.post(
        f"/engagement/meetings/{meeting.id}/topics/{topic.id}/comment",
        data={"body": "Jeg svarer.", "parent_id": str(first.id)},
        headers=EN,
    )
    assert refused.status_code == 302, "its author may still answer under it"
    _as(client, login, eng.bo)
    refused = client.post(
        f"/engagement/meetings/{meeting.id}/topics/{topic.id}/comment",
        data={"body": "Jeg svarer også.", "parent_id": str(first.id)},
        headers=EN,
    )
    assert refused.status_code == 400 and "Reply to a comment on the same topic." in refused.text
    assert "Det er for groft." in refused.text, "the meeting page, with the refusal at its top"
    assert db.session.scalar(sa.select(sa.func.count(MeetingComment.id))) == 3
    assert reply.id


@pytest.fixture
def consultation(eng):
    return consultations.create_consultation(
        eng.municipality,
        by=eng.staff,
        title="Genbrugsplads ved Ry",
        description="Hvor skal den ligge?",
        deadline=utcnow() + timedelta(days=7),
        sites=[SiteInput("Nord", 56.1035, 9.7650, "Ry Nord"), SiteInput("Øst", 56.0950, 9.7830, "Ry Øst")],
    )


def test_hidden_sites_and_site_comments_leave_the_map_list_and_exports(client, login, people, consultation):
    eng = people
    nord, oest = consultation.sites
    proposed = consultations.propose_site(
        consultation, SiteInput("Ved Hansens hus", 56.09, 9.76, "Ry", "Hansen snyder"), by=eng.senior
    )
    comment = consultations.comment(nord, body="Nord er bedst, Hansen er en idiot.", by=eng.borger)
    db.session.commit()
    page = _as(client, login, eng.bo).get(f"/engagement/consultations/{consultation.id}", headers=EN).text
    for kind, item in (("consultation_site", proposed), ("site_comment", comment)):
        assert f'href="/report/{kind}/{item.id}"' in page
    for item in (proposed, comment, oest):
        moderation.hide(item, by=eng.staff, reason="Groft.")
    db.session.commit()

    for who in (None, eng.bo):
        page = _as(client, login, who).get(f"/engagement/consultations/{consultation.id}", headers=EN).text
        assert "Ved Hansens hus" not in page and "Hansen er en idiot" not in page
        points = json.loads(page.split("data-points='")[1].split("'")[0].replace("&#34;", '"'))
        assert [p["title"] for p in points] == ["Nord"]
    text = client.get(f"/engagement/consultations/{consultation.id}/results.csv").text
    assert "Nord" in text and "Øst" not in text
    geo = json.loads(client.get(f"/engagement/consultations/{consultation.id}/results.geojson").text)
    assert [f["properties"]["name"] for f in geo["features"]] == ["Nord"]
    assert client.post(
        f"/engagement/consultations/{consultation.id}/sites/{proposed.id}/comment", data={"body": "Hej"}
    ).status_code in (302, 404)
    _as(client, login, eng.bo)
    assert (
        client.post(
            f"/engagement/consultations/{consultation.id}/sites/{proposed.id}/comment", data={"body": "Hej"}
        ).status_code
        == 404
    )
    mine = _as(client, login, eng.senior).get(f"/engagement/consultations/{consultation.id}", headers=EN)
    assert "Ved Hansens hus" in mine.text and "Hidden by a moderator: Groft." in mine.text
    assert db.session.scalar(sa.select(sa.func.count(SiteComment.id))) == 1
    assert db.session.get(Site, oest.id) is not None


# --- fault reports (maintenance) ------------------------------------------------------------------------


def test_three_reports_hide_a_fault_report_and_its_reporter_sees_why(client, login, people):
    eng = people
    _as(client, login, eng.borger)
    sent = client.post(
        "/maintenance/faults/new",
        data={"place": "Ry", "category": "pothole", "description": "Stort hul. Vejmanden er en tyv."},
        headers=EN,
    )
    assert sent.status_code == 302
    report = db.session.scalar(sa.select(FaultReport))
    link = f'href="/maintenance/faults/{report.id}"'
    assert link in _as(client, login, None).get("/maintenance/faults/", headers=EN).text
    page = _as(client, login, eng.senior).get(f"/maintenance/faults/{report.id}", headers=EN).text
    assert f'href="/report/fault_report/{report.id}"' in page

    for who in (eng.senior, eng.bo, eng.eva):
        assert _report(client, login, who, "fault_report", report.id).status_code == 302
    assert db.session.get(FaultReport, report.id).moderation_state == ModerationState.HIDDEN

    for who in (None, eng.senior, eng.moderator):
        _as(client, login, who)
        assert link not in client.get("/maintenance/faults/", headers=EN).text
        assert client.get(f"/maintenance/faults/{report.id}").status_code == 404
    mine = _as(client, login, eng.borger).get(f"/maintenance/faults/{report.id}", headers=EN)
    assert mine.status_code == 200 and WAITING in mine.text
    # Its moderators are the municipality's staff: they reach it, and its case is in their queue.
    staff = _as(client, login, eng.staff)
    assert staff.get(f"/maintenance/faults/{report.id}").status_code == 200
    assert _case("fault_report", report.id).municipality_id == eng.municipality.id


# --- think before posting, kept in place -----------------------------------------------------------------


def _pages(eng, live, meeting, consultation, post):
    """(form address, extra fields, where the text lands, the text field's name) for every form that
    used to redirect back."""
    idea = _idea(eng, by=eng.senior)
    question = qa.ask(live, body="Hvornår kommer bussen?", anonymous=False, by=eng.senior)
    first = meetings.comment(meeting, meeting.topics[0], body="Parkering!", by=eng.senior)
    db.session.flush()
    topic = meeting.topics[0]
    return {
        "villages comment": (f"/s/stilling/posts/{post.id}/comments", {}, Comment, "body", eng.borger),
        "villages reply": (
            f"/s/stilling/posts/{post.id}/comments",
            {"parent_id": str(post._first_comment)},
            Comment,
            "body",
            eng.borger,
        ),
        "idea comment": (f"/engagement/ideas/{idea.id}/comment", {}, IdeaComment, "body", eng.borger),
        "meeting comment": (
            f"/engagement/meetings/{meeting.id}/topics/{topic.id}/comment",
            {},
            MeetingComment,
            "body",
            eng.borger,
        ),
        "meeting reply": (
            f"/engagement/meetings/{meeting.id}/topics/{topic.id}/comment",
            {"parent_id": str(first.id)},
            MeetingComment,
            "body",
            eng.borger,
        ),
        "site comment": (
            f"/engagement/consultations/{consultation.id}/sites/{consultation.sites[0].id}/comment",
            {},
            SiteComment,
            "body",
            eng.borger,
        ),
        "question": (f"/engagement/qa/{live.id}/ask", {}, Question, "body", eng.borger),
        "answer": (f"/engagement/qa/questions/{question.id}/answer", {}, None, "answer", eng.mayor),
        "message": (f"/messages/{post._conversation}", {}, Message, "body", eng.borger),
    }


@pytest.fixture
def forms(people, live, meeting, consultation):
    eng = people
    post = posts.create_post(
        eng.village, by=eng.senior, data=PostInput(kind=PostKind.DISCUSSION, title="Loppemarked", body="Kom!")
    )
    db.session.flush()
    from community.villages.services import comments

    post._first_comment = comments.add_comment(post, eng.village, by=eng.senior, body="Godt initiativ.").id
    from community.villages.services import help

    wanted = posts.create_post(
        eng.village,
        by=eng.senior,
        data=PostInput(
            kind=PostKind.HELP_REQUEST, title="Indkøb", body="Mælk", help_category=HelpCategory.SHOPPING
        ),
    )
    post._conversation = help.respond(wanted, eng.village, by=eng.borger, message="Jeg kan hjælpe.").id
    found = _pages(eng, live, meeting, consultation, post)
    db.session.commit()
    return found


FORMS = ["villages comment", "villages reply", "idea comment", "meeting comment", "meeting reply",
         "site comment", "question", "answer", "message"]  # fmt: skip


def _count(model, field, text):
    if model is None:
        return db.session.scalar(sa.select(sa.func.count(Question.id)).where(Question.answer == text))
    return db.session.scalar(sa.select(sa.func.count(model.id)).where(getattr(model, field) == text))


@pytest.mark.parametrize("which", FORMS)
def test_think_before_posting_keeps_the_text_in_place_with_edit_and_post_anyway(client, login, forms, which):
    url, extra, model, field, who = forms[which]
    text = "Hvorfor sker der aldrig noget her???"
    _as(client, login, who)
    first = client.post(url, data={field: text, **extra}, headers=EN)
    assert first.status_code == 200, "a second step of the same form, not an error"
    assert CALM in first.text and "Post anyway" in first.text and "Edit the text" in first.text
    assert f"{text}</textarea>" in first.text, "the text stays where it was typed"
    assert 'name="reconsidered"' in first.text and _count(model, field, text) == 0
    sent = client.post(url, data={field: text, "reconsidered": "1", **extra}, headers=EN)
    assert sent.status_code == 302 and _count(model, field, text) == 1


@pytest.mark.parametrize("which", FORMS)
def test_a_refused_text_is_kept_beside_its_message(client, login, forms, which):
    url, extra, model, field, who = forms[which]
    _as(client, login, who)
    refused = client.post(url, data={field: CPR_TEXT, **extra}, headers=EN)
    assert refused.status_code == 400 and "CPR" in refused.text
    assert f"{CPR_TEXT}</textarea>" in refused.text
    assert 'aria-invalid="true"' in refused.text and _count(model, field, CPR_TEXT) == 0
    too_long = "Langt. " * 2000
    refused = client.post(url, data={field: too_long, **extra}, headers=EN)
    assert refused.status_code == 400 and "Write at most" in refused.text
    assert too_long.strip() in refused.text


def test_a_hidden_post_and_comments_still_count_nothing_for_others(client, login, people):
    """Sanity: the villages' own behaviour is unchanged by the shared Report link."""
    eng = people
    post = posts.create_post(
        eng.village, by=eng.senior, data=PostInput(kind=PostKind.DISCUSSION, title="Loppemarked", body="Kom!")
    )
    db.session.commit()
    page = _as(client, login, eng.borger).get(f"/s/stilling/posts/{post.id}", headers=EN).text
    assert f'href="/report/post/{post.id}"' in page
    assert db.session.get(Post, post.id).moderation_state == ModerationState.VISIBLE


# --- a citizen's own data ------------------------------------------------------------------------------


def test_what_a_citizen_wrote_in_the_dialogue_is_in_their_data_and_goes_when_they_ask(
    client, login, people, live, meeting, outbox
):
    import zipfile

    from tests.support import link_in

    eng = people
    idea = _idea(eng)
    idea_id = idea.id
    ideas.comment(idea, body="Og en sti langs søen.", by=eng.borger)
    qa.ask(live, body="Hvornår kommer bussen?", anonymous=True, by=eng.borger)
    meetings.comment(meeting, meeting.topics[0], body="Mere parkering.", by=eng.borger)
    db.session.commit()
    _as(client, login, eng.borger)
    assert client.post("/profile/data").status_code == 302
    archive = zipfile.ZipFile(io.BytesIO(client.get(link_in(outbox()[-1])).data))
    assert json.loads(archive.read("ideas.json"))[0]["title"] == "Cykelsti til skolen"
    assert json.loads(archive.read("questions.json"))[0]["body"] == "Hvornår kommer bussen?"
    assert json.loads(archive.read("meeting_comments.json"))[0]["body"] == "Mere parkering."
    assert json.loads(archive.read("idea_comments.json"))[0]["body"] == "Og en sti langs søen."

    deleted = client.post("/profile/delete", data={"content": "delete", "password": "correct horse battery"})
    assert deleted.status_code == 302
    for model in (Idea, IdeaComment, Question, MeetingComment):
        assert db.session.scalar(sa.select(sa.func.count(model.id))) == 0
    assert _as(client, login, None).get(f"/engagement/ideas/{idea_id}").status_code == 404
