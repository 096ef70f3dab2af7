"""Slash commands `/coach` and `/meeting`: the reply rides on the ack; modals and messages follow lazily."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot import meetings
from bot.coach_command import answer_coach_command
from bot.errors import UserError
from bot.goal_replies import Reply
from bot.ids import SessionAction
from bot.meeting_command import answer_meeting_command, opens_modal
from bot.people import Actor
from bot.platform.asking import answer_key, payload_of
from bot.platform.dates import local_today
from bot.services import Services
from bot.views.meetings import booked_reply, meeting_modal
from handlers.common import actor_of, gateway, send_what_this_request_planned

ANSWER_KEY = "coachbot_meeting_answer"
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

    def confirm_time(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        """“Yes, <time>” under a question about a booking or a move: do it now, as read."""
        actor = actor_of(services, client, context)
        payload = payload_of(action) or {}
        try:
            starts_at = datetime.fromisoformat(str(payload.get("at")))
            minutes = int(payload.get("min") or 0)
            if starts_at.tzinfo is None:
                raise ValueError("a time without its zone")
            if "move" in payload:
                info = meetings.move(services, actor, int(payload["move"]), starts_at, minutes)
                answer, verb = info, "moved"
            else:
                other = services.actor(gateway(client), actor.team_id, str(payload.get("with") or ""))
                key = answer_key(actor.team_id, actor.user_id, payload)
                answer, verb = (
                    meetings.book(services, actor, other, starts_at, minutes, request_key=key),
                    "booked",
                )
        except (ValueError, TypeError):
            context[ANSWER_KEY] = "That question is out of date: nothing booked. Type `/meeting …` again."
        except UserError as error:
            context[ANSWER_KEY] = f"Nothing booked: {error.message}"
        else:
            context[ANSWER_KEY] = booked_reply(
                answer, actor, verb=verb, today=local_today(services.now(), actor.tz)
            )
        ack()

    def tell_confirmed(respond: Respond, client: WebClient, context: BoltContext) -> None:
        respond(text=context.get(ANSWER_KEY) or "", replace_original=True)
        send_what_this_request_planned(services, client, context)

    app.command("/coach")(ack=acknowledge(answer_coach_command), lazy=[follow_up_coach])
    app.action(SessionAction.MEETING_TIME_YES)(ack=confirm_time, lazy=[tell_confirmed])
    app.command("/meeting")(ack=acknowledge(answer_meeting_command), lazy=[follow_up_meeting])
