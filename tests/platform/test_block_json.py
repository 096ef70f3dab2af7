"""Views and blocks go to Slack as exactly the JSON slack_sdk's own `to_dict()` makes of them:
forms with options, initial values and checkboxes, Home with goals, a nudge, a goal list."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.checkins.nudge_views import NudgePart, nudge_blocks
from bot.checkins.preferences import NudgeSettings
from bot.checkins.views import checkin_modal, settings_modal
from bot.goals.service import GoalDraft, GoalInfo, GoalOverview, NoteInfo
from bot.goals.views import goal_list_blocks, goal_modal
from bot.home.views import home_view
from bot.platform.block_json import as_json
from storage.models import GoalStatus
from storage.models.goals import Area, Cadence

TODAY = date(2026, 12, 1)
GOALS = [
    GoalInfo(n, f"Practice set <{n}> & *more*", "why", "", date(2026, 12, 20) if n % 2 else None, Area.CLINICAL,
             Cadence.DAILY if n == 2 else Cadence.WEEKLY, GoalStatus.ACTIVE,
             NoteInfo("Finished the cardio block", datetime(2026, 11, 30, 15, tzinfo=UTC)) if n == 1 else None)
    for n in range(1, 5)
]  # fmt: skip


def views() -> list[View | list[Block]]:
    overview = GoalOverview(GOALS, 3, 1, 2)
    settings = NudgeSettings(9 * 60, 21 * 60, 7 * 60, False, date(2026, 12, 24))
    return [
        home_view(overview, TODAY, "America/Chicago"),
        home_view(GoalOverview([], 0, 0), TODAY, "America/Chicago"),
        goal_modal(),
        goal_modal(GoalDraft("Read chapter 4", "Exam", "Pages", date(2026, 12, 20)), 3, ("D1", "1.2")),
        checkin_modal(GOALS),
        settings_modal(settings, TODAY, [60, 1440]),
        goal_list_blocks(overview, TODAY, "Europe/London"),
        nudge_blocks(
            [
                NudgePart(
                    7,
                    1,
                    "Read <chapter> 4",
                    date(2026, 12, 20),
                    "Half done",
                    datetime(2026, 11, 30, tzinfo=UTC),
                    False,
                ),
                NudgePart(8, 2, "Essay", date(2026, 11, 20), None, None, True, daily=True),
            ],
            TODAY,
            "America/Chicago",
        ),
    ]


@pytest.mark.parametrize("built", views(), ids=lambda built: type(built).__name__)
def test_the_json_sent_is_slack_sdks_own(built: View | list[Block]) -> None:
    expected = built.to_dict() if isinstance(built, View) else [block.to_dict() for block in built]
    assert as_json(built) == expected
