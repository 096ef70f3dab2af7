"""Events API: app_home_opened publishes the Home tab; member_joined_channel welcomes (after the ack)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.home import open_home
from bot.services import Services
from bot.workshop_messages import welcome
from handlers.common import actor_of, gateway


def register(app: App, services: Services) -> None:
    def just_ack(ack: Ack) -> None:
        ack()

    def publish_home(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if event.get("tab", "home") == "home":
            open_home(services, gateway(client), actor_of(services, client, context))

    app.event("app_home_opened")(ack=just_ack, lazy=[publish_home])

    def welcome_member(
        body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        user_id = event.get("user") or ""
        if user_id and user_id != context.bot_user_id:
            team_id = context.team_id or event.get("team") or ""
            services.channels.forget(team_id, event.get("channel") or "")  # a new member sees it at once
            welcome(
                services,
                gateway(client),
                team_id,
                event.get("channel") or "",
                user_id,
                body.get("event_id") or "",
            )

    app.event("member_joined_channel")(ack=just_ack, lazy=[welcome_member])
