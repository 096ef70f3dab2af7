"""`/coachbot` (export, delete my data, help) and the delete confirmation's buttons."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot import dispatch
from bot.ids import Action
from bot.privacy import delete_person_data
from bot.privacy_command import KEPT, Subcommand, deleted_text, deliver_export, reply_for, route
from bot.services import Services
from handlers.common import actor_of, gateway

DELETED_KEY = "coachbot_deleted_text"


def register(app: App, services: Services) -> None:
    def answer(ack: Ack, command: dict[str, Any]) -> None:
        reply = reply_for(route(command.get("text") or ""), command.get("text") or "")
        ack(text=reply.text, blocks=reply.blocks or None)

    def export_lazily(command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if route(command.get("text") or "") is Subcommand.EXPORT:
            deliver_export(services, gateway(client), actor_of(services, client, context))

    app.command("/coachbot")(ack=answer, lazy=[export_lazily])

    def delete_now(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        # Database work only, inside the ack: a repeated click finds nothing left and deletes nothing.
        team_id = context.team_id or ""
        user_id = context.user_id or ""
        removal = delete_person_data(services, team_id, user_id, by=user_id)
        context[DELETED_KEY] = deleted_text(removal)
        ack()

    def tell_after_delete(client: WebClient, context: BoltContext, respond: Respond) -> None:
        respond(text=context.get(DELETED_KEY) or "", replace_original=True)
        dispatch.run_due(services, client, services.now())  # the coach hears at once, not at the next tick

    app.action(Action.PRIVACY_DELETE)(ack=delete_now, lazy=[tell_after_delete])

    def keep(ack: Ack, respond: Respond) -> None:
        ack()
        respond(text=KEPT, replace_original=True)

    app.action(Action.PRIVACY_KEEP)(keep)
