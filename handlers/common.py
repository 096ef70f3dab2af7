"""Small helpers every listener group shares."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.people import Actor
from bot.services import Services
from bot.slack import SlackGateway


def gateway(client: WebClient) -> SlackGateway:
    return SlackGateway(client)


def actor_of(services: Services, client: WebClient, context: BoltContext) -> Actor:
    """The person who sent this request (their profile cached from users.info)."""
    team_id = context.team_id or context.enterprise_id or ""
    user_id = context.user_id or ""
    return services.actor(gateway(client), team_id, user_id)


def command_key(actor: Actor, command: dict[str, Any]) -> str:
    """The key that makes a replayed slash command find what it created the first time."""
    return f"{actor.team_id}:command:{command.get('trigger_id')}"


def view_key(team_id: str, view: dict[str, Any]) -> str:
    """The key that makes a resubmitted modal find what it created the first time."""
    return f"{team_id}:view:{view.get('id')}:{view.get('hash')}"
