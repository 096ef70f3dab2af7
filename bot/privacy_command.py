"""`/coachbot export | delete my data | help`: what a person can do with their own data."""

from __future__ import annotations

import enum

from bot.goal_replies import Reply
from bot.people import Actor
from bot.privacy import Removal, export_data
from bot.services import Services
from bot.slack import SlackGateway
from bot.views.privacy import DELETE_QUESTION, delete_confirmation

HELP = (
    "*Your data in coachbot*\n"
    "• `/coachbot export` — get everything coachbot holds about you as a JSON file and a summary, in a DM\n"
    "• `/coachbot delete my data` — delete everything coachbot holds about you (you'll be asked to confirm)\n"
    "• `/coachbot help` — this list"
)
EXPORT_STARTED = "I'm gathering everything coachbot holds about you; it will arrive in our DM in a moment."
KEPT = "Nothing was deleted: your data stays as it was."


class Subcommand(enum.StrEnum):
    EXPORT = "export"
    DELETE = "delete my data"
    HELP = "help"


def route(text: str) -> Subcommand | None:
    """The subcommand `text` asks for (case and spacing forgiven); None for anything else.

    The one place /coachbot's subcommands are told apart: settings, quiet and support join here.
    """
    words = " ".join(text.lower().split())
    if words in {"", "help", "?"}:
        return Subcommand.HELP
    return next((sub for sub in Subcommand if words == sub.value), None)


def reply_for(sub: Subcommand | None, text: str) -> Reply:
    """The ephemeral answer on the ack; the export itself follows in a lazy listener."""
    if sub is Subcommand.EXPORT:
        return Reply(EXPORT_STARTED)
    if sub is Subcommand.DELETE:
        return Reply(DELETE_QUESTION, delete_confirmation())
    if sub is Subcommand.HELP:
        return Reply(HELP)
    return Reply(f"I don't know `/coachbot {text.strip()}`. Try one of these:\n{HELP}")


def deleted_text(removal: Removal) -> str:
    """What the person reads after their data is deleted."""
    if not removal.total:
        return "coachbot holds nothing about you, so there was nothing to delete."
    told = " Your coach has been told you left the program." if removal.coaches_told else ""
    return f"Done: everything coachbot held about you is deleted ({removal.total} records).{told}"


def deliver_export(services: Services, slack: SlackGateway, actor: Actor) -> None:
    """Export the person's data to them: the summary in our DM, the JSON file attached under it."""
    export = export_data(services, actor)
    channel, ts = slack.post_message(actor.user_id, export.summary)
    slack.upload_file(channel, export.filename, export.json_text, "Your coachbot data", thread_ts=ts)
