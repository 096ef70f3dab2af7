"""app_uninstalled and tokens_revoked: the workspace's tokens go at once and its deliveries stop."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.privacy_jobs import workspace_uninstalled
from bot.services import Services


def register(app: App, services: Services) -> None:
    def uninstalled(ack: Ack, context: BoltContext) -> None:
        # Database work only, before the ack: a retried event finds it done and changes nothing.
        workspace_uninstalled(services, context.team_id or "")
        ack()

    def revoked(ack: Ack, event: dict[str, Any], context: BoltContext) -> None:
        # coachbot asks for bot scopes only, so a revoked bot token is the end of the install.
        if (event.get("tokens") or {}).get("bot"):
            workspace_uninstalled(services, context.team_id or "")
        ack()

    app.event("app_uninstalled")(uninstalled)
    app.event("tokens_revoked")(revoked)
