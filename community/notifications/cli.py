"""``flask notifications …``: send the digests due now, and stop mail to an address that bounces."""

from __future__ import annotations

import click
import sqlalchemy as sa

from community.accounts.models import User
from community.db import upsert, utcnow
from community.extensions import db
from community.notifications import bp
from community.notifications.following import send_digests, settings_of

bp.cli.short_help = "Digests and bouncing addresses."


@bp.cli.command("send-digests")
def send_digests_command() -> None:
    """The daily (and on Mondays weekly) digests of everyone whose hour it is now (the worker does this
    every hour by itself)."""
    sent = send_digests()
    db.session.commit()
    click.echo(f"Sent {sent} digest(s).")


@bp.cli.command("bouncing")
@click.argument("email")
@click.option("--clear", is_flag=True, help="The address works again: send to it.")
def bouncing(email: str, clear: bool) -> None:
    """Marks EMAIL as bouncing permanently: no more mail goes to it (an operator runs this from the
    mail server's bounce reports)."""
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise click.ClickException("No account has that address.")
    current = settings_of(user)
    upsert(
        type(current),
        ["user_id"],
        user_id=user.id,
        frequency=current.frequency,
        digest_hour=current.digest_hour,
        auto_follow=current.auto_follow,
        bouncing_since=None if clear else utcnow(),
    )
    db.session.commit()
    click.echo(f"{user.email}: {'mail goes out again' if clear else 'no more mail'}.")
