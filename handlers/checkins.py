"""Accountability in Slack: `/checkin`, `/coachbot`, the nudge buttons, and the check-in, note and
settings modals. An answer is recorded before the ack; chat.update and modals follow lazily."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.checkins import backoff
from bot.checkins import preferences as nudge_settings
from bot.checkins import service as checkins
from bot.checkins.alerts import coach_of
from bot.checkins.commands import open_settings as open_settings_modal
from bot.checkins.forms import (
    checkin_from_state,
    note_and_privacy,
    note_target,
    session_reminders_from_state,
    settings_from_state,
)
from bot.checkins.ids import CheckinAction, CheckinCallback, CheckinField
from bot.checkins.nudge_views import answered_blocks
from bot.checkins.service import CHECKIN, NUDGE_ANSWERS, OUTCOME_ACTIONS, NudgeAnswer
from bot.checkins.support import current_support_text
from bot.checkins.views import (
    checkin_modal,
    consent_answered_view,
    note_modal,
    saved_checkin_view,
    settings_saved_view,
    support_view,
)
from bot.goals import service as goals
from bot.goals.views import goal_modal, progress_modal
from bot.meetings import service as meetings
from bot.platform.dates import local_today
from bot.platform.errors import UserError
from bot.platform.people import Actor
from bot.platform.services import Services
from bot.platform.text import escape_mrkdwn
from handlers.common import (
    CHANGED_AT_KEY,
    actor_of,
    command_key,
    gateway,
    just_ack,
    mark_changed,
    number_in,
    redraw_nudge_of,
    refresh_home_of,
    view_key,
)

CHECKIN_HELP = (
    "*Check-ins*\n• `/checkin` — how you are doing overall, each goal's status and a note (you can keep it private)\n"
    "• `/checkin <note>` — save a quick note, e.g. `/checkin Finished the cardio block, feeling steadier`"
)
OWN_NUDGE_KEY = "coachbot_own_nudge"
# A click on a message not (yet) known as the clicker's nudge: (goal id, answer, is an outcome).
EARLY_CLICK_KEY = "coachbot_early_click"
CLOSES_GOAL = {CheckinAction.NUDGE_DONE, CheckinAction.OUTCOME_DONE, CheckinAction.OUTCOME_NOT_ACHIEVED}


def _message_ts(body: dict[str, Any]) -> str:
    return str((body.get("container") or {}).get("message_ts") or (body.get("message") or {}).get("ts") or "")


def _message_channel(body: dict[str, Any]) -> str:
    return str((body.get("container") or {}).get("channel_id") or (body.get("channel") or {}).get("id") or "")


def register(app: App, services: Services) -> None:
    register_commands(app, services)
    register_buttons(app, services)
    register_modals(app, services)


def register_commands(app: App, services: Services) -> None:
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
                request_key=command_key(actor, command),
                now=services.now(),
            )
        except UserError as error:
            ack(text=error.message)
            return
        ack(text=f"Noted: {escape_mrkdwn(text)}")

    def open_checkin(command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if (command.get("text") or "").strip():
            return
        overview = goals.overview(services.db, actor_of(services, client, context))
        gateway(client).open_view(command["trigger_id"], checkin_modal(overview.active))

    app.command("/checkin")(ack=acknowledge_checkin, lazy=[open_checkin])


def register_buttons(app: App, services: Services) -> None:
    def record_answer(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        goal_id, ts, channel = number_in(action), _message_ts(body), _message_channel(body)
        actor = actor_of(services, client, context)
        if goal_id is not None and ts:
            # A goal closed meanwhile: the message update that follows shows what is true.
            with suppress(UserError):
                action_id = action["action_id"]
                recorded = checkins.answer_nudge(
                    services, actor, goal_id, NUDGE_ANSWERS[action_id], (channel, ts), services.now(),
                    outcome=action_id in OUTCOME_ACTIONS,
                )  # fmt: skip
                if recorded is not None:
                    context[OWN_NUDGE_KEY] = True  # the update after the ack need not ask again
                    mark_changed(context)
                else:
                    context[EARLY_CLICK_KEY] = (
                        goal_id,
                        NUDGE_ANSWERS[action_id],
                        action_id in OUTCOME_ACTIONS,
                    )
        ack()

    def recorded_once_sent(
        actor: Actor, early: tuple[int, NudgeAnswer, bool], message: tuple[str, str], context: BoltContext
    ) -> bool:
        """A click that came before its nudge was marked sent, recorded once it is (False: it never was)."""
        goal_id, answer, outcome = early
        try:
            recorded = checkins.answer_once_sent(services, actor, goal_id, answer, message, outcome=outcome)
        except UserError:  # theirs, but the goal closed meanwhile: the redraw shows what is true
            return True
        if recorded:
            mark_changed(context)
        return recorded is not None

    def update_message(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        message, ts, channel = body.get("message") or {}, _message_ts(body), _message_channel(body)
        actor = actor_of(services, client, context)
        if not (message and ts and channel):
            return
        if not (context.get(OWN_NUDGE_KEY) or checkins.is_own_nudge(services, actor, channel, ts)):
            early = context.get(EARLY_CLICK_KEY)
            if early is None or not recorded_once_sent(actor, early, (channel, ts), context):
                return  # only the app's own nudge to this person is ever changed by their click

        def redraw() -> None:
            answers = checkins.message_answers(services, actor, ts)
            blocks = answered_blocks(message.get("blocks") or [], answers)
            gateway(client).redraw_message(channel, ts, message.get("text") or "Check-in", blocks)

        # Two redraws at once could land out of order and hide an answer; a click made while one
        # runs is drawn by the next, and a click whose change a later start already read, by it.
        key = (actor.team_id, actor.user_id, channel, ts)
        services.nudge_redraws.run(key, redraw, context.get(CHANGED_AT_KEY))
        if any(a.get("action_id") in CLOSES_GOAL for a in body.get("actions") or []):
            refresh_home_of(services, client, context)  # the goal has left the active list
        goal_id = next((number_in(a) for a in body.get("actions") or []), None)
        not_achieved = any(
            a.get("action_id") == CheckinAction.OUTCOME_NOT_ACHIEVED for a in body.get("actions") or []
        )
        if not_achieved and goal_id is not None and body.get("trigger_id"):
            # "What did you learn?": optional, so the form can be skipped.
            with suppress(UserError):
                goal = checkins.goal_for_note(services, actor, goal_id)
                gateway(client).open_view(body["trigger_id"], progress_modal(goal))

    def open_note_or_goal_form(
        body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        goal_id, ts = number_in(action), _message_ts(body)
        if goal_id is None:
            return
        actor = actor_of(services, client, context)
        try:
            goal = checkins.goal_for_note(services, actor, goal_id)
        except UserError:
            return
        message, channel = body.get("message") or {}, _message_channel(body)
        if message.get("blocks") and channel and ts:  # kept before the form opens: it may come back fast
            checkins.keep_nudge_as_shown(
                services, actor, (channel, ts), message.get("text") or "", message["blocks"]
            )
        if action["action_id"] == CheckinAction.NUDGE_NOTE:
            view = note_modal(goal, goal_id, ts, _message_channel(body))
        else:
            channel = _message_channel(body)
            view = goal_modal(goal.draft, goal.number, (channel, ts) if channel and ts else None)
        gateway(client).open_view(body["trigger_id"], view)

    def open_settings(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        open_settings_modal(
            services, gateway(client), actor_of(services, client, context), body["trigger_id"]
        )

    def answer_coach_question(
        ack: Ack, action: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        checkin_id = number_in(action)
        if checkin_id is not None:
            told = action["action_id"] == CheckinAction.TELL_COACH_YES
            checkins.answer_coach_question(
                services, actor_of(services, client, context), checkin_id, told, services.now()
            )
        ack()

    def show_coach_answer(
        body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        view_id = (body.get("view") or {}).get("id")
        if not view_id:
            return  # the question is asked in a modal; a click from anywhere else has nothing to update
        actor = actor_of(services, client, context)
        told = action["action_id"] == CheckinAction.TELL_COACH_YES
        has_coach = coach_of(services, actor) is not None
        view = consent_answered_view(current_support_text(services, actor), told, has_coach)
        gateway(client).update_view(view_id, view)

    for answer_action in NUDGE_ANSWERS:
        app.action(answer_action)(ack=record_answer, lazy=[update_message])
    register_backoff_buttons(app, services)
    app.action(CheckinAction.NUDGE_NOTE)(ack=just_ack, lazy=[open_note_or_goal_form])
    app.action(CheckinAction.OVERDUE_NEW_DATE)(ack=just_ack, lazy=[open_note_or_goal_form])
    app.action(CheckinAction.HOME_SETTINGS)(ack=just_ack, lazy=[open_settings])
    app.action(CheckinAction.TELL_COACH_YES)(ack=answer_coach_question, lazy=[show_coach_answer])
    app.action(CheckinAction.TELL_COACH_NO)(ack=answer_coach_question, lazy=[show_coach_answer])


BACKOFF_LINE_KEY = "coachbot_backoff_line"


def register_backoff_buttons(app: App, services: Services) -> None:
    """Switch to weekly, Keep daily, Pause for a week: done before the ack; the answer replaces them."""

    def decide(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        ts, channel = _message_ts(body), _message_channel(body)
        value = str(action.get("value") or "")
        goal_ids = [int(word) for word in value.split() if word.isdigit() and len(word) <= 12]
        choice = backoff.CHOICES.get(action["action_id"])
        if ts and channel and choice:
            actor = actor_of(services, client, context)
            line = backoff.answer_backoff(services, actor, choice, goal_ids, (channel, ts))
            if line is not None:
                context[BACKOFF_LINE_KEY] = line
                mark_changed(context)
        ack()

    def replace_question(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        line, message = context.get(BACKOFF_LINE_KEY), body.get("message") or {}
        if not (line and message):
            return  # not this person's nudge: nothing of theirs to change
        blocks = backoff.answered_blocks(message.get("blocks") or [], line)
        gateway(client).redraw_message(
            _message_channel(body), _message_ts(body), message.get("text") or "Check-in", blocks
        )
        refresh_home_of(services, client, context)

    for action_id in backoff.CHOICES:
        app.action(action_id)(ack=decide, lazy=[replace_question])


def register_modals(app: App, services: Services) -> None:
    def submit_checkin(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        actor = actor_of(services, client, context)
        form, errors = checkin_from_state(view["state"]["values"])
        if form is None:
            ack(response_action="errors", errors=errors)
            return
        key, now = view_key(actor.team_id, view), services.now()
        try:
            result = checkins.add_note(
                services, actor, form.note, private=form.private, request_key=key, now=now,
                wellbeing=form.wellbeing, answer=CHECKIN,
            )  # fmt: skip
        except UserError as error:
            ack(response_action="errors", errors={CheckinField.NOTE: error.message})
            return
        withheld = result.support_text is not None  # well-being 1 or 2: the coach sees it only after a yes
        told = checkins.record_goal_statuses(services, actor, form.statuses, key, now, withheld=withheld)
        mark_changed(context)
        if result.support_text is not None:
            # Well-being 1 or 2: the support resources at once, in the same window.
            ack(response_action="update", view=support_view(result.support_text, result.checkin_id))
        else:
            ack(response_action="update", view=saved_checkin_view(told=told))

    def submit_note(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        actor = actor_of(services, client, context)
        note, private = note_and_privacy(view["state"]["values"])
        target = note_target(view.get("private_metadata", ""))
        if not note or target is None:
            problem = (
                "Write a few words about this goal."
                if target
                else "This form lost its goal; please open it again."
            )
            ack(response_action="errors", errors={CheckinField.NOTE: problem})
            return
        goal_id, message_ts = target
        try:
            checkins.add_note(
                services, actor, note, private=private, request_key=view_key(actor.team_id, view),
                now=services.now(), goal_id=goal_id, message_ts=message_ts,
            )  # fmt: skip
        except UserError as error:
            ack(response_action="errors", errors={CheckinField.NOTE: error.message})
            return
        mark_changed(context)
        ack(response_action="update", view=saved_checkin_view(private=private))

    def submit_settings(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        actor = actor_of(services, client, context)
        settings, errors = settings_from_state(view["state"]["values"], local_today(services.now(), actor.tz))
        if settings is None:
            ack(response_action="errors", errors=errors)
            return
        next_nudge = nudge_settings.save_settings(services, actor, settings)
        reminders = session_reminders_from_state(view["state"]["values"])
        if reminders is not None:
            meetings.set_reminders(services, actor, reminders)
        ack(response_action="update", view=settings_saved_view(next_nudge, actor.tz))

    def refresh(client: WebClient, context: BoltContext) -> None:
        refresh_home_of(services, client, context)

    def redraw_nudge(view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        redraw_nudge_of(services, view, client, context)

    app.view(CheckinCallback.CHECKIN)(ack=submit_checkin, lazy=[refresh])
    app.view(CheckinCallback.NUDGE_NOTE)(ack=submit_note, lazy=[redraw_nudge])
    app.view(CheckinCallback.SETTINGS)(submit_settings)
