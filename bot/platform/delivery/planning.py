"""Planning one message to one person, user id or channel: the call every area makes inside its change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.platform.people import Actor
from storage import deliveries
from storage.models import Person


@dataclass(frozen=True)
class Address:
    """Where a message goes when there is no Person or Actor at hand: a channel, a user id, or a
    thread, with the person it is about (if any) so their deletion finds it."""

    team_id: str
    recipient: str
    person_id: int | None = None


def plan_one(
    session: Session,
    to: Person | Actor | Address,
    *,
    kind: str,  # by name, so the house test (tests/platform/test_areas.py) finds every planned kind
    key: str,
    now: datetime,
    payload: dict[str, Any] | None = None,
    due_at: datetime | None = None,
) -> bool:
    """Plan `kind` for `to`, due now unless `due_at`; False if its dedupe key was planned before."""
    person_id: int | None
    if isinstance(to, Person):
        recipient, person_id = to.slack_user_id, to.id
    elif isinstance(to, Actor):
        recipient, person_id = to.user_id, to.person_id
    else:
        recipient, person_id = to.recipient, to.person_id
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
