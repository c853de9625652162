"""A citizen's own data (GDPR): download it as a ZIP assembled by a background job, and delete the
account. Each feature answers the ``account_exporting`` and ``account_deleting`` signals for its own
rows, so neither moderation nor accounts imports a feature."""

from __future__ import annotations

import json
import secrets
import zipfile
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from community import signals
from community.accounts.models import User, new_session_token
from community.db import utcnow
from community.errors import DomainError
from community.extensions import db
from community.i18n import _
from community.jobs import app_task
from community.moderation.guard import scope_of
from community.moderation.models import Action, ActionKind, Block, Report
from community.moderation.services import audit
from community.notifications.mail import external_url, send_template
from community.spaces.models import Membership, Municipality, Space

EXPORT_SALT = "faelled.data-export"


def export_folder() -> Path:
    folder = Path(current_app.instance_path) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def export_days() -> int:
    return int(current_app.config.get("EXPORT_DAYS", 7))


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=EXPORT_SALT)


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    return value


def row(obj: Any, *columns: str) -> dict[str, Any]:
    """A record of ``obj``'s columns (all of them but hashes and tokens when none are named)."""
    mapper = sa.inspect(type(obj))
    keys = columns or tuple(
        p.key
        for p in mapper.column_attrs
        if not p.key.endswith(("_hash", "_token", "_html")) and p.key != "session_token"
    )
    return {k.lstrip("_"): jsonable(getattr(obj, k)) for k in keys}


def _own_records(user: User) -> dict[str, list[dict[str, Any]]]:
    return {
        "account": [row(user)],
        "memberships": [
            row(m, "space_id", "role", "official", "status", "message", "created_at", "suspended_until")
            for m in db.session.scalars(sa.select(Membership).where(Membership.user_id == user.id))
        ],
        "reports_made": [
            row(r, "id", "case_id", "reason", "note", "created_at")
            for r in db.session.scalars(sa.select(Report).where(Report.reporter_id == user.id))
        ],
        "moderation_decisions": [
            row(
                a,
                "id",
                "content_type",
                "content_id",
                "kind",
                "reason",
                "until",
                "created_at",
                "appeal_text",
                "appealed_at",
                "appeal_decision",
                "appeal_note",
            )
            for a in db.session.scalars(sa.select(Action).where(Action.author_id == user.id))
        ],
        "blocked_people": [
            row(b, "blocked_id", "created_at")
            for b in db.session.scalars(sa.select(Block).where(Block.blocker_id == user.id))
        ],
    }


def assemble(user: User) -> Path:
    """Writes the ZIP: one JSON file per kind of record, and the images the person uploaded."""
    records = _own_records(user)
    files: list[Path] = []
    for _receiver, answer in signals.account_exporting.send(user):
        for name, value in (answer or {}).items():
            if name == "files":
                files.extend(Path(p) for p in value)
            else:
                records.setdefault(name, []).extend(jsonable(value))
    target = export_folder() / f"{user.id}-{secrets.token_hex(16)}.zip"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, values in sorted(records.items()):
            archive.writestr(f"{name}.json", json.dumps(values, ensure_ascii=False, indent=2))
        for path in files:
            if path.is_file():
                archive.write(path, f"images/{path.name}")
    return target


def download_token(user: User, path: Path) -> str:
    return _serializer().dumps({"u": user.id, "f": path.name})


def read_download_token(token: str) -> tuple[int, Path]:
    try:
        data = _serializer().loads(token, max_age=export_days() * 24 * 3600)
    except SignatureExpired as exc:
        raise DomainError(
            _("This download link has expired. Ask for your data again on your profile.")
        ) from exc
    except BadSignature as exc:
        raise DomainError(
            _("This download link is not valid. Ask for your data again on your profile.")
        ) from exc
    path = export_folder() / Path(str(data.get("f", ""))).name
    if not path.is_file():
        raise DomainError(_("This download is no longer there. Ask for your data again on your profile."))
    return int(data.get("u", 0)), path


@app_task()
def export_data(user_id: int, by_id: int | None = None) -> None:
    """The background job: assembles the ZIP, e-mails a signed link that expires, logs it."""
    user = db.session.get(User, user_id)
    if user is None or user.is_deleted:
        return
    path = assemble(user)
    token = download_token(user, path)
    send_template(
        user.email,
        "data_export",
        locale=user.locale,
        user=user,
        link=external_url("moderation.download_data", token=token),
        days=export_days(),
    )
    by = db.session.get(User, by_id) if by_id else None
    municipality_id = by.staff_municipality_id if by is not None else scope_of(None)[0]
    audit(ActionKind.DATA_EXPORTED, by=by or user, municipality_id=municipality_id, target_user_id=user.id)
    db.session.commit()


def remove_old_exports() -> int:
    """Drops ZIPs older than their links (the hourly job ``moderation.tasks.remove_old_exports``)."""
    limit = utcnow().timestamp() - export_days() * 24 * 3600
    removed = 0
    for path in export_folder().glob("*.zip"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def not_linked_message(municipality: Municipality | None) -> str:
    return _(
        "This person has no link to %(municipality)s: they are in none of its spaces and do not live "
        "in it. Their own municipality handles their request.",
        municipality=municipality.name if municipality is not None else "-",
    )


def linked_to(user: User, municipality: Municipality) -> bool:
    """Whether ``user`` belongs to ``municipality`` for its staff to act on their data on request: one
    of its employees, a member (or applicant) of one of its spaces, or living within its reach."""
    if user.staff_municipality_id == municipality.id:
        return True
    in_space = db.session.scalar(
        sa.select(Membership.user_id)
        .join(Space, Space.id == Membership.space_id)
        .where(Membership.user_id == user.id, Space.municipality_id == municipality.id)
        .limit(1)
    )
    if in_space is not None:
        return True
    if user.has_home:
        from community.spaces.tenancy import covers

        return covers(municipality, user.home_latitude, user.home_longitude)  # type: ignore[arg-type]
    return False


def delete_account(user: User, *, by: User, keep_content: bool = True) -> None:
    """Erases the person's personal data. What they wrote stays for the threads' sake, shown as "a
    former member" (or is deleted when ``keep_content`` is False); each feature erases its own rows."""
    if user.is_deleted:
        raise DomainError(_("This account is already deleted."))
    if by.id != user.id and not by.is_staff:
        raise DomainError(_("Only the person themselves or the municipality's staff can delete an account."))
    if by.id != user.id:
        municipality = db.session.get(Municipality, by.staff_municipality_id)
        if municipality is None or not linked_to(user, municipality):
            raise DomainError(not_linked_message(municipality))
    municipality_id = by.staff_municipality_id if by.id != user.id else scope_of(None)[0]
    signals.account_deleting.send(user, keep_content=keep_content, by=by)
    for path in export_folder().glob(f"{user.id}-*.zip"):  # their data, waiting to be downloaded
        path.unlink(missing_ok=True)
    db.session.execute(
        sa.delete(Block).where(sa.or_(Block.blocker_id == user.id, Block.blocked_id == user.id))
    )
    db.session.execute(sa.update(Report).where(Report.reporter_id == user.id).values(note=""))
    db.session.execute(sa.delete(Membership).where(Membership.user_id == user.id))
    from community.notifications.models import Notification

    db.session.execute(sa.delete(Notification).where(Notification.user_id == user.id))
    user.email = f"deleted-{user.id}-{secrets.token_hex(4)}@deleted.invalid"
    user.password_hash = "!"
    user.display_name = "-"
    user.locale = None
    user.confirmed_at = None
    user.home_label = None
    user.home_latitude = None
    user.home_longitude = None
    user.email_notifications = False
    user.staff_municipality_id = None
    user.active = False
    user.session_token = new_session_token()
    user.deleted_at = utcnow()
    audit(
        ActionKind.ACCOUNT_DELETED,
        by=by if by.id != user.id else None,
        municipality_id=municipality_id,
        target_user_id=user.id,
        reason=_("kept what they wrote") if keep_content else _("deleted what they wrote"),
    )
    db.session.flush()
