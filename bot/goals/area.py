"""Goals: set, list and close one's own goals; no scheduled messages of their own."""

from __future__ import annotations

from bot.platform.areas import Area

AREA = Area("goals")
