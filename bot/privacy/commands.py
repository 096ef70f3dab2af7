"""`/coachbot export` and `/coachbot delete my data`: what a person can do with their own data."""

from __future__ import annotations

from bot.platform.people import Actor
from bot.platform.replies import Reply
from bot.platform.services import Services
from bot.platform.slack import SlackGateway
from bot.platform.subcommands import Subcommand
from bot.privacy.service import Removal, export_data
from bot.privacy.views import DELETE_QUESTION, delete_confirmation

EXPORT_STARTED = "I'm gathering everything coachbot holds about you; it will arrive in our DM in a moment."
KEPT = "Nothing was deleted: your data stays as it was."


def deliver_export(services: Services, slack: SlackGateway, actor: Actor, trigger_id: str = "") -> None:
    """Export the person's data to them: the summary in our DM, the JSON file attached under it."""
    export = export_data(services, actor)
    channel, ts = slack.post_message(actor.user_id, export.summary)
    slack.upload_file(channel, export.filename, export.json_text, "Your coachbot data", thread_ts=ts)


def export_answer(services: Services, actor: Actor, rest: str) -> str:
    return EXPORT_STARTED


def delete_answer(services: Services, actor: Actor, rest: str) -> str | Reply:
    if " ".join(rest.lower().split()) != "my data":
        return "To delete everything coachbot holds about you, type `/coachbot delete my data`."
    return Reply(DELETE_QUESTION, delete_confirmation())


def deleted_text(removal: Removal) -> str:
    """What the person reads after their data is deleted."""
    if not removal.total:
        return "coachbot holds nothing about you, so there was nothing to delete."
    told = " Your coach has been told you left the program." if removal.coaches_told else ""
    return f"Done: everything coachbot held about you is deleted ({removal.total} records).{told}"


SUBCOMMANDS = {
    "export": Subcommand(
        "export",
        "everything coachbot holds about you, as a JSON file and a summary in a DM",
        export_answer,
        deliver_export,
    ),
    "delete": Subcommand(
        "delete my data",
        "delete everything coachbot holds about you (you'll be asked to confirm)",
        delete_answer,
    ),
}
