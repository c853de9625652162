"""Reports, the queue, moderators' actions, appeals, the audit log, watched words, protected names and
blocking. Typed functions that flush but never commit, and raise ``DomainError`` in the user's language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from community import signals
from community.accounts.models import User
from community.db import utcnow
from community.errors import Conflict, DomainError, NotAllowed
from community.extensions import db
from community.i18n import _, format_datetime
from community.moderation import permissions, registry, words
from community.moderation.guard import scope_of, unwatched
from community.moderation.models import (
    AUTO_HIDDEN,
    Action,
    ActionKind,
    AppealDecision,
    AuditEntry,
    Block,
    Case,
    CaseStatus,
    ModerationState,
    ProtectedPerson,
    Reason,
    Report,
    WatchedWord,
    WordAction,
)
from community.notifications.services import notify
from community.pagination import Page, keyset, page_of
from community.spaces.models import Membership, MembershipStatus, Role, Space
from community.spaces.permissions import forget_memberships

MAX_NOTE = 1000
MAX_REASON = 500


def _insert(model: Any):
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def threshold() -> int:
    return int(current_app.config.get("MODERATION_REPORT_THRESHOLD", 3))


# --- the audit log ---------------------------------------------------------------------------------


def audit(
    action: ActionKind,
    *,
    by: User | None,
    municipality_id: int | None,
    space_id: int | None = None,
    content_type: str | None = None,
    content_id: int | None = None,
    target_user_id: int | None = None,
    reason: str = "",
    before: str | None = None,
    after: str | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        municipality_id=municipality_id,
        space_id=space_id,
        actor_id=by.id if by is not None else None,
        actor_name=by.display_name if by is not None else "",
        action=action,
        content_type=content_type,
        content_id=content_id,
        target_user_id=target_user_id,
        reason=reason,
        before=before,
        after=after,
    )
    db.session.add(entry)
    return entry


@dataclass(frozen=True)
class AuditFilter:
    action: ActionKind | None = None
    space_id: int | None = None
    actor: str = ""
    since: datetime | None = None
    until: datetime | None = None


def audit_entries(
    municipality_id: int, f: AuditFilter, *, cursor: str | None = None, limit: int | None = 50
) -> Page[AuditEntry]:
    query = sa.select(AuditEntry).where(AuditEntry.municipality_id == municipality_id)
    if f.action is not None:
        query = query.where(AuditEntry.action == f.action)
    if f.space_id is not None:
        query = query.where(AuditEntry.space_id == f.space_id)
    if f.actor:
        query = query.where(AuditEntry.actor_name.ilike(f"%{f.actor}%"))
    if f.since is not None:
        query = query.where(AuditEntry.created_at >= f.since)
    if f.until is not None:
        query = query.where(AuditEntry.created_at < f.until)
    if limit is None:
        return Page(
            list(db.session.scalars(query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()))), None
        )
    rows = list(db.session.scalars(keyset(query, AuditEntry.created_at, AuditEntry.id, cursor, limit)))
    return page_of(rows, limit, "created_at")


# --- cases and reports -----------------------------------------------------------------------------


def _where(content_type: registry.ContentType, obj: Any) -> tuple[int | None, int | None]:
    space = content_type.space_of(obj)
    if space is not None:
        return space.municipality_id, space.id
    if content_type.municipality_of is not None:
        return content_type.municipality_of(obj), None
    municipality_id, _space_id = scope_of(None)
    return municipality_id, None


def open_case(content_type: registry.ContentType, obj: Any, *, session: Session | None = None) -> Case:
    """The item's case in the queue, made when it is first reported (an upsert, so two first reports
    at once make one case), locked for this transaction and open again if it was closed."""
    session = session or db.session()
    municipality_id, space_id = _where(content_type, obj)
    if municipality_id is None:
        raise DomainError(_("This cannot be reported here."))
    now = utcnow()
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Case)
    session.execute(
        insert.values(
            content_type=content_type.name,
            content_id=obj.id,
            municipality_id=municipality_id,
            space_id=space_id,
            author_id=content_type.author_id_of(obj),
            status=CaseStatus.OPEN.value,
            report_count=0,
            created_at=now,
            last_reported_at=now,
        ).on_conflict_do_nothing(index_elements=["content_type", "content_id"])
    )
    case = session.scalar(
        sa.select(Case)
        .where(Case.content_type == content_type.name, Case.content_id == obj.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert case is not None
    if case.status == CaseStatus.CLOSED:
        case.status, case.closed_at = CaseStatus.OPEN, None
    case.last_reported_at = now
    return case


def system_case(
    session: Session, content_type: registry.ContentType, obj: Any, *, reason: Reason, detail: str
) -> None:
    """A held or flagged text opens a case without a person reporting it (called after a flush)."""
    case = open_case(content_type, obj, session=session)
    case.flagged = detail[:500]
    municipality_id, space_id = case.municipality_id, case.space_id
    session.add(
        AuditEntry(
            municipality_id=municipality_id,
            space_id=space_id,
            action=ActionKind.HOLD
            if getattr(obj, "moderation_state", None) == ModerationState.HELD
            else ActionKind.REPORT,
            content_type=content_type.name,
            content_id=obj.id,
            target_user_id=content_type.author_id_of(obj),
            reason=f"{REASON_CODES[reason]}: {detail}",
        )
    )


REASON_CODES = {r: r.value for r in Reason}


def _distinct_reporters(case: Case) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(sa.distinct(Report.reporter_id))).where(
                Report.case_id == case.id, Report.reporter_id.is_not(None)
            )
        )
        or 0
    )


def report(obj: Any, *, by: User, reason: Reason, note: str = "", hide_now: bool = False) -> Case:
    content_type = registry.for_object(obj)
    if content_type is None:
        raise DomainError(_("This cannot be reported."))
    if content_type.author_id_of(obj) == by.id:
        raise DomainError(_("You cannot report what you wrote yourself. You can edit or delete it instead."))
    if not content_type.can_view(by, obj) or not permissions.can_see_content(by, obj):
        raise NotAllowed(_("You can only report what you can see."))
    if reason not in Reason or reason in (Reason.WATCHED_WORD, Reason.PROTECTED_NAME):
        raise DomainError(_("Choose a reason."), field="reason")
    note = (note or "").strip()
    if reason == Reason.OTHER and not note:
        raise DomainError(_("Tell the moderators in a few words what is wrong."), field="note")
    if len(note) > MAX_NOTE:
        raise DomainError(_("Write at most %(n)s characters.", n=MAX_NOTE), field="note")
    case = open_case(content_type, obj)
    if content_type.moderatable:
        # The case row is locked now: read the item's state as the report before this one left it.
        db.session.refresh(obj, ["moderation_state"])
    inserted = db.session.execute(
        _insert(Report)
        .values(case_id=case.id, reporter_id=by.id, reason=reason.value, note=note, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["case_id", "reporter_id"])
        .returning(Report.id)
    ).scalar()
    if inserted is None:
        raise Conflict(_("You have already reported this. Thank you: the moderators will look at it."))
    case.report_count = _distinct_reporters(case)
    audit(
        ActionKind.REPORT,
        by=by,
        municipality_id=case.municipality_id,
        space_id=case.space_id,
        content_type=content_type.name,
        content_id=obj.id,
        target_user_id=content_type.author_id_of(obj),
        reason=f"{reason.value}: {note}" if note else reason.value,
    )
    db.session.flush()
    space = content_type.space_of(obj)
    if content_type.moderatable and getattr(obj, "moderation_state", None) == ModerationState.VISIBLE:
        if hide_now and permissions.can_moderate(by, space):
            hide(obj, by=by, reason=str(_reason_text(reason, note)))
        elif case.report_count >= threshold():
            _set_state(obj, ModerationState.HIDDEN, by=None, reason=AUTO_HIDDEN)
            _record(ActionKind.AUTO_HIDE, content_type, obj, case=case, by=None, reason="")
    signals.content_reported.send(obj, case=case, by=by)
    return case


def _reason_text(reason: Reason, note: str) -> str:
    from community.moderation.models import REASON_LABELS

    label = str(REASON_LABELS[reason])
    return f"{label}: {note}" if note else label


# --- the queue -------------------------------------------------------------------------------------


@dataclass
class QueueItem:
    case: Case
    content_type: registry.ContentType | None
    obj: Any | None

    @property
    def title(self) -> str:
        if self.obj is None or self.content_type is None:
            return _("(no longer there)")
        return self.content_type.title_of(self.obj)

    @property
    def excerpt(self) -> str:
        if self.obj is None or self.content_type is None:
            return ""
        return self.content_type.excerpt_of(self.obj)


def queue(
    municipality_id: int,
    *,
    space_id: int | None = None,
    cursor: str | None = None,
    limit: int = 25,
    status: CaseStatus = CaseStatus.OPEN,
) -> Page[QueueItem]:
    """Open cases, most recently reported first, in keyset pages: a fixed number of queries (cases,
    their reports with reporters, and one per kind of content on the page) at any queue length."""
    query = sa.select(Case).where(Case.municipality_id == municipality_id, Case.status == status)
    if space_id is not None:
        query = query.where(Case.space_id == space_id, Case.content_type != "space")
    query = keyset(query, Case.last_reported_at, Case.id, cursor, limit).options(
        selectinload(Case.reports).selectinload(Report.reporter)
    )
    page = page_of(list(db.session.scalars(query)), limit, "last_reported_at")
    objects = registry.load_many([(c.content_type, c.content_id) for c in page.items])
    items = [
        QueueItem(c, registry.get(c.content_type), objects.get((c.content_type, c.content_id)))
        for c in page.items
    ]
    return Page(items, page.next_cursor)


def open_count(municipality_id: int, space_id: int | None = None) -> int:
    query = sa.select(sa.func.count(Case.id)).where(
        Case.municipality_id == municipality_id, Case.status == CaseStatus.OPEN
    )
    if space_id is not None:
        query = query.where(Case.space_id == space_id, Case.content_type != "space")
    return db.session.scalar(query) or 0


def case_item(case: Case) -> QueueItem:
    return QueueItem(case, registry.get(case.content_type), registry.load(case.content_type, case.content_id))


def actions_of(case: Case) -> list[Action]:
    return list(
        db.session.scalars(
            sa.select(Action)
            .where(Action.case_id == case.id)
            .order_by(Action.id)
            .options(selectinload(Action.by))
        )
    )


# --- actions ---------------------------------------------------------------------------------------


def _set_state(obj: Any, state: ModerationState, *, by: User | None, reason: str | None) -> None:
    obj.moderation_state = state
    obj.moderation_reason = (reason or "")[:MAX_REASON] or None
    obj.moderated_by_id = by.id if by is not None else None
    obj.moderated_at = utcnow()
    signals.content_moderated.send(obj)


def _record(
    kind: ActionKind,
    content_type: registry.ContentType,
    obj: Any,
    *,
    case: Case | None,
    by: User | None,
    reason: str,
    until: datetime | None = None,
    author_id: int | None = None,
    before: str | None = None,
    after: str | None = None,
    notify_author: bool = True,
) -> Action:
    municipality_id, space_id = (
        (case.municipality_id, case.space_id) if case is not None else _where(content_type, obj)
    )
    if author_id is None:
        author_id = content_type.author_id_of(obj)
    action = Action(
        case_id=case.id if case is not None else None,
        municipality_id=municipality_id,
        space_id=space_id,
        content_type=content_type.name,
        content_id=obj.id,
        kind=kind,
        reason=reason[:MAX_REASON],
        until=until,
        by_id=by.id if by is not None else None,
        author_id=author_id,
    )
    db.session.add(action)
    audit(
        kind,
        by=by,
        municipality_id=municipality_id,
        space_id=space_id,
        content_type=content_type.name,
        content_id=obj.id,
        target_user_id=author_id,
        reason=reason,
        before=before,
        after=after,
    )
    db.session.flush()
    if notify_author and author_id is not None and (by is None or author_id != by.id):
        author = db.session.get(User, author_id)
        if author is not None and author.active:
            space = db.session.get(Space, space_id) if space_id else None
            notify(
                author,
                "moderation.action",
                what=kind.value,
                item=content_type.name,
                title=content_type.title_of(obj)[:120],
                reason=reason,
                space=space.title if space is not None else "",
                until=until.isoformat() if until else None,
                action_id=action.id,
            )
    return action


def _require_moderator(by: User, content_type: registry.ContentType, obj: Any) -> Space | None:
    space = content_type.space_of(obj)
    if space is not None:
        if not permissions.can_moderate(by, space):
            raise NotAllowed(_("Only the space's moderators and the municipality's staff can do this."))
    else:
        municipality_id, _s = _where(content_type, obj)
        if not permissions.is_staff_of(by, municipality_id):
            raise NotAllowed(_("Only the municipality's staff can do this."))
    return space


def _need_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Write the reason: the author is told what was done and why."), field="reason")
    if len(reason) > MAX_REASON:
        raise DomainError(_("Write at most %(n)s characters.", n=MAX_REASON), field="reason")
    return reason


def _close(case: Case | None) -> None:
    if case is not None and case.status == CaseStatus.OPEN:
        case.status, case.closed_at = CaseStatus.CLOSED, utcnow()


def _moderatable(content_type: registry.ContentType) -> None:
    if not content_type.moderatable:
        raise DomainError(_("This cannot be hidden; act on its author or its space instead."))


def _case_of(content_type: registry.ContentType, obj: Any) -> Case | None:
    return db.session.scalar(
        sa.select(Case).where(Case.content_type == content_type.name, Case.content_id == obj.id)
    )


def hide(obj: Any, *, by: User, reason: str, case: Case | None = None) -> Action:
    content_type = registry.for_object(obj)
    assert content_type is not None
    _moderatable(content_type)
    _require_moderator(by, content_type, obj)
    reason = _need_reason(reason)
    case = case or _case_of(content_type, obj)
    _set_state(obj, ModerationState.HIDDEN, by=by, reason=reason)
    _close(case)
    return _record(ActionKind.HIDE, content_type, obj, case=case, by=by, reason=reason)


def keep(obj: Any, *, by: User, reason: str = "", case: Case | None = None) -> Action:
    """Dismisses the reports: shown again if reports had hidden it, approved if it was held."""
    content_type = registry.for_object(obj)
    assert content_type is not None
    _require_moderator(by, content_type, obj)
    case = case or _case_of(content_type, obj)
    was = getattr(obj, "moderation_state", None)
    if content_type.moderatable and was in (ModerationState.HIDDEN, ModerationState.HELD):
        _set_state(obj, ModerationState.VISIBLE, by=by, reason=None)
    _close(case)
    kind = ActionKind.APPROVE if was == ModerationState.HELD else ActionKind.KEEP
    return _record(
        kind,
        content_type,
        obj,
        case=case,
        by=by,
        reason=(reason or "").strip(),
        notify_author=kind == ActionKind.APPROVE,
    )


def restore(obj: Any, *, by: User, reason: str = "") -> Action:
    content_type = registry.for_object(obj)
    assert content_type is not None
    _moderatable(content_type)
    _require_moderator(by, content_type, obj)
    _set_state(obj, ModerationState.VISIBLE, by=by, reason=None)
    return _record(
        ActionKind.RESTORE, content_type, obj, case=_case_of(content_type, obj), by=by, reason=reason
    )


def edit_out(obj: Any, *, by: User, text: str, reason: str, case: Case | None = None) -> Action:
    """A moderator removes a passage (a name, a CPR number) and leaves the rest; before and after
    are kept in the audit log."""
    content_type = registry.for_object(obj)
    assert content_type is not None
    if content_type.text_attr is None:
        raise DomainError(_("This cannot be edited; hide or delete it instead."))
    _require_moderator(by, content_type, obj)
    reason = _need_reason(reason)
    before = getattr(obj, content_type.text_attr) or ""
    if text == before:
        raise DomainError(_("The text is unchanged. Remove the passage, then save."), field="text")
    with unwatched():
        setattr(obj, content_type.text_attr, text)
        if content_type.after_edit is not None:
            content_type.after_edit(obj)
        if getattr(obj, "moderation_state", None) == ModerationState.HELD:
            _set_state(obj, ModerationState.VISIBLE, by=by, reason=None)
        db.session.flush()
    signals.content_moderated.send(obj)
    case = case or _case_of(content_type, obj)
    _close(case)
    return _record(
        ActionKind.EDIT, content_type, obj, case=case, by=by, reason=reason, before=before, after=text
    )


def delete(obj: Any, *, by: User, reason: str, case: Case | None = None) -> Action:
    content_type = registry.for_object(obj)
    assert content_type is not None
    if content_type.delete is None:
        raise DomainError(_("This cannot be deleted here."))
    _require_moderator(by, content_type, obj)
    reason = _need_reason(reason)
    case = case or _case_of(content_type, obj)
    before = content_type.excerpt_of(obj)
    action = _record(ActionKind.DELETE, content_type, obj, case=case, by=by, reason=reason, before=before)
    _close(case)
    with unwatched():
        content_type.delete(obj, by)
    db.session.flush()
    return action


def _membership(space: Space, user_id: int) -> Membership | None:
    return db.session.scalar(
        sa.select(Membership)
        .where(Membership.space_id == space.id, Membership.user_id == user_id)
        .with_for_update()
    )


def warn(obj: Any, *, by: User, reason: str, case: Case | None = None) -> Action:
    content_type = registry.for_object(obj)
    assert content_type is not None
    _require_moderator(by, content_type, obj)
    reason = _need_reason(reason)
    return _record(
        ActionKind.WARN, content_type, obj, case=case or _case_of(content_type, obj), by=by, reason=reason
    )


def _author_space(content_type: registry.ContentType, obj: Any, space: Space | None) -> tuple[int, Space]:
    author_id = content_type.author_id_of(obj)
    target = space or content_type.space_of(obj)
    if author_id is None or target is None:
        raise DomainError(_("There is no author in a space to act on."))
    return author_id, target


def suspend(
    obj: Any, *, by: User, reason: str, days: int | None, space: Space | None = None, case: Case | None = None
) -> Action:
    content_type = registry.for_object(obj)
    assert content_type is not None
    _require_moderator(by, content_type, obj)
    reason = _need_reason(reason)
    if days is None or days < 1 or days > 365:
        raise DomainError(_("Give the number of days the suspension lasts, from 1 to 365."), field="days")
    author_id, target = _author_space(content_type, obj, space)
    if not permissions.can_moderate(by, target):
        raise NotAllowed(_("Only the space's moderators and the municipality's staff can do this."))
    membership = _membership(target, author_id)
    if membership is None or membership.status != MembershipStatus.ACTIVE:
        raise DomainError(_("The author is not a member of %(space)s.", space=target.title))
    until = utcnow() + timedelta(days=days)
    membership.suspended_until = until
    forget_memberships()
    return _record(
        ActionKind.SUSPEND,
        content_type,
        obj,
        case=case or _case_of(content_type, obj),
        by=by,
        reason=reason,
        until=until,
        author_id=author_id,
    )


def exclude(
    obj: Any, *, by: User, reason: str, space: Space | None = None, case: Case | None = None
) -> Action:
    content_type = registry.for_object(obj)
    assert content_type is not None
    _require_moderator(by, content_type, obj)
    reason = _need_reason(reason)
    author_id, target = _author_space(content_type, obj, space)
    membership = _membership(target, author_id)
    if membership is None:
        membership = Membership(space_id=target.id, user_id=author_id, status=MembershipStatus.EXCLUDED)
        db.session.add(membership)
    if membership.role != Role.MEMBER:
        raise DomainError(_("Change the person's role to member before excluding them."))
    membership.status = MembershipStatus.EXCLUDED
    forget_memberships()
    return _record(
        ActionKind.EXCLUDE,
        content_type,
        obj,
        case=case or _case_of(content_type, obj),
        by=by,
        reason=reason,
        author_id=author_id,
    )


def freeze(space: Space, *, by: User, reason: str, frozen: bool = True) -> Action:
    content_type = registry.get("space")
    assert content_type is not None
    if not permissions.is_staff_of(by, space.municipality_id) and not permissions.can_moderate(by, space):
        raise NotAllowed(_("Only the space's moderators and the municipality's staff can do this."))
    reason = _need_reason(reason)
    space.frozen_at = utcnow() if frozen else None
    kind = ActionKind.FREEZE if frozen else ActionKind.UNFREEZE
    return _record(
        kind,
        content_type,
        space,
        case=_case_of(content_type, space),
        by=by,
        reason=reason,
        notify_author=False,
    )


def archive(space: Space, *, by: User, reason: str) -> Action:
    from community.spaces.services import archive_space

    content_type = registry.get("space")
    assert content_type is not None
    if not permissions.is_staff_of(by, space.municipality_id):
        raise NotAllowed(_("Only the municipality's staff can archive a space."))
    reason = _need_reason(reason)
    archive_space(space, by=by)
    case = _case_of(content_type, space)
    _close(case)
    return _record(
        ActionKind.ARCHIVE, content_type, space, case=case, by=by, reason=reason, notify_author=False
    )


def close_case(case: Case, *, by: User) -> None:
    _close(case)


# --- appeals ---------------------------------------------------------------------------------------


def appeal(action: Action, *, by: User, text: str) -> Action:
    text = (text or "").strip()
    if action.author_id != by.id:
        raise NotAllowed(_("Only the person it was about can appeal."))
    if action.kind not in permissions.APPEALABLE:
        raise DomainError(_("This cannot be appealed."))
    if action.appealed_at is not None:
        raise Conflict(
            _("You have already appealed this decision. The municipality's staff will answer you.")
        )
    if utcnow() > permissions.appeal_deadline(action):
        raise DomainError(
            _(
                "The time to appeal ended on %(date)s.",
                date=format_datetime(permissions.appeal_deadline(action)),
            )
        )
    if not text:
        raise DomainError(_("Write why you think the decision should change."), field="text")
    if len(text) > 2000:
        raise DomainError(_("Write at most %(n)s characters.", n=2000), field="text")
    done = db.session.execute(
        sa.update(Action)
        .where(Action.id == action.id, Action.appealed_at.is_(None))
        .values(appealed_at=utcnow(), appeal_text=text)
        .execution_options(synchronize_session=False)
    )
    if not done.rowcount:
        raise Conflict(
            _("You have already appealed this decision. The municipality's staff will answer you.")
        )
    db.session.refresh(action)
    audit(
        ActionKind.APPEAL,
        by=by,
        municipality_id=action.municipality_id,
        space_id=action.space_id,
        content_type=action.content_type,
        content_id=action.content_id,
        target_user_id=by.id,
        reason=text,
    )
    for staff in db.session.scalars(
        sa.select(User).where(User.staff_municipality_id == action.municipality_id)
    ):
        notify(staff, "moderation.appeal", name=by.display_name, action_id=action.id)
    db.session.flush()
    return action


def decide_appeal(action: Action, *, by: User, decision: AppealDecision, note: str) -> Action:
    if not permissions.is_staff_of(by, action.municipality_id):
        raise NotAllowed(_("Only the municipality's staff decide appeals."))
    if action.appealed_at is None:
        raise DomainError(_("This decision has not been appealed."))
    if action.by_id == by.id:
        raise NotAllowed(
            _(
                "You made this decision yourself, so another member of the municipality's staff "
                "decides the appeal."
            )
        )
    note = _need_reason(note)
    done = db.session.execute(
        sa.update(Action)
        .where(Action.id == action.id, Action.appeal_decision.is_(None))
        .values(
            appeal_decision=decision.value,
            appeal_note=note,
            appeal_decided_by_id=by.id,
            appeal_decided_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    if not done.rowcount:
        raise Conflict(_("This appeal has already been decided."))
    db.session.refresh(action)
    obj = registry.load(action.content_type, action.content_id)
    if decision == AppealDecision.OVERTURNED and obj is not None:
        _undo(action, obj)
    kind = ActionKind.APPEAL_OVERTURNED if decision == AppealDecision.OVERTURNED else ActionKind.APPEAL_UPHELD
    audit(
        kind,
        by=by,
        municipality_id=action.municipality_id,
        space_id=action.space_id,
        content_type=action.content_type,
        content_id=action.content_id,
        target_user_id=action.author_id,
        reason=note,
    )
    db.session.flush()
    author = db.session.get(User, action.author_id) if action.author_id else None
    if author is not None:
        notify(author, "moderation.appeal_decided", decision=decision.value, note=note, action_id=action.id)
    return action


def _undo(action: Action, obj: Any) -> None:
    content_type = registry.get(action.content_type)
    if action.kind in (ActionKind.HIDE, ActionKind.AUTO_HIDE) and content_type and content_type.moderatable:
        _set_state(obj, ModerationState.VISIBLE, by=None, reason=None)
    elif action.kind == ActionKind.EDIT and content_type and content_type.text_attr:
        before = db.session.scalar(
            sa.select(AuditEntry.before)
            .where(
                AuditEntry.action == ActionKind.EDIT,
                AuditEntry.content_type == action.content_type,
                AuditEntry.content_id == action.content_id,
            )
            .order_by(AuditEntry.id.desc())
            .limit(1)
        )
        if before is not None:
            with unwatched():
                setattr(obj, content_type.text_attr, before)
                if content_type.after_edit is not None:
                    content_type.after_edit(obj)
            signals.content_moderated.send(obj)
    elif action.kind in (ActionKind.SUSPEND, ActionKind.EXCLUDE) and action.space_id and action.author_id:
        membership = db.session.scalar(
            sa.select(Membership).where(
                Membership.space_id == action.space_id, Membership.user_id == action.author_id
            )
        )
        if membership is not None:
            membership.suspended_until = None
            if membership.status == MembershipStatus.EXCLUDED:
                membership.status = MembershipStatus.ACTIVE
            forget_memberships()


def appeals(municipality_id: int, *, open_only: bool = True) -> list[Action]:
    query = sa.select(Action).where(
        Action.municipality_id == municipality_id, Action.appealed_at.is_not(None)
    )
    if open_only:
        query = query.where(Action.appeal_decision.is_(None))
    return list(
        db.session.scalars(
            query.order_by(Action.appealed_at.desc())
            .limit(200)
            .options(selectinload(Action.author), selectinload(Action.by))
        )
    )


def actions_about(user: User, *, limit: int = 50) -> list[Action]:
    return list(
        db.session.scalars(
            sa.select(Action)
            .where(
                Action.author_id == user.id,
                Action.kind.in_([*permissions.APPEALABLE, ActionKind.APPROVE]),
            )
            .order_by(Action.created_at.desc(), Action.id.desc())
            .limit(limit)
        )
    )


# --- watched words and protected names -----------------------------------------------------------


def add_word(
    municipality_id: int, *, pattern: str, action: WordAction, by: User, space: Space | None = None
) -> WatchedWord:
    pattern = (pattern or "").strip()
    if not pattern:
        raise DomainError(_("Write a word, a phrase or a /pattern/."), field="pattern")
    if len(pattern) > 200:
        raise DomainError(_("Write at most %(n)s characters.", n=200), field="pattern")
    regex = words.is_regex(pattern)
    if regex and not permissions.is_staff_of(by, municipality_id):
        raise DomainError(
            _(
                "Only the municipality's staff can add a /pattern/. Write a word or a phrase: "
                "other forms of a word are caught too."
            ),
            field="pattern",
        )
    if regex:
        try:
            words.check_safe(pattern[1:-1])
            words.compile_pattern(pattern[1:-1])
        except re.error as exc:
            raise DomainError(
                _(
                    "This pattern is not a valid regular expression (%(error)s). Check its signs.",
                    error=str(exc),
                ),
                field="pattern",
            ) from exc
        except words.UnsafePattern as exc:
            if exc.kind == "nested":
                message = _(
                    "This pattern repeats something that repeats or has alternatives itself, like "
                    "(a+)+ or (a|ab)*. Checking it could stall the site: write it without a "
                    "repetition inside a repetition."
                )
            else:
                message = _(
                    "This pattern has too many repetitions (*, +, ? or {…}) to check quickly. Use at "
                    "most one open-ended repetition, or write a word or a phrase."
                )
            raise DomainError(message, field="pattern") from exc
    elif not words.words_of(pattern):
        raise DomainError(_("Write at least one letter or digit."), field="pattern")
    exists = db.session.scalar(
        sa.select(WatchedWord.id).where(
            WatchedWord.municipality_id == municipality_id,
            WatchedWord.space_id.is_(None) if space is None else WatchedWord.space_id == space.id,
            WatchedWord.pattern == pattern,
        )
    )
    if exists:
        raise Conflict(_("“%(word)s” is already on the list.", word=pattern), field="pattern")
    word = WatchedWord(
        municipality_id=municipality_id,
        space_id=space.id if space is not None else None,
        pattern=pattern,
        is_regex=regex,
        action=action,
    )
    db.session.add(word)
    db.session.flush()
    audit(
        ActionKind.WATCHED_WORD_ADDED,
        by=by,
        municipality_id=municipality_id,
        space_id=word.space_id,
        reason=f"{action.value}: {pattern}",
    )
    words.changed(municipality_id)
    return word


def remove_word(word: WatchedWord, *, by: User) -> None:
    audit(
        ActionKind.WATCHED_WORD_REMOVED,
        by=by,
        municipality_id=word.municipality_id,
        space_id=word.space_id,
        reason=f"{word.action.value}: {word.pattern}",
    )
    db.session.delete(word)
    db.session.flush()
    words.changed(word.municipality_id)


def watched_words(municipality_id: int, space: Space | None = None) -> list[WatchedWord]:
    query = sa.select(WatchedWord).where(WatchedWord.municipality_id == municipality_id)
    query = query.where(WatchedWord.space_id.is_(None) if space is None else WatchedWord.space_id == space.id)
    return list(db.session.scalars(query.order_by(WatchedWord.pattern)))


def add_protected(
    municipality_id: int, *, name: str, variants: str, by: User, email: str = ""
) -> ProtectedPerson:
    name = (name or "").strip()
    if not name or not words.words_of(name):
        raise DomainError(_("Write the person's name."), field="name")
    user_id = None
    if email.strip():
        user_id = db.session.scalar(
            sa.select(User.id).where(sa.func.lower(User.email) == email.strip().lower())
        )
        if user_id is None:
            raise DomainError(
                _("No account has this e-mail address. Leave it empty or check it."), field="email"
            )
    lines = "\n".join(v.strip() for v in (variants or "").splitlines() if v.strip())
    person = ProtectedPerson(
        municipality_id=municipality_id, name=name[:120], variants=lines, user_id=user_id
    )
    db.session.add(person)
    db.session.flush()
    audit(ActionKind.PROTECTED_ADDED, by=by, municipality_id=municipality_id, reason=name)
    words.changed(municipality_id)
    return person


def remove_protected(person: ProtectedPerson, *, by: User) -> None:
    audit(ActionKind.PROTECTED_REMOVED, by=by, municipality_id=person.municipality_id, reason=person.name)
    db.session.delete(person)
    db.session.flush()
    words.changed(person.municipality_id)


def protected_people(municipality_id: int) -> list[ProtectedPerson]:
    return list(
        db.session.scalars(
            sa.select(ProtectedPerson)
            .where(ProtectedPerson.municipality_id == municipality_id)
            .order_by(ProtectedPerson.name)
        )
    )


# --- blocking --------------------------------------------------------------------------------------


def block(by: User, other: User) -> None:
    if not permissions.can_block(by, other):
        raise DomainError(_("You cannot block yourself."))
    db.session.execute(
        _insert(Block)
        .values(blocker_id=by.id, blocked_id=other.id, created_at=utcnow())
        .on_conflict_do_nothing()
    )
    permissions.forget_blocks()
    signals.user_blocked.send(by, other=other)


def unblock(by: User, other_id: int) -> None:
    db.session.execute(sa.delete(Block).where(Block.blocker_id == by.id, Block.blocked_id == other_id))
    permissions.forget_blocks()


def blocked_by(user: User) -> list[Block]:
    return list(
        db.session.scalars(
            sa.select(Block)
            .where(Block.blocker_id == user.id)
            .order_by(Block.created_at.desc())
            .options(selectinload(Block.blocked))
        )
    )
