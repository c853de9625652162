"""``flask demo seed``: Skanderborg Kommune with its villages, a club, a contractor network, an IT café
association and one account per kind of user (password ``faelled-demo``). Never in production."""

from __future__ import annotations

from dataclasses import dataclass

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from community import geo, signals
from community.accounts.models import User
from community.accounts.services import create_user
from community.extensions import db
from community.spaces import services as spaces
from community.spaces.models import JoinPolicy, Municipality, Official, Role, Space, SpaceKind, Visibility

DEMO_PASSWORD = "faelled-demo"

demo_cli = AppGroup("demo", help="Demo data for trying Fælled out.")


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    home: str
    what: str


USERS = [
    DemoUser(
        "kommune@example.org", "Mette Sørensen", "Skanderborg", "municipality staff, console at /admin/"
    ),
    DemoUser("borger@example.org", "Jens Nielsen", "Stilling", "villager in Stilling"),
    DemoUser("klub@example.org", "Lars Holm", "Stilling", "admin of Stilling IF"),
    DemoUser("entreprenor@example.org", "Peter Grøn", "Skanderborg", "contractor, admin of Grønne Områder"),
    DemoUser("frivillig@example.org", "Anne Madsen", "Stilling", "volunteer in Digital hjælp Skanderborg"),
    DemoUser("senior@example.org", "Inger Hansen", "Hørning (8362 Hørning)", "senior in Hørning"),
    DemoUser("stilling@example.org", "Hanne Jensen", "Stilling", "admin of the Stilling village space"),
]

VILLAGES = [
    (
        "Stilling",
        "stilling",
        "Stilling",
        "#1f5f3a",
        "stilling.localhost",
        "Landsbyen ved Stilling-Solbjerg Sø. Her spørger, svarer og hjælper vi hinanden.",
    ),
    (
        "Hørning",
        "hoerning",
        "Hørning (8362 Hørning)",
        "#24527a",
        None,
        "Hørnings fælles opslagstavle: spørgsmål, arrangementer og naboer, der giver en hånd.",
    ),
    ("Ry", "ry", "Ry", "#2d5a27", None, "Ry ved Gudenåen: byens og oplandets eget mødested."),
    ("Galten", "galten", "Galten", "#7a2e39", None, "Galten og Skovby: hjælp, lån og hyggeligt samvær."),
    ("Låsby", "laasby", "Låsby", "#5b3f8c", None, "Låsby: landsbyen, hvor vi kender hinanden."),
]


def seed_demo() -> Municipality:
    skanderborg = geo.resolve("Skanderborg")
    municipality = spaces.create_municipality(
        name="Skanderborg Kommune", place=skanderborg, slug="skanderborg"
    )
    users: dict[str, User] = {}
    for u in USERS:
        users[u.email] = create_user(
            email=u.email, password=DEMO_PASSWORD, display_name=u.name, home=geo.resolve(u.home)
        )
    users["kommune@example.org"].staff_municipality_id = municipality.id
    users["senior@example.org"].locale = "da"

    made: dict[str, Space] = {}
    for name, slug, place, color, hostname, description in VILLAGES:
        made[slug] = spaces.create_space(
            municipality,
            kind=SpaceKind.VILLAGE,
            name=name,
            slug=slug,
            place=geo.resolve(place),
            primary_color=color,
            hostname=hostname,
            description=description,
            by=None,
        )
    made["stilling"].display_name = "Stilling Landsby"
    made["stilling-if"] = spaces.create_space(
        municipality,
        kind=SpaceKind.CLUB,
        name="Stilling IF",
        slug="stilling-if",
        place=geo.resolve("Stilling"),
        description="Fodbold, håndbold og gymnastik i Stilling. Kampe, træning og banerne.",
        by=None,
    )
    made["groenne-omraader"] = spaces.create_space(
        municipality,
        kind=SpaceKind.CONTRACTOR_NETWORK,
        name="Grønne Områder",
        slug="groenne-omraader",
        place=skanderborg,
        description="Entreprenører, klubber og kommunen aftaler pleje af baner og grønne områder.",
        by=None,
    )
    made["digital-hjaelp"] = spaces.create_space(
        municipality,
        kind=SpaceKind.ASSOCIATION,
        name="Digital hjælp Skanderborg",
        slug="digital-hjaelp",
        place=skanderborg,
        description="Frivillige hjælper med Digital Post, MitID og borger.dk. IT-café på biblioteket.",
        by=None,
    )

    # Members only, but it takes requests: citizens find its door (name, description, "ask to join").
    made["stilling-borgerforening"] = spaces.create_space(
        municipality,
        kind=SpaceKind.ASSOCIATION,
        name="Stilling Borgerforening",
        slug="stilling-borgerforening",
        place=geo.resolve("Stilling"),
        description="Borgerforeningen passer på forsamlingshuset og arrangerer byfesten. For medlemmer.",
        visibility=Visibility.MEMBERS,
        join_policy=JoinPolicy.REQUEST,
        by=None,
    )

    add = spaces.add_member
    add(made["stilling"], users["stilling@example.org"], role=Role.ADMIN)
    add(made["stilling"], users["borger@example.org"])
    add(made["stilling"], users["klub@example.org"])
    add(made["stilling"], users["frivillig@example.org"])
    add(made["stilling"], users["kommune@example.org"], official=Official.STAFF)
    add(made["hoerning"], users["senior@example.org"])
    add(made["hoerning"], users["kommune@example.org"], role=Role.ADMIN, official=Official.STAFF)
    for slug in ("ry", "galten", "laasby"):
        add(made[slug], users["kommune@example.org"], role=Role.ADMIN, official=Official.STAFF)
    add(made["stilling-if"], users["klub@example.org"], role=Role.ADMIN)
    add(made["stilling-if"], users["borger@example.org"])
    add(made["groenne-omraader"], users["entreprenor@example.org"], role=Role.ADMIN)
    add(made["groenne-omraader"], users["klub@example.org"])
    add(made["groenne-omraader"], users["kommune@example.org"], official=Official.STAFF)
    add(made["digital-hjaelp"], users["kommune@example.org"], role=Role.ADMIN, official=Official.STAFF)
    add(made["digital-hjaelp"], users["frivillig@example.org"])
    add(made["digital-hjaelp"], users["senior@example.org"])
    add(made["stilling-borgerforening"], users["stilling@example.org"], role=Role.ADMIN)
    db.session.flush()
    signals.demo_seeded.send(municipality, users=users, spaces=made)
    return municipality


@demo_cli.command("seed")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has a municipality.")
@click.option(
    "--scale",
    type=click.FloatRange(0.001, 10),
    default=None,
    help="Add benchmark data: 1 = a city like Aarhus (1,000,000 posts); 0.01 for a quick run.",
)
def seed(if_empty: bool, scale: float | None) -> None:
    """Create the Skanderborg demo (password faelled-demo for every account)."""
    if current_app.config["COMMUNITY_ENV"] == "production":
        raise click.ClickException("Demo data is never seeded in production.")
    if db.session.scalar(sa.select(Municipality.id).limit(1)) is not None:
        if if_empty:
            click.echo("The database has data already; no demo seeded.")
            return
        raise click.ClickException("The database has data already. Seed an empty database.")
    seed_demo()
    db.session.commit()
    if scale:
        from community.scale import seed_scale

        made = seed_scale(scale)
        db.session.commit()
        click.echo("Scale data: " + ", ".join(f"{n:,} {what}" for what, n in made.items()))
    click.echo(f"Seeded the Skanderborg demo. Every account has the password {DEMO_PASSWORD}:")
    for u in USERS:
        click.echo(f"  {u.email:<26} {u.what}")
