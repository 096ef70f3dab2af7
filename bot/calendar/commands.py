"""`/coachbot calendar [reset]`: the person's private calendar feed URL, shown only to them."""

from __future__ import annotations

from bot.calendar.service import calendar_answer
from bot.coachbot_commands import subcommand
from bot.people import Actor
from bot.services import Services


@subcommand(
    "calendar",
    "calendar [reset]",
    "a private URL that puts your sessions and workshops in Google Calendar, Outlook or Apple Calendar",
)
def _calendar(services: Services, actor: Actor, rest: str) -> str:
    return calendar_answer(services, actor, rest)
