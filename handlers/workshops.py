"""Workshops in Slack: `/workshop`, the RSVP buttons and the workshop modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.platform.asking import answer_key, payload_of
from bot.platform.block_json import as_json
from bot.platform.errors import UserError
from bot.platform.form_state import number_from_metadata
from bot.platform.services import Services
from bot.workshops.commands import parse_workshop_command
from bot.workshops.followups import after_command, after_edit, announce_created
from bot.workshops.ids import WorkshopAction, WorkshopCallback
from bot.workshops.messages import confirm_rsvp, refresh_occurrence_message, show_attendees, welcome
from bot.workshops.replies import answer_workshop_command, submit_workshop_form
from bot.workshops.rsvps import ANSWERS, may_answer, record_rsvp, rsvp_state
from bot.workshops.views import confirmed_command, rsvp_reply
from handlers.common import (
    actor_of,
    command_key,
    gateway,
    just_ack,
    number_in,
    send_what_this_request_planned,
    view_key,
)

ANSWERED_KEY = "coachbot_rsvp_occurrence"
ANSWER_KEY = "coachbot_workshop_answer"
CREATED_KEY = "coachbot_workshop_created"


def register(app: App, services: Services) -> None:
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
            ack(text=reply.text, blocks=as_json(reply.blocks) or None)
        else:
            ack()

    def follow_up_workshop_command(
        command: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond
    ) -> None:
        actor = actor_of(services, client, context)
        parsed = parse_workshop_command(command.get("text") or "")
        after_command(
            services, client, actor, parsed, command_key(actor, command), command["trigger_id"],
            lambda text: respond(text=text, response_type="ephemeral", replace_original=False),
        )  # fmt: skip

    def record_answer(ack: Ack, action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        # The answer is stored before Slack gets its ack, so a click that returns 200 is counted.
        # Only someone who may see the session answers it: a click from outside a private channel
        # (or from another workspace) is acknowledged and changes nothing.
        occurrence_id = number_in(action)
        actor = actor_of(services, client, context)
        if occurrence_id is not None and may_answer(services, gateway(client), actor, occurrence_id):
            record_rsvp(services, actor, occurrence_id, ANSWERS[action["action_id"]])
            context[ANSWERED_KEY] = occurrence_id
        ack()

    def after_answer(client: WebClient, context: BoltContext) -> None:
        occurrence_id = context.get(ANSWERED_KEY)
        if occurrence_id is None:
            return
        slack = gateway(client)
        actor = actor_of(services, client, context)
        state = rsvp_state(services, actor, occurrence_id)
        refresh_occurrence_message(services, slack, occurrence_id)
        if state.problem:
            confirm_rsvp(slack, state, actor.user_id, state.problem)
        elif state.workshop and state.session and state.answer:
            confirm_rsvp(slack, state, actor.user_id, rsvp_reply(state.workshop, state.session, state.answer))
        send_what_this_request_planned(services, client, context)  # Going's calendar file

    def who_is_coming(action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        occurrence_id = number_in(action)
        slack = gateway(client)
        if occurrence_id is not None and may_answer(
            services, slack, actor_of(services, client, context), occurrence_id
        ):
            show_attendees(services, slack, occurrence_id, context.user_id or "")

    def submit_workshop(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        actor = actor_of(services, client, context)
        outcome = submit_workshop_form(services, gateway(client), actor, view, view_key(actor.team_id, view))
        if outcome.errors:
            ack(response_action="errors", errors=outcome.errors)
        else:
            ack(response_action="update", view=outcome.view)

    def follow_up_workshop_form(view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        actor = actor_of(services, client, context)
        number = number_from_metadata(view.get("private_metadata", ""))
        if number is not None:
            after_edit(services, client, actor, number)
            return
        announce_created(
            services,
            client,
            view_key(actor.team_id, view),
            lambda text: gateway(client).post_message(actor.user_id, text),
        )

    def confirm_time(ack: Ack, action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        actor = actor_of(services, client, context)
        payload = payload_of(action) or {}
        command = confirmed_command(payload)
        key = answer_key(actor.team_id, actor.user_id, payload)
        if command is None:
            context[ANSWER_KEY] = "That question is out of date: nothing saved. Type `/workshop …` again."
        else:
            try:
                context[ANSWER_KEY] = answer_workshop_command(
                    services, gateway(client), actor, command, key
                ).text
                context[CREATED_KEY] = key
            except UserError as error:
                context[ANSWER_KEY] = f"Nothing saved: {error.message}"
        ack()

    def announce_confirmed(respond: Respond, client: WebClient, context: BoltContext) -> None:
        if respond.response_url:  # the question is an ephemeral message; a forged click may have none
            respond(text=context.get(ANSWER_KEY) or "", replace_original=True)
        if context.get(CREATED_KEY):
            user_id = context.user_id or ""

            def tell(text: str) -> None:
                gateway(client).post_message(user_id, text)

            announce_created(services, client, context[CREATED_KEY], tell)

    app.command("/workshop")(ack=acknowledge_workshop, lazy=[follow_up_workshop_command])
    app.action(WorkshopAction.TIME_YES)(ack=confirm_time, lazy=[announce_confirmed])
    for answer_action in ANSWERS:
        app.action(answer_action)(ack=record_answer, lazy=[after_answer])
    app.action(WorkshopAction.WORKSHOP_WHO)(ack=just_ack, lazy=[who_is_coming])
    app.view(WorkshopCallback.WORKSHOP)(ack=submit_workshop, lazy=[follow_up_workshop_form])

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
