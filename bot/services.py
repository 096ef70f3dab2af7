"""What every handler and job is given: settings, the database and the clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

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

    def now(self) -> datetime:
        return self.clock()

    def actor(self, slack: SlackGateway, team_id: str, user_id: str) -> Actor:
        return resolve_actor(self.db, slack, team_id, user_id, self.now(), self.actors)
