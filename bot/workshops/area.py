"""Workshops: announcements, occurrence posts, reminders and cancellations."""

from __future__ import annotations

from bot.platform.areas import Area
from bot.workshops import deliveries

AREA = Area("workshops", kinds=deliveries.KINDS)
