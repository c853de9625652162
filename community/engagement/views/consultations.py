"""Consultations on a map: opening one with its candidate sites, the page (map and the same sites as a
list), views per site, comments, proposals, the results as a chart and a table, CSV and GeoJSON, and
the decision."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from community import geo
from community.engagement import bp, permissions
from community.engagement.forms import ActionForm, CommentForm, ConsultationForm, DecisionForm, SiteForm
from community.engagement.models import PREFERENCE_LABELS, Consultation, ConsultationMode, Site
from community.engagement.services import consultations as service
from community.engagement.views import (
    attach_error,
    chosen_space,
    csv_response,
    load,
    municipality,
    space_choices,
)
from community.errors import DomainError
from community.extensions import db
from community.forms import flash_errors
from community.i18n import _, to_utc
from community.permissions import require


def tile_url() -> str:
    """The configured tile server, or "" for a map without tiles (``COMMUNITY_TILE_URL=none``)."""
    url = current_app.config.get("TILE_URL") or ""
    return "" if url.strip().lower() == "none" else url


def _point(text: str) -> tuple[float, float] | None:
    parts = [p.strip() for p in text.replace(";", ",").split(",")]
    if len(parts) != 2:
        return None
    try:
        return float(parts[0]), float(parts[1])
    except ValueError:
        return None


def where_is(place: str, *, field: str) -> tuple[float, float, str]:
    """A place as people give it: "56.10, 9.77", a town, a postcode (the offline gazetteer first, an
    online geocoder only when one is configured)."""
    point = _point(place)
    if point is not None:
        return point[0], point[1], ""
    try:
        found = geo.resolve(place)
    except DomainError as exc:
        raise DomainError(str(exc), field=field) from exc
    return found.lat, found.lon, found.label


def parse_sites(text: str) -> list[service.SiteInput]:
    """One site per line: name | place | description."""
    sites = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise DomainError(
                _("Line %(n)d: write the site as name | place | description.", n=number), field="sites"
            )
        lat, lon, label = where_is(parts[1], field="sites")
        sites.append(
            service.SiteInput(
                name=parts[0],
                latitude=lat,
                longitude=lon,
                place_label=label or parts[1],
                description=parts[2] if len(parts) > 2 else "",
            )
        )
    return sites


def parse_documents(text: str) -> list[tuple[str, str]]:
    documents = []
    for line in (text or "").splitlines():
        if line.strip():
            title, _sep, url = line.rpartition("|")
            documents.append((title.strip(), url.strip()))
    return documents


@bp.route("/consultations/new", methods=["GET", "POST"])
@login_required
def consultation_new():
    place = municipality()
    require(permissions.can_create(current_user, place.id))
    form = ConsultationForm()
    form.space_id.choices = space_choices(place)
    if form.validate_on_submit():
        try:
            consultation = service.create_consultation(
                place,
                by=current_user,
                title=form.title.data,
                description=form.description.data,
                deadline=to_utc(form.deadline.data),
                mode=ConsultationMode(form.mode.data),
                documents=parse_documents(form.documents.data),
                sites=parse_sites(form.sites.data),
                space=chosen_space(place, form.space_id.data),
            )
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "title")
        else:
            db.session.commit()
            flash(_("The consultation is open."), "success")
            return redirect(url_for("engagement.consultation_detail", consultation_id=consultation.id))
    return render_template("engagement/consultation_new.html", form=form), (400 if form.errors else 200)


def _page(
    consultation: Consultation, *, site_form: SiteForm | None = None, status: int = 200, comment_errors=None
):
    results = service.results(consultation)
    points = [
        {
            "id": s.id,
            "lat": s.latitude,
            "lon": s.longitude,
            "title": s.name,
            "kind": _("Candidate site") if s.status.value == "candidate" else _("Proposed by a citizen"),
            "url": f"#site-{s.id}",
        }
        for s in consultation.sites
        if s.status.value != "declined"
    ]
    municipality_row = service.consultation_municipality(consultation)
    top = max(
        (r.points if consultation.mode == ConsultationMode.RANKING else r.views for r in results), default=0
    )
    return render_template(
        "engagement/consultation_detail.html",
        consultation=consultation,
        space=consultation.space,
        candidates=service.candidates(consultation),
        proposals=service.proposals(consultation),
        results=results,
        top=top or 1,
        comments=service.comments(consultation),
        mine=service.my_views(consultation, current_user),
        participants=service.participant_count(consultation),
        can_take_part=permissions.can_take_part(current_user, consultation),
        can_manage=permissions.can_manage_consultation(current_user, consultation),
        can_decide=permissions.can_decide(current_user, consultation),
        site_form=site_form or SiteForm(),
        comment_form=CommentForm(),
        comment_errors=comment_errors or {},
        decision_form=DecisionForm(),
        action_form=ActionForm(),
        preference_labels=PREFERENCE_LABELS,
        points=points,
        centre=(municipality_row.latitude, municipality_row.longitude),
        tile_url=tile_url(),
        places=geo.place_labels(),
    ), status


@bp.get("/consultations/<int:consultation_id>")
def consultation_detail(consultation_id: int):
    return _page(load(Consultation, consultation_id))


def _back(consultation: Consultation, anchor: str | None = None):
    return redirect(
        url_for("engagement.consultation_detail", consultation_id=consultation.id, _anchor=anchor)
    )


@bp.post("/consultations/<int:consultation_id>/views")
@login_required
def consultation_views(consultation_id: int):
    consultation = load(Consultation, consultation_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    chosen: dict[int, int | None] = {}
    for site in service.candidates(consultation):
        raw = (request.form.get(f"site-{site.id}") or "").strip()
        if raw in ("", "none"):
            chosen[site.id] = None
        elif raw.lstrip("-").isdigit() and len(raw) <= 3:
            chosen[site.id] = int(raw)
        else:
            flash(_("Choose from the options given for each site."), "error")
            return _back(consultation, "your-view")
    try:
        if consultation.mode == ConsultationMode.RANKING:
            service.set_ranking(consultation, chosen, by=current_user)
        else:
            service.set_preferences(consultation, chosen, by=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _back(consultation, "your-view")
    db.session.commit()
    flash(_("Thank you. Your view is saved; you can change it until the deadline."), "success")
    return _back(consultation, "results")


def _site(consultation: Consultation, site_id: int) -> Site:
    site = db.session.get(Site, site_id)
    if site is None or site.consultation_id != consultation.id:
        abort(404)
    return site


@bp.post("/consultations/<int:consultation_id>/sites/<int:site_id>/comment")
@login_required
def consultation_comment(consultation_id: int, site_id: int):
    consultation = load(Consultation, consultation_id)
    site = _site(consultation, site_id)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            entry = service.comment(site, body=form.body.data, by=current_user)
        except DomainError as exc:
            db.session.rollback()
            form.body.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Your comment is published."), "success")
            return _back(consultation, f"site-comment-{entry.id}")
    return _page(consultation, status=400, comment_errors={site.id: form.body.errors})


def _site_input(form: SiteForm) -> service.SiteInput:
    if form.latitude.data is not None and form.longitude.data is not None:
        lat, lon = float(form.latitude.data), float(form.longitude.data)
        label = (form.place.data or "").strip() or _("Point on the map")
    elif (form.place.data or "").strip():
        lat, lon, label = where_is(form.place.data, field="place")
    else:
        raise DomainError(
            _("Give the place: a town or postcode, a pin on the map, or latitude and longitude."),
            field="place",
        )
    return service.SiteInput(
        name=form.name.data,
        latitude=lat,
        longitude=lon,
        place_label=label,
        description=form.description.data or "",
    )


@bp.post("/consultations/<int:consultation_id>/propose")
@login_required
def consultation_propose(consultation_id: int):
    consultation = load(Consultation, consultation_id)
    form = SiteForm()
    if form.validate_on_submit():
        try:
            data = _site_input(form)
            if permissions.can_manage_consultation(current_user, consultation):
                site = service.add_site(consultation, data, by=current_user)
            else:
                site = service.propose_site(consultation, data, by=current_user)
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "name")
        else:
            db.session.commit()
            flash(
                _("The site is added as a candidate.")
                if site.status.value == "candidate"
                else _("Thank you. Your proposal is sent to the municipality, and shown on the map."),
                "success",
            )
            return _back(consultation, f"site-{site.id}")
    return _page(consultation, site_form=form, status=400)


@bp.post("/consultations/<int:consultation_id>/sites/<int:site_id>/<any(accept, decline):answer>")
@login_required
def consultation_site_answer(consultation_id: int, site_id: int, answer: str):
    consultation = load(Consultation, consultation_id)
    site = _site(consultation, site_id)
    require(permissions.can_manage_consultation(current_user, consultation))
    form = ActionForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return _back(consultation)
    try:
        if answer == "accept":
            service.accept_site(site, by=current_user)
        else:
            service.decline_site(site, by=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(
            _("The site is now a candidate.") if answer == "accept" else _("The proposal is declined."),
            "success",
        )
    return _back(consultation, f"site-{site.id}")


@bp.post("/consultations/<int:consultation_id>/decision")
@login_required
def consultation_decision(consultation_id: int):
    consultation = load(Consultation, consultation_id)
    require(permissions.can_manage_consultation(current_user, consultation))
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            service.publish_decision(consultation, text=form.decision.data, by=current_user)
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("The decision is published, and everyone who took part is told."), "success")
            return _back(consultation, "decision")
    else:
        flash_errors(form)
    return _back(consultation, "decision")


@bp.get("/consultations/<int:consultation_id>/results.csv")
def consultation_csv(consultation_id: int):
    consultation = load(Consultation, consultation_id)
    return csv_response(service.results_csv(consultation), f"consultation-{consultation.id}.csv")


@bp.get("/consultations/<int:consultation_id>/results.geojson")
def consultation_geojson(consultation_id: int):
    consultation = load(Consultation, consultation_id)
    return Response(
        service.results_geojson(consultation),
        mimetype="application/geo+json",
        headers={"Content-Disposition": f'attachment; filename="consultation-{consultation.id}.geojson"'},
    )
