"""Coaching sessions (meetings): notices, reminders, prep, brief, agreement and follow-ups."""

from __future__ import annotations

from bot.meetings import deliveries
from bot.platform.areas import Area

AREA = Area("meetings", kinds=deliveries.KINDS)
