"""Fault reports are reportable content: public, kept by the municipality, so reports about them go to
its staff's queue. A citizen's fault reports are part of their data."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import url_for

from community import signals
from community.extensions import db
from community.i18n import _l
from community.maintenance.models import FaultReport
from community.moderation.registry import ContentType, register
from community.text import plain_excerpt, render_markdown


def _rendered(report: FaultReport) -> None:
    report.description_html = render_markdown(report.description)


def _delete(report: FaultReport, _by: Any) -> None:
    db.session.delete(report)


register(
    ContentType(
        name="fault_report",
        label=_l("fault report"),
        model=FaultReport,
        space_of=lambda r: None,
        author_id_of=lambda r: r.reporter_id,
        url_of=lambda r: url_for("maintenance.fault", report_id=r.id),
        title_of=lambda r: plain_excerpt(r.description)[:80] or "…",
        excerpt_of=lambda r: r.description[:600],
        can_view=lambda user, r: True,
        delete=_delete,
        author_attr="reporter_id",
        text_attr="description",
        after_edit=_rendered,
        municipality_of=lambda r: r.municipality_id,
    )
)


@signals.account_exporting.connect
def _export(user: Any, **_kw: Any) -> dict[str, Any]:
    from community.media import media_folder
    from community.moderation.privacy import row

    faults = [
        row(
            r,
            "id",
            "place_label",
            "latitude",
            "longitude",
            "category",
            "description",
            "photo",
            "status",
            "created_at",
        )
        for r in db.session.scalars(sa.select(FaultReport).where(FaultReport.reporter_id == user.id))
    ]
    folder = media_folder()
    # The photos they took of the faults, in the ZIP's images/ beside the JSON.
    return {"fault_reports": faults, "files": [str(folder / f["photo"]) for f in faults if f["photo"]]}


@signals.account_deleting.connect
def _forget(user: Any, **_kw: Any) -> None:
    """The faults stay reported (the municipality still fixes them); who reported them is forgotten."""
    db.session.execute(
        sa.update(FaultReport)
        .where(FaultReport.reporter_id == user.id)
        .values(reporter_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
