"""The demo program: who is in the workspace when the sandbox starts without `--empty`."""

from __future__ import annotations

from bot.emulator import Workspace

# (name, Slack time zone, workspace admin?)
DEMO_USERS = [
    ("randy", "America/Chicago", False),
    ("drlee", "America/New_York", False),
    ("admin", "America/Los_Angeles", True),
]
DEMO_CHANNEL = "m1-coaching"
# Lines run through the app at start, as if typed (output hidden): the seed goes through the
# same front door as a person, so it needs no knowledge of goals, pairs or schedules.
SEED_LINES: list[str] = ["@admin /coach assign @drlee @randy"]


def seed_workspace(ws: Workspace) -> str:
    """Add the demo people and channel; returns the user the session starts as (randy)."""
    ids = [ws.add_user(name, tz, is_admin=admin) for name, tz, admin in DEMO_USERS]
    ws.add_channel(DEMO_CHANNEL, members=ids)
    return ids[0]
