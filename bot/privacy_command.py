"""`/coachbot export` and `/coachbot delete my data`: what a person can do with their own data."""

from __future__ import annotations

from bot.coachbot_commands import subcommand
from bot.goal_replies import Reply
from bot.people import Actor
from bot.privacy import Removal, export_data
from bot.services import Services
from bot.slack import SlackGateway
from bot.views.privacy import DELETE_QUESTION, delete_confirmation

EXPORT_STARTED = "I'm gathering everything coachbot holds about you; it will arrive in our DM in a moment."
KEPT = "Nothing was deleted: your data stays as it was."


def deliver_export(services: Services, slack: SlackGateway, actor: Actor, trigger_id: str = "") -> None:
    """Export the person's data to them: the summary in our DM, the JSON file attached under it."""
    export = export_data(services, actor)
    channel, ts = slack.post_message(actor.user_id, export.summary)
    slack.upload_file(channel, export.filename, export.json_text, "Your coachbot data", thread_ts=ts)


@subcommand(
    "export",
    "export",
    "everything coachbot holds about you, as a JSON file and a summary in a DM",
    deliver_export,
)
def _export(services: Services, actor: Actor, rest: str) -> str:
    return EXPORT_STARTED


@subcommand(
    "delete", "delete my data", "delete everything coachbot holds about you (you'll be asked to confirm)"
)
def _delete(services: Services, actor: Actor, rest: str) -> str | Reply:
    if " ".join(rest.lower().split()) != "my data":
        return "To delete everything coachbot holds about you, type `/coachbot delete my data`."
    return Reply(DELETE_QUESTION, delete_confirmation())


def deleted_text(removal: Removal) -> str:
    """What the person reads after their data is deleted."""
    if not removal.total:
        return "coachbot holds nothing about you, so there was nothing to delete."
    told = " Your coach has been told you left the program." if removal.coaches_told else ""
    return f"Done: everything coachbot held about you is deleted ({removal.total} records).{told}"
