"""The database itself keeps a coachee to one open pairing, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from storage.db import Database
from storage.models.meetings import Pairing
from storage.people import upsert_person

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def _people(db: Database) -> list[int]:
    with db.transaction() as session:
        return [
            upsert_person(
                session,
                team_id="T1",
                slack_user_id=user,
                display_name=user,
                tz="UTC",
                is_workspace_admin=False,
                is_deleted=False,
                now=NOW,
            ).id
            for user in ("UCOACH1", "UCOACH2", "UCOACHEE")
        ]


def _pair(db: Database, coach: int, coachee: int, closed: bool = False) -> None:
    with db.transaction() as session:
        session.add(
            Pairing(
                team_id="T1",
                coach_id=coach,
                coachee_id=coachee,
                created_by="UADMIN",
                created_at=NOW,
                closed_at=NOW if closed else None,
            )
        )


def test_a_second_open_pairing_for_a_coachee_is_refused_but_history_is_allowed(any_db: Database) -> None:
    coach, other_coach, coachee = _people(any_db)
    _pair(any_db, coach, coachee, closed=True)
    _pair(any_db, other_coach, coachee, closed=True)
    _pair(any_db, coach, coachee)
    with pytest.raises(IntegrityError):
        _pair(any_db, other_coach, coachee)
