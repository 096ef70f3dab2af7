"""Calendars in Slack: a workshop announcement's **Add to calendar** button (`/coachbot calendar` is a subcommand)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.calendar.ids import CalendarAction
from bot.calendar.service import send_workshop_file
from bot.platform.services import Services
from handlers.common import actor_of, number_in, send_what_this_request_planned


def register(app: App, services: Services) -> None:
    def add_to_calendar(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        # Planned before the ack, so a click Slack saw answered is never lost; a replay plans nothing new.
        occurrence_id = number_in(action)
        if occurrence_id is not None:
            actor = actor_of(services, client, context)
            send_workshop_file(services, actor, occurrence_id, request_key=f"click:{action.get('action_ts')}")
        ack()

    def send_file(client: WebClient, context: BoltContext) -> None:
        send_what_this_request_planned(services, client, context)

    app.action(CalendarAction.ADD_WORKSHOP)(ack=add_to_calendar, lazy=[send_file])
