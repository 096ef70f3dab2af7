"""Queries about program roles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.models import ProgramRole, RoleName


def has_role(session: Session, person_id: int, role: RoleName) -> bool:
    return (
        session.scalar(
            select(ProgramRole.id).where(ProgramRole.person_id == person_id, ProgramRole.role == role)
        )
        is not None
    )


def grant(
    session: Session, team_id: str, person_id: int, role: RoleName, granted_by: str, now: datetime
) -> bool:
    """Grant a role; False when the person already had it."""
    if has_role(session, person_id, role):
        return False
    session.add(
        ProgramRole(team_id=team_id, person_id=person_id, role=role, granted_by=granted_by, granted_at=now)
    )
    return True


def revoke(session: Session, person_id: int, role: RoleName) -> bool:
    result = session.execute(
        delete(ProgramRole)
        .where(ProgramRole.person_id == person_id, ProgramRole.role == role)
        .returning(ProgramRole.id)
    )
    return result.first() is not None
