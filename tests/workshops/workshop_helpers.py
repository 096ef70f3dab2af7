"""Shared steps for the workshop tests: people with roles, counting rows, running the clock."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from bot.calendar.deliveries import OPEN_FILE
from bot.emulator.workspace import Message
from bot.platform import roles
from bot.platform.delivery import dispatcher as dispatch
from bot.platform.slack import SlackGateway, make_web_client
from storage.models import Delivery, DeliveryStatus
from storage.models.workshops import Workshop
from tests.conftest import FixedClock
from tests.harness import BOT_TOKEN, RunningApp, Slack

QUICK = '#m1-coaching "Appreciative inquiry" 2026-12-10 17:00 for 90m'


def announced(app: RunningApp, slack: Slack, channel: str, nth: int = 0) -> Message:
    """The channel's `nth` announcement, once posted and recorded (its ts anchors the thread and RSVPs)."""
    post = slack.wait_for_post(channel, nth + 1)[nth]
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with app.services.db.transaction() as s:
            if s.scalar(select(Workshop.id).where(Workshop.announcement_ts == post.ts)):
                return post
        time.sleep(0.01)  # the dispatcher records the ts just after Slack answers
    raise TimeoutError("the announcement was posted but never recorded")


def notes(slack: Slack, user: str) -> list[Message]:
    """The person's DMs but the calendar files (Going sends one; tests/calendar/ checks them)."""
    return [m for m in slack.dms(user) if not m.files and OPEN_FILE not in m.text]


def count(app: RunningApp, model: type) -> int:
    with app.services.db.transaction() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def make_lead(app: RunningApp, slack: Slack, admin: str, person: str) -> None:
    """What `/coach lead @person` will do: an admin grants the program-lead role."""
    gateway = SlackGateway(make_web_client(BOT_TOKEN, slack.emulator.url))
    team = slack.ws.team_id
    roles.grant_lead(
        app.services, app.services.actor(gateway, team, admin), app.services.actor(gateway, team, person)
    )


def run_clock_to(app: RunningApp, slack: Slack, clock: FixedClock, when: datetime) -> int:
    """Move the clock and let the dispatcher send whatever has fallen due; what requests set off
    (a Going's calendar file) finishes first, so a jump of days never expires a send's lease."""
    app.wait_idle()
    clock.now = when
    return dispatch.run_due(app.services, make_web_client(BOT_TOKEN, slack.emulator.url), when)


def pending(app: RunningApp, kind: str) -> list[Delivery]:
    with app.services.db.transaction() as s:
        return list(
            s.scalars(
                select(Delivery)
                .where(Delivery.kind == kind, Delivery.status == DeliveryStatus.PENDING)
                .order_by(Delivery.due_at)
            )
        )


def buttons(blocks: list[dict[str, Any]]) -> list[str]:
    return [e["text"]["text"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def context_text(blocks: list[dict[str, Any]]) -> str:
    return " ".join(e["text"] for b in blocks if b["type"] == "context" for e in b["elements"])
