"""Sends the app what Slack would: signed slash commands, clicks, submissions and events."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from bot.emulator.web_api import SlackEmulator
from bot.emulator.workspace import Message, Workspace

API_APP_ID = "ACOACHBOT"


@dataclass(frozen=True)
class Response:
    status: int
    body: str

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body) if self.body.strip().startswith("{") else {}

    @property
    def text(self) -> str:
        """The ephemeral reply text carried on the ack, if any."""
        return str(self.json.get("text", "")) if self.body.strip().startswith("{") else self.body


def sign(secret: str, timestamp: int, body: str) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class SlackDriver:
    """Plays Slack's side of the Events API / interactivity HTTP contract against `app_url`."""

    def __init__(
        self, emulator: SlackEmulator, app_url: str, signing_secret: str, workspace: Workspace | None = None
    ) -> None:
        self.emulator = emulator
        self.ws = workspace or emulator.workspace
        self.app_url = app_url
        self.signing_secret = signing_secret
        self._seq = itertools.count(1)

    # ---- the wire ----------------------------------------------------------------------------
    def post(
        self,
        body: str,
        content_type: str = "application/x-www-form-urlencoded",
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """POST a body signed as Slack signs it (or with the given timestamp/signature)."""
        ts = int(time.time()) if timestamp is None else timestamp
        all_headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": signature if signature is not None else sign(self.signing_secret, ts, body),
            **(headers or {}),
        }
        request = urllib.request.Request(self.app_url, data=body.encode(), headers=all_headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                return Response(reply.status, reply.read().decode())
        except urllib.error.HTTPError as error:
            return Response(error.code, error.read().decode())

    def new_trigger(self, user_id: str) -> str:
        trigger_id = f"{next(self._seq)}.{int(time.time())}.{hashlib.sha1(str(time.time_ns()).encode()).hexdigest()[:16]}"
        with self.ws.lock:
            self.ws.triggers[trigger_id] = (user_id, time.monotonic())
        return trigger_id

    # ---- what people do ------------------------------------------------------------------------
    def command_form(
        self, user_id: str, command: str, text: str = "", channel_id: str | None = None
    ) -> dict[str, str]:
        user = self.ws.users[user_id]
        channel_id = channel_id or self.ws.dm_channel(user_id)
        trigger_id = self.new_trigger(user_id)
        return {
            "token": "legacy-verification-token",
            "team_id": self.ws.team_id,
            "team_domain": "coaching",
            "channel_id": channel_id,
            "channel_name": self.ws.channels.get(channel_id, {}).get("name", "directmessage"),
            "user_id": user_id,
            "user_name": user["name"],
            "command": command,
            "text": text,
            "api_app_id": API_APP_ID,
            "is_enterprise_install": "false",
            "response_url": self.emulator.response_url(trigger_id),
            "trigger_id": trigger_id,
        }

    def command(self, user_id: str, command: str, text: str = "", channel_id: str | None = None) -> Response:
        return self.post(urlencode(self.command_form(user_id, command, text, channel_id)))

    def _interactive(self, payload: dict[str, Any]) -> Response:
        return self.post(urlencode({"payload": json.dumps(payload)}))

    def _base_payload(self, kind: str, user_id: str) -> dict[str, Any]:
        user = self.ws.users[user_id]
        return {
            "type": kind,
            "user": {
                "id": user_id,
                "username": user["name"],
                "name": user["name"],
                "team_id": self.ws.team_id,
            },
            "api_app_id": API_APP_ID,
            "token": "legacy-verification-token",
            "trigger_id": self.new_trigger(user_id),
            "team": {"id": self.ws.team_id, "domain": "coaching"},
            "is_enterprise_install": False,
        }

    def click(
        self,
        user_id: str,
        action: dict[str, Any],
        *,
        block_id: str,
        message: Message | None = None,
        view: dict[str, Any] | None = None,
        state: dict[str, Any] | None = None,
    ) -> Response:
        """A block_actions payload for `action` (an element dict: button, checkboxes, select …)."""
        return self.post(
            self.click_body(user_id, action, block_id=block_id, message=message, view=view, state=state)
        )

    def click_body(
        self,
        user_id: str,
        action: dict[str, Any],
        *,
        block_id: str,
        message: Message | None = None,
        view: dict[str, Any] | None = None,
        state: dict[str, Any] | None = None,
    ) -> str:
        """The request body `click` posts (benchmarks sign and send it themselves)."""
        payload = self._base_payload("block_actions", user_id)
        acted = {**action, "block_id": block_id, "action_ts": f"{time.time():.6f}"}
        acted.pop("style", None)
        payload["actions"] = [acted]
        if message is not None:
            payload["container"] = {
                "type": "message",
                "message_ts": message.ts,
                "channel_id": message.channel,
                "is_ephemeral": message.ephemeral_to is not None,
            }
            payload["channel"] = {
                "id": message.channel,
                "name": self.ws.channels.get(message.channel, {}).get("name", "directmessage"),
            }
            payload["message"] = {
                "type": "message",
                "ts": message.ts,
                "text": message.text,
                "blocks": message.blocks,
            }
            payload["response_url"] = self.emulator.response_url(payload["trigger_id"])
            payload["state"] = {"values": state or {}}
        if view is not None:
            payload["container"] = {"type": "view", "view_id": view["id"]}
            payload["view"] = {**view, "state": {"values": state or {}}}
        return urlencode({"payload": json.dumps(payload)})

    def submit(self, user_id: str, view: dict[str, Any], values: dict[str, dict[str, Any]]) -> Response:
        """A view_submission of `view` with `values` as state.values."""
        payload = self._base_payload("view_submission", user_id)
        payload["view"] = {**view, "state": {"values": values}}
        payload["response_urls"] = []
        return self._interactive(payload)

    def event(
        self, event: dict[str, Any], *, retry_num: int | None = None, event_id: str | None = None
    ) -> Response:
        """An event_callback envelope around `event` (JSON, as the Events API sends it)."""
        envelope = {
            "token": "legacy-verification-token",
            "team_id": self.ws.team_id,
            "api_app_id": API_APP_ID,
            "event": {"event_ts": f"{time.time():.6f}", **event},
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._seq):010d}",
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.ws.team_id,
                    "user_id": "UBOTCOACH",
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
        headers = (
            {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
            if retry_num
            else None
        )
        return self.post(json.dumps(envelope), "application/json", headers=headers)

    def change_user(self, user_id: str, **changes: Any) -> Response:
        """Someone's profile changes in Slack (`is_admin`, `deleted`, `tz`, ...): Slack stores it and
        sends user_change, whose user object is users.info's without the locale."""
        with self.ws.lock:
            self.ws.users[user_id].update(changes)
        user = self.ws.user_json(user_id, datetime.now(UTC))
        user.pop("locale", None)
        return self.event({"type": "user_change", "user": user, "cache_ts": int(time.time())})

    def open_home(self, user_id: str) -> Response:
        return self.event(
            {
                "type": "app_home_opened",
                "user": user_id,
                "channel": self.ws.dm_channel(user_id),
                "tab": "home",
            }
        )


_MENTION = re.compile(r"(?<![<\w])@([a-z0-9][a-z0-9._-]*)", re.IGNORECASE)
_CHANNEL = re.compile(r"(?<![<\w])#([a-z0-9][a-z0-9_-]*)", re.IGNORECASE)


def escape_entities(text: str, emulator: SlackEmulator, workspace: Workspace | None = None) -> str:
    """Rewrite @name and #channel as Slack does for commands with should_escape: true."""
    ws = workspace or emulator.workspace

    def user(match: re.Match[str]) -> str:
        user_id = ws.user_by_name(match.group(1))
        return f"<@{user_id}|{match.group(1)}>" if user_id else match.group(0)

    def channel(match: re.Match[str]) -> str:
        channel_id = ws.channel_by_name(match.group(1))
        return f"<#{channel_id}|{match.group(1)}>" if channel_id else match.group(0)

    return _CHANNEL.sub(channel, _MENTION.sub(user, text))
