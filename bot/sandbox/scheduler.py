"""The sandbox's one door to the dispatcher (bot.platform.delivery.dispatcher): when is the next thing due, and run it."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime
from typing import Any

from slack_sdk import WebClient

from bot.platform.services import Services


def _dispatch() -> Any:
    # Imported when first used, so the sandbox keeps working on a build without a dispatcher.
    try:
        return importlib.import_module("bot.platform.delivery.dispatcher")
    except ModuleNotFoundError:
        return None


def next_due_at(services: Services) -> datetime | None:
    """The earliest time anything is due (a delivery or a periodic job), or None."""
    dispatch = _dispatch()
    due: datetime | None = dispatch.next_due_at(services) if dispatch else None
    if due is not None and due.tzinfo is None:
        due = due.replace(tzinfo=UTC)  # storage keeps UTC; be sure it reads back aware
    return due


def run_due(services: Services, client: WebClient, now: datetime) -> int:
    """Run every job due at `now` and send every delivery due by then; how many were sent."""
    dispatch = _dispatch()
    sent: int = dispatch.run_due(services, client, now) if dispatch else 0
    return sent
