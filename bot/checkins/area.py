"""Check-ins and nudges: the nudge DM, coach alerts, and /coachbot settings, quiet, support."""

from __future__ import annotations

from bot.checkins import alerts, commands
from bot.checkins import deliveries as nudges
from bot.platform.areas import Area

AREA = Area("checkins", kinds={**nudges.KINDS, **alerts.KINDS}, subcommands=commands.SUBCOMMANDS)
