"""`/coachbot settings`, `quiet` and `support`: the check-in area's subcommands."""

from __future__ import annotations

from bot.checkins import preferences as nudge_settings
from bot.checkins import support
from bot.checkins.views import settings_modal
from bot.meetings import service as meetings
from bot.platform.dates import local_today
from bot.platform.errors import UserError
from bot.platform.people import Actor
from bot.platform.services import Services
from bot.platform.slack import SlackGateway
from bot.platform.subcommands import Subcommand, split_word
from bot.platform.text import escape_mrkdwn


def open_settings(services: Services, slack: SlackGateway, actor: Actor, trigger_id: str) -> None:
    """The settings modal: nudges, and when to be reminded before coaching sessions."""
    settings = nudge_settings.get_settings(services, actor)
    today = local_today(services.now(), actor.tz)
    slack.open_view(trigger_id, settings_modal(settings, today, meetings.reminders(services, actor)))


def settings_answer(services: Services, actor: Actor, rest: str) -> str:
    return ""


QUIET_HELP = (
    "Program quiet periods (no nudges for anyone):\n"
    "• `/coachbot quiet add 2026-12-21 2027-01-03 Winter break` (admins)\n"
    "• `/coachbot quiet list`\n"
    "• `/coachbot quiet remove 2` (admins)"
)


def quiet_answer(services: Services, actor: Actor, rest: str) -> str:
    verb, args = split_word(rest)
    if verb == "add":
        period = nudge_settings.add_quiet_period(services, actor, args)
        return f"Quiet period added: {period.describe()}. Nobody gets nudges on those days."
    if verb in {"list", ""}:
        periods = nudge_settings.list_quiet_periods(services, actor)
        if not periods:
            return "No program quiet periods yet. " + QUIET_HELP
        return "*Program quiet periods*\n" + "\n".join(p.describe() for p in periods)
    if verb == "remove":
        number = args.lstrip("#")
        if not number.isdigit():
            raise UserError("Which one? `/coachbot quiet remove 2` (numbers are in `/coachbot quiet list`).")
        period = nudge_settings.remove_quiet_period(services, actor, int(number))
        return f"Quiet period removed: {period.describe()}. Nudges on those days come back."
    return QUIET_HELP


def support_answer(services: Services, actor: Actor, rest: str) -> str:
    verb, args = split_word(rest)
    if verb == "set":
        saved = support.set_support_text(services, actor, args)
        return f"Support resources updated. Coachees will see:\n\n{escape_mrkdwn(saved)}"
    return (
        "Coachees see this after a well-being answer of 1 or 2:\n\n"
        f"{escape_mrkdwn(support.current_support_text(services, actor))}\n\nAdmins change it with `/coachbot support set <text>`."
    )


SUBCOMMANDS = {
    "settings": Subcommand(
        "settings", "your nudge time, quiet hours, weekends and pause", settings_answer, open_settings
    ),
    "quiet": Subcommand(
        "quiet add|list|remove", "program breaks and exam blocks without nudges", quiet_answer
    ),
    "support": Subcommand(
        "support [set <text>]", "the support resources shown after a low well-being check-in", support_answer
    ),
}
