"""Slash commands: `/goal`. The reply rides on the ack; modals and App Home follow lazily."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
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
from handlers.common import actor_of, gateway, mark_changed, refresh_home_of

_CHANGES_GOALS = (AddGoal, ChangeStatus, LogProgress, SetCadence)


def register(app: App, services: Services) -> None:
    def acknowledge_goal(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        actor = actor_of(services, client, context)
        parsed = parse_goal_command(command.get("text") or "")
        request_key = f"{actor.team_id}:command:{command.get('trigger_id')}"
        try:
            reply = answer_goal_command(services, actor, parsed, request_key)
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
