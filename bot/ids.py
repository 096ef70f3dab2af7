"""Block Kit ids shared by views (which set them) and handlers (which route on them)."""

from __future__ import annotations

import enum


class Callback(enum.StrEnum):
    """Modal callback ids."""

    GOAL = "goal_modal"
    PROGRESS = "progress_modal"
    CHECKIN = "checkin_modal"
    NUDGE_NOTE = "nudge_note_modal"
    SETTINGS = "nudge_settings_modal"


class Action(enum.StrEnum):
    """action_id of buttons and inputs that post block_actions."""

    HOME_NEW_GOAL = "home_new_goal"
    HOME_GOAL_DONE = "home_goal_done"
    HOME_GOAL_EDIT = "home_goal_edit"
    HOME_GOAL_PROGRESS = "home_goal_progress"
    HOME_SETTINGS = "home_settings"
    NUDGE_ON_TRACK = "nudge_on_track"
    NUDGE_NEED_HELP = "nudge_need_help"
    NUDGE_DONE = "nudge_done"
    NUDGE_SNOOZE = "nudge_snooze"
    NUDGE_NOTE = "nudge_note"
    OVERDUE_CLOSE = "overdue_close"
    OVERDUE_NEW_DATE = "overdue_new_date"
    TELL_COACH_YES = "tell_coach_yes"
    TELL_COACH_NO = "tell_coach_no"


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


class CheckinField(enum.StrEnum):
    """block_id (and action_id) of the /checkin and nudge-note modals' inputs."""

    WELLBEING = "checkin_wellbeing"
    NOTE = "checkin_note"
    PRIVATE = "checkin_private"
    GOAL_PREFIX = "checkin_goal_"


class SettingsField(enum.StrEnum):
    NUDGE_TIME = "settings_nudge_time"
    QUIET_START = "settings_quiet_start"
    QUIET_END = "settings_quiet_end"
    WEEKENDS = "settings_weekends"
    PAUSE_UNTIL = "settings_pause_until"
