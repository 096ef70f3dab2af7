"""The emulated workspace's state: users, channels, messages and views."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo


@dataclass
class Message:
    """A message as Slack keeps it; ephemeral ones carry the only user who can see them."""

    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None = None
    ephemeral_to: str | None = None
    edited: int = 0
    files: list[str] = field(default_factory=list)
    metadata: dict[str, Any] | None = None


@dataclass
class Workspace:
    team_id: str = "T0COACH01"
    team_name: str = "Coaching Program"
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)
    messages: list[Message] = field(default_factory=list)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    homes: dict[str, dict[str, Any]] = field(default_factory=dict)
    open_modals: dict[str, list[str]] = field(default_factory=dict)
    triggers: dict[str, tuple[str, float]] = field(default_factory=dict)
    # Where apps.connections.open sends a Socket Mode client (a WebSocket server the test runs).
    socket_mode_url: str | None = None
    # Uploaded files by id: name, title, bytes (None until uploaded), channels it was shared to.
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    id_offset: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{self.id_offset + next(self._ids):08d}"

    def new_ts(self, now: datetime | None = None) -> str:
        seconds = int((now or datetime.now(UTC)).timestamp())
        return f"{seconds}.{next(self._ts):06d}"

    def add_user(
        self,
        name: str,
        tz: str = "America/New_York",
        *,
        is_admin: bool = False,
        is_owner: bool = False,
        email: str | None = None,
        user_id: str | None = None,
        home_team: str | None = None,
        locale: str = "en-US",
    ) -> str:
        """Add a person; their tz_offset and label follow their zone as Slack reports them.

        `home_team`: a Slack Connect guest from another organisation; users.info reports their own
        team, and is_admin/is_owner are about that team."""
        user_id = user_id or self.new_id("U")
        with self.lock:
            self.users[user_id] = {
                "id": user_id,
                "team_id": home_team or self.team_id,
                "name": name,
                "real_name": name.title(),
                "deleted": False,
                "tz": tz,
                "locale": locale,
                "is_admin": is_admin,
                "is_owner": is_owner,
                "is_bot": False,
                "profile": {
                    "display_name": name,
                    "real_name": name.title(),
                    "email": email or f"{name}@example.edu",
                },
            }
        return user_id

    def user_json(self, user_id: str, now: datetime) -> dict[str, Any]:
        user = dict(self.users[user_id])
        local = now.astimezone(ZoneInfo(user["tz"]))
        offset = local.utcoffset()
        user["tz_offset"] = int(offset.total_seconds()) if offset else 0
        user["tz_label"] = local.tzname()
        return user

    def user_by_name(self, name: str) -> str | None:
        return next((uid for uid, user in self.users.items() if user["name"] == name), None)

    def add_channel(
        self, name: str, members: list[str] | None = None, *, bot_member: bool = True, private: bool = False
    ) -> str:
        """A channel; a private one is invisible to the app unless the app is a member (as in Slack)."""
        channel_id = self.new_id("C")
        with self.lock:
            self.channels[channel_id] = {
                "id": channel_id,
                "name": name,
                "is_channel": not private,
                "is_group": private,
                "is_private": private,
                "is_archived": False,
                "members": list(members or []),
                "bot_member": bot_member,
            }
        return channel_id

    def channel_by_name(self, name: str) -> str | None:
        return next((cid for cid, channel in self.channels.items() if channel["name"] == name), None)

    def dm_channel(self, user_id: str) -> str:
        """The bot's DM with a user: D + the user's id, stable like Slack's."""
        return f"D{user_id[1:]}"

    def dm_user(self, channel_id: str) -> str | None:
        if not channel_id.startswith("D"):
            return None
        user_id = f"U{channel_id[1:]}"
        return user_id if user_id in self.users else None

    def find_message(self, channel: str, ts: str) -> Message | None:
        return next((m for m in self.messages if m.channel == channel and m.ts == ts), None)

    def visible_messages(self, user_id: str) -> list[Message]:
        """What this person can see: their DMs, channels they are in, ephemerals meant for them."""
        with self.lock:
            seen = []
            for message in self.messages:
                if message.ephemeral_to is not None:
                    if message.ephemeral_to == user_id:
                        seen.append(message)
                elif self.dm_user(message.channel) == user_id or user_id in self.channels.get(
                    message.channel, {}
                ).get("members", []):
                    seen.append(message)
            return seen
