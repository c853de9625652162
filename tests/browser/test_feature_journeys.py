"""The feature issues' journeys in a real browser, by visible labels and roles: a question answered and
solved, a help request answered privately and resolved with thanks, Danish search, the map's list; and
digital help asked for a senior, taken by a volunteer, agreed, done with feedback, seen by organisers.

Pages are English through the browser's language (the demo accounts used here chose none), so the
stored language choice of a demo account is left alone for the other browser tests."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest

expect = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package").expect


def english(make_page: Any) -> Any:
    return make_page(locale="en-GB", extra_http_headers={"Accept-Language": "en-GB,en;q=0.9"})


def flash(page: Any) -> Any:
    return page.get_by_role("main").get_by_role("status")


def write_post(page: Any, kind: str, title: str, **fields: str) -> str:
    """Writes a post in Stilling by the labels of the form; returns the post's address."""
    page.goto("/s/stilling/")
    page.get_by_role("link", name="Write a post").click()
    page.get_by_role("link", name=kind, exact=True).click()
    main = page.get_by_role("main")
    main.get_by_label("Title").fill(title)
    for label, value in fields.items():
        field = main.get_by_label(label.replace("_", " "), exact=True)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)
    main.get_by_role("button", name="Publish").click()
    expect(flash(page)).to_contain_text("Your post is published.")
    return page.url


def test_a_question_is_answered_and_marked_solved(make_page: Any, login: Any, logout: Any) -> None:
    title = f"Who mows the pitch {uuid.uuid4().hex[:6]}?"
    page = english(make_page)
    login(page, "borger@example.org")
    address = write_post(page, "Question", title, Text="The grass is long by the school.")
    logout(page)

    login(page, "frivillig@example.org")
    page.goto(address)
    page.get_by_label("Your comment").fill("Grønne Områder mows every Friday.")
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_text("Grønne Områder mows every Friday.")).to_be_visible()
    logout(page)

    login(page, "borger@example.org")
    page.goto(address)
    page.get_by_role("button", name="Mark as the best answer").click()
    expect(flash(page)).to_contain_text("Marked as solved.")
    expect(page.get_by_text("Best answer")).to_be_visible()
    page.goto("/s/stilling/posts/?kind=question")
    card = page.get_by_role("article").filter(has_text=title)
    expect(card.get_by_text("Solved")).to_be_visible()


def test_help_is_offered_talked_over_resolved_and_thanked(make_page: Any, login: Any, logout: Any) -> None:
    title = f"A lift to the doctor {uuid.uuid4().hex[:6]}"
    page = english(make_page)
    login(page, "borger@example.org")
    address = write_post(
        page,
        "I need help",
        title,
        Text="Tuesday morning, my car is at the garage.",
        **{"What kind of help": "Transport and lifts"},
    )
    logout(page)

    login(page, "klub@example.org")
    page.goto("/villages/help/?radius=20")
    page.get_by_role("link", name=title).click()
    page.get_by_label("Your message").fill("I drive to Skanderborg anyway. 9 o'clock?")
    page.get_by_role("button", name="I can help").click()
    expect(flash(page)).to_contain_text("Your message is sent.")
    logout(page)

    login(page, "borger@example.org")
    page.get_by_role("banner").get_by_role("link", name=re.compile("^Messages")).click()
    page.get_by_role("link", name=re.compile(f"Lars Holm: {re.escape(title)}")).click()
    expect(page.get_by_text("I drive to Skanderborg anyway. 9 o'clock?")).to_be_visible()
    page.get_by_label("Message", exact=True).fill("Perfect, thank you!")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Perfect, thank you!")).to_be_visible()
    page.goto(address)
    page.get_by_label("Who helped you?").select_option(label="Lars Holm")
    page.get_by_role("button", name="Mark as resolved").click()
    page.get_by_role("link", name="Lars Holm helped. Thank you!").click()
    expect(page.get_by_text(re.compile(r"Has helped (a neighbour|neighbours) \d+ times?\."))).to_be_visible()


def test_search_finds_another_form_of_the_word_and_the_map_lists_its_pins(make_page: Any) -> None:
    page = english(make_page)
    page.goto("/s/stilling/")
    page.get_by_label("Search in Stilling Landsby").fill("græs")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Search in Stilling Landsby")
    expect(page.locator("mark", has_text=re.compile("^græsset$", re.I)).first).to_be_visible()
    page.goto("/s/stilling/map")
    table = page.get_by_role("table")
    expect(table.get_by_role("link", name="Loppemarked i forsamlingshuset")).to_be_visible()


def _local(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def test_digital_help_for_a_senior_from_request_to_feedback(make_page: Any, login: Any, logout: Any) -> None:
    name = f"Karen {uuid.uuid4().hex[:6]}"
    soon = (datetime.now() + timedelta(days=3)).replace(hour=10, minute=0)
    page = english(make_page)
    login(page, "kommune@example.org")
    page.goto("/helpdesk/")
    page.get_by_role("link", name="Ask for help").first.click()
    main = page.get_by_role("main")
    main.get_by_label("Someone else, who has no e-mail").check()
    main.get_by_label("Their name", exact=True).fill(name)
    main.get_by_label("Their phone number", exact=True).fill("86 12 34 56")
    main.get_by_label(re.compile("^The person I ask for has agreed")).check()
    main.get_by_label("What is it about?").select_option(label="Digital Post")
    main.get_by_label("On the phone").check()
    main.get_by_label("Tell a little about what is difficult").fill("Cannot find the letter about housing.")
    main.get_by_label("A time that suits: from").fill(_local(soon))
    main.get_by_label("until").first.fill(_local(soon + timedelta(hours=2)))
    main.get_by_role("button", name="Send the request").click()
    expect(flash(page)).to_contain_text("Your request is sent.")
    request_address = page.url
    logout(page)

    login(page, "frivillig@example.org")
    page.goto("/helpdesk/volunteer")
    page.goto(request_address)
    expect(page.get_by_text(name)).to_have_count(0)  # not hers to see until she says yes
    page.get_by_role("button", name="I will help").click()
    expect(flash(page)).to_contain_text("Thank you! Now agree a time")
    expect(page.get_by_text(name, exact=False).first).to_be_visible()
    expect(page.get_by_role("link", name="86 12 34 56")).to_be_visible()
    page.get_by_label("The agreed time").fill(_local(soon + timedelta(minutes=30)))
    page.get_by_role("button", name="Save the time").click()
    expect(flash(page)).to_contain_text("You will both be reminded the day before.")
    expect(page.get_by_role("button", name="Mark as done")).to_have_count(0)  # not before it happened
    expect(page.get_by_text("Mark it as done after it has happened.", exact=False)).to_be_visible()
    logout(page)

    # Another request, helped on the phone at once (no time agreed): done with feedback.
    login(page, "kommune@example.org")
    page.goto("/helpdesk/ask")
    main = page.get_by_role("main")
    main.get_by_label("Someone else, who has no e-mail").check()
    main.get_by_label("Their name", exact=True).fill(name)
    main.get_by_label("Their phone number", exact=True).fill("86 12 34 56")
    main.get_by_label(re.compile("^The person I ask for has agreed")).check()
    main.get_by_label("What is it about?").select_option(label="Digital Post")
    main.get_by_label("On the phone").check()
    main.get_by_label("A time that suits: from").fill(_local(soon))
    main.get_by_label("until").first.fill(_local(soon + timedelta(hours=2)))
    main.get_by_role("button", name="Send the request").click()
    request_address = page.url
    logout(page)
    login(page, "frivillig@example.org")
    page.goto(request_address)
    page.get_by_role("button", name="I will help").click()
    page.get_by_label("Time spent (hours)").fill("1")
    page.get_by_label("How did it go?").select_option(label="Very well")
    page.get_by_label("A few words (optional)").fill("She found the letter and read it herself.")
    page.get_by_role("button", name="Mark as done").click()
    expect(flash(page)).to_contain_text("Marked as done.")
    logout(page)

    login(page, "kommune@example.org")
    page.goto("/notifications/")
    expect(page.get_by_text("Anne Madsen will help with Digital Post.").first).to_be_visible()
    page.goto("/helpdesk/overview")
    month = datetime.now().strftime("%Y-%m")
    table = page.get_by_role("table", name="The same numbers, month by month")
    row = table.get_by_role("row", name=re.compile(f"^{month}"))
    expect(row).to_be_visible()
    expect(row.get_by_role("cell").first).not_to_have_text("0")


def _next_saturday(hour: int) -> datetime:
    day = datetime.now() + timedelta(days=14)
    return (day + timedelta(days=(5 - day.weekday()) % 7)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


def test_club_and_contractor_agree_directly_and_a_citizen_follows_a_fault(
    make_page: Any, login: Any, logout: Any
) -> None:
    match = f"U13 mod Ry {uuid.uuid4().hex[:4]}"
    kick_off = _next_saturday(10)
    page = english(make_page)
    login(page, "klub@example.org")
    page.goto("/s/stilling-if/pitches/")
    page.get_by_role("link", name="Add a match, tournament or training").click()
    main = page.get_by_role("main")
    main.get_by_label("Facility").select_option(label="Stilling Stadion, bane 1")
    main.get_by_label("Title").fill(match)
    main.get_by_label("Kind").select_option(label="Match")
    main.get_by_label("Starts").fill(_local(kick_off))
    main.get_by_label("Ends").fill(_local(kick_off + timedelta(hours=2)))
    main.get_by_role("button", name="Add it").click()
    expect(flash(page)).to_contain_text(f"“{match}” is in the calendar.")
    page.goto("/s/stilling-if/pitches/")
    page.get_by_role("link", name="Ask the contractor").first.click()
    main = page.get_by_role("main")
    main.get_by_label("Facility").select_option(label="Stilling Stadion, bane 1")
    main.get_by_label("What should be done").select_option(label="Mowing")
    main.get_by_label("Done before").fill(_local(kick_off))
    main.get_by_label("Message").fill("We play at 10. Can you mow on Friday morning?")
    main.get_by_role("button", name="Send the request").click()
    expect(flash(page)).to_contain_text("Your request is sent to Grønne Områder.")
    logout(page)

    login(page, "entreprenor@example.org")
    page.goto("/s/groenne-omraader/plan/")
    expect(page.get_by_role("heading", name="Conflicts to resolve")).to_be_visible()
    page.goto("/notifications/")
    page.get_by_role("button", name=re.compile("asks")).first.click()
    friday = (kick_off - timedelta(days=1)).replace(hour=8)
    page.get_by_label("Proposed time").fill(_local(friday))
    page.get_by_role("button", name="Propose this time").click()
    expect(flash(page)).to_contain_text("Your proposal is sent to Stilling IF.")
    logout(page)

    login(page, "borger@example.org")
    page.goto("/maintenance/faults/new")
    main = page.get_by_role("main")
    facility = main.get_by_label("Facility")
    facility.select_option(
        facility.locator("option", has_text="Stilling Stadion, bane 1").get_attribute("value")
    )
    main.get_by_label("What is it").select_option(label="Goal or net")
    main.get_by_label("Describe it").fill("The net of the north goal is torn.")
    main.get_by_role("button", name="Send the report").click()
    again = page.get_by_role("button", name="No, send my report")  # "is it this one?": the demo has one
    if again.count():
        again.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Goal or net")
    report = page.url
    logout(page)

    login(page, "entreprenor@example.org")
    page.goto(report)
    page.get_by_label("New status").select_option(label="Fixed")
    page.get_by_role("button", name="Save the update").click()
    logout(page)
    page.goto(report)
    expect(page.get_by_text("Fixed").first).to_be_visible()

    login(page, "kommune@example.org")
    page.goto("/maintenance/overview")
    expect(page.get_by_text("Visits done on time per contractor and month").first).to_be_visible()
