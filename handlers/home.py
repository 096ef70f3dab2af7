"""App Home: app_home_opened publishes the Home tab (after the ack)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.home.service import open_home
from bot.platform.services import Services
from handlers.common import actor_of, gateway, just_ack


def register(app: App, services: Services) -> None:
    def publish_home(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if event.get("tab", "home") == "home":
            open_home(services, gateway(client), actor_of(services, client, context))

    app.event("app_home_opened")(ack=just_ack, lazy=[publish_home])
