"""Templates a new space starts from, one per kind: sensible defaults the console pre-fills."""

from __future__ import annotations

from dataclasses import dataclass

from community.i18n import _l
from community.spaces.models import JoinPolicy, SpaceKind, Visibility


@dataclass(frozen=True)
class SpaceTemplate:
    description: object  # a lazy string
    primary_color: str
    visibility: Visibility
    join_policy: JoinPolicy
    radius_km: float


TEMPLATES: dict[SpaceKind, SpaceTemplate] = {
    SpaceKind.VILLAGE: SpaceTemplate(
        _l("The village's own place to ask, answer, help each other and share what is going on."),
        "#1f5f3a",
        Visibility.PUBLIC,
        JoinPolicy.OPEN,
        5.0,
    ),
    SpaceKind.CLUB: SpaceTemplate(
        _l("The club's members, coaches and volunteers: matches, training and the pitches."),
        "#1d4f91",
        Visibility.PUBLIC,
        JoinPolicy.REQUEST,
        10.0,
    ),
    SpaceKind.ASSOCIATION: SpaceTemplate(
        _l("The association's members and everyone who wants to join in."),
        "#6b3fa0",
        Visibility.PUBLIC,
        JoinPolicy.REQUEST,
        15.0,
    ),
    SpaceKind.CONTRACTOR_NETWORK: SpaceTemplate(
        _l("Contractors, clubs and the municipality agree on maintenance directly."),
        "#7a4b00",
        Visibility.MEMBERS,
        JoinPolicy.INVITATION,
        30.0,
    ),
    SpaceKind.INTEREST_GROUP: SpaceTemplate(
        _l("People who share an interest or a need, across the villages."),
        "#9b2c4a",
        Visibility.PUBLIC,
        JoinPolicy.OPEN,
        30.0,
    ),
}
