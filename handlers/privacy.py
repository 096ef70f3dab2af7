"""The delete-my-data confirmation's buttons (`/coachbot export` and `delete my data` live in the
/coachbot registry, bot/coachbot_commands.py)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.platform.delivery.dispatcher import send_planned_since
from bot.platform.services import Services
from bot.platform.slack import profile_of
from bot.privacy.commands import KEPT, deleted_text
from bot.privacy.ids import PrivacyAction
from bot.privacy.jobs import workspace_uninstalled
from bot.privacy.service import delete_person_data

DELETED_KEY = "coachbot_deleted_text"
DELETED_AT_KEY = "coachbot_deleted_at"


def register(app: App, services: Services) -> None:
    def delete_now(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        # Database work only, inside the ack: a repeated click finds nothing left and deletes nothing.
        # No actor_of here: resolving the person would bring their row back.
        team_id, user_id = context.team_id or "", context.user_id or ""
        context[DELETED_AT_KEY] = services.now()
        context[DELETED_KEY] = deleted_text(delete_person_data(services, team_id, user_id, by=user_id))
        ack()

    def tell_after_delete(client: WebClient, context: BoltContext, respond: Respond) -> None:
        if respond.response_url:  # the confirmation is an ephemeral message; a forged click may have none
            respond(text=context.get(DELETED_KEY) or "", replace_original=True)
        # The coach hears at once, not at the next tick.
        send_planned_since(
            services, client, context.team_id or "", context.get(DELETED_AT_KEY) or services.now()
        )

    def keep(ack: Ack, respond: Respond) -> None:
        ack()
        if respond.response_url:
            respond(text=KEPT, replace_original=True)

    app.action(PrivacyAction.PRIVACY_DELETE)(ack=delete_now, lazy=[tell_after_delete])
    app.action(PrivacyAction.PRIVACY_KEEP)(keep)

    def uninstalled(ack: Ack, context: BoltContext) -> None:
        # Database work only, before the ack: a retried event finds it done and changes nothing.
        workspace_uninstalled(services, context.team_id or "")
        ack()

    def revoked(ack: Ack, event: dict[str, Any], context: BoltContext) -> None:
        # coachbot asks for bot scopes only, so a revoked bot token is the end of the install.
        if (event.get("tokens") or {}).get("bot"):
            workspace_uninstalled(services, context.team_id or "")
        ack()

    def profile_changed(ack: Ack, event: dict[str, Any], context: BoltContext) -> None:
        # Before the ack (a read, and a short write for someone we keep): a demoted admin is no
        # admin from their next request.
        user = event.get("user")
        if isinstance(user, dict) and isinstance(user.get("id"), str) and user.get("name"):
            services.profile_changed(context.team_id or "", profile_of(user))
        ack()

    app.event("app_uninstalled")(uninstalled)
    app.event("tokens_revoked")(revoked)
    app.event("user_change")(profile_changed)
