"""Slash commands: `/goal` and `/workshop`. The reply rides on the ack; modals and App Home follow lazily."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot import goals
from bot.errors import UserError
from bot.goal_commands import (
    AddGoal,
    ChangeStatus,
    EditGoal,
    LogProgress,
    OpenNewGoal,
    SetCadence,
    parse_goal_command,
)
from bot.goal_replies import answer_goal_command
from bot.services import Services
from bot.views.goals import goal_modal
from bot.workshop_commands import parse_workshop_command
from bot.workshop_followups import after_command
from bot.workshop_replies import answer_workshop_command
from handlers.common import actor_of, command_key, gateway, mark_changed, refresh_home_of

_CHANGES_GOALS = (AddGoal, ChangeStatus, LogProgress, SetCadence)


def register(app: App, services: Services) -> None:
    def acknowledge_goal(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        actor = actor_of(services, client, context)
        parsed = parse_goal_command(command.get("text") or "")
        try:
            reply = answer_goal_command(services, actor, parsed, command_key(actor, command))
        except UserError as error:
            ack(text=error.message)
            return
        if reply.changed_goals:
            mark_changed(context)
        if reply.text:
            ack(text=reply.text, blocks=reply.blocks or None)
        else:
            ack()

    def follow_up_goal(command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        slack = gateway(client)
        actor = actor_of(services, client, context)
        parsed = parse_goal_command(command.get("text") or "")
        trigger_id = command["trigger_id"]
        if isinstance(parsed, OpenNewGoal):
            slack.open_view(trigger_id, goal_modal())
        elif isinstance(parsed, EditGoal):
            try:
                goal = goals.get_goal(services.db, actor, parsed.number)
            except UserError:
                return  # the ack already said so
            slack.open_view(trigger_id, goal_modal(goal.draft, goal.number))
        elif isinstance(parsed, _CHANGES_GOALS):
            refresh_home_of(services, client, context)

    app.command("/goal")(ack=acknowledge_goal, lazy=[follow_up_goal])

    def acknowledge_workshop(
        ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        actor = actor_of(services, client, context)
        parsed = parse_workshop_command(command.get("text") or "")
        try:
            reply = answer_workshop_command(
                services, gateway(client), actor, parsed, command_key(actor, command)
            )
        except UserError as error:
            ack(text=error.message)
            return
        if reply.text:
            ack(text=reply.text, blocks=reply.blocks or None)
        else:
            ack()

    def follow_up_workshop(
        command: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond
    ) -> None:
        actor = actor_of(services, client, context)
        parsed = parse_workshop_command(command.get("text") or "")
        after_command(
            services,
            client,
            actor,
            parsed,
            command_key(actor, command),
            command["trigger_id"],
            lambda text: respond(text=text, response_type="ephemeral", replace_original=False),
        )

    app.command("/workshop")(ack=acknowledge_workshop, lazy=[follow_up_workshop])
