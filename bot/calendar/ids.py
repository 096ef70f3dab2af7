"""Block Kit ids of calendar buttons (values are contracts: posted messages carry them)."""

from __future__ import annotations

import enum


class CalendarAction(enum.StrEnum):
    """action_id of calendar buttons; Add to calendar sits on a workshop announcement."""

    ADD_WORKSHOP = "workshop_calendar"
