"""The Web API methods the emulator answers, with Slack's checks and error codes."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.emulator.workspace import Message, Workspace

MESSAGE_BLOCK_LIMIT = 50
MODAL_BLOCK_LIMIT = 100
MODAL_TITLE_LIMIT = 24
TRIGGER_TTL_SECONDS = 3.0

Handler = Callable[[Workspace, dict[str, Any], datetime], dict[str, Any]]
METHODS: dict[str, Handler] = {}


class ApiError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def method(name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        METHODS[name] = fn
        return fn

    return register


def _user(ws: Workspace, user_id: str | None) -> dict[str, Any]:
    if not user_id or user_id not in ws.users:
        raise ApiError("user_not_found")
    return ws.users[user_id]


def _channel_for_post(ws: Workspace, channel: str | None) -> str:
    """Slack accepts a channel id, a DM id or a user id (which opens the DM)."""
    if not channel:
        raise ApiError("channel_not_found")
    if channel in ws.users:
        if ws.users[channel]["deleted"]:
            raise ApiError("account_inactive")
        return ws.dm_channel(channel)
    if channel.startswith("D") and ws.dm_user(channel):
        return channel
    info = ws.channels.get(channel)
    if info is None:
        raise ApiError("channel_not_found")
    if info["is_archived"]:
        raise ApiError("is_archived")
    if not info["bot_member"]:
        raise ApiError("not_in_channel")
    return channel


def _check_blocks(args: dict[str, Any], limit: int = MESSAGE_BLOCK_LIMIT) -> list[dict[str, Any]]:
    blocks = args.get("blocks") or []
    if not isinstance(blocks, list) or len(blocks) > limit:
        raise ApiError("invalid_blocks")
    if not blocks and not args.get("text"):
        raise ApiError("no_text")
    return blocks


@method("auth.test")
def auth_test(ws: Workspace, args: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {
        "url": "https://coaching.slack.com/",
        "team": ws.team_name,
        "user": "coachbot",
        "team_id": ws.team_id,
        "user_id": "UBOTCOACH",
        "bot_id": "BCOACH01",
        "is_enterprise_install": False,
    }


@method("apps.connections.open")
def apps_connections_open(ws: Workspace, args: dict[str, Any], now: datetime) -> dict[str, Any]:
    if not ws.socket_mode_url:
        raise ApiError("invalid_auth")
    return {"url": ws.socket_mode_url}


@method("users.info")
def users_info(ws: Workspace, args: dict[str, Any], now: datetime) -> dict[str, Any]:
    _user(ws, args.get("user"))
    user = ws.user_json(args["user"], now)
    if str(args.get("include_locale", "")).lower() not in {"true", "1"}:
        user.pop("locale", None)  # as Slack: the locale only when asked for
    return {"user": user}


@method("users.lookupByEmail")
def users_lookup_by_email(ws: Workspace, args: dict[str, Any], now: datetime) -> dict[str, Any]:
    email = (args.get("email") or "").lower()
    for user_id, user in ws.users.items():
        if user["profile"]["email"].lower() == email:
            return {"user": ws.user_json(user_id, now)}
    raise ApiError("users_not_found")


@method("conversations.open")
def conversations_open(ws: Workspace, args: dict[str, Any], now: datetime) -> dict[str, Any]:
    users = [u for u in (args.get("users") or "").split(",") if u]
    if len(users) != 1:
        raise ApiError("not_enough_users" if not users else "too_many_users")
    _user(ws, users[0])
    return {"channel": {"id": ws.dm_channel(users[0])}}


def _visible_channel(ws: Workspace, channel: str | None) -> dict[str, Any]:
    """A channel the app may read: a private one only when the app is in it (otherwise Slack says not found)."""
    info = ws.channels.get(channel or "")
    if info is None or (info.get("is_private") and not info["bot_member"]):
        raise ApiError("channel_not_found")
    return info


@method("conversations.info")
def conversations_info(ws: Workspace, args: dict[str, Any], now: datetime) -> dict[str, Any]:
    info = _visible_channel(ws, args.get("channel"))
    public = {k: v for k, v in info.items() if k not in {"members", "bot_member"}}
    return {"channel": {**public, "is_member": info["bot_member"]}}


@method("conversations.members")
def conversations_members(ws: Workspace, args: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Members, a page at a time (`limit`, `cursor` as an offset, as Slack pages them)."""
    members = list(_visible_channel(ws, args.get("channel"))["members"])
    limit = max(1, min(int(args.get("limit") or 100), 1000))
    start = int(args.get("cursor") or 0)
    following = start + limit
    cursor = str(following) if following < len(members) else ""
    return {"members": members[start:following], "response_metadata": {"next_cursor": cursor}}


@method("chat.postMessage")
def chat_post_message(ws: Workspace, args: dict[str, Any], now: datetime) -> dict[str, Any]:
    channel = _channel_for_post(ws, args.get("channel"))
    blocks = _check_blocks(args)
    message = Message(channel, ws.new_ts(now), args.get("text") or "", blocks, args.get("thread_ts") or None)
    metadata = args.get("metadata")
    if isinstance(metadata, str) and metadata:
        try:
            metadata = json.loads(metadata)
        except ValueError:
            raise ApiError("invalid_metadata_format") from None
    if metadata is not None and not (
        isinstance(metadata, dict)
        and isinstance(metadata.get("event_type"), str)
        and "event_payload" in metadata
    ):
        raise ApiError("invalid_metadata_format")
    message.metadata = metadata
    ws.messages.append(message)
    return {
        "channel": channel,
        "ts": message.ts,
        "message": {"text": message.text, "blocks": blocks, "ts": message.ts},
    }


@method("chat.postEphemeral")
def chat_post_ephemeral(ws: Workspace, args: dict[str, Any], now: datetime) -> dict[str, Any]:
    channel = _channel_for_post(ws, args.get("channel"))
    user = _user(ws, args.get("user"))
    info = ws.channels.get(channel)
    if info is not None and user["id"] not in info["members"]:
        raise ApiError("user_not_in_channel")
    blocks = _check_blocks(args)
    message = Message(
        channel, ws.new_ts(now), args.get("text") or "", blocks, args.get("thread_ts") or None, user["id"]
    )
    ws.messages.append(message)
    return {"message_ts": message.ts}


@method("chat.update")
def chat_update(ws: Workspace, args: dict[str, Any], now: datetime) -> dict[str, Any]:
    message = ws.find_message(args.get("channel") or "", args.get("ts") or "")
    if message is None or message.ephemeral_to:
        raise ApiError("message_not_found")
    message.blocks = _check_blocks(args)
    message.text = args.get("text") or ""
    message.edited += 1
    return {"channel": message.channel, "ts": message.ts, "text": message.text}


def _store_view(ws: Workspace, view: Any, view_id: str | None = None) -> dict[str, Any]:
    if not isinstance(view, dict):
        raise ApiError("invalid_arguments")
    limit = MODAL_BLOCK_LIMIT
    if len(view.get("blocks") or []) > limit:
        raise ApiError("invalid_arguments")
    if view.get("type") == "modal":
        title = (view.get("title") or {}).get("text", "")
        if not title or len(title) > MODAL_TITLE_LIMIT:
            raise ApiError("invalid_arguments")
    view_id = view_id or ws.new_id("V")
    stored = {
        **view,
        "id": view_id,
        "hash": f"{int(time.time())}.{ws.new_id('h')}",
        "team_id": ws.team_id,
        "state": {"values": {}},
    }
    ws.views[view_id] = stored
    return stored


def _trigger_user(ws: Workspace, trigger_id: str | None) -> str:
    trigger = ws.triggers.get(trigger_id or "")
    if trigger is None:
        raise ApiError("invalid_trigger_id")
    user_id, issued = trigger
    if time.monotonic() - issued > TRIGGER_TTL_SECONDS:
        raise ApiError("expired_trigger_id")
    return user_id


@method("views.open")
def views_open(ws: Workspace, args: dict[str, Any], now: datetime) -> dict[str, Any]:
    user_id = _trigger_user(ws, args.get("trigger_id"))
    stored = _store_view(ws, args.get("view"))
    ws.open_modals[user_id] = [stored["id"]]
    return {"view": stored}


@method("views.push")
def views_push(ws: Workspace, args: dict[str, Any], now: datetime) -> dict[str, Any]:
    user_id = _trigger_user(ws, args.get("trigger_id"))
    stack = ws.open_modals.get(user_id) or []
    if len(stack) >= 3:
        raise ApiError("push_limit_reached")
    stored = _store_view(ws, args.get("view"))
    ws.open_modals[user_id] = [*stack, stored["id"]]
    return {"view": stored}


@method("views.update")
def views_update(ws: Workspace, args: dict[str, Any], now: datetime) -> dict[str, Any]:
    view_id = args.get("view_id") or ""
    if view_id not in ws.views:
        raise ApiError("not_found")
    return {"view": _store_view(ws, args.get("view"), view_id)}


@method("views.publish")
def views_publish(ws: Workspace, args: dict[str, Any], now: datetime) -> dict[str, Any]:
    user_id = args.get("user_id")
    _user(ws, user_id)
    view = args.get("view")
    if not isinstance(view, dict) or view.get("type") != "home":
        raise ApiError("invalid_arguments")
    stored = _store_view(ws, view)
    assert user_id is not None
    ws.homes[user_id] = stored
    return {"view": stored}


@method("files.getUploadURLExternal")
def files_get_upload_url_external(ws: Workspace, args: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Step one of an upload: a file id (the emulator adds the loopback upload_url)."""
    filename = args.get("filename") or ""
    length = str(args.get("length") or "")
    if not filename:
        raise ApiError("invalid_arguments")
    if not length.isdigit() or int(length) <= 0:
        raise ApiError("invalid_length")
    file_id = ws.new_id("F")
    ws.files[file_id] = {"id": file_id, "name": filename, "length": int(length), "data": None, "channels": []}
    return {"file_id": file_id}


@method("files.completeUploadExternal")
def files_complete_upload_external(ws: Workspace, args: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Step three: the uploaded files are shared to the channel, in a message of their own."""
    entries = args.get("files")
    if not isinstance(entries, list) or not entries:
        raise ApiError("invalid_arguments")
    channel = _channel_for_post(ws, args.get("channel_id")) if args.get("channel_id") else None
    shared = []
    for entry in entries:
        stored = ws.files.get(str(entry.get("id")))
        if stored is None or stored["data"] is None:
            raise ApiError("file_not_found")
        if len(stored["data"]) != stored["length"]:
            raise ApiError("file_upload_size_mismatch")
        stored["title"] = entry.get("title") or stored["name"]
        shared.append(stored["id"])
    if channel is not None:
        message = Message(
            channel, ws.new_ts(now), args.get("initial_comment") or "", [], args.get("thread_ts") or None
        )
        message.files = shared
        ws.messages.append(message)
        for file_id in shared:
            ws.files[file_id]["channels"].append(channel)
    return {"files": [{"id": f, "title": ws.files[f]["title"], "name": ws.files[f]["name"]} for f in shared]}
