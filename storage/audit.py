"""Queries on the audit log: who looked at or acted on whose data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models.privacy import AuditEntry


def record(
    session: Session,
    *,
    team_id: str,
    actor_user_id: str,
    subject_user_id: str | None,
    action: str,
    detail: str,
    now: datetime,
) -> None:
    session.add(
        AuditEntry(
            team_id=team_id,
            actor_user_id=actor_user_id,
            subject_user_id=subject_user_id,
            action=action,
            detail=detail,
            created_at=now,
        )
    )


def entries(
    session: Session, team_id: str | None, subject_user_id: str | None, limit: int
) -> list[AuditEntry]:
    """The newest entries first, in one workspace (or all) and about one person (or anyone)."""
    query = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(limit)
    if team_id is not None:
        query = query.where(AuditEntry.team_id == team_id)
    if subject_user_id is not None:
        query = query.where(AuditEntry.subject_user_id == subject_user_id)
    return list(session.scalars(query))
