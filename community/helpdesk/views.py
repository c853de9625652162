from __future__ import annotations

from flask import render_template
from flask_login import current_user

from community.helpdesk import bp
from community.spaces.models import SpaceKind
from community.spaces.services import default_municipality, spaces_near


@bp.get("/")
def index():
    """Where to get help with Digital Post, MitID and borger.dk, and the rules that keep it safe."""
    municipality = default_municipality()
    lat = lon = None
    if current_user.is_authenticated and current_user.has_home:
        lat, lon = current_user.home_latitude, current_user.home_longitude
    elif municipality is not None:
        lat, lon = municipality.latitude, municipality.longitude
    groups = [
        n
        for n in spaces_near(lat, lon, user=current_user)
        if n.space.kind in (SpaceKind.ASSOCIATION, SpaceKind.INTEREST_GROUP)
    ]
    return render_template("helpdesk/index.html", groups=groups, municipality=municipality)
