"""Program reports: the `report` kind (a CSV into an admin's DM) and the program digest with its
cohorts and chart (the `digest` kind the summaries area plans)."""

from __future__ import annotations

from bot.platform.areas import Area
from bot.reports import deliveries, digest

AREA = Area("reports", kinds={**deliveries.KINDS, **digest.KINDS})
