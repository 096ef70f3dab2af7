"""Calendars: the .ics file delivery and `/coachbot calendar`."""

from __future__ import annotations

from bot.calendar import commands, deliveries
from bot.platform.areas import Area

AREA = Area("calendar", kinds=deliveries.KINDS, subcommands=commands.SUBCOMMANDS)
