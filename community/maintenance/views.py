from __future__ import annotations

from flask import render_template
from flask_login import current_user

from community.maintenance import bp
from community.spaces.models import SpaceKind
from community.spaces.services import default_municipality, spaces_near


@bp.get("/")
def index():
    """The clubs and contractor networks that look after the municipality's pitches and green areas."""
    municipality = default_municipality()
    lat = lon = None
    if municipality is not None:
        lat, lon = municipality.latitude, municipality.longitude
    found = spaces_near(lat, lon, user=current_user)
    clubs = [n for n in found if n.space.kind == SpaceKind.CLUB]
    networks = [n for n in found if n.space.kind == SpaceKind.CONTRACTOR_NETWORK]
    return render_template(
        "maintenance/index.html", clubs=clubs, networks=networks, municipality=municipality
    )
