"""Who may see what was announced in a channel: anyone in the workspace for a public channel,
only its members for a private one. Slack is asked briefly and the answer kept for a minute."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.platform.slack import SlackGateway

log = logging.getLogger(__name__)

TTL_SECONDS = 60.0
MAX_CHANNELS = 2_000


@dataclass(frozen=True)
class _Audience:
    is_private: bool
    members: frozenset[str]
    fetched_at: float


class ChannelAccess:
    """A per-process cache of channels' privacy and members."""

    def __init__(self, ttl: float = TTL_SECONDS) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._audiences: dict[tuple[str, str], _Audience] = {}

    def can_see(self, slack: SlackGateway, team_id: str, channel_id: str, user_id: str) -> bool:
        """Whether `user_id` may see what was posted in `channel_id`; when Slack cannot say, no."""
        audience = self._audience(slack, team_id, channel_id)
        if audience is None:
            return False
        return not audience.is_private or user_id in audience.members

    def forget(self, team_id: str, channel_id: str) -> None:
        """Someone joined or left: ask Slack again next time."""
        with self._lock:
            self._audiences.pop((team_id, channel_id), None)

    def _audience(self, slack: SlackGateway, team_id: str, channel_id: str) -> _Audience | None:
        key = (team_id, channel_id)
        with self._lock:
            known = self._audiences.get(key)
        if known is not None and time.monotonic() - known.fetched_at < self.ttl:
            return known
        try:
            info = slack.channel(channel_id)
            members = slack.channel_members(channel_id) if info.is_private else frozenset()
        except (SlackApiError, SlackRequestError, OSError) as error:
            code = error.response.get("error") if isinstance(error, SlackApiError) else type(error).__name__
            log.warning("could not tell who is in %s: %s", channel_id, code)
            return known  # the last answer, however old, rather than showing a private channel to all
        fresh = _Audience(info.is_private, members, time.monotonic())
        with self._lock:
            if len(self._audiences) >= MAX_CHANNELS:
                self._audiences.clear()
            self._audiences[key] = fresh
        return fresh
