"""Modal submissions: field errors go back on the ack; the Home refresh follows lazily."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import checkins, goals, nudge_settings
from bot.checkin_forms import checkin_from_state, note_and_privacy, note_target, settings_from_state
from bot.dates import local_today
from bot.errors import UserError
from bot.goal_forms import goal_draft_from_state, goal_number_from_metadata, progress_note_from_state
from bot.home import refresh_home
from bot.ids import Callback, CheckinField, GoalField, ProgressField
from bot.services import Services
from bot.views.checkins import saved_checkin_view, settings_saved_view, support_view
from bot.views.goals import saved_modal
from handlers.common import actor_of, gateway
from storage.models_nudges import Answer


def _request_key(team_id: str, view: dict[str, Any]) -> str:
    return f"{team_id}:view:{view.get('id')}:{view.get('hash')}"


def register(app: App, services: Services) -> None:
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
                goal, _ = goals.add_goal(services.db, actor, draft, now, _request_key(actor.team_id, view))
            else:
                goal = goals.update_goal(services.db, actor, number, draft, now)
        except UserError as error:
            ack(response_action="errors", errors={GoalField.TITLE: error.message})
            return
        questions = goals.smart_questions(goal.draft)
        ack(
            response_action="update",
            view=saved_modal(goal, questions, local_today(now, actor.tz), edited=number is not None),
        )

    def submit_progress(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        actor = actor_of(services, client, context)
        note, errors = progress_note_from_state(view["state"]["values"])
        number = goal_number_from_metadata(view.get("private_metadata", ""))
        if number is None:
            errors = {ProgressField.NOTE: "This form lost track of its goal; please open it again."}
        if errors:
            ack(response_action="errors", errors=errors)
            return
        assert number is not None
        try:
            goals.log_progress(
                services.db, actor, number, note, services.now(), _request_key(actor.team_id, view)
            )
        except UserError as error:
            ack(response_action="errors", errors={ProgressField.NOTE: error.message})
            return
        ack()

    def refresh(client: WebClient, context: BoltContext) -> None:
        refresh_home(services, gateway(client), actor_of(services, client, context))

    def submit_checkin(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        actor = actor_of(services, client, context)
        form, errors = checkin_from_state(view["state"]["values"])
        if form is None:
            ack(response_action="errors", errors=errors)
            return
        key, now = _request_key(actor.team_id, view), services.now()
        try:
            result = checkins.add_note(
                services,
                actor,
                form.note,
                private=form.private,
                request_key=key,
                now=now,
                wellbeing=form.wellbeing,
                answer=Answer.CHECKIN,
            )
        except UserError as error:
            ack(response_action="errors", errors={CheckinField.NOTE: error.message})
            return
        checkins.record_goal_statuses(services, actor, form.statuses, key, now)
        if result.support_text is not None:
            # Well-being 1 or 2: the support resources at once, in the same window.
            ack(response_action="update", view=support_view(result.support_text, result.checkin_id))
        else:
            ack(response_action="update", view=saved_checkin_view())

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
                services,
                actor,
                note,
                private=private,
                request_key=_request_key(actor.team_id, view),
                now=services.now(),
                goal_id=goal_id,
                message_ts=message_ts,
            )
        except UserError as error:
            ack(response_action="errors", errors={CheckinField.NOTE: error.message})
            return
        ack(response_action="update", view=saved_checkin_view(private=private))

    def submit_settings(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        actor = actor_of(services, client, context)
        settings, errors = settings_from_state(view["state"]["values"], local_today(services.now(), actor.tz))
        if settings is None:
            ack(response_action="errors", errors=errors)
            return
        next_nudge = nudge_settings.save_settings(services, actor, settings)
        ack(response_action="update", view=settings_saved_view(next_nudge, actor.tz))

    app.view(Callback.CHECKIN)(ack=submit_checkin, lazy=[refresh])
    app.view(Callback.NUDGE_NOTE)(submit_note)
    app.view(Callback.SETTINGS)(submit_settings)
    app.view(Callback.GOAL)(ack=submit_goal, lazy=[refresh])
    app.view(Callback.PROGRESS)(ack=submit_progress, lazy=[refresh])
