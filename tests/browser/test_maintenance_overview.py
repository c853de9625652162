"""The maintenance overview's table of open reports at a place (a pothole in a road, as an Open311
client reports one) passes axe and fits a phone, in both languages; the report is on the map too."""

from __future__ import annotations

import pytest

expect = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package").expect

from tests.browser.test_accessibility import LOCALES, axe_page, page_problems, report  # noqa: E402


def test_the_overviews_place_reports_pass_axe(make_page, live_server, login) -> None:
    import sqlalchemy as sa

    from community import geo
    from community.extensions import db
    from community.maintenance.models import FaultCategory, FaultReport
    from community.spaces.models import Municipality

    with live_server.app.app_context():
        municipality = db.session.scalars(sa.select(Municipality).order_by(Municipality.id)).first()
        ry = geo.resolve("Ry")
        # The row alone (no notification, no follow): the session's other browser tests see the demo
        # as it was once it is deleted again.
        made = FaultReport(
            municipality_id=municipality.id,
            category=FaultCategory.POTHOLE,
            description="Stort hul i cykelstien ved søen.",
            description_html="<p>Stort hul i cykelstien ved søen.</p>",
            latitude=ry.lat,
            longitude=ry.lon,
            place_label=ry.label,
        )
        db.session.add(made)
        db.session.commit()
        report_id = made.id
    problems: list[str] = []
    try:
        for language, locale in LOCALES.items():
            page = axe_page(make_page, locale)
            login(page, "kommune@example.org")
            page.goto("/maintenance/overview")
            table = page.locator("section[aria-labelledby='places-heading'] table")
            expect(table.locator(f"a[href='/maintenance/faults/{report_id}']")).to_be_visible()
            points = page.locator("#map").get_attribute("data-points") or ""
            assert f"/maintenance/faults/{report_id}" in points
            problems += page_problems(page, f"[{language}] /maintenance/overview with a report at a place")
    finally:
        with live_server.app.app_context():
            db.session.execute(sa.delete(FaultReport).where(FaultReport.id == report_id))
            db.session.commit()
    assert not problems, report(problems)
