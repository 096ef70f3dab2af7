"""Modal submissions (goals, progress, workshops): field errors go back on the ack; the Home refresh follows lazily."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import goals
from bot.dates import local_today
from bot.errors import UserError
from bot.form_state import number_from_metadata
from bot.goal_forms import goal_draft_from_state, goal_number_from_metadata, progress_note_from_state
from bot.ids import Callback, GoalField, ProgressField
from bot.services import Services
from bot.views.goals import saved_modal
from bot.workshop_followups import after_edit, announce_created
from bot.workshop_replies import submit_workshop_form
from handlers.common import actor_of, gateway, mark_changed, refresh_home_of, view_key


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
                goal, _ = goals.add_goal(services.db, actor, draft, now, view_key(actor.team_id, view))
            else:
                goal = goals.update_goal(services.db, actor, number, draft, now)
        except UserError as error:
            ack(response_action="errors", errors={GoalField.TITLE: error.message})
            return
        mark_changed(context)
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
                services.db, actor, number, note, services.now(), view_key(actor.team_id, view)
            )
        except UserError as error:
            ack(response_action="errors", errors={ProgressField.NOTE: error.message})
            return
        mark_changed(context)
        ack()

    def refresh(client: WebClient, context: BoltContext) -> None:
        refresh_home_of(services, client, context)

    app.view(Callback.GOAL)(ack=submit_goal, lazy=[refresh])
    app.view(Callback.PROGRESS)(ack=submit_progress, lazy=[refresh])

    def submit_workshop(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        actor = actor_of(services, client, context)
        outcome = submit_workshop_form(services, gateway(client), actor, view, view_key(actor.team_id, view))
        if outcome.errors:
            ack(response_action="errors", errors=outcome.errors)
        else:
            ack(response_action="update", view=outcome.view)

    def follow_up_workshop(view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
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

    app.view(Callback.WORKSHOP)(ack=submit_workshop, lazy=[follow_up_workshop])
