"""Small helpers every listener group shares."""

from __future__ import annotations

import time
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.checkins import service as checkins
from bot.home.service import refresh_home
from bot.platform.delivery.dispatcher import send_planned_since
from bot.platform.form_state import message_from_metadata
from bot.platform.people import Actor
from bot.platform.services import Services
from bot.platform.slack import SlackGateway


def gateway(client: WebClient) -> SlackGateway:
    return SlackGateway(client)


ACTOR_KEY = "coachbot_actor"
CHANGED_AT_KEY = "coachbot_changed_at"
REQUEST_AT_KEY = "coachbot_request_at"


def actor_of(services: Services, client: WebClient, context: BoltContext) -> Actor:
    """The person who sent this request, resolved once per request (lazy listeners get a copy)."""
    context.setdefault(REQUEST_AT_KEY, services.now())
    actor = context.get(ACTOR_KEY)
    if isinstance(actor, Actor):
        return actor
    team_id = context.team_id or context.enterprise_id or ""
    user_id = context.user_id or ""
    actor = services.actor(gateway(client), team_id, user_id)
    context[ACTOR_KEY] = actor
    return actor


def mark_changed(context: BoltContext) -> None:
    """Note, after a committed change, when it happened (lazy listeners get a copy of the context)."""
    context[CHANGED_AT_KEY] = time.monotonic()


def was_changed(context: BoltContext) -> bool:
    """Whether the listener's quick part committed a change (a refused form changed nothing)."""
    return context.get(CHANGED_AT_KEY) is not None


def refresh_home_of(services: Services, client: WebClient, context: BoltContext) -> None:
    """Publish the requester's Home tab after a change they made (a refused form changed nothing),
    skipping it if a publish since their change covers it."""
    if was_changed(context):
        refresh_home(services, gateway(client), actor_of(services, client, context), context[CHANGED_AT_KEY])


def redraw_nudge_of(
    services: Services, view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """After a form opened from a nudge (a note, a new date) changed something: redraw that nudge."""
    nudge = message_from_metadata(view.get("private_metadata"))
    if nudge is not None and was_changed(context):
        checkins.redraw_nudge(services, gateway(client), actor_of(services, client, context), nudge)


def command_key(actor: Actor, command: dict[str, Any]) -> str:
    """The key that makes a replayed slash command find what it created the first time."""
    return f"{actor.team_id}:command:{command.get('trigger_id')}"


def view_key(team_id: str, view: dict[str, Any]) -> str:
    """The key that makes a resubmitted modal find what it created the first time."""
    return f"{team_id}:view:{view.get('id')}:{view.get('hash')}"


def send_what_this_request_planned(services: Services, client: WebClient, context: BoltContext) -> int:
    """Deliveries this request planned for now (a confirmation, the agreement) go out at once.

    Only this request's rows: the rest of the schedule is the dispatcher's, with its pacing.
    """
    actor = actor_of(services, client, context)
    since = context.get(REQUEST_AT_KEY) or services.now()
    return send_planned_since(services, client, actor.team_id, since)


def just_ack(ack: Ack) -> None:
    ack()


# Our ids are far shorter; a forged value of more digits would overflow the database's integers.
ID_DIGITS = 12


def number_in(action: dict[str, Any]) -> int | None:
    """The number a button carries in its value (a goal, an occurrence, a check-in)."""
    value = action.get("value") or ""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= ID_DIGITS else None
