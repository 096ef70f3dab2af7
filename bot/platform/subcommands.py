"""`/coachbot <subcommand>`: areas contribute subcommands (bot/app.py lists them); this routes to them.

Each subcommand answers on the ack (quick database work) and may follow up after it (a modal).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.platform.errors import UserError
from bot.platform.replies import Reply

if TYPE_CHECKING:
    from bot.platform.people import Actor
    from bot.platform.services import Services
    from bot.platform.slack import SlackGateway

Answerer = Callable[["Services", "Actor", str], "str | Reply"]
FollowUp = Callable[["Services", "SlackGateway", "Actor", str], None]  # (…, trigger_id)


@dataclass(frozen=True)
class Subcommand:
    usage: str
    summary: str
    answer: Answerer
    follow_up: FollowUp | None = None


HELP_USAGE = Subcommand("help", "this list", lambda services, actor, rest: "")


def coachbot_help(subcommands: Mapping[str, Subcommand]) -> str:
    """Every subcommand with its usage, `help` first."""
    lines = [f"• `/coachbot {s.usage}` — {s.summary}" for s in (HELP_USAGE, *subcommands.values())]
    return "*coachbot*\n" + "\n".join(lines)


def split_word(text: str) -> tuple[str, str]:
    """The first word (lowercased) and the rest, with runs of spaces folded."""
    head, _, rest = " ".join(text.split()).partition(" ")
    return head.lower(), rest


def answer_coachbot(services: Services, actor: Actor, text: str) -> Reply:
    """The ephemeral reply to `/coachbot …` (empty text when a modal is the answer)."""
    subcommands = services.registry.subcommands
    name, rest = split_word(text)
    if name in {"", "help"}:
        return Reply(coachbot_help(subcommands))
    command = subcommands.get(name)
    if command is None:
        return Reply(f"I don't know `/coachbot {' '.join(text.split())}`.\n\n{coachbot_help(subcommands)}")
    try:
        answer = command.answer(services, actor, rest)
    except UserError as error:
        return Reply(error.message)
    return answer if isinstance(answer, Reply) else Reply(answer)


def follow_up_coachbot(
    services: Services, slack: SlackGateway, actor: Actor, text: str, trigger_id: str
) -> None:
    command = services.registry.subcommands.get(split_word(text)[0])
    if command is not None and command.follow_up is not None:
        command.follow_up(services, slack, actor, trigger_id)
