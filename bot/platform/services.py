"""What every handler and job is given: settings, the database and the clock."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import InstallationStore

from bot.platform.areas import Registry
from bot.platform.channel_access import ChannelAccess
from bot.platform.clock import Clock
from bot.platform.coalesce import Coalescer
from bot.platform.dates import Reader
from bot.platform.people import Actor, ActorCache, ProfileRefresher, apply_profile_change, resolve_actor
from bot.platform.settings import Settings
from bot.platform.slack import Profile, SlackGateway
from storage.db import Database


class DailyGate:
    """Lets each named job through once per UTC day in this process (the jobs themselves are idempotent)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: dict[str, date] = {}

    def first_today(self, job: str, now: datetime) -> bool:
        with self._lock:
            if self._last.get(job) == now.date():
                return False
            self._last[job] = now.date()
            return True


@dataclass(frozen=True)
class Services:
    settings: Settings
    db: Database
    clock: Clock
    home_refreshes: Coalescer = field(default_factory=lambda: Coalescer(0.0), compare=False)
    # A nudge's redraws after clicks, by message: one at a time, and clicks made while one runs
    # share the next (it reads every answer), so the last one drawn shows them all.
    nudge_redraws: Coalescer = field(default_factory=lambda: Coalescer(0.0), compare=False)
    actors: ActorCache = field(default_factory=ActorCache, compare=False)
    profiles: ProfileRefresher = field(default_factory=ProfileRefresher, compare=False)
    # OAuth mode: where tokens are kept, and a Web API client per workspace (None: not installed there).
    installations: InstallationStore | None = field(default=None, compare=False)
    team_clients: Callable[[str], WebClient | None] | None = field(default=None, compare=False)
    daily: DailyGate = field(default_factory=DailyGate, compare=False)
    channels: ChannelAccess = field(default_factory=ChannelAccess, compare=False)
    # What the areas contribute (delivery kinds, planners, /coachbot subcommands); bot/app.py fills it.
    registry: Registry = field(default_factory=Registry, compare=False)
    # Set when the process is asked to stop (a deploy): a dispatcher pass claims nothing more, hands
    # back the rows it has not started and ends once its posts in flight have come back.
    stopping: threading.Event = field(default_factory=threading.Event, compare=False)

    def now(self) -> datetime:
        return self.clock()

    def reader(self, actor: Actor) -> Reader:
        """How `actor` reads dates now: their zone, their locale, the program's terms."""
        return Reader.of(actor.tz, self.now(), locale=actor.locale, term_ends=self.settings.term_ends)

    def actor(self, slack: SlackGateway, team_id: str, user_id: str) -> Actor:
        return resolve_actor(self.db, slack, team_id, user_id, self.now(), self.actors, self.profiles)

    def profile_changed(self, team_id: str, profile: Profile) -> bool:
        """Slack's user_change: see apply_profile_change."""
        return apply_profile_change(self.db, team_id, profile, self.now(), self.actors)
