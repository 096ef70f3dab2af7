"""What every handler and job is given: settings, the database and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import InstallationStore

from bot.clock import Clock
from bot.coalesce import Coalescer
from bot.people import Actor, ActorCache, resolve_actor
from bot.settings import Settings
from bot.slack import SlackGateway
from storage.db import Database


@dataclass(frozen=True)
class Services:
    settings: Settings
    db: Database
    clock: Clock
    home_refreshes: Coalescer = field(default_factory=lambda: Coalescer(0.0), compare=False)
    actors: ActorCache = field(default_factory=ActorCache, compare=False)
    # OAuth mode: where tokens are kept, and a Web API client per workspace (None: not installed there).
    installations: InstallationStore | None = field(default=None, compare=False)
    team_clients: Callable[[str], WebClient | None] | None = field(default=None, compare=False)

    def now(self) -> datetime:
        return self.clock()

    def actor(self, slack: SlackGateway, team_id: str, user_id: str) -> Actor:
        return resolve_actor(self.db, slack, team_id, user_id, self.now(), self.actors)
