"""Help topics and their step-by-step guides, written in plain language by organisers."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import FileStorage

from community.accounts.models import User
from community.errors import Conflict, DomainError
from community.extensions import db
from community.helpdesk.models import GUIDE_LANGUAGES, Guide, GuideStep, HelpTopic
from community.i18n import _
from community.media import save_image
from community.spaces.services import slugify
from community.text import render_markdown

MAX_STEPS = 30


def topics(municipality_id: int) -> list[HelpTopic]:
    return list(
        db.session.scalars(
            sa.select(HelpTopic)
            .where(HelpTopic.municipality_id == municipality_id)
            .order_by(HelpTopic.position, HelpTopic.name)
            .options(selectinload(HelpTopic.guides))
        )
    )


def topic_by_slug(slug: str) -> HelpTopic | None:
    return db.session.scalar(sa.select(HelpTopic).where(HelpTopic.slug == slug))


def save_topic(municipality_id: int, *, name: str, summary: str, topic: HelpTopic | None = None) -> HelpTopic:
    name = name.strip()
    slug = slugify(name)
    if not slug:
        raise DomainError(_("Give the topic a name with letters in it."), field="name")
    clash = db.session.scalar(sa.select(HelpTopic.id).where(HelpTopic.slug == slug))
    if clash is not None and (topic is None or clash != topic.id):
        raise Conflict(_("There is already a topic called %(name)s.", name=name), field="name")
    if topic is None:
        position = db.session.scalar(sa.select(sa.func.count(HelpTopic.id))) or 0
        topic = HelpTopic(municipality_id=municipality_id, position=position)
        db.session.add(topic)
    topic.name, topic.slug, topic.summary = name, slug, summary.strip()
    db.session.flush()
    return topic


@dataclass
class StepInput:
    text: str
    image: FileStorage | None = None
    image_alt: str = ""


def split_steps(text: str) -> list[str]:
    """One step per paragraph: the steps are separated by an empty line."""
    return [s.strip() for s in re.split(r"\n\s*\n", text or "") if s.strip()]


def save_guide(
    topic: HelpTopic,
    *,
    title: str,
    summary: str,
    steps: list[StepInput],
    by: User,
    guide: Guide | None = None,
    language: str = "da",
) -> Guide:
    if not steps:
        raise DomainError(_("Write at least one step."), field="steps")
    if len(steps) > MAX_STEPS:
        raise DomainError(
            _("A guide has at most %(n)s steps. Split it into two guides.", n=MAX_STEPS), field="steps"
        )
    if language not in GUIDE_LANGUAGES:
        raise DomainError(_("Choose Danish or English."), field="language")
    if guide is None:
        guide = Guide(topic_id=topic.id)
        db.session.add(guide)
    existing = {s.position: s for s in guide.steps}
    guide.title, guide.summary, guide.updated_by_id = title.strip(), summary.strip(), by.id
    guide.language = language
    new_steps = []
    for position, step in enumerate(steps):
        # A step keeps its row (and its picture) at its position: a guide saved unchanged stays the same.
        row = existing.get(position) or GuideStep(position=position, image=None, image_alt="")
        image, alt = row.image, row.image_alt
        if step.image is not None:
            image = save_image(
                step.image,
                max_bytes=current_app.config["LOGO_MAX_BYTES"] * 5,
                max_size=(1200, 1200),
                field="images",
            )
            alt = step.image_alt.strip()
        elif step.image_alt.strip():
            alt = step.image_alt.strip()
        row.text, row.text_html, row.image, row.image_alt = step.text, render_markdown(step.text), image, alt
        new_steps.append(row)
    guide.steps = new_steps
    db.session.flush()
    return guide
