"""Block Kit ids shared by views (which set them) and handlers (which route on them)."""

from __future__ import annotations

import enum


class Callback(enum.StrEnum):
    """Modal callback ids."""

    GOAL = "goal_modal"
    PROGRESS = "progress_modal"
    WORKSHOP = "workshop_modal"
    CHECKIN = "checkin_modal"
    NUDGE_NOTE = "nudge_note_modal"
    SETTINGS = "nudge_settings_modal"


class Action(enum.StrEnum):
    """action_id of buttons and inputs that post block_actions."""

    HOME_NEW_GOAL = "home_new_goal"
    HOME_GOAL_DONE = "home_goal_done"
    HOME_GOAL_EDIT = "home_goal_edit"
    HOME_GOAL_PROGRESS = "home_goal_progress"
    WORKSHOP_GOING = "workshop_going"
    WORKSHOP_MAYBE = "workshop_maybe"
    WORKSHOP_NO = "workshop_no"
    WORKSHOP_WHO = "workshop_who"
    WORKSHOP_CALENDAR = "workshop_calendar"
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
    PRIVACY_DELETE = "privacy_delete_confirm"
    PRIVACY_KEEP = "privacy_delete_cancel"


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


class SessionCallback(enum.StrEnum):
    """Modal callback ids of coaching sessions."""

    MEETING = "meeting_modal"
    AGENDA = "agenda_modal"
    FOLLOW_UP = "follow_up_modal"
    COACH_NOTE = "coach_note_modal"


class SessionAction(enum.StrEnum):
    """action_id of the session messages' buttons and checkboxes."""

    PREP_CHECKLIST = "prep_checklist"
    ADD_AGENDA = "prep_add_agenda"
    AGREE = "agreement_agree"
    DISCUSS = "agreement_discuss"
    FOLLOW_UP = "follow_up_answer"
    BOOK_NEXT = "follow_up_book_next"
    COACH_NOTE = "follow_up_coach_note"


class MeetingField(enum.StrEnum):
    """block_id (and action_id) of the inputs in the session modals."""

    PERSON = "meeting_person"
    DATE = "meeting_date"
    TIME = "meeting_time"
    DURATION = "meeting_duration"
    NOTE = "meeting_note"
    PLACE = "meeting_place"
    AGENDA = "agenda_text"
    TAKEAWAYS = "follow_up_takeaways"
    ACTIONS = "follow_up_actions"
    COACH_NOTE = "coach_note_text"


class Block(enum.StrEnum):
    """block_id of blocks handlers route on."""

    WORKSHOP_RSVP = "workshop_rsvp"


class WorkshopField(enum.StrEnum):
    """block_id (and action_id) of the workshop modal's inputs."""

    TITLE = "workshop_title"
    DESCRIPTION = "workshop_description"
    DATE = "workshop_date"
    TIME = "workshop_time"
    DURATION = "workshop_duration"
    LOCATION = "workshop_location"
    CHANNEL = "workshop_channel"
    REPEAT = "workshop_repeat"
    UNTIL = "workshop_until"
    COUNT = "workshop_count"
    REMINDERS = "workshop_reminders"
    ANNOUNCE = "workshop_announce"
    ANNOUNCE_DATE = "workshop_announce_date"
    ANNOUNCE_TIME = "workshop_announce_time"


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
    SESSION_REMINDERS = "settings_session_reminders"
