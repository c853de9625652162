"""Consultations on a map: staff describe a decision and place candidate sites; citizens say for /
neutral / against each site (or rank them), comment per site and propose new sites that staff may
accept; the results per site; after the deadline staff publish the decision, and every participant is
told."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from community import signals
from community.accounts.models import User
from community.db import upsert, utcnow
from community.engagement import permissions
from community.engagement.models import (
    COMMENT_MAX,
    DESCRIPTION_MAX,
    TITLE_MAX,
    Consultation,
    ConsultationMode,
    Site,
    SiteComment,
    SitePreference,
    SiteStatus,
)
from community.engagement.services.common import check_in_area, clean_text
from community.errors import Conflict, DomainError, NotAllowed
from community.extensions import db
from community.i18n import _
from community.spaces.models import Municipality, Space
from community.text import render_markdown

MAX_SITES = 30
MAX_DOCUMENTS = 20


@dataclass
class SiteInput:
    name: str
    latitude: float
    longitude: float
    place_label: str = ""
    description: str = ""


def _site(municipality: Municipality, data: SiteInput, *, field: str, position: int = 0) -> Site:
    name = clean_text(data.name, field=field, limit=TITLE_MAX, empty=_("Give each site a name."))
    if len(data.description or "") > 2000:
        raise DomainError(_("Describe a site in at most 2000 characters."), field=field)
    check_in_area(municipality, data.latitude, data.longitude, field=field)
    return Site(
        name=name,
        description=(data.description or "").strip(),
        place_label=(data.place_label or "").strip()[:200],
        latitude=data.latitude,
        longitude=data.longitude,
        position=position,
    )


def _documents(documents: list[tuple[str, str]]) -> list[dict[str, str]]:
    found = []
    for title, url in documents:
        url = url.strip()
        if not url.startswith(("https://", "http://")) or len(url) > 500 or any(c.isspace() for c in url):
            raise DomainError(
                _("Give each document as a title and a web address starting with https://."),
                field="documents",
            )
        found.append({"title": (title.strip() or url)[:200], "url": url})
    if len(found) > MAX_DOCUMENTS:
        raise DomainError(_("At most %(n)d documents.", n=MAX_DOCUMENTS), field="documents")
    return found


def create_consultation(
    municipality: Municipality,
    *,
    by: User,
    title: str,
    description: str,
    deadline: datetime,
    sites: list[SiteInput],
    documents: list[tuple[str, str]] | None = None,
    mode: ConsultationMode = ConsultationMode.PREFERENCE,
    space: Space | None = None,
    allow_past: bool = False,
) -> Consultation:
    if not permissions.can_create(by, municipality.id):
        raise NotAllowed(_("Only municipality staff open consultations."))
    title = clean_text(title, field="title", limit=TITLE_MAX, empty=_("Give the consultation a title."))
    text = clean_text(
        description, field="description", limit=DESCRIPTION_MAX, empty=_("Describe the decision to be made.")
    )
    if not allow_past and deadline <= utcnow():
        raise DomainError(_("The deadline must be in the future."), field="deadline")
    if not sites:
        raise DomainError(_("Place at least one candidate site: a consultation needs sites."), field="sites")
    if len(sites) > MAX_SITES:
        raise DomainError(_("At most %(n)d sites.", n=MAX_SITES), field="sites")
    if space is not None and space.municipality_id != municipality.id:
        raise DomainError(_("Choose a space of this municipality."), field="space_id")
    consultation = Consultation(
        municipality_id=municipality.id,
        space_id=space.id if space else None,
        created_by_id=by.id,
        title=title,
        description=text,
        description_html=render_markdown(text),
        documents=_documents(documents or []),
        deadline=deadline,
        mode=mode,
        sites=[_site(municipality, s, field="sites", position=i) for i, s in enumerate(sites)],
    )
    db.session.add(consultation)
    db.session.flush()
    return consultation


def listed(
    municipality_id: int, *, space_ids: list[int] | None = None, limit: int = 20
) -> list[Consultation]:
    query = sa.select(Consultation).where(Consultation.municipality_id == municipality_id)
    if space_ids is not None:
        query = query.where(sa.or_(Consultation.space_id.is_(None), Consultation.space_id.in_(space_ids)))
    return list(
        db.session.scalars(
            query.order_by(Consultation.deadline.desc(), Consultation.id.desc())
            .limit(limit)
            .options(selectinload(Consultation.space))
        )
    )


def candidates(consultation: Consultation) -> list[Site]:
    return [s for s in consultation.sites if s.status == SiteStatus.CANDIDATE]


def proposals(consultation: Consultation) -> list[Site]:
    return [s for s in consultation.sites if s.status == SiteStatus.PROPOSED]


def _refuse_closed(consultation: Consultation) -> None:
    if not consultation.is_open:
        raise Conflict(_("The consultation has closed. Read the results and, when it comes, the decision."))


def _participant(consultation: Consultation, by: User) -> None:
    _refuse_closed(consultation)
    if not permissions.can_take_part(by, consultation):
        raise NotAllowed(_("Log in with a confirmed account to take part, as a member where it is held."))


def add_site(consultation: Consultation, data: SiteInput, *, by: User) -> Site:
    if not permissions.can_manage_consultation(by, consultation):
        raise NotAllowed(_("Only municipality staff place candidate sites."))
    site = _site(
        consultation_municipality(consultation), data, field="name", position=len(consultation.sites)
    )
    site.status = SiteStatus.CANDIDATE
    consultation.sites.append(site)
    db.session.flush()
    return site


def consultation_municipality(consultation: Consultation) -> Municipality:
    return db.session.get(Municipality, consultation.municipality_id)  # type: ignore[return-value]


def propose_site(consultation: Consultation, data: SiteInput, *, by: User) -> Site:
    """A citizen's own suggestion, shown to staff, who may make it a candidate."""
    _participant(consultation, by)
    site = _site(
        consultation_municipality(consultation), data, field="name", position=len(consultation.sites)
    )
    site.status = SiteStatus.PROPOSED
    site.proposed_by_id = by.id
    consultation.sites.append(site)
    db.session.flush()
    signals.site_proposed.send(site, by=by)
    return site


def accept_site(site: Site, *, by: User) -> None:
    consultation = site.consultation
    if not permissions.can_manage_consultation(by, consultation):
        raise NotAllowed(_("Only municipality staff accept proposed sites."))
    _refuse_closed(consultation)
    if site.status != SiteStatus.PROPOSED:
        raise Conflict(_("This site is not a proposal waiting for an answer."))
    site.status = SiteStatus.CANDIDATE
    db.session.flush()
    signals.site_accepted.send(site, by=by)


def decline_site(site: Site, *, by: User) -> None:
    if not permissions.can_manage_consultation(by, site.consultation):
        raise NotAllowed(_("Only municipality staff answer proposed sites."))
    if site.status != SiteStatus.PROPOSED:
        raise Conflict(_("This site is not a proposal waiting for an answer."))
    site.status = SiteStatus.DECLINED
    db.session.flush()


def set_preferences(consultation: Consultation, choices: dict[int, int | None], *, by: User) -> int:
    """For (+1), neutral (0) or against (-1) per candidate site; None leaves a site without a view.
    A person has one view per site; giving it again changes it. Returns how many sites have a view."""
    _participant(consultation, by)
    if consultation.mode != ConsultationMode.PREFERENCE:
        raise DomainError(_("This consultation asks you to put the sites in order."), field="sites")
    allowed = {s.id for s in candidates(consultation)}
    if any(site_id not in allowed for site_id in choices):
        raise DomainError(_("Give your view on the candidate sites of this consultation."), field="sites")
    if any(v not in (-1, 0, 1, None) for v in choices.values()):
        raise DomainError(_("Choose for, neutral or against."), field="sites")
    if all(v is None for v in choices.values()):
        raise DomainError(_("Give your view on at least one site."), field="sites")
    return _save(consultation, {k: (v, None) for k, v in choices.items()}, by)


def set_ranking(consultation: Consultation, ranks: dict[int, int | None], *, by: User) -> int:
    """The sites in order: 1 is the best; each number once; sites left without a number are unranked."""
    _participant(consultation, by)
    if consultation.mode != ConsultationMode.RANKING:
        raise DomainError(_("This consultation asks for/neutral/against per site."), field="sites")
    allowed = {s.id for s in candidates(consultation)}
    if any(site_id not in allowed for site_id in ranks):
        raise DomainError(_("Rank the candidate sites of this consultation."), field="sites")
    given = [r for r in ranks.values() if r is not None]
    if not given:
        raise DomainError(_("Give at least your first choice a 1."), field="sites")
    if len(set(given)) != len(given) or any(not 1 <= r <= len(allowed) for r in given):
        raise DomainError(
            _("Give each site its own place, from 1 (the best) to %(n)d, at most once each.", n=len(allowed)),
            field="sites",
        )
    return _save(consultation, {k: (None, v) for k, v in ranks.items()}, by)


def _save(consultation: Consultation, views: dict[int, tuple[int | None, int | None]], by: User) -> int:
    now = utcnow()
    for site_id, (value, rank) in views.items():
        if value is None and rank is None:
            db.session.execute(
                sa.delete(SitePreference).where(
                    SitePreference.site_id == site_id, SitePreference.user_id == by.id
                )
            )
            continue
        upsert(
            SitePreference,
            ["site_id", "user_id"],
            site_id=site_id,
            user_id=by.id,
            consultation_id=consultation.id,
            value=value,
            rank=rank,
            updated_at=now,
        )
    db.session.flush()
    return sum(1 for v, r in views.values() if v is not None or r is not None)


def my_views(consultation: Consultation, user: User | None) -> dict[int, SitePreference]:
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    return {
        p.site_id: p
        for p in db.session.scalars(
            sa.select(SitePreference).where(
                SitePreference.consultation_id == consultation.id, SitePreference.user_id == user.id
            )
        )
    }


def comment(site: Site, *, body: str, by: User) -> SiteComment:
    consultation = site.consultation
    _participant(consultation, by)
    if site.status == SiteStatus.DECLINED:
        raise Conflict(_("This proposal was declined; comment on the candidate sites."))
    text = clean_text(body, field="body", limit=COMMENT_MAX, empty=_("Write your comment first."))
    entry = SiteComment(consultation_id=consultation.id, site_id=site.id, author_id=by.id, body=text)
    db.session.add(entry)
    db.session.flush()
    return entry


def comments(consultation: Consultation) -> dict[int, list[SiteComment]]:
    found: dict[int, list[SiteComment]] = {}
    for c in db.session.scalars(
        sa.select(SiteComment)
        .where(SiteComment.consultation_id == consultation.id)
        .order_by(SiteComment.created_at, SiteComment.id)
        .options(selectinload(SiteComment.author))
    ):
        found.setdefault(c.site_id, []).append(c)
    return found


@dataclass(frozen=True)
class SiteResult:
    site: Site
    for_: int
    neutral: int
    against: int
    ranked: int
    first: int  # ranked first
    points: int  # ranking: n points for a first place, n-1 for a second, …

    @property
    def views(self) -> int:
        return self.for_ + self.neutral + self.against

    @property
    def score(self) -> int:
        return self.for_ - self.against


def results(consultation: Consultation) -> list[SiteResult]:
    """Per candidate site, in the order staff placed them, from one grouped query."""
    sites = candidates(consultation)
    n = len(sites)
    rows = {
        row.site_id: row
        for row in db.session.execute(
            sa.select(
                SitePreference.site_id,
                sa.func.count(sa.case((SitePreference.value == 1, 1))).label("for_"),
                sa.func.count(sa.case((SitePreference.value == 0, 1))).label("neutral"),
                sa.func.count(sa.case((SitePreference.value == -1, 1))).label("against"),
                sa.func.count(SitePreference.rank).label("ranked"),
                sa.func.count(sa.case((SitePreference.rank == 1, 1))).label("first"),
                sa.func.coalesce(sa.func.sum(n + 1 - SitePreference.rank), 0).label("points"),
            )
            .where(SitePreference.consultation_id == consultation.id)
            .group_by(SitePreference.site_id)
        )
    }
    out = []
    for site in sites:
        r = rows.get(site.id)
        out.append(
            SiteResult(
                site,
                *(
                    int(getattr(r, k) or 0) if r else 0
                    for k in ("for_", "neutral", "against", "ranked", "first", "points")
                ),
            )
        )
    return out


def participants(consultation: Consultation) -> list[User]:
    """Everyone who gave a view, commented or proposed a site."""
    ids = (
        sa.select(SitePreference.user_id)
        .where(SitePreference.consultation_id == consultation.id)
        .union(
            sa.select(SiteComment.author_id).where(SiteComment.consultation_id == consultation.id),
            sa.select(Site.proposed_by_id).where(Site.consultation_id == consultation.id),
        )
        .subquery()
    )
    return list(db.session.scalars(sa.select(User).where(User.id.in_(sa.select(ids.c[0]))).order_by(User.id)))


def participant_count(consultation: Consultation) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(sa.distinct(SitePreference.user_id))).where(
                SitePreference.consultation_id == consultation.id
            )
        )
        or 0
    )


def publish_decision(consultation: Consultation, *, text: str, by: User) -> None:
    if not permissions.is_staff(by, consultation.municipality_id):
        raise NotAllowed(_("Only municipality staff publish the decision."))
    if consultation.decided_at is not None:
        raise Conflict(_("The decision is already published."))
    if utcnow() < consultation.deadline:
        raise Conflict(_("Publish the decision after the deadline, when everyone has had their say."))
    body = clean_text(
        text, field="decision", limit=DESCRIPTION_MAX, empty=_("Write the decision and its reasons.")
    )
    consultation.decision = body
    consultation.decision_html = render_markdown(body)
    consultation.decided_at = utcnow()
    db.session.flush()
    signals.consultation_decided.send(consultation, by=by)


def results_csv(consultation: Consultation) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    if consultation.mode == ConsultationMode.RANKING:
        writer.writerow(
            [
                _("Site"),
                _("Place"),
                _("Latitude"),
                _("Longitude"),
                _("Ranked"),
                _("Ranked first"),
                _("Points"),
            ]
        )
        for r in results(consultation):
            writer.writerow(
                [
                    r.site.name,
                    r.site.place_label,
                    r.site.latitude,
                    r.site.longitude,
                    r.ranked,
                    r.first,
                    r.points,
                ]
            )
    else:
        writer.writerow(
            [_("Site"), _("Place"), _("Latitude"), _("Longitude"), _("For"), _("Neutral"), _("Against")]
        )
        for r in results(consultation):
            writer.writerow(
                [
                    r.site.name,
                    r.site.place_label,
                    r.site.latitude,
                    r.site.longitude,
                    r.for_,
                    r.neutral,
                    r.against,
                ]
            )
    return out.getvalue()


def results_geojson(consultation: Consultation) -> str:
    features = [
        {
            "type": "Feature",
            "id": r.site.id,
            "geometry": {"type": "Point", "coordinates": [r.site.longitude, r.site.latitude]},
            "properties": {
                "name": r.site.name,
                "place": r.site.place_label,
                "description": r.site.description,
                **(
                    {"ranked": r.ranked, "ranked_first": r.first, "points": r.points}
                    if consultation.mode == ConsultationMode.RANKING
                    else {"for": r.for_, "neutral": r.neutral, "against": r.against}
                ),
            },
        }
        for r in results(consultation)
    ]
    return json.dumps(
        {"type": "FeatureCollection", "name": consultation.title, "features": features}, ensure_ascii=False
    )
