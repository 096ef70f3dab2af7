"""`/coachbot calendar [reset]`: the person's private calendar feed URL, shown only to them."""

from __future__ import annotations

from bot.calendar.service import calendar_answer
from bot.platform.subcommands import Subcommand

SUBCOMMANDS = {
    "calendar": Subcommand(
        "calendar [reset]",
        "a private URL that puts your sessions and workshops in Google Calendar, Outlook or Apple Calendar",
        calendar_answer,
    ),
}
