"""`/coachbot`: routes to the subcommands the areas contribute (bot/platform/subcommands.py)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.platform.block_json import as_json
from bot.platform.services import Services
from bot.platform.subcommands import answer_coachbot, follow_up_coachbot
from handlers.common import actor_of, gateway


def register(app: App, services: Services) -> None:
    def acknowledge_coachbot(
        ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        reply = answer_coachbot(services, actor_of(services, client, context), command.get("text") or "")
        if reply.text:
            ack(text=reply.text, blocks=as_json(reply.blocks) or None)
        else:
            ack()

    def follow_up_coachbot_command(command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        actor = actor_of(services, client, context)
        follow_up_coachbot(services, gateway(client), actor, command.get("text") or "", command["trigger_id"])

    app.command("/coachbot")(ack=acknowledge_coachbot, lazy=[follow_up_coachbot_command])
