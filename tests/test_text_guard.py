"""The one guard over every text people write: CPR numbers (in every way people write them), passwords and
MitID codes are refused in every form field and in every text column, whichever way the text arrives."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import url_for
from wtforms import SearchField, StringField, TextAreaField
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from community import textguard
from community.extensions import db as _db
from community.extensions import limiter
from community.forms import user_text_fields
from community.text import PersonalDataRefused, find_cpr, find_secret
from community.villages.models import Tag
from tests.test_forms_fuzz import FORMS, fields_of, log_in_as, post, rolled_back, world  # noqa: F401

#: The ways the issue found CPR numbers slipping through, and the plain ones.
CPR_VARIANTS = [
    "0102031234",
    "010203-1234",
    "010203 1234",
    "CPR-010203-1234",
    "010203–1234",  # en dash
    "010203—1234",  # em dash
    "010203 - 1234",
    "01 02 03-1234",
    "01.02.03-1234",
    "01-02-03-1234",
    "0102\u200b03-1234",  # a zero-width space inside
    "01\u00ad0203-1234",  # a soft hyphen inside
    "010203/1234",
    "０１０２０３-１２３４",  # full-width digits
    "cpr: 01 02 03 1234",
    "Mit personnummer er 01.02.03 1234",
    # without the word, in the ways the audit found passing
    "01.02.03 1234",
    "01 02 03 1234",
    "01/02/03-1234",
    "010203.1234",
    "01.02.03.1234",
    "01/02/03 1234",
    "31.12.99 1201",  # a time, but not one a meeting starts at
]

NOT_CPR = [
    "Ring på 12 34 56 78",
    "Mødet er 10.12.26 1400 i hallen",
    "Konto 1234-5678901234",
    "Åbent kl. 14.00-16.00",
    "2026-12-10",
    "8660 Skanderborg",
    "Ordre 320131-1234",  # 32 January does not exist
    "Tlf. +45 87 65 43 21",
    "Tlf. 86 12 34 56",
    "Ring 12.34.56.78",
    "Mødet er 01.02.03 12:34",  # a date and a time with a colon
    "Født 01.02.2003",  # a four-digit year
    "Den 01/02/2003 kl. 1400",
    "Generalforsamling 24/12/26 1930",  # a date and a meeting's time
    "Vi mødes 01 02 27 0945",
    "Version 1.2.3.1234",
    "Vægt 120399.5 kg",
]

SECRETS = [
    "Min adgangskode er Sommer2024",
    "my password is hunter2",
    "password: x7!kq",
    "Koden fra MitID-appen er 482913",
    "MitID kode 482913",
    "min pinkode er 1234",
]

NOT_SECRETS = [
    "Jeg har glemt min adgangskode",
    "My password is forgotten, can someone help?",
    "MitID virker ikke på min telefon",
    "Hvad er postkode: 8660?",
    "Skift kodeordet hvert år",
]


@pytest.mark.parametrize("text", CPR_VARIANTS)
def test_every_way_of_writing_a_cpr_number_is_found(text):
    assert find_cpr(f"Hej, mit nummer er {text}, tak") is not None


@pytest.mark.parametrize("text", NOT_CPR)
def test_numbers_that_are_not_cpr_numbers_pass(text):
    assert find_cpr(text) is None


@pytest.mark.parametrize("text", SECRETS)
def test_passwords_and_mitid_codes_are_found(text):
    assert find_secret(text) is not None


@pytest.mark.parametrize("text", NOT_SECRETS)
def test_talking_about_passwords_is_fine(text):
    assert find_secret(text) is None


#: Every field issue 9 found unguarded, as table.column.
UNGUARDED_BEFORE = [
    "user.display_name",
    "poll_option.label",
    "tag.name",
    "post.help_when",
    "volunteer_profile.about",
    "volunteer_profile.availability",
    "drop_in_session.title",
    "drop_in_session.notes",
    "booking.attendee_name",
    "guide.title",
    "guide.summary",
    "guide_step.text",
    "help_topic.name",
    "help_topic.summary",
    "maintenance_plan.note",
    "facility.name",
    "facility.description",
    "closure.reason",
    "space.name",
    "space.description",
    "space.display_name",
    "custom_place.name",
    "membership.message",
]


def test_every_text_column_people_write_is_guarded(app):
    guarded = set(textguard.guarded_columns(_db.metadata))
    assert not set(UNGUARDED_BEFORE) - guarded
    # Machine-made columns are left alone; everything else of type text is guarded by default.
    for name in ("user.email", "user.password_hash", "space.slug", "post.body_html", "invitation.token"):
        assert name not in guarded


def test_a_new_text_column_is_guarded_without_anyone_remembering():
    column = sa.Column("whatever_people_write", sa.String(200))
    assert textguard.is_user_text(column)
    assert not textguard.is_user_text(sa.Column("api_token", sa.String(64)))
    assert not textguard.is_user_text(sa.Column("colour", sa.String(7), info={"user_text": False}))


def test_a_write_that_does_not_come_from_a_form_is_refused_and_leaves_nothing(app, db, village):
    """The API, the command line and background jobs write through services, not forms: the flush holds
    the line, and the refused row does not come back at the next flush."""
    _db.session.add(Tag(space_id=village.space.id, name="01.02.03-1234"))
    with pytest.raises(PersonalDataRefused) as refused:
        _db.session.flush()
    assert refused.value.field == "name"
    _db.session.flush()  # nothing left to write
    assert _db.session.scalar(sa.select(sa.func.count(Tag.id))) == 0

    village.jens.display_name = "Jens 010203–1234"
    with pytest.raises(PersonalDataRefused):
        _db.session.flush()
    assert village.jens.display_name == "Jens"  # the change is dropped, the stored name stays


CPR_TEXT = "Mit CPR er 01.02.03-1234"


def _sensible(form_field: Any, spec: Any, scene: dict[str, list[str]]) -> Any:
    name = form_field.short_name
    if name in spec.only:
        return spec.only[name][0]
    plausible = spec.plausible.get(name, []) + scene.get(name, [])
    if plausible:
        return plausible[0]
    if form_field.type in ("SelectField", "SelectMultipleField", "MultiCheckboxField") and form_field.choices:
        return str(next(iter(form_field.choices)).value)
    if form_field.type == "BooleanField":
        return "y"
    if form_field.type == "DecimalField":
        return "1"
    if form_field.type == "FileField":
        return None
    if "email" in name:
        return "someone@example.org"
    return "Hej"


def _prose(form_field: Any) -> bool:
    """Whether a field takes free text: no validator of its own would refuse a sentence."""
    return all(
        isinstance(v, Length | DataRequired | InputRequired | Optional)
        or type(v).__name__ == "NoControlCharacters"
        for v in form_field.validators
    )


def _cpr_anywhere() -> list[str]:
    """Every stored text that holds a CPR number, as table.column: value."""
    found = []
    for table in _db.metadata.sorted_tables:
        # Machine-made columns (hashes, tokens) may hold any ten digits by chance.
        columns = [c for c in table.columns if textguard.is_user_text(c)]
        if not columns:
            continue
        for row in _db.session.execute(sa.select(*columns)):
            for column, value in zip(columns, row, strict=True):
                if isinstance(value, str) and find_cpr(value):
                    found.append(f"{table.name}.{column.name}: {value!r}")
    return found


def _has_text(form_class: type) -> bool:
    return any(
        isinstance(attr, UnboundField) and attr.field_class in (StringField, TextAreaField, SearchField)
        for attr in (getattr(form_class, name, None) for name in dir(form_class))
    )


TEXT_FORMS = sorted(endpoint for endpoint, spec in FORMS.items() if _has_text(spec.form))


@pytest.mark.parametrize("endpoint", TEXT_FORMS)
def test_a_cpr_number_in_any_text_field_of_any_form_is_refused(app, client, login, world, endpoint):  # noqa: F811
    spec = FORMS[endpoint]
    fields = fields_of(app, spec, spec.prefix(world))
    scene = spec.scene(world)
    with app.test_request_context():
        url = url_for(endpoint, **spec.values(world))
        texts = list(user_text_fields(spec.form(meta={"csrf": False}, prefix=spec.prefix(world))))
    for target in texts:
        data = {f.name: _sensible(f, spec, scene) for f in fields}
        data = {k: v for k, v in data.items() if v is not None}
        data[target.name] = CPR_TEXT
        with rolled_back():
            limiter.reset()
            log_in_as(client, login, spec.actor(world))
            response = post(client, url, data)
            assert response.status_code < 500, (target.name, response.status_code)
            assert _cpr_anywhere() == [], f"{endpoint}: {target.name} stored a CPR number"
            # A field with a format of its own (a colour, a postcode) is refused by that format first.
            if response.status_code in (200, 400, 409, 422) and _prose(target):
                assert "This looks like a CPR number" in response.text, (
                    f"{endpoint}: {target.name} refused without saying why"
                )


def test_a_password_written_to_a_helper_is_refused_with_a_reason(client, login, village):
    from community.villages.models import Comment, Post, PostKind
    from community.villages.services.posts import PostInput, create_post

    post = create_post(
        village.space,
        by=village.jens,
        data=PostInput(kind=PostKind.QUESTION, title="Digital Post?", body="Hjælp"),
    )
    _db.session.commit()
    login(village.anne)
    response = client.post(
        f"/s/{village.space.slug}/posts/{post.id}/comments",
        data={"body": "Ring til mig, min adgangskode er Sommer2024"},
        headers={"Accept-Language": "da"},
    )
    # Shown beside the field with what was written, not flashed after a redirect that loses it.
    assert response.status_code == 400
    assert "adgangskode eller en MitID-kode" in response.text
    assert ">Ring til mig, min adgangskode er Sommer2024</textarea>" in response.text
    assert _db.session.scalar(sa.select(sa.func.count(Comment.id)).where(Comment.post_id == post.id)) == 0
    assert _db.session.get(Post, post.id).comment_count == 0
