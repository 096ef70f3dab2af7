"""App Home: published on request; no scheduled messages of its own."""

from __future__ import annotations

from bot.platform.areas import Area

AREA = Area("home")
