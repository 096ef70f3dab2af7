"""Block Kit ids of check-ins and nudges: views set them, handlers route on them (values live on in sent messages)."""

from __future__ import annotations

import enum


class CheckinCallback(enum.StrEnum):
    """Modal callback ids."""

    CHECKIN = "checkin_modal"
    NUDGE_NOTE = "nudge_note_modal"
    SETTINGS = "nudge_settings_modal"


class CheckinAction(enum.StrEnum):
    """action_id of nudge, overdue, consent and settings buttons."""

    HOME_SETTINGS = "home_settings"
    NUDGE_ON_TRACK = "nudge_on_track"
    NUDGE_NEED_HELP = "nudge_need_help"
    NUDGE_DONE = "nudge_done"
    NUDGE_SNOOZE = "nudge_snooze"
    NUDGE_NOTE = "nudge_note"
    OVERDUE_CLOSE = "overdue_close"
    OVERDUE_NEW_DATE = "overdue_new_date"
    OUTCOME_DONE = "nudge_outcome_done"
    OUTCOME_NOT_ACHIEVED = "nudge_outcome_not_achieved"
    TELL_COACH_YES = "tell_coach_yes"
    TELL_COACH_NO = "tell_coach_no"
    BACKOFF_WEEKLY = "nudge_backoff_weekly"
    BACKOFF_KEEP = "nudge_backoff_keep"
    BACKOFF_PAUSE = "nudge_backoff_pause"


class CheckinField(enum.StrEnum):
    """block_id (and action_id) of the /checkin and nudge-note modals' inputs."""

    WELLBEING = "checkin_wellbeing"
    NOTE = "checkin_note"
    PRIVATE = "checkin_private"
    GOAL_PREFIX = "checkin_goal_"


class SettingsField(enum.StrEnum):
    """block_id (and action_id) of the settings modal's inputs."""

    NUDGE_TIME = "settings_nudge_time"
    QUIET_START = "settings_quiet_start"
    QUIET_END = "settings_quiet_end"
    WEEKENDS = "settings_weekends"
    PAUSE_UNTIL = "settings_pause_until"
    SESSION_REMINDERS = "settings_session_reminders"
