"""``flask spaces …``: provisioning from the command line, through the same services as the console."""

from __future__ import annotations

import click
import sqlalchemy as sa

from community import geo
from community.accounts.passwords import check_new_password
from community.accounts.services import create_user, user_by_email
from community.errors import DomainError
from community.extensions import db
from community.spaces import bp, services
from community.spaces.models import Municipality, Role, Space, SpaceKind

bp.cli.short_help = "Provision municipalities, spaces and staff."


def _fail(exc: DomainError) -> None:
    db.session.rollback()
    raise click.ClickException(str(exc))


def _municipality(slug: str | None) -> Municipality:
    query = sa.select(Municipality).order_by(Municipality.id)
    if slug:
        query = query.where(Municipality.slug == slug)
    municipality = db.session.scalar(query.limit(1))
    if municipality is None:
        raise click.ClickException("No such municipality. Create one with `flask spaces init-municipality`.")
    return municipality


@bp.cli.command("init-municipality")
@click.option("--name", required=True, help='For example "Skanderborg Kommune".')
@click.option("--place", required=True, help="Town or postcode of its centre.")
def init_municipality(name: str, place: str) -> None:
    """Create the municipality that owns the spaces."""
    try:
        municipality = services.create_municipality(name=name, place=geo.resolve(place))
    except DomainError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"Created {municipality.name} ({municipality.slug}).")


@bp.cli.command("add-staff")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True)
@click.option("--municipality", "municipality_slug", default=None)
@click.password_option()
def add_staff(email: str, display_name: str, municipality_slug: str | None, password: str) -> None:
    """Give a person (new or existing) the municipality's console."""
    municipality = _municipality(municipality_slug)
    user = user_by_email(email)
    try:
        if user is None:
            # The same check as registration: a staff account opens the municipality's console.
            check_new_password(password, email=email, name=display_name)
            user = create_user(email=email, password=password, display_name=display_name)
    except DomainError as exc:
        _fail(exc)
    user.staff_municipality_id = municipality.id
    db.session.commit()
    click.echo(f"{user.email} is staff of {municipality.name}.")


@bp.cli.command("create")
@click.option("--kind", type=click.Choice([k.value for k in SpaceKind]), required=True)
@click.option("--name", required=True)
@click.option("--slug", default=None, help="Address under /s/; made from the name if left out.")
@click.option("--place", default=None, help="Town, village or postcode where the space is.")
@click.option("--admin-email", default=None, help="Invite this person as the space's first admin.")
@click.option("--color", "primary_color", default=None, help="Main colour as #rrggbb (contrast ≥ 4.5:1).")
@click.option("--hostname", default=None, help="The space's own host name.")
@click.option("--municipality", "municipality_slug", default=None)
def create(
    kind: str,
    name: str,
    slug: str | None,
    place: str | None,
    admin_email: str | None,
    primary_color: str | None,
    hostname: str | None,
    municipality_slug: str | None,
) -> None:
    """Create a space from the template for its kind."""
    municipality = _municipality(municipality_slug)
    try:
        space = services.create_space(
            municipality,
            kind=SpaceKind(kind),
            name=name,
            slug=slug,
            place=geo.resolve(place) if place else None,
            primary_color=primary_color,
            hostname=hostname,
            by=None,
        )
        if admin_email:
            services.invite(space, email=admin_email, role=Role.ADMIN, by=None)
    except DomainError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(
        f"Created {space.name} at /s/{space.slug}/"
        + (f"; invited {admin_email} as admin." if admin_email else ".")
    )


@bp.cli.command("list")
def list_spaces() -> None:
    """List every space with its kind, members and status."""
    spaces = db.session.scalars(sa.select(Space).order_by(Space.kind, Space.name)).all()
    counts = services.member_counts([s.id for s in spaces])
    click.echo(f"{'address':<24} {'kind':<20} {'members':>7}  {'visibility':<10} {'joining':<10} name")
    for space in spaces:
        status = " (archived)" if space.is_archived else ""
        click.echo(
            f"/s/{space.slug + '/':<21} {space.kind.value:<20} {counts.get(space.id, 0):>7}  "
            f"{space.visibility.value:<10} {space.join_policy.value:<10} {space.title}{status}"
        )
