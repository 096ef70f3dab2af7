"""`/coachbot <subcommand>`: one registry, so a new subcommand is one decorated function here.

Each subcommand answers on the ack (quick database work) and may follow up after it (a modal).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot import meetings, nudge_settings, support
from bot.errors import UserError
from bot.goal_replies import Reply
from bot.people import Actor
from bot.platform.dates import local_today
from bot.services import Services
from bot.slack import SlackGateway
from bot.views.checkins import settings_modal

Answerer = Callable[[Services, Actor, str], "str | Reply"]
FollowUp = Callable[[Services, SlackGateway, Actor, str], None]  # (…, trigger_id)


@dataclass(frozen=True)
class Subcommand:
    usage: str
    summary: str
    answer: Answerer
    follow_up: FollowUp | None = None


SUBCOMMANDS: dict[str, Subcommand] = {}


def subcommand(
    name: str, usage: str, summary: str, follow_up: FollowUp | None = None
) -> Callable[[Answerer], Answerer]:
    def register(answer: Answerer) -> Answerer:
        SUBCOMMANDS[name] = Subcommand(usage, summary, answer, follow_up)
        return answer

    return register


def coachbot_help() -> str:
    lines = [f"• `/coachbot {s.usage}` — {s.summary}" for s in SUBCOMMANDS.values()]
    return "*coachbot*\n" + "\n".join(lines)


def _split(text: str) -> tuple[str, str]:
    head, _, rest = " ".join(text.split()).partition(" ")
    return head.lower(), rest


def answer_coachbot(services: Services, actor: Actor, text: str) -> Reply:
    """The ephemeral reply to `/coachbot …` (empty text when a modal is the answer)."""
    name, rest = _split(text)
    command = SUBCOMMANDS.get(name or "help")
    if command is None:
        return Reply(f"I don't know `/coachbot {' '.join(text.split())}`.\n\n{coachbot_help()}")
    try:
        answer = command.answer(services, actor, rest)
    except UserError as error:
        return Reply(error.message)
    return answer if isinstance(answer, Reply) else Reply(answer)


def follow_up_coachbot(
    services: Services, slack: SlackGateway, actor: Actor, text: str, trigger_id: str
) -> None:
    command = SUBCOMMANDS.get(_split(text)[0])
    if command is not None and command.follow_up is not None:
        command.follow_up(services, slack, actor, trigger_id)


@subcommand("help", "help", "this list")
def _help(services: Services, actor: Actor, rest: str) -> str:
    return coachbot_help()


def open_settings(services: Services, slack: SlackGateway, actor: Actor, trigger_id: str) -> None:
    """The settings modal: nudges, and when to be reminded before coaching sessions."""
    settings = nudge_settings.get_settings(services, actor)
    today = local_today(services.now(), actor.tz)
    slack.open_view(trigger_id, settings_modal(settings, today, meetings.reminders(services, actor)))


@subcommand("settings", "settings", "your nudge time, quiet hours, weekends and pause", open_settings)
def _settings(services: Services, actor: Actor, rest: str) -> str:
    return ""


QUIET_HELP = (
    "Program quiet periods (no nudges for anyone):\n"
    "• `/coachbot quiet add 2026-12-21 2027-01-03 Winter break` (admins)\n"
    "• `/coachbot quiet list`\n"
    "• `/coachbot quiet remove 2` (admins)"
)


@subcommand("quiet", "quiet add|list|remove", "program breaks and exam blocks without nudges")
def _quiet(services: Services, actor: Actor, rest: str) -> str:
    verb, args = _split(rest)
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


@subcommand("support", "support [set <text>]", "the support resources shown after a low well-being check-in")
def _support(services: Services, actor: Actor, rest: str) -> str:
    verb, args = _split(rest)
    if verb == "set":
        saved = support.set_support_text(services, actor, args)
        return f"Support resources updated. Coachees will see:\n\n{saved}"
    return (
        "Coachees see this after a well-being answer of 1 or 2:\n\n"
        f"{support.current_support_text(services, actor)}\n\nAdmins change it with `/coachbot support set <text>`."
    )
