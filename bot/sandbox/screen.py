"""The terminal as Slack's screen: messages, modals and App Home, each in its reader's own time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TextIO

from bot.emulator import Message, Workspace
from bot.sandbox.clock import VirtualClock, local_label
from bot.sandbox.files import describe_ics
from bot.sandbox.mrkdwn import Reader
from bot.sandbox.render import StateValue, blocks_lines, message_lines, view_lines

# Web API methods that only read; they change nothing a person could see.
READS = {
    "auth.test",
    "users.info",
    "users.lookupByEmail",
    "users.list",
    "conversations.open",
    "conversations.info",
    "conversations.members",
    "conversations.list",
    "team.info",
}
INDENT = "   "


class Screen:
    """Writes what people would see to `out`; knows who is who, but nothing about coaching."""

    def __init__(self, out: TextIO, ws: Workspace, clock: VirtualClock) -> None:
        self.out = out
        self.ws = ws
        self.clock = clock

    # ---- basics --------------------------------------------------------------------------------
    def say(self, line: str = "") -> None:
        self.out.write(line + "\n")

    def hint(self, line: str) -> None:
        self.say(f"  ? {line}")

    def name(self, user_id: str | None) -> str:
        user = self.ws.users.get(user_id or "")
        return str(user["name"]) if user else str(user_id)

    def tz(self, user_id: str | None) -> str:
        user = self.ws.users.get(user_id or "")
        return str(user["tz"]) if user else "UTC"

    def reader(self, user_id: str | None) -> Reader:
        with self.ws.lock:
            return Reader(
                tz=self.tz(user_id),
                now=self.clock(),
                user_names={uid: u["name"] for uid, u in self.ws.users.items()},
                channel_names={cid: c["name"] for cid, c in self.ws.channels.items()},
            )

    def number(self, message: Message) -> int:
        """A message's number K, as `:click #K` and `:show K` name it."""
        with self.ws.lock:
            return next(i for i, m in enumerate(self.ws.messages, 1) if m is message)

    # ---- messages ----------------------------------------------------------------------------
    def reader_of(self, message: Message, viewer: str | None) -> str | None:
        """Whose clock a message is shown on: the DM's person, the ephemeral's, or the viewer."""
        if message.ephemeral_to:
            return message.ephemeral_to
        dm_user = self.ws.dm_user(message.channel)
        if dm_user:
            return dm_user
        members = self.ws.channels.get(message.channel, {}).get("members", [])
        return viewer if viewer in members or not members else members[0]

    def where(self, message: Message) -> str:
        channel = self.ws.channels.get(message.channel)
        place = f"#{channel['name']}" if channel else "DM"
        if message.ephemeral_to:
            return f"ephemeral to {self.name(message.ephemeral_to)} in {place}"
        if channel is None:
            return f"DM to {self.name(self.ws.dm_user(message.channel))}"
        return f"in {place}"

    def show_message(self, message: Message, viewer: str | None, *, updated: bool = False) -> None:
        reader_id = self.reader_of(message, viewer)
        moment = self.clock() if updated else _ts_time(message.ts)
        when = local_label(moment, self.tz(reader_id))
        for_whom = f" for {self.name(reader_id)}" if self.ws.channels.get(message.channel) else ""
        label = f"#{self.number(message)}{' updated' if updated else ''}"
        self.say(f"── {label} {self.where(message)} · {when}{for_whom}")
        for line in message_lines(message.text, message.blocks, self.reader(reader_id)):
            self.say(INDENT + line)

    def show_file(self, file_id: str, viewer: str | None) -> None:
        """A shared file as one line; a calendar file shows its event in the reader's zone."""
        with self.ws.lock:
            stored = dict(self.ws.files.get(file_id) or {})
        if not stored:
            return
        channel = (stored.get("channels") or [""])[-1]
        reader_id = self.ws.dm_user(channel) or viewer
        place = f"DM to {self.name(reader_id)}" if self.ws.dm_user(channel) else "a channel"
        self.say(f"── file {stored.get('name')} in {place}")
        data = stored.get("data") or b""
        if str(stored.get("name", "")).endswith(".ics"):
            self.say(INDENT + describe_ics(bytes(data), self.tz(reader_id)))
        else:
            self.say(INDENT + f"📎 {stored.get('title') or stored.get('name')} ({len(data)} bytes)")

    # ---- surfaces ------------------------------------------------------------------------------
    def show_modal(
        self,
        user_id: str,
        view: dict[str, Any],
        state: dict[str, StateValue] | None = None,
        errors: dict[str, str] | None = None,
    ) -> None:
        when = local_label(self.clock(), self.tz(user_id))
        self.say(f"── modal for {self.name(user_id)} · {when}")
        for line in view_lines(view, self.reader(user_id), state, errors):
            self.say(INDENT + line)
        if any(b.get("type") == "input" for b in view.get("blocks") or []):
            self.say(INDENT + "(:fill FIELD=VALUE …, then :submit; :close to cancel)")

    def show_home(self, user_id: str) -> None:
        view = self.ws.homes.get(user_id)
        self.say(f"── App Home of {self.name(user_id)} · {local_label(self.clock(), self.tz(user_id))}")
        if view is None:
            self.say(INDENT + "(coachbot has not published a Home tab for you)")
            return
        for line in blocks_lines(view.get("blocks") or [], self.reader(user_id)):
            self.say(INDENT + line)

    # ---- what the app did ----------------------------------------------------------------------
    def show_events(self, events: list[tuple[str, dict[str, Any]]], viewer: str | None) -> None:
        """Print each change the app made through the Web API, in order."""
        for method, result in events:
            if method in READS:
                continue
            if method == "chat.postMessage":
                found = self.ws.find_message(result.get("channel", ""), result.get("ts", ""))
                if found is not None:
                    self.show_message(found, viewer)
            elif method == "chat.postEphemeral":
                found = next((m for m in self.ws.messages if m.ts == result.get("message_ts")), None)
                if found is not None:
                    self.show_message(found, viewer)
            elif method == "chat.update":
                found = self.ws.find_message(result.get("channel", ""), result.get("ts", ""))
                if found is not None:
                    self.show_message(found, viewer, updated=True)
            elif method in {"views.open", "views.push", "views.update"}:
                view = result.get("view") or {}
                owner = next((u for u, stack in self.ws.open_modals.items() if view.get("id") in stack), None)
                if owner is not None:
                    self.show_modal(owner, self.ws.views.get(view.get("id", ""), view))
            elif method == "files.completeUploadExternal":
                for shared in result.get("files") or []:
                    self.show_file(str(shared.get("id")), viewer)
            elif method == "files.getUploadURLExternal":
                continue  # the upload's first step; the file shows once it is shared
            elif method == "views.publish":
                view_id = (result.get("view") or {}).get("id")
                owner = next((u for u, home in self.ws.homes.items() if home.get("id") == view_id), None)
                self.say(f"── App Home of {self.name(owner)} updated (:home shows it)")
            else:
                self.say(f"── coachbot called {method}")


def _ts_time(ts: str) -> datetime:
    return datetime.fromtimestamp(int(ts.split(".")[0]), UTC)
