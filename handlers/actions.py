"""Buttons: the App Home goal buttons. Ack at once; modals and the Home refresh follow lazily."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import goals
from bot.errors import UserError
from bot.ids import Action
from bot.services import Services
from bot.views.goals import goal_modal, progress_modal
from handlers.common import actor_of, gateway, mark_changed, refresh_home_of


def _just_ack(ack: Ack) -> None:
    ack()


def _goal_number(action: dict[str, Any]) -> int | None:
    value = action.get("value") or ""
    return int(value) if value.isdigit() else None


def register(app: App, services: Services) -> None:
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
                mark_changed(context)

    def refresh(client: WebClient, context: BoltContext) -> None:
        refresh_home_of(services, client, context)

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
