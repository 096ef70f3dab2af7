"""Goals in Slack: `/goal`, the App Home goal buttons, and the goal and progress modals.

Each answer is decided before the ack (the reply rides on it); modals and the Home refresh
follow in lazy listeners.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.checkins import service as checkins
from bot.goals import service as goals
from bot.goals.commands import (
    AddGoal,
    ChangeStatus,
    EditGoal,
    LogProgress,
    OpenNewGoal,
    SetCadence,
    parse_goal_command,
)
from bot.goals.forms import goal_draft_from_state, goal_number_from_metadata, progress_note_from_state
from bot.goals.ids import GoalAction, GoalCallback, GoalField, ProgressField
from bot.goals.replies import answer_delete, answer_goal_command, answer_outcome
from bot.goals.views import goal_modal, progress_modal, saved_modal, saved_reply
from bot.platform.asking import FIX_ACTION, answer_key, fix_reply, payload_of
from bot.platform.block_json import as_json
from bot.platform.dates import local_today
from bot.platform.errors import UserError
from bot.platform.form_state import message_from_metadata
from bot.platform.replies import Reply
from bot.platform.services import Services
from handlers.common import (
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

_CHANGES_GOALS = (AddGoal, ChangeStatus, LogProgress, SetCadence)
REPLY_KEY = "coachbot_goal_reply"


def register(app: App, services: Services) -> None:
    register_command(app, services)
    register_reply_buttons(app, services)
    register_home_buttons(app, services)
    register_modals(app, services)
    register_date_answers(app, services)


def register_command(app: App, services: Services) -> None:
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
            ack(text=reply.text, blocks=as_json(reply.blocks) or None)
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

    def follows_up(command: dict[str, Any], client: WebClient, context: BoltContext) -> bool:
        """Whether work follows the ack: a modal to open, or a Home tab someone keeps open to refresh."""
        parsed = parse_goal_command(command.get("text") or "")
        if isinstance(parsed, OpenNewGoal | EditGoal):
            return True
        return isinstance(parsed, _CHANGES_GOALS) and actor_of(services, client, context).home_opened

    app.command("/goal", matchers=[follows_up])(ack=acknowledge_goal, lazy=[follow_up_goal])
    # The rest end with the ack: no lazy listener, whose hand-off costs as much as the ack itself.
    app.command("/goal")(acknowledge_goal)


def register_reply_buttons(app: App, services: Services) -> None:
    """Buttons on `/goal` replies: the close outcome, the delete confirmation, "Did you mean …?"."""

    def decide(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        # Database work inside the ack: a repeated click finds it done and changes nothing.
        actor = actor_of(services, client, context)
        action_id, value = action["action_id"], str(action.get("value") or "")
        numbers = tuple(int(word) for word in value.split() if word.isdigit() and len(word) <= 6)
        try:
            if action_id == GoalAction.SUGGESTED:
                key = f"{actor.team_id}:suggested:{body.get('trigger_id')}"
                reply = answer_goal_command(services, actor, parse_goal_command(value), key)
            elif action_id == GoalAction.CONFIRM_DELETE:
                reply = answer_delete(services, actor, numbers)
            elif action_id == GoalAction.KEEP:
                reply = Reply("Kept: nothing was deleted.")
            elif numbers:
                reply = answer_outcome(services, actor, numbers[0], action_id == GoalAction.CLOSE_ACHIEVED)
            else:
                reply = Reply("")
        except UserError as error:
            reply = Reply(error.message)
        if reply.changed_goals:
            mark_changed(context)
        context[REPLY_KEY] = reply
        ack()

    def answer(client: WebClient, context: BoltContext, respond: Respond) -> None:
        reply = context.get(REPLY_KEY)
        # A forged click may come with no message behind it (no response_url): nothing to replace.
        if isinstance(reply, Reply) and reply.text and respond.response_url:
            blocks = as_json(reply.blocks) or None
            respond(text=reply.text, blocks=blocks, replace_original=True)
        refresh_home_of(services, client, context)

    for action_id in (
        GoalAction.CLOSE_ACHIEVED,
        GoalAction.CLOSE_NOT_ACHIEVED,
        GoalAction.CONFIRM_DELETE,
        GoalAction.KEEP,
        GoalAction.SUGGESTED,
    ):
        app.action(action_id)(ack=decide, lazy=[answer])


def register_home_buttons(app: App, services: Services) -> None:
    def open_new_goal(body: dict[str, Any], client: WebClient) -> None:
        gateway(client).open_view(body["trigger_id"], goal_modal())

    def complete_goal(ack: Ack, action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        number = number_in(action)
        if number is not None:
            # A stale Home tab may name a goal that is gone; the refresh that follows shows the truth.
            with suppress(UserError):
                goals.change_status(
                    services.db, actor_of(services, client, context), number, "done", services.now()
                )
                mark_changed(context)
        ack()

    def refresh(client: WebClient, context: BoltContext) -> None:
        refresh_home_of(services, client, context)

    def open_goal_form(
        body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        number = number_in(action)
        if number is None:
            return
        try:
            goal = goals.get_goal(services.db, actor_of(services, client, context), number)
        except UserError:
            refresh(client, context)
            return
        progress = action["action_id"] == GoalAction.HOME_GOAL_PROGRESS
        gateway(client).open_view(
            body["trigger_id"], progress_modal(goal) if progress else goal_modal(goal.draft, number)
        )

    app.action(GoalAction.HOME_NEW_GOAL)(ack=just_ack, lazy=[open_new_goal])
    app.action(GoalAction.HOME_GOAL_DONE)(ack=complete_goal, lazy=[refresh])
    app.action(GoalAction.HOME_GOAL_EDIT)(ack=just_ack, lazy=[open_goal_form])
    app.action(GoalAction.HOME_GOAL_PROGRESS)(ack=just_ack, lazy=[open_goal_form])


def register_modals(app: App, services: Services) -> None:
    def submit_goal(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        actor = actor_of(services, client, context)
        now = services.now()
        draft, errors = goal_draft_from_state(view["state"]["values"], local_today(now, actor.tz))
        if draft is None:
            ack(response_action="errors", errors=errors)
            return
        number = goal_number_from_metadata(view.get("private_metadata", ""))
        try:
            if number is None:
                goal, _ = goals.add_goal(services.db, actor, draft, now, view_key(actor.team_id, view))
            else:
                goal = goals.update_goal(services.db, actor, number, draft, now)
        except UserError as error:
            ack(response_action="errors", errors={GoalField.TITLE: error.message})
            return
        nudge = message_from_metadata(view.get("private_metadata"))
        if number is not None and nudge is not None:
            checkins.answer_with_new_date(services, actor, number, nudge)
        mark_changed(context)
        questions = goals.smart_questions(goal.draft)
        saved = saved_modal(goal, questions, local_today(now, actor.tz), edited=number is not None)
        ack(response_action="update", view=saved)

    def submit_progress(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        actor = actor_of(services, client, context)
        note, errors = progress_note_from_state(view["state"]["values"])
        number = goal_number_from_metadata(view.get("private_metadata", ""))
        if number is None:
            errors = {ProgressField.NOTE: "This form lost track of its goal; please open it again."}
        if errors or number is None:
            ack(response_action="errors", errors=errors)
            return
        try:
            goals.log_progress(
                services.db, actor, number, note, services.now(), view_key(actor.team_id, view)
            )
        except UserError as error:
            ack(response_action="errors", errors={ProgressField.NOTE: error.message})
            return
        mark_changed(context)
        ack()

    def refresh(client: WebClient, context: BoltContext) -> None:
        refresh_home_of(services, client, context)

    def redraw_nudge(view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        redraw_nudge_of(services, view, client, context)

    app.view(GoalCallback.GOAL)(ack=submit_goal, lazy=[refresh, redraw_nudge])
    app.view(GoalCallback.PROGRESS)(ack=submit_progress, lazy=[refresh])


ANSWER_KEY = "coachbot_answer_text"


def register_date_answers(app: App, services: Services) -> None:
    """The buttons under “Did you mean …?”: Yes saves the goal as read, No saves nothing."""

    def save_confirmed(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        actor = actor_of(services, client, context)
        payload = payload_of(action) or {}
        try:
            due = date.fromisoformat(str(payload.get("due")))
            draft = goals.GoalDraft(title=str(payload.get("title") or ""), target_date=due)
            key = answer_key(actor.team_id, actor.user_id, payload)
            goal, _ = goals.add_goal(services.db, actor, draft, services.now(), key)
        except ValueError:
            context[ANSWER_KEY] = Reply(
                "That question is out of date: nothing saved. Type `/goal add …` again."
            )
        except UserError as error:
            context[ANSWER_KEY] = Reply(f"Nothing saved: {error.message}")
        else:
            mark_changed(context)
            today = local_today(services.now(), actor.tz)
            context[ANSWER_KEY] = saved_reply(goal, goals.smart_questions(goal.draft), today)
        ack()

    def answer(respond: Respond, client: WebClient, context: BoltContext) -> None:
        reply = context.get(ANSWER_KEY)
        # The question is an ephemeral message; a forged click may have none behind it.
        if isinstance(reply, Reply) and respond.response_url:
            blocks = as_json(reply.blocks) or None
            respond(text=reply.text, blocks=blocks, replace_original=True)
        refresh_home_of(services, client, context)

    def fix(ack: Ack, action: dict[str, Any], respond: Respond) -> None:
        ack()
        if respond.response_url:
            respond(text=fix_reply(action), replace_original=True)

    app.action(GoalAction.DATE_YES)(ack=save_confirmed, lazy=[answer])
    # The same “No, let me fix it” sits under the meeting questions: it stores nothing anywhere.
    app.action(FIX_ACTION)(fix)
