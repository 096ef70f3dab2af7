"""Buttons: the App Home goal buttons and workshop RSVPs. Ack at once; modals and the Home refresh follow lazily."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import goals
from bot.errors import UserError
from bot.ids import Action
from bot.rsvps import record_rsvp, rsvp_state
from bot.services import Services
from bot.views.goals import goal_modal, progress_modal
from bot.views.workshops import rsvp_reply
from bot.workshop_messages import confirm_rsvp, refresh_session_message, show_attendees
from handlers.common import actor_of, gateway, mark_changed, refresh_home_of
from storage.models_workshops import Answer


def _just_ack(ack: Ack) -> None:
    ack()


def _number(action: dict[str, Any]) -> int | None:
    value = action.get("value") or ""
    return int(value) if value.isdigit() else None


ANSWERS = {
    Action.WORKSHOP_GOING: Answer.GOING,
    Action.WORKSHOP_MAYBE: Answer.MAYBE,
    Action.WORKSHOP_NO: Answer.NO,
}


def register(app: App, services: Services) -> None:
    def open_new_goal(body: dict[str, Any], client: WebClient) -> None:
        gateway(client).open_view(body["trigger_id"], goal_modal())

    def complete_goal(ack: Ack, action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ack()
        number = _number(action)
        if number is not None:
            # A stale Home tab may name a goal that is gone; the refresh that follows shows the truth.
            with suppress(UserError):
                goals.change_status(
                    services.db, actor_of(services, client, context), number, "done", services.now()
                )
                mark_changed(context)

    def refresh(client: WebClient, context: BoltContext) -> None:
        refresh_home_of(services, client, context)

    def open_goal_form(
        body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        number = _number(action)
        if number is None:
            return
        try:
            goal = goals.get_goal(services.db, actor_of(services, client, context), number)
        except UserError:
            refresh(client, context)
            return
        view = (
            progress_modal(goal)
            if action["action_id"] == Action.HOME_GOAL_PROGRESS
            else goal_modal(goal.draft, number)
        )
        gateway(client).open_view(body["trigger_id"], view)

    app.action(Action.HOME_NEW_GOAL)(ack=_just_ack, lazy=[open_new_goal])
    app.action(Action.HOME_GOAL_DONE)(ack=complete_goal, lazy=[refresh])
    app.action(Action.HOME_GOAL_EDIT)(ack=_just_ack, lazy=[open_goal_form])
    app.action(Action.HOME_GOAL_PROGRESS)(ack=_just_ack, lazy=[open_goal_form])

    def record_answer(ack: Ack, action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        # The answer is stored before Slack gets its ack, so a click that returns 200 is counted.
        occurrence_id = _number(action)
        if occurrence_id is not None:
            record_rsvp(
                services, actor_of(services, client, context), occurrence_id, ANSWERS[action["action_id"]]
            )
        ack()

    def after_answer(action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        occurrence_id = _number(action)
        if occurrence_id is None:
            return
        slack = gateway(client)
        actor = actor_of(services, client, context)
        state = rsvp_state(services, actor, occurrence_id)
        refresh_session_message(services, slack, occurrence_id)
        if state.problem:
            confirm_rsvp(slack, state, actor.user_id, state.problem)
        elif state.workshop and state.session and state.answer:
            confirm_rsvp(slack, state, actor.user_id, rsvp_reply(state.workshop, state.session, state.answer))

    def who_is_coming(action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        occurrence_id = _number(action)
        if occurrence_id is not None:
            show_attendees(services, gateway(client), occurrence_id, context.user_id or "")

    for answer_action in ANSWERS:
        app.action(answer_action)(ack=record_answer, lazy=[after_answer])
    app.action(Action.WORKSHOP_WHO)(ack=_just_ack, lazy=[who_is_coming])
