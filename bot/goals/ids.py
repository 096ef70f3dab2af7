"""Block Kit ids of goals: views set them, handlers route on them (values live on in sent messages)."""

from __future__ import annotations

import enum


class GoalCallback(enum.StrEnum):
    """Modal callback ids."""

    GOAL = "goal_modal"
    PROGRESS = "progress_modal"


class GoalAction(enum.StrEnum):
    """action_id of App Home's goal buttons."""

    HOME_NEW_GOAL = "home_new_goal"
    HOME_GOAL_DONE = "home_goal_done"
    HOME_GOAL_EDIT = "home_goal_edit"
    HOME_GOAL_PROGRESS = "home_goal_progress"
    DATE_YES = "goal_date_yes"  # under “Did you mean … due …?”


class GoalField(enum.StrEnum):
    """block_id (and action_id) of the goal modal's inputs."""

    TITLE = "goal_title"
    WHY = "goal_why"
    MEASURE = "goal_measure"
    TARGET = "goal_target"
    AREA = "goal_area"
    CADENCE = "goal_cadence"


class ProgressField(enum.StrEnum):
    NOTE = "progress_note"
