"""Helpdesk views by subject: guides (the landing page, topics, guides), people (volunteers),
sessions (drop-ins and bookings), requests (asking, matching, the overview)."""

from __future__ import annotations

from flask import abort

from community.spaces.models import Municipality
from community.spaces.tenancy import current_municipality


def municipality() -> Municipality:
    found = current_municipality()
    if found is None:
        abort(404)
    return found
