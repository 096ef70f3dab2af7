"""The audit log: a coach opening a coachee's brief or summary, an admin exporting or removing data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.platform.services import Services
from storage import audit as store

BRIEF_SENT = "brief.opened"
SUMMARY_SENT = "summary.opened"
EXPORTED = "data.exported"
DELETED = "data.deleted"
REMOVED = "person.removed"
WORKSPACE_PURGED = "workspace.purged"


@dataclass(frozen=True)
class AuditLine:
    """One audit entry as admins read it."""

    at: datetime
    team_id: str
    actor: str
    subject: str | None
    action: str
    detail: str


def note(
    session: Session,
    now: datetime,
    team_id: str,
    actor_user_id: str,
    subject_user_id: str | None,
    action: str,
    detail: str = "",
) -> None:
    """Record one access inside the caller's transaction, so the record and the access commit together."""
    store.record(
        session,
        team_id=team_id,
        actor_user_id=actor_user_id,
        subject_user_id=subject_user_id,
        action=action,
        detail=detail,
        now=now,
    )


def record_access(
    services: Services,
    team_id: str,
    actor_user_id: str,
    subject_user_id: str | None,
    action: str,
    detail: str = "",
) -> None:
    """Record one access in its own transaction."""
    with services.db.transaction() as session:
        note(session, services.now(), team_id, actor_user_id, subject_user_id, action, detail)


def audit_lines(
    services: Services, team_id: str | None = None, user_id: str | None = None, limit: int = 200
) -> list[AuditLine]:
    """The newest entries first, about `user_id` if given."""
    with services.db.read() as session:
        return [
            AuditLine(e.created_at, e.team_id, e.actor_user_id, e.subject_user_id, e.action, e.detail)
            for e in store.entries(session, team_id, user_id, limit)
        ]
