"""axe-core on every page a person can reach: a crawler starts at / as an anonymous visitor and as each
demo account, in Danish and in English, follows the site's own links (GET only, never a state change),
runs axe (WCAG 2.0/2.1/2.2 A and AA) on each page, and fails at the end with every violation, its page
and its elements. Form pages are also checked after a failed submission, so error states are covered.

Every page checked is also laid out 320 CSS px wide (WCAG 2.2 reflow, 1.4.10): the document must not
be wider than the screen; a failure names the elements that stick out."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

expect = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package").expect

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
PAGES_PER_CRAWL = 30
LOCALES = {"da": "da-DK", "en": "en-GB"}
ROLES = [
    None,
    "kommune@example.org",
    "borger@example.org",
    "klub@example.org",
    "entreprenor@example.org",
    "frivillig@example.org",
    "senior@example.org",
    "stilling@example.org",
]
POST_KINDS = ["discussion", "question", "news", "event", "poll", "help_request", "help_offer"]
# Citizen dialogue: the demo's past and upcoming Q&A hours, meeting, consultation and first idea.
ENGAGEMENT_PAGES = [
    "/engagement/",
    "/engagement/qa/1",
    "/engagement/qa/2",
    "/engagement/qa/2/presenter",
    "/engagement/meetings/1",
    "/engagement/meetings/1?show=officials",
    "/engagement/consultations/1",
    "/engagement/ideas/",
    "/engagement/ideas/1",
    "/engagement/response-times",
]
# Pages behind forms and roles that the crawl must reach (found by links, or added here when not).
MUST_VISIT = {
    None: [
        "/",
        "/login",
        "/api/docs",
        "/register",
        "/reset",
        "/s/stilling/",
        "/s/stilling/search?q=hjælp",
        "/villages/search?q=hjælp",
        *ENGAGEMENT_PAGES,
        "/maintenance/faults/new",
        "/maintenance/faults/1",
    ],
    "kommune@example.org": [
        "/admin/",
        "/admin/spaces/new",
        "/admin/places",
        "/profile",
        "/notifications/",
        "/helpdesk/overview",
        "/helpdesk/requests",
        "/helpdesk/sessions/9/attendance",  # a café of the demo's past year: marking who came
        # The wide pages of issue 10 #14: statistics, an assisted request, a sheet to print.
        "/helpdesk/requests/2",
        "/helpdesk/sessions/1/attendance",
        "/maintenance/overview",
        "/maintenance/agreements/1/edit",
        "/admin/moderation/",
        "/admin/moderation/appeals",
        "/admin/moderation/audit",
        "/admin/moderation/words",
        "/admin/moderation/protected",
        "/admin/moderation/people?find-email=borger%40example.org",
        "/admin/moderation/cases/1",  # the demo's post two neighbours reported: its case and actions
        "/moderation/decisions/1",  # the Stilling admin's decision, appealed: the form to decide it
        "/admin/api-keys",
        "/profile/tokens",
        "/engagement/qa/new",
        "/engagement/meetings/new",
        "/engagement/consultations/new",
        "/engagement/settings",
        "/engagement/tracked",
        "/engagement/qa/2",
        # Staff's controls on the pages citizens use: an idea's response and merge forms, a consultation's
        # sites and proposals to accept, a meeting's summary and export.
        "/engagement/ideas/1",
        "/engagement/consultations/1",
        "/engagement/meetings/1",
    ],
    "frivillig@example.org": ["/helpdesk/volunteer", "/messages/"],
    "senior@example.org": [
        "/helpdesk/",  # the wide pages of issue 10 #14: the start and the cafés to book
        "/helpdesk/sessions",
        "/helpdesk/ask",
        "/helpdesk/requests",
        "/helpdesk/requests/1",
    ],
    "borger@example.org": [
        "/s/stilling/posts/new",
        "/notifications/",
        "/notifications/following",
        "/messages/",
        "/profile/data",
        "/profile/delete",
        "/profile/blocked",
        "/moderation/decisions/",
        "/report/post/1",
        "/report/profile/3",
        "/report/space/1",
        "/moderation/decisions/1",  # their hidden post's decision and their appeal
        "/s/stilling/posts/3",  # the hidden post, as its author sees it: the reason in its place
        "/s/stilling-borgerforening/",
        "/engagement/ideas/new",
        "/engagement/ideas/1",
        "/engagement/ideas/2",
        "/engagement/meetings/1",
        "/engagement/consultations/1",
        "/engagement/qa/2",
        "/maintenance/faults/1",
        "/report/idea/2",
    ],
    "stilling@example.org": [
        "/s/stilling/members",
        "/s/stilling/settings",
        "/s/stilling/moderation/",
        "/s/stilling/moderation/cases/1",
        "/s/stilling/moderation/words",
        *(f"/s/stilling/posts/new?kind={kind}" for kind in POST_KINDS),
    ],
    "klub@example.org": [
        "/s/stilling-if/members",
        "/s/stilling-if/settings",
        "/s/stilling-if/pitches/",
        "/s/stilling-if/pitches/fixtures/new",
        "/s/stilling-if/pitches/fixtures/1/edit",
        "/s/stilling-if/pitches/requests/new",
    ],
    "entreprenor@example.org": [
        "/s/groenne-omraader/members",
        "/s/groenne-omraader/plan/today",
        "/s/groenne-omraader/plan/compliance",
        "/s/groenne-omraader/plan/crew",
    ],
}
# GET targets that are not pages to check: files, health, and links carrying one-time tokens.
SKIP_PREFIXES = (
    "/static/",
    "/media/",
    "/healthz",
    "/logout",
    "/language",
    "/confirm/",
    "/reset/",
    "/invitations/",
)
FILE_SUFFIX = re.compile(
    r"\.(css|js|png|jpe?g|gif|webp|svg|ico|pdf|zip|csv|ics|json|geojson|xml|atom|rss|txt)$", re.I
)

RUN_AXE = "async (options) => (await axe.run(document, options)).violations"
REFLOW_WIDTH = 320
# The document's width, and the innermost elements that reach past the screen (not those inside a region
# that scrolls or clips on its own, which is allowed: a wide table in a focusable scroll region).
OVERFLOW = """(limit) => {
  const doc = document.documentElement;
  if (doc.scrollWidth <= limit) return null;
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== doc; p = p.parentElement) {
      if (["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  const wide = [...document.body.querySelectorAll("*")].filter((el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > limit + 0.5 && !clipped(el);
  });
  const innermost = wide.filter((el) => !wide.some((other) => other !== el && el.contains(other)));
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + [...el.classList].map((c) => "." + c).join("");
  const path = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
      parts.unshift(name(e));
    }
    return parts.join(" > ");
  };
  return {
    width: doc.scrollWidth,
    offenders: innermost.slice(0, 6).map((el) => {
      const box = el.getBoundingClientRect();
      const text = (el.innerText || el.value || "").trim().replace(/\\s+/g, " ").slice(0, 60);
      return `${path(el)} (${Math.round(box.left)}-${Math.round(box.right)} px)${text ? ": " + text : ""}`;
    }),
  };
}"""
LINKS = "els => els.map(a => a.href)"


def axe_page(make_page: Any, locale: str, **options: Any) -> Any:
    """A fresh page whose every document gets axe-core at its start: one registration per context instead
    of sending the 560 kB script through the driver for each page (measured: 0.14 s a page)."""
    page = make_page(locale, **options)
    page.context.add_init_script(path=str(AXE))
    return page


def axe_violations(page: Any, where: str) -> list[str]:
    """Runs axe on the page as it is now; one readable line (plus elements) per violation. It waits for
    the document's load event first: after a click that navigates, the new page's text can be visible
    before its stylesheet applies, and axe then measures unstyled links (a flaky target-size finding)."""
    page.wait_for_load_state("load")
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    found = []
    for v in page.evaluate(RUN_AXE, AXE_OPTIONS):
        nodes = "\n".join(
            f"      {' '.join(map(str, n['target']))}: {n['html'][:200]}" for n in v["nodes"][:8]
        )
        more = f"\n      … and {len(v['nodes']) - 8} more" if len(v["nodes"]) > 8 else ""
        found.append(f"{v['id']} ({v['impact']}) on {where}: {v['help']}\n{nodes}{more}")
    return found


def reflow_problems(page: Any, where: str) -> list[str]:
    """Lays the page out 320 CSS px wide and back: one line (plus the elements that stick out) when the
    document is wider than the screen, so it would scroll sideways on a small phone."""
    before = page.viewport_size or {"width": 1280, "height": 720}
    page.set_viewport_size({"width": REFLOW_WIDTH, "height": before["height"]})
    try:
        found = page.evaluate(OVERFLOW, REFLOW_WIDTH)
    finally:
        page.set_viewport_size(before)
    if not found:
        return []
    offenders = "\n".join(f"      {line}" for line in found["offenders"])
    return [
        f"reflow on {where}: {found['width']} px wide at {REFLOW_WIDTH} px (patterns for tables and long"
        f" words at the top of community/static/css/faelled.css), sticking out:\n{offenders}"
    ]


def page_problems(page: Any, where: str) -> list[str]:
    """What is wrong with the page as it is now: axe's violations, and sideways scrolling at 320 px."""
    return axe_violations(page, where) + reflow_problems(page, where)


def crawlable(url: str, origin: str) -> str | None:
    """The same-origin path (with query) worth visiting, or None."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    path = parts.path or "/"
    if path.startswith(SKIP_PREFIXES) or FILE_SUFFIX.search(path) or "unsubscribe" in path:
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def page_key(target: str) -> str:
    """What makes a page different: its path and the names of its query parameters (not their values,
    and not ``next``): /s/ry/posts/new?kind=event and ?kind=poll are one key, /s/ry/posts/ another."""
    path, _, query = target.partition("?")
    names = sorted({p.split("=", 1)[0] for p in query.split("&") if p and not p.startswith("next=")})
    return path + (f"?{'&'.join(names)}" if names else "")


def pattern(key: str) -> str:
    """/s/ry/members and /s/galten/members are one page type: /s/*/members (ids and topic slugs likewise);
    the filtered and sorted variants of a list (/s/ry/?order=…, ?kind=…) are one more: /s/*/?."""
    path, query, _ = key.partition("?")
    path = re.sub(r"^/s/[^/]+", "/s/*", path)
    path = re.sub(r"/(topics|guides|tags)/(?!new(?:/|$))[^/]+", r"/\1/*", path)  # slugs, like ids
    return re.sub(r"/\d+(?=/|$)", "/#", path) + query


def crawl(
    page: Any, origin: str, start: list[str], label: str, *, per_pattern: int = 2, every_space: bool = False
) -> tuple[list[str], list[str], set[str]]:
    """Breadth-first over the site's links from ``start``; returns violations, broken pages, and the pages
    checked (``start`` as given, the rest by ``page_key``). ``per_pattern`` caps how many pages of one
    type (say /s/*/settings) are checked, except the pages in ``start`` and, with ``every_space``, each
    space's front page (each space has its own colours)."""
    queue = list(dict.fromkeys(start))
    required = set(queue)
    seen: set[str] = set()
    per_type: dict[str, int] = {}
    violations: list[str] = []
    broken: list[str] = []
    # ``PAGES_PER_CRAWL`` caps the pages found by links; the pages in ``start`` are all checked, however
    # many (they are first in the queue).
    while queue and (len(seen) < PAGES_PER_CRAWL or queue[0] in required):
        target = queue.pop(0)
        key = target if target in required else page_key(target)
        if key in seen or page_key(target) in seen:
            continue
        kind = pattern(page_key(target))
        unlimited = target in required or (every_space and kind == "/s/*/")
        if not unlimited and per_type.get(kind, 0) >= per_pattern:
            continue
        per_type[kind] = per_type.get(kind, 0) + 1
        seen.add(key)
        response = page.goto(target)
        where = f"{label} {target}"
        if response is None or response.status >= 400:
            broken.append(f"{where}: HTTP {response.status if response else '?'}")
        if "text/html" not in (response.headers.get("content-type", "") if response else ""):
            continue  # a feed or a download that a link points to: not a page
        violations += page_problems(page, where)
        for href in page.eval_on_selector_all("a[href]", LINKS):
            found = crawlable(href, origin)
            if found and page_key(found) not in seen:
                queue.append(found)
    return violations, broken, seen


@contextmanager
def browser_language(live_server: Any, email: str | None) -> Iterator[None]:
    """A demo account's stored language wins over the browser's; clear it for the crawl, then restore it."""
    if email is None:
        yield
        return
    import sqlalchemy as sa

    from community.accounts.models import User
    from community.extensions import db

    def stored(value: Any = ...) -> Any:
        with live_server.app.app_context():
            user = db.session.scalars(sa.select(User).where(User.email == email)).one()
            before = user.locale
            if value is not ...:
                user.locale = value
                db.session.commit()
            return before

    original = stored(None)
    try:
        yield
    finally:
        stored(original)


def report(problems: list[str]) -> str:
    return f"{len(problems)} problem(s):\n\n" + "\n\n".join(problems)


@pytest.mark.parametrize("language", list(LOCALES))
@pytest.mark.parametrize("role", ROLES, ids=lambda r: (r or "anonymous").split("@")[0])
def test_every_reachable_page_passes_axe(make_page, live_server, login, role, language) -> None:
    page = axe_page(make_page, LOCALES[language])
    label = f"[{language}, {(role or 'anonymous').split('@')[0]}]"
    with browser_language(live_server, role):
        if role:
            login(page, role)  # lands on the front page with a welcome flash: check it as it is
            landing = page_problems(page, f"{label} {page.url} after logging in")
        must = MUST_VISIT.get(role, []) + (["/profile"] if role else [])
        # Anonymous visitors see every public space (each in its own colours) and two pages of each type;
        # the accounts see one page of each type with their own rights.
        violations, broken, seen = crawl(
            page, live_server.url, [*must, "/"], label, per_pattern=1 if role else 2, every_space=not role
        )
        expect(page.locator("html")).to_have_attribute("lang", language)
        if role:
            violations = landing + violations
    missing = [p for p in must if p not in seen]
    assert not missing, f"{label} the crawl did not reach {missing}"
    print(f"{label} axe checked {len(seen)} pages: {' '.join(sorted(seen))}")
    assert len(seen) >= 8, f"{label} the crawl reached only {sorted(seen)}"
    assert not (violations + broken), report(broken + violations)


@pytest.mark.parametrize("role", [None, "kommune@example.org"], ids=["anonymous", "kommune"])
def test_pages_on_a_narrow_phone_screen_pass_axe(make_page, live_server, login, role) -> None:
    """The phone layout (wrapped header, stacked forms) has its own contrast and target sizes."""
    page = axe_page(
        make_page, "da-DK", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    with browser_language(live_server, role):
        if role:
            login(page, role)
        must = MUST_VISIT.get(role, [])
        violations, broken, seen = crawl(page, live_server.url, [*must, "/"], "[da, phone]", per_pattern=1)
    assert len(seen) >= 8, f"the crawl reached only {sorted(seen)}"
    assert not (violations + broken), report(broken + violations)


@pytest.mark.parametrize("language", list(LOCALES))
def test_larger_text_scales_the_whole_site_and_still_fits_a_phone(
    make_page, live_server, login, language
) -> None:
    """The header's "larger text" button (a plain form) scales every page from the root, is kept while
    browsing, and the larger pages still pass axe and fit 320 px; "normal text" takes it back."""
    page = axe_page(make_page, LOCALES[language])
    banner = page.get_by_role("banner")
    sizes = (
        "() => [document.documentElement, document.querySelector('h1'), document.querySelector('main p')]"
        ".map((el) => parseFloat(getComputedStyle(el).fontSize))"
    )
    with browser_language(live_server, "stilling@example.org"):
        login(page, "stilling@example.org")
        page.goto("/s/stilling/")
        normal = page.evaluate(sizes)
        banner.get_by_role("button", name=re.compile(r"^(Larger text|Større tekst)$")).click()
        expect(page.locator("html")).to_have_class("text-large")
        assert page.evaluate(sizes) == [size * 1.25 for size in normal], "everything grows by a quarter"
        problems: list[str] = []
        for path in ("/s/stilling/", "/s/stilling/posts/new?kind=event", "/helpdesk/sessions", "/profile"):
            page.goto(path)
            expect(page.locator("html")).to_have_class("text-large")
            problems += page_problems(page, f"[{language}, larger text] {path}")
        banner.get_by_role("button", name=re.compile(r"^(Normal text|Normal tekst)$")).click()
        expect(page.locator("html")).not_to_have_class("text-large")
        assert page.evaluate(sizes)[0] == normal[0]
    assert not problems, report(problems)


def _submit(page: Any, button: Any) -> None:
    with page.expect_navigation():
        button.click()


def test_forms_after_a_failed_submission_pass_axe(make_page, live_server, login) -> None:
    problems: list[str] = []
    for language, locale in LOCALES.items():
        page = axe_page(make_page, locale)
        main = page.get_by_role("main")
        log_in = re.compile(r"^(Log in|Log ind)$")

        page.goto("/login")
        main.get_by_label(re.compile(r"^E-mail")).fill("borger@example.org")
        main.get_by_label(re.compile(r"^(Password|Adgangskode)$")).fill("not the password")
        _submit(page, main.get_by_role("button", name=log_in))
        expect(main.get_by_role("alert")).to_be_visible()
        expect(main.locator("[aria-invalid=true]")).to_have_count(1)
        problems += page_problems(page, f"[{language}] /login after a wrong password")

        for path in ("/register", "/reset"):
            page.goto(path)
            _submit(page, main.locator("form").get_by_role("button").last)
            expect(main.get_by_role("alert")).to_be_visible()
            problems += page_problems(page, f"[{language}] {path} sent empty")

        page.goto("/?near=Atlantis")
        expect(main.locator("#near[aria-invalid=true]")).to_be_visible()
        problems += page_problems(page, f"[{language}] / with an unknown place")

        # A new, unconfirmed account: the welcome flash and the "confirm your address" notice.
        page.goto("/register")
        main.get_by_label(re.compile(r"^(Your name|Dit navn)$")).fill(f"Ny {language}")
        main.get_by_label(re.compile(r"^E-mail")).fill(f"a11y-{language}@example.org")
        for field in main.locator("input[type=password]").all():
            field.fill("en lang og god sætning")
        main.locator("input[list=places]").fill("Stilling")
        _submit(page, main.locator("form").get_by_role("button").last)
        expect(main.get_by_role("note")).to_be_visible()
        problems += page_problems(page, f"[{language}] / as a new account that is not confirmed")
        page.goto("/s/stilling/")
        problems += page_problems(page, f"[{language}] /s/stilling/ as a new account that is not confirmed")
        page.get_by_role("banner").get_by_role("button", name=re.compile(r"^(Log out|Log ud)$")).click()

        response = page.goto("/s/no-such-space/")
        assert response is not None and response.status == 404
        problems += page_problems(page, f"[{language}] a 404 page")

    with browser_language(live_server, "kommune@example.org"):
        page = axe_page(make_page, "da-DK")
        login(page, "kommune@example.org")
        main = page.get_by_role("main")
        page.goto("/admin/spaces/new")
        main.get_by_label(re.compile(r"^(Name|Navn)$")).fill("")
        _submit(page, main.locator("form").get_by_role("button").last)
        expect(main.get_by_role("alert")).to_be_visible()
        problems += page_problems(page, "[da] /admin/spaces/new sent empty")

        page.goto("/admin/places")
        _submit(page, main.locator("form").get_by_role("button").last)
        expect(main.get_by_role("alert")).to_be_visible()
        problems += page_problems(page, "[da] /admin/places sent empty")

        page.goto("/profile")
        password_form = main.locator("form").last
        _submit(page, password_form.get_by_role("button"))
        expect(main.get_by_role("alert")).to_be_visible()
        problems += page_problems(page, "[da] /profile password change sent empty")

    with browser_language(live_server, "stilling@example.org"):
        page = axe_page(make_page, "da-DK")
        login(page, "stilling@example.org")
        main = page.get_by_role("main")
        for kind in ("question", "event", "poll"):
            page.goto(f"/s/stilling/posts/new?kind={kind}")
            _submit(page, main.locator("form[enctype]").get_by_role("button").last)
            expect(main.get_by_role("alert")).to_be_visible()
            problems += page_problems(page, f"[da] /s/stilling/posts/new?kind={kind} sent empty")

        page.goto("/s/stilling/members")
        invite = main.locator("form").last
        invite.get_by_label(re.compile(r"^E-mail")).fill("not an address")
        _submit(page, invite.get_by_role("button"))
        expect(main.get_by_role("alert")).to_be_visible()
        problems += page_problems(page, "[da] /s/stilling/members invitation with a bad address")

    assert not problems, report(problems)


def test_a_comment_kept_in_place_passes_axe(make_page, live_server, login) -> None:
    """Think before posting and a refused comment, as the second step of the same form: the text in its
    field, the prompt with "Edit the text" and "Post anyway", or the message beside it."""
    problems: list[str] = []
    with browser_language(live_server, "borger@example.org"):
        for language, locale in LOCALES.items():
            page = axe_page(make_page, locale)
            login(page, "borger@example.org")
            main = page.get_by_role("main")
            for path, form in (
                ("/s/stilling/posts/1", "#comment-form"),
                ("/engagement/ideas/2", "form[action$='/comment']"),
            ):
                for text, shown in (("Hvorfor sker der aldrig noget???", "status"), ("x" * 10001, "alert")):
                    page.goto(path)
                    box = main.locator(form)
                    box.locator("textarea").fill(text)
                    _submit(page, box.get_by_role("button").last)
                    expect(main.locator(f"{form} textarea")).to_have_value(text)
                    expect(main.locator(".think-twice, .field-error").first).to_be_visible()
                    problems += page_problems(
                        page, f"[{language}] {path} comment needing attention ({shown})"
                    )
    assert not problems, report(problems)
