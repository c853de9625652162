from __future__ import annotations

from flask import Response, current_app, render_template, url_for
from flask_login import current_user, login_required

from community.i18n import _
from community.maintenance import bp, permissions
from community.maintenance.services import overview as service
from community.maintenance.services import plans, service_level
from community.maintenance.services import requests as request_service
from community.maintenance.views.common import fault_points, municipality
from community.permissions import require


@bp.get("/maintenance/overview")
@login_required
def overview():
    """The municipality's overview: where reports and requests are open (at facilities, and reports at
    a place such as a road), what is overdue, how old the open requests are, and how each contractor
    keeps its agreements. The same number of queries however many reports are open."""
    place = municipality()
    require(permissions.can_view_overview(current_user, place.id))
    load = service.facility_load(place.id)
    busy = [f for f in load if f.open_reports or f.open_requests]
    points = [
        {
            "lat": f.facility.latitude,
            "lon": f.facility.longitude,
            "title": f.facility.name,
            "kind": _(
                "%(reports)s open reports, %(requests)s open requests",
                reports=f.open_reports,
                requests=f.open_requests,
            ),
            "url": url_for("maintenance.facility", facility_id=f.facility.id),
        }
        for f in busy
    ]
    places = service.open_place_reports(place.id)
    points += fault_points(places)
    requests = request_service.open_requests(place.id)
    return render_template(
        "maintenance/overview.html",
        municipality=place,
        busy=busy,
        places=places,
        places_capped=len(places) >= service.PLACE_REPORTS_SHOWN,
        points=points,
        centre=(place.latitude, place.longitude),
        tile_url=current_app.config.get("TILE_URL") or "",
        overdue=plans.overdue_visits(municipality_id=place.id),
        requests=requests,
        ages=dict(service.request_ages(requests)),
        compliance=service.compliance(place.id),
        levels=service_level.service_levels(municipality_id=place.id),
    )


@bp.get("/maintenance/overview/compliance.csv")
@login_required
def overview_csv():
    place = municipality()
    require(permissions.can_view_overview(current_user, place.id))
    header = [_("Contractor"), _("Month"), _("Visits due"), _("Done on time"), _("Share on time (%)")]
    body = service.compliance_csv(service.compliance(place.id), header)
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="compliance.csv"'},
    )


@bp.get("/maintenance/overview/service-levels.csv")
@login_required
def overview_levels_csv():
    place = municipality()
    require(permissions.can_view_overview(current_user, place.id))
    header = [
        _("Contractor"),
        _("Facility"),
        _("Task"),
        _("Month"),
        _("Visits required"),
        _("Visits done"),
        _("Done on time"),
        _("Matches"),
        _("Matches served in time"),
        _("Heights measured"),
        _("Grass too tall"),
        _("Kept"),
    ]
    body = service.service_levels_csv(service_level.service_levels(municipality_id=place.id), header)
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="service-levels.csv"'},
    )
