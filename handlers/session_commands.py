"""Slash commands `/coach` and `/meeting`: the reply rides on the ack; modals and messages follow lazily."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.coach_command import answer_coach_command
from bot.errors import UserError
from bot.goal_replies import Reply
from bot.meeting_command import answer_meeting_command, opens_modal
from bot.people import Actor
from bot.services import Services
from bot.views.meetings import meeting_modal
from handlers.common import actor_of, gateway, send_what_this_request_planned

Answer = Callable[[Services, Actor, str, Callable[[str], Actor], str], Reply]


def register(app: App, services: Services) -> None:
    def acknowledge(answer: Answer) -> Callable[..., None]:
        def ack_command(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
            actor = actor_of(services, client, context)
            slack = gateway(client)

            def resolve(user_id: str) -> Actor:
                return services.actor(slack, actor.team_id, user_id)

            request_key = f"{actor.team_id}:command:{command.get('trigger_id')}"
            try:
                reply = answer(services, actor, command.get("text") or "", resolve, request_key)
            except UserError as error:
                ack(text=error.message)
                return
            if reply.text:
                ack(text=reply.text, blocks=reply.blocks or None)
            else:
                ack()

        return ack_command

    def follow_up_meeting(command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if opens_modal(command.get("text") or ""):
            gateway(client).open_view(command["trigger_id"], meeting_modal())
        else:
            send_what_this_request_planned(services, client, context)

    def follow_up_coach(client: WebClient, context: BoltContext) -> None:
        # A second pass sends what the first one's sends planned (the rest of a long summary's thread).
        if send_what_this_request_planned(services, client, context):
            send_what_this_request_planned(services, client, context)

    app.command("/coach")(ack=acknowledge(answer_coach_command), lazy=[follow_up_coach])
    app.command("/meeting")(ack=acknowledge(answer_meeting_command), lazy=[follow_up_meeting])
