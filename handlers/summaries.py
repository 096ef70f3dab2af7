"""The weekly summary's and digest's buttons: "What do the flags mean?" answers only the reader."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.platform.services import Services
from bot.summaries.flags import legend_text
from bot.summaries.ids import SummaryAction


def register(app: App, services: Services) -> None:
    def explain_flags(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        if body.get("response_url"):  # Slack always sends one with a message button; a forged click may not
            respond(text=legend_text(), response_type="ephemeral", replace_original=False)

    app.action(SummaryAction.FLAG_LEGEND)(explain_flags)
