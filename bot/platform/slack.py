"""The one wrapper through which coachbot talks to the Slack Web API."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.platform.block_json import as_json
from storage.db import request_time_left

log = logging.getLogger(__name__)

WEB_API_TIMEOUT_SECONDS = 10
PROFILE_TIMEOUT_SECONDS = 2
MEMBERS_PAGE = 1000


def make_web_client(token: str | None, api_url: str, *, retries: int = 2) -> WebClient:
    """A WebClient on `api_url` whose retry handlers honour Retry-After and back off on 5xx."""
    return WebClient(
        token=token,
        base_url=api_url,
        timeout=WEB_API_TIMEOUT_SECONDS,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=retries),
            RateLimitErrorRetryHandler(max_retry_count=retries),
            ServerErrorRetryHandler(max_retry_count=retries),
        ],
    )


@dataclass(frozen=True)
class Profile:
    user_id: str
    display_name: str
    tz: str
    is_admin: bool
    is_deleted: bool
    team_id: str = ""
    locale: str = ""


@dataclass(frozen=True)
class ChannelInfo:
    channel_id: str
    name: str
    is_member: bool
    is_archived: bool
    is_private: bool = False


def profile_of(user: dict[str, Any]) -> Profile:
    """A Slack user object (users.info's, or a user_change event's) as we keep it."""
    profile = user.get("profile") or {}
    name = profile.get("display_name") or profile.get("real_name") or user.get("real_name") or user["name"]
    return Profile(
        user_id=str(user["id"]),
        display_name=name,
        tz=user.get("tz") or "UTC",
        is_admin=bool(user.get("is_admin") or user.get("is_owner")),
        is_deleted=bool(user.get("deleted")),
        team_id=str(user.get("team_id") or ""),
        locale=str(user.get("locale") or ""),
    )


def _dump_blocks(blocks: list[Block] | None) -> list[dict[str, Any]] | None:
    return None if blocks is None else as_json(blocks)


class SlackGateway:
    """Typed verbs over the Web API, taking slack_sdk models and returning what we use."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def _quick_client(self) -> WebClient:
        """A client for a look-up before the ack: it gives up by the request's deadline."""
        left = request_time_left()
        timeout = PROFILE_TIMEOUT_SECONDS if left is None else min(PROFILE_TIMEOUT_SECONDS, left)
        # urllib takes fractions of a second; slack_sdk's annotation says int.
        return WebClient(token=self.client.token, base_url=self.client.base_url, timeout=timeout)  # type: ignore[arg-type]

    def profile(self, user_id: str) -> Profile:
        """users.info, asked once and briefly: it runs before the ack, inside Slack's 3 seconds."""
        quick = self._quick_client()
        return profile_of(quick.users_info(user=user_id, include_locale=True)["user"])

    def channel(self, channel_id: str) -> ChannelInfo:
        """conversations.info, asked briefly: it runs before the ack, inside Slack's 3 seconds."""
        quick = self._quick_client()
        channel = quick.conversations_info(channel=channel_id)["channel"]
        return ChannelInfo(
            channel_id=channel_id,
            name=channel.get("name") or channel_id,
            is_member=bool(channel.get("is_member")),
            is_archived=bool(channel.get("is_archived")),
            is_private=bool(channel.get("is_private")),
        )

    def channel_members(self, channel_id: str) -> frozenset[str]:
        """Every member of a channel (conversations.members, a page at a time), asked briefly."""
        quick = self._quick_client()
        members: set[str] = set()
        cursor = ""
        while True:
            page = quick.conversations_members(channel=channel_id, limit=MEMBERS_PAGE, cursor=cursor or None)
            members.update(page.get("members") or [])
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or ""
            if not cursor:
                return frozenset(members)

    def open_view(self, trigger_id: str, view: View) -> None:
        self.client.views_open(trigger_id=trigger_id, view=as_json(view))

    def update_view(self, view_id: str, view: View) -> None:
        self.client.views_update(view_id=view_id, view=as_json(view))

    def publish_home(self, user_id: str, view: View) -> None:
        self.client.views_publish(user_id=user_id, view=as_json(view))

    def post_ephemeral(
        self,
        channel: str,
        user_id: str,
        text: str,
        blocks: list[Block] | None = None,
        thread_ts: str | None = None,
    ) -> None:
        self.client.chat_postEphemeral(
            channel=channel, user=user_id, text=text, blocks=_dump_blocks(blocks), thread_ts=thread_ts
        )

    def post_message(
        self,
        channel: str,
        text: str,
        blocks: list[Block] | None = None,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> tuple[str, str]:
        """Post to a channel or a user id (Slack opens the DM); returns (channel id, ts)."""
        response = self.client.chat_postMessage(
            channel=channel, text=text, blocks=_dump_blocks(blocks), thread_ts=thread_ts, metadata=metadata
        )
        return response["channel"], response["ts"]

    def update_message(self, channel: str, ts: str, text: str, blocks: list[Block] | None = None) -> None:
        self.client.chat_update(channel=channel, ts=ts, text=text, blocks=_dump_blocks(blocks))

    def redraw_message(self, channel: str, ts: str, text: str, blocks: list[dict[str, Any]]) -> None:
        """Update a message with its own blocks as Slack showed them, some of them changed: they
        go back as they are (parsing them into models only to dump them again costs a millisecond)."""
        self.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)

    def user_id_by_email(self, email: str) -> str:
        """users.lookupByEmail (needs users:read.email); SlackApiError users_not_found when unknown."""
        return str(self.client.users_lookupByEmail(email=email)["user"]["id"])

    def upload_file(
        self,
        channel: str,
        filename: str,
        content: str | bytes,
        title: str,
        thread_ts: str | None = None,
        alt_text: str | None = None,
    ) -> str:
        """files.getUploadURLExternal, the upload, then files.completeUploadExternal (needs files:write);
        returns the file's id."""
        response = self.client.files_upload_v2(
            channel=channel,
            filename=filename,
            content=content,
            title=title,
            thread_ts=thread_ts,
            alt_txt=alt_text,
        )
        files = response.get("files") or [{}]
        return str(files[0].get("id") or "")
