"""Slash commands: `/goal`, `/checkin`, `/coachbot`. The reply rides on the ack; modals and
App Home follow lazily."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import checkins, goals
from bot.coachbot_commands import answer_coachbot, follow_up_coachbot
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
from bot.home import refresh_home
from bot.services import Services
from bot.views.checkins import checkin_modal
from bot.views.goals import goal_modal
from handlers.common import actor_of, gateway

_CHANGES_GOALS = (AddGoal, ChangeStatus, LogProgress, SetCadence)
CHECKIN_HELP = (
    "*Check-ins*\n• `/checkin` — how you are doing overall, each goal's status and a note (you can keep it private)\n"
    "• `/checkin <note>` — save a quick note, e.g. `/checkin Finished the cardio block, feeling steadier`"
)


def _command_key(team_id: str, command: dict[str, Any]) -> str:
    # Slack never reuses a trigger_id: a retried or replayed command finds the same key.
    return f"{team_id}:command:{command.get('trigger_id')}"


def register(app: App, services: Services) -> None:
    def acknowledge_goal(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        actor = actor_of(services, client, context)
        parsed = parse_goal_command(command.get("text") or "")
        request_key = _command_key(actor.team_id, command)
        try:
            reply = answer_goal_command(services, actor, parsed, request_key)
        except UserError as error:
            ack(text=error.message)
            return
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
            refresh_home(services, slack, actor)

    def acknowledge_checkin(
        ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        text = (command.get("text") or "").strip()
        if not text:
            ack()  # the modal is the answer
            return
        if text.lower() == "help":
            ack(text=CHECKIN_HELP)
            return
        actor = actor_of(services, client, context)
        try:
            checkins.add_note(
                services,
                actor,
                text,
                private=False,
                request_key=_command_key(actor.team_id, command),
                now=services.now(),
            )
        except UserError as error:
            ack(text=error.message)
            return
        ack(text=f"Noted: {text}")

    def open_checkin(command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if (command.get("text") or "").strip():
            return
        overview = goals.overview(services.db, actor_of(services, client, context))
        gateway(client).open_view(command["trigger_id"], checkin_modal(overview.active))

    def acknowledge_coachbot(
        ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        reply = answer_coachbot(services, actor_of(services, client, context), command.get("text") or "")
        if reply:
            ack(text=reply)
        else:
            ack()

    def follow_up_coachbot_command(command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        follow_up_coachbot(
            services,
            gateway(client),
            actor_of(services, client, context),
            command.get("text") or "",
            command["trigger_id"],
        )

    app.command("/goal")(ack=acknowledge_goal, lazy=[follow_up_goal])
    app.command("/checkin")(ack=acknowledge_checkin, lazy=[open_checkin])
    app.command("/coachbot")(ack=acknowledge_coachbot, lazy=[follow_up_coachbot_command])
