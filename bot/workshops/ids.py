"""Block Kit ids of workshops: views set them, handlers route on them (values live on in sent messages)."""

from __future__ import annotations

import enum


class WorkshopCallback(enum.StrEnum):
    """Modal callback ids."""

    WORKSHOP = "workshop_modal"


class WorkshopAction(enum.StrEnum):
    """action_id of the announcement's RSVP buttons, and of the quick form's time question."""

    WORKSHOP_GOING = "workshop_going"
    WORKSHOP_MAYBE = "workshop_maybe"
    WORKSHOP_NO = "workshop_no"
    WORKSHOP_WHO = "workshop_who"
    TIME_YES = "workshop_time_yes"  # under “Did you mean <time> for <title>?”


class WorkshopBlock(enum.StrEnum):
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
