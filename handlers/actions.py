"""Buttons: App Home, nudge answers and the coach question. The answer is recorded before the
ack; chat.update, modals and the Home refresh follow lazily."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.models.blocks import Block

from bot import checkins, goals, nudge_settings
from bot.coach_alerts import coach_of
from bot.dates import local_today
from bot.errors import UserError
from bot.home import refresh_home
from bot.ids import Action
from bot.services import Services
from bot.support import current_support_text
from bot.views.checkins import consent_answered_view, note_modal, settings_modal
from bot.views.goals import goal_modal, progress_modal
from bot.views.nudges import answered_blocks
from handlers.common import actor_of, gateway
from storage.models_nudges import Answer


def _just_ack(ack: Ack) -> None:
    ack()


def _goal_number(action: dict[str, Any]) -> int | None:
    value = action.get("value") or ""
    return int(value) if value.isdigit() else None


NUDGE_ANSWERS = {
    Action.NUDGE_ON_TRACK: Answer.ON_TRACK,
    Action.NUDGE_NEED_HELP: Answer.NEED_HELP,
    Action.NUDGE_DONE: Answer.DONE,
    Action.NUDGE_SNOOZE: Answer.SNOOZED,
    Action.OVERDUE_CLOSE: Answer.CLOSED,
}


CLOSES_GOAL = {Action.NUDGE_DONE, Action.OVERDUE_CLOSE}


def _message_ts(body: dict[str, Any]) -> str:
    return str((body.get("container") or {}).get("message_ts") or (body.get("message") or {}).get("ts") or "")


def register(app: App, services: Services) -> None:
    register_goal_buttons(app, services)
    register_nudge_buttons(app, services)


def register_nudge_buttons(app: App, services: Services) -> None:
    def record_answer(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        goal_id, ts = _goal_number(action), _message_ts(body)
        if goal_id is not None and ts:
            # A goal closed meanwhile: the message update that follows shows what is true.
            with suppress(UserError):
                checkins.answer_nudge(
                    services,
                    actor_of(services, client, context),
                    goal_id,
                    NUDGE_ANSWERS[action["action_id"]],
                    ts,
                    services.now(),
                )
        ack()

    def update_message(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        message, ts = body.get("message") or {}, _message_ts(body)
        channel = (body.get("container") or {}).get("channel_id") or (body.get("channel") or {}).get("id")
        if not (message and ts and channel):
            return
        actor = actor_of(services, client, context)
        answers = checkins.message_answers(services, actor, ts)
        blocks = Block.parse_all(answered_blocks(message.get("blocks") or [], answers))
        gateway(client).update_message(channel, ts, message.get("text") or "Check-in", blocks)
        if any(a.get("action_id") in CLOSES_GOAL for a in body.get("actions") or []):
            refresh_home(services, gateway(client), actor)  # the goal has left the active list

    def open_note_or_goal_form(
        body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        goal_id, ts = _goal_number(action), _message_ts(body)
        if goal_id is None:
            return
        actor = actor_of(services, client, context)
        try:
            goal = checkins.goal_for_note(services, actor, goal_id)
        except UserError:
            return
        if action["action_id"] == Action.NUDGE_NOTE:
            channel = (body.get("container") or {}).get("channel_id") or ""
            view = note_modal(goal, goal_id, ts, channel)
        else:
            view = goal_modal(goal.draft, goal.number)
        gateway(client).open_view(body["trigger_id"], view)

    def open_settings(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        actor = actor_of(services, client, context)
        settings = nudge_settings.get_settings(services, actor)
        gateway(client).open_view(
            body["trigger_id"], settings_modal(settings, local_today(services.now(), actor.tz))
        )

    def answer_coach_question(
        ack: Ack, action: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        checkin_id = _goal_number(action)
        if checkin_id is not None:
            checkins.answer_coach_question(
                services,
                actor_of(services, client, context),
                checkin_id,
                action["action_id"] == Action.TELL_COACH_YES,
                services.now(),
            )
        ack()

    def show_coach_answer(
        body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        actor = actor_of(services, client, context)
        told = action["action_id"] == Action.TELL_COACH_YES
        has_coach = coach_of(services, actor) is not None
        view = consent_answered_view(current_support_text(services, actor), told, has_coach)
        gateway(client).update_view(body["view"]["id"], view)

    for answer_action in NUDGE_ANSWERS:
        app.action(answer_action)(ack=record_answer, lazy=[update_message])
    app.action(Action.NUDGE_NOTE)(ack=_just_ack, lazy=[open_note_or_goal_form])
    app.action(Action.OVERDUE_NEW_DATE)(ack=_just_ack, lazy=[open_note_or_goal_form])
    app.action(Action.HOME_SETTINGS)(ack=_just_ack, lazy=[open_settings])
    app.action(Action.TELL_COACH_YES)(ack=answer_coach_question, lazy=[show_coach_answer])
    app.action(Action.TELL_COACH_NO)(ack=answer_coach_question, lazy=[show_coach_answer])


def register_goal_buttons(app: App, services: Services) -> None:
    def open_new_goal(body: dict[str, Any], client: WebClient) -> None:
        gateway(client).open_view(body["trigger_id"], goal_modal())

    def complete_goal(ack: Ack, action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ack()
        number = _goal_number(action)
        if number is not None:
            # A stale Home tab may name a goal that is gone; the refresh that follows shows the truth.
            with suppress(UserError):
                goals.change_status(
                    services.db, actor_of(services, client, context), number, "done", services.now()
                )

    def refresh(client: WebClient, context: BoltContext) -> None:
        refresh_home(services, gateway(client), actor_of(services, client, context))

    def open_goal_form(
        body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        number = _goal_number(action)
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
