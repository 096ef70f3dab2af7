"""Parsing `/workshop …` text into a command; pure, so every form is easy to test."""

from __future__ import annotations

import re
from dataclasses import dataclass

WORKSHOP_HELP = """*Workshops with coachbot*
• `/workshop` — open the workshop form (admins and program leads)
• `/workshop #channel "Title" <when> [for <duration>] [weekly|biweekly|monthly until <date>]`
  e.g. `/workshop #m1-coaching "Appreciative inquiry" 2026-12-10 17:00 for 90m`
  or `/workshop #m1-coaching "Study skills" next Thursday at noon for 1h weekly until Feb 25`
  (repeats: `weekly|every other week|monthly` `until <date>`, `for 6 weeks` or `, 6 times`)
• `/workshop list` — upcoming sessions with RSVP counts
• `/workshop edit 3` · `/workshop cancel 3`
Times: `2026-12-10 17:00`, `Dec 10 5pm`, `next Thursday at noon`, `3pm tomorrow`, in your own Slack time zone unless you name another (`5pm ET`, `17:00 PT`, `noon Europe/London`); repeats keep the program's clock ({tz}). Durations: `90m`, `1h30`, `an hour`, `1.5 hours`."""


@dataclass(frozen=True)
class OpenWorkshopForm:
    """`/workshop` alone: open the form."""


@dataclass(frozen=True)
class ShowWorkshopHelp:
    """`/workshop help`, or a malformed command with what was wrong."""

    problem: str | None = None


@dataclass(frozen=True)
class ListWorkshops:
    """`/workshop list`."""


@dataclass(frozen=True)
class QuickWorkshop:
    """The quick form's pieces, still as written; bot.platform.when reads the times."""

    channel_id: str
    title: str
    when: str
    duration: str | None
    repeat: str | None  # “weekly until Feb 25”, “every other week for 6 weeks”


@dataclass(frozen=True)
class CancelWorkshop:
    """`/workshop cancel N`."""

    number: int


@dataclass(frozen=True)
class EditWorkshop:
    """`/workshop edit N`."""

    number: int


WorkshopCommand = (
    OpenWorkshopForm | ShowWorkshopHelp | ListWorkshops | QuickWorkshop | CancelWorkshop | EditWorkshop
)

_CHANNEL = re.compile(r"^<#(?P<id>[CG][A-Z0-9]+)(?:\|[^>]*)?>\s*(?P<rest>.*)$", re.DOTALL)
_TITLE = re.compile(r"^[\"“”](?P<title>[^\"“”]+)[\"“”]\s*(?P<rest>.*)$", re.DOTALL)
_SCHEDULE = re.compile(
    r"^(?P<when>.+?)"
    r"(?:\s+for\s+(?P<duration>.+?))?"
    r"(?:\s+(?P<repeat>(?:weekly|biweekly|fortnightly|monthly|every\s+(?:other\s+)?(?:week|month|fortnight)"
    r"|every\s+(?:2|two)\s+weeks)\b.*))?$",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"^#?(\d{1,6})$")
EXAMPLE = '`/workshop #m1-coaching "Appreciative inquiry" 2026-12-10 17:00 for 90m`'


def _unescape(text: str) -> str:
    """Slack escapes &, < and > in command text (should_escape); titles show them as typed."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def parse_workshop_command(text: str) -> WorkshopCommand:
    """Read the text after `/workshop`; anything malformed becomes ShowWorkshopHelp with the problem."""
    text = " ".join(text.split())
    if not text or text.lower() == "new":
        return OpenWorkshopForm()
    head, _, rest = text.partition(" ")
    verb = head.lower()
    if verb == "help":
        return ShowWorkshopHelp()
    if verb in {"list", "ls"}:
        return (
            ListWorkshops() if not rest else ShowWorkshopHelp(f"`/workshop {verb}` takes nothing after it.")
        )
    if verb in {"cancel", "edit"}:
        match = _NUMBER.match(rest)
        if not match:
            return ShowWorkshopHelp(f"`/workshop {verb}` needs a workshop number, e.g. `/workshop {verb} 3`.")
        number = int(match.group(1))
        return CancelWorkshop(number) if verb == "cancel" else EditWorkshop(number)
    return _quick(text)


def _quick(text: str) -> WorkshopCommand:
    channel = _CHANNEL.match(text)
    if not channel:
        return ShowWorkshopHelp(
            f"Start with the channel, chosen from Slack's suggestions as you type #, e.g. {EXAMPLE}."
        )
    title = _TITLE.match(channel.group("rest"))
    if not title:
        return ShowWorkshopHelp(f"Put the title in quotes after the channel, e.g. {EXAMPLE}.")
    rest = title.group("rest")
    schedule = _SCHEDULE.match(rest)
    if not rest or not schedule:
        return ShowWorkshopHelp(f"Say when it starts after the title, e.g. {EXAMPLE}.")
    repeat = schedule.group("repeat")
    return QuickWorkshop(
        channel_id=channel.group("id"),
        title=_unescape(title.group("title").strip()),
        when=schedule.group("when").strip(),
        duration=schedule.group("duration"),
        repeat=repeat.strip() if repeat else None,
    )
