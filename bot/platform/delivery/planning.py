"""Planning one message to one person or channel: the call every area makes inside its change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.platform.people import Actor
from storage import deliveries
from storage.models import Person


@dataclass(frozen=True)
class Channel:
    """A channel (or a DM with no person behind it) as a recipient."""

    team_id: str
    channel_id: str


def plan_one(
    session: Session,
    to: Person | Actor | Channel,
    *,
    kind: str,  # by name, so the house test (tests/platform/test_areas.py) finds every planned kind
    key: str,
    now: datetime,
    payload: dict[str, Any] | None = None,
    due_at: datetime | None = None,
) -> bool:
    """Plan `kind` for `to`, due now unless `due_at`; False if its dedupe key was planned before."""
    if isinstance(to, Person):
        recipient, person_id = to.slack_user_id, to.id
    elif isinstance(to, Actor):
        recipient, person_id = to.user_id, to.person_id
    else:
        recipient, person_id = to.channel_id, None
    return deliveries.plan(
        session,
        team_id=to.team_id,
        kind=kind,
        recipient=recipient,
        person_id=person_id,
        due_at=now if due_at is None else due_at,
        dedupe_key=key,
        now=now,
        payload=payload,
    )
