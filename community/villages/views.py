from __future__ import annotations

from flask import render_template
from flask_login import current_user

from community.spaces.models import SpaceKind
from community.spaces.services import default_municipality, spaces_near
from community.villages import bp


@bp.get("/")
def index():
    """The villages of the municipality, nearest to the citizen's home first."""
    lat = lon = None
    if current_user.is_authenticated and current_user.has_home:
        lat, lon = current_user.home_latitude, current_user.home_longitude
    elif (municipality := default_municipality()) is not None:
        lat, lon = municipality.latitude, municipality.longitude
    villages = [n for n in spaces_near(lat, lon, user=current_user) if n.space.kind == SpaceKind.VILLAGE]
    return render_template("villages/index.html", villages=villages)
