"""Weekly summaries and the program digest, and the planner that puts them on the schedule."""

from __future__ import annotations

from bot.platform.areas import Area
from bot.summaries import deliveries

AREA = Area("summaries", kinds=deliveries.KINDS, planners=deliveries.PLANNERS)
