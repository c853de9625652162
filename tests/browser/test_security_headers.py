"""The Content-Security-Policy breaks no page: Leaflet draws its map, htmx swaps, the language switch
works, and the fixtures fail any test whose page the policy refused something on."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect


def test_the_policy_is_enforced_and_noticed(make_page: Any) -> None:
    page = make_page()
    page.goto("/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1';"
        " document.head.appendChild(s); }"
    )
    assert page.evaluate("() => window.injected") is None, "an inline script ran"
    context = page.context
    page.wait_for_function("() => true")  # one more round trip: the console message has arrived
    assert any("Content Security Policy" in v for v in context.csp_violations)
    context.csp_violations.clear()


def test_leaflet_draws_the_map_under_the_policy(make_page: Any) -> None:
    page = make_page()
    page.goto("/s/stilling/map")
    expect(page.locator("#map.leaflet-container")).to_be_visible()
    expect(page.locator(".leaflet-marker-icon").first).to_be_visible()
    page.locator(".leaflet-marker-icon").first.focus()
    page.keyboard.press("Enter")
    # Posts at the same place share one marker, whose popup lists them all.
    expect(page.locator(".leaflet-popup-content a").first).to_be_visible()


def test_htmx_and_the_language_switch_work_under_the_policy(make_page: Any) -> None:
    page = make_page(locale="da-DK")
    page.goto("/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # htmx is deferred and wires the form on DOMContentLoaded: a click before that is a plain submit
    # (it was, once, with the whole suite loading the machine).
    page.wait_for_load_state("load")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.headers.get("hx-request", "")))
    page.get_by_label("Show spaces near").fill("Ry")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("^Spaces near Ry"))).to_be_visible()
    assert "true" in requests, "htmx sent the search"
