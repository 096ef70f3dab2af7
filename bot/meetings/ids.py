"""Block Kit ids of coaching sessions (meetings): views set them, handlers route on them (values live on in sent messages)."""

from __future__ import annotations

import enum


class MeetingCallback(enum.StrEnum):
    """Modal callback ids."""

    MEETING = "meeting_modal"
    AGENDA = "agenda_modal"
    FOLLOW_UP = "follow_up_modal"
    COACH_NOTE = "coach_note_modal"


class MeetingAction(enum.StrEnum):
    """action_id of the meeting messages' buttons and checkboxes."""

    PREP_CHECKLIST = "prep_checklist"
    ADD_AGENDA = "prep_add_agenda"
    AGREE = "agreement_agree"
    DISCUSS = "agreement_discuss"
    FOLLOW_UP = "follow_up_answer"
    BOOK_NEXT = "follow_up_book_next"
    COACH_NOTE = "follow_up_coach_note"
    TIME_YES = "meeting_time_yes"  # under “Did you mean <time>?”
    # The coach's answers to “Did it happen?” after a session.
    ATTENDANCE_HELD = "attendance_held"
    ATTENDANCE_NOT_HELD = "attendance_not_held"
    ATTENDANCE_RESCHEDULED = "attendance_rescheduled"


class MeetingField(enum.StrEnum):
    """block_id (and action_id) of the inputs in the meeting modals."""

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
