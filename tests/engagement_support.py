"""Shared setup for the engagement tests: a municipality with staff, a mayor (a politician by the badge
of her membership), two citizens, an outsider and a members-only village."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest

from community.db import utcnow
from community.i18n import to_local
from community.spaces.models import Official, Visibility

EN = {"Accept-Language": "en"}
DA = {"Accept-Language": "da"}
CPR_TEXT = "Mit CPR er 010203-1234, kan I hjælpe?"


def local(moment: datetime) -> str:
    """A stored time as a datetime-local form field would hold it."""
    return to_local(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture(name="eng")
def eng_fixture(municipality, make_user, make_space, member):
    village = make_space(name="Stilling", place="Stilling")
    closed = make_space(name="Lukket", place="Ry", visibility=Visibility.MEMBERS)
    staff = make_user("kommune@example.org", name="Mette", staff_of=municipality)
    mayor = make_user("borgmester@example.org", name="Karen Borgmester")
    member(village, mayor, official=Official.POLITICIAN)
    borger = make_user("borger@example.org", name="Jens")
    senior = make_user("senior@example.org", name="Inger", home="Hørning (8362 Hørning)")
    member(village, borger)
    member(village, senior)
    return SimpleNamespace(
        municipality=municipality,
        village=village,
        closed=closed,
        staff=staff,
        mayor=mayor,
        borger=borger,
        senior=senior,
        outsider=make_user("ole@example.org", name="Ole"),
        unconfirmed=make_user("ny@example.org", name="Ny", confirmed=False),
    )


def soon(minutes: int = 0) -> datetime:
    return utcnow().replace(microsecond=0) + timedelta(minutes=minutes)
