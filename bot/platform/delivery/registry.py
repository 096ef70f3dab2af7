"""What the bot will send later: a kind says how to render it and what follows a send.

Services plan deliveries with `planning.plan_one` in the same transaction as the change
that causes them; planners (idempotent, thanks to dedupe keys) create periodic rows ahead of time.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from slack_sdk.models.blocks import Block

if TYPE_CHECKING:
    from bot.platform.services import Services


@dataclass(frozen=True)
class DeliveryInfo:
    """A claimed delivery as renderers see it (plain data, no ORM object)."""

    id: int
    team_id: str
    kind: str
    recipient: str
    person_id: int | None
    due_at: datetime
    dedupe_key: str
    payload: dict[str, Any]
    attempts: int
    # The person's time zone as they were claimed (None: no person): how late a row may still go
    # out is judged without a read per row.
    person_tz: str | None = None

    @staticmethod
    def parse_payload(raw: str) -> dict[str, Any]:
        try:
            value = json.loads(raw or "{}")
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Attachment:
    """A file uploaded right after the message, into the same conversation (a chart, a CSV);
    `content` may be a function that makes it, called once the message is out (a slow chart)."""

    filename: str
    content: str | bytes | Callable[[], bytes]
    title: str
    alt_text: str | None = None


@dataclass(frozen=True)
class Outgoing:
    """A message to post; `channel` defaults to the delivery's recipient (a user id opens the DM)."""

    text: str
    blocks: list[Block] = field(default_factory=list)
    channel: str | None = None
    thread_ts: str | None = None
    attachment: Attachment | None = None


@dataclass(frozen=True)
class Skip:
    """Nothing to send any more (the goal was closed, the meeting cancelled …); the reason is kept."""

    reason: str


Renderer = Callable[["Services", DeliveryInfo, datetime], "Outgoing | Skip"]
AfterSend = Callable[["Services", DeliveryInfo, str, str, datetime], None]
Planner = Callable[["Services", datetime], None]
# after_skip / after_failure(services, delivery, reason, now): e.g. plan the next one, or stop.
AfterSettle = Callable[["Services", DeliveryInfo, str, datetime], None]
# after_send for many sent rows at once: [(delivery, channel, ts)]; the dispatcher prefers it.
AfterSendBatch = Callable[["Services", list[tuple[DeliveryInfo, str, str]], datetime], None]


@dataclass(frozen=True)
class UsefulUntil:
    """The last moment a delivery is still worth sending, and why it stops being so after."""

    deadline: datetime
    why: str


Usefulness = Callable[["Services", DeliveryInfo], UsefulUntil]
# A kind that says nothing is worth sending for a day after it was due.
DEFAULT_USEFUL_FOR = timedelta(days=1)


def useful_for(window: timedelta, why: str) -> Usefulness:
    """A kind still useful `window` after it was due."""

    def until(services: Services, delivery: DeliveryInfo) -> UsefulUntil:
        return UsefulUntil(delivery.due_at + window, why)

    return until


default_usefulness = useful_for(DEFAULT_USEFUL_FOR, "more than a day late")


@dataclass(frozen=True)
class Kind:
    """How a kind is rendered when due; `after_send(services, delivery, channel, ts, now)` runs once it
    is sent, `after_skip` once it is skipped and `after_failure` once it has failed for good (with the
    error); `after_send_batch`, if given, does after_send's work for many rows in one go; `useful_until`
    says how late it is still worth sending (after that it is skipped, and the reason kept)."""

    render: Renderer
    after_send: AfterSend | None = None
    after_skip: AfterSettle | None = None
    after_failure: AfterSettle | None = None
    after_send_batch: AfterSendBatch | None = None
    useful_until: Usefulness = default_usefulness
