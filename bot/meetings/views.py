"""Block Kit for sessions: the booking modal, `/meeting list`, replies, notices and reminders."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
    TimePickerElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.meetings.booking_text import DEFAULT_MINUTES, PLACE_MAX, When
from bot.meetings.ids import MeetingAction, MeetingCallback, MeetingField
from bot.meetings.service import NOTE_MAX, MeetingInfo
from bot.platform.asking import confirm_blocks
from bot.platform.dates import describe_minutes, local_timestamp, show_moment, zone
from bot.platform.people import Actor
from bot.platform.text import escape_mrkdwn
from bot.platform.when import describe_offset
from storage.models.meetings import Attendance

DURATIONS = [15, 30, 45, 60, 90, 120]


def when_for(starts_at: datetime, minutes: int, reader: Actor, today: date | None = None) -> str:
    """“Thu Dec 3, 1:00 PM (30 minutes)” in the reader's own zone; given today, the year when it is not this one."""
    shown = (
        local_timestamp(starts_at, reader.tz) if today is None else show_moment(starts_at, reader.tz, today)
    )
    return f"{shown} ({describe_minutes(minutes)})"


def place_text(place: str) -> str:
    """“Where: Room 204” — words one person typed, escaped because the other reads them too."""
    return f"Where: {escape_mrkdwn(place)}" if place else ""


def _with_place(text: str, place: str) -> str:
    return f"{text}\n{place_text(place)}" if place else text


def booked_reply(meeting: MeetingInfo, reader: Actor, *, verb: str, today: date | None = None) -> str:
    other = meeting.other(reader)
    return _with_place(
        f"Session #{meeting.id} with <@{other.user_id}> {verb}: {when_for(meeting.starts_at, meeting.minutes, reader, today)}, "
        f"your time. I've let them know in their time zone, and sent you both a calendar file.",
        meeting.location,
    )


def place_reply(meeting: MeetingInfo, reader: Actor) -> str:
    other = meeting.other(reader)
    if not meeting.location:
        return f"Session #{meeting.id} has no place set any more; I've let <@{other.user_id}> know."
    return f"Session #{meeting.id}: {place_text(meeting.location)}. I've let <@{other.user_id}> know and updated both calendar files."


ATTENDANCE_WORDS = {
    Attendance.HELD: "held",
    Attendance.NOT_HELD: "didn't happen",
    Attendance.RESCHEDULED: "rescheduled",
}


def attendance_word(attendance: Attendance | None) -> str:
    """How a past session stands: held, didn't happen, rescheduled, or not confirmed by the coach."""
    return "not confirmed" if attendance is None else ATTENDANCE_WORDS[attendance]


def _line(meeting: MeetingInfo, reader: Actor, *, past: bool = False) -> str:
    other = meeting.other(reader)
    role = "your coachee" if other.person_id == meeting.coachee.person_id else "your coach"
    where = f" · {escape_mrkdwn(meeting.location)}" if meeting.location else ""
    line = f"*#{meeting.id}* {when_for(meeting.starts_at, meeting.minutes, reader)} with <@{other.user_id}> ({role}){where}"
    return f"{line} · _{attendance_word(meeting.attendance)}_" if past else line


_NONE_UPCOMING = "You have no upcoming sessions. `/meeting @person <when>` books one."
_PAST_TITLE = "*Your sessions of the last 30 days*"


def meeting_list_text(found: list[MeetingInfo], past: list[MeetingInfo], reader: Actor) -> str:
    lines = [_line(meeting, reader) for meeting in found] or [_NONE_UPCOMING]
    if past:
        lines += [_PAST_TITLE, *(_line(meeting, reader, past=True) for meeting in past)]
    return "\n".join(lines)


def meeting_list_blocks(found: list[MeetingInfo], past: list[MeetingInfo], reader: Actor) -> list[Block]:
    """Upcoming sessions, then those of the last 30 days with how each stands (held, not confirmed …)."""
    blocks: list[Block] = []
    if found:
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text="*Your upcoming sessions* (times in your zone)"))
        )
        blocks += [SectionBlock(text=MarkdownTextObject(text=_line(m, reader))) for m in found[:30]]
    else:
        blocks.append(SectionBlock(text=_NONE_UPCOMING))
    if past:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_PAST_TITLE)))
        blocks += [SectionBlock(text=MarkdownTextObject(text=_line(m, reader, past=True))) for m in past[:10]]
    if found:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text="`/meeting cancel N` · `/meeting move N <when>` · `/meeting where N <place or link>`"
                )
            )
        )
    return blocks


def reminders_reply(offsets: list[int], *, changed: bool) -> str:
    if not offsets:
        return "Session reminders are off. `/meeting reminders 24h 1h` turns them back on."
    spoken = " and ".join(describe_offset(minutes) for minutes in offsets)
    lead = "Got it: I'll remind you" if changed else "I remind you"
    return f"{lead} {spoken} before each session. Change it with `/meeting reminders 24h 1h` or `off`."


_NOTICES = {
    "booked": "Session booked with <@{other}>: *{when}* (your time).",
    "moved": "<@{by}> moved your session #{id} to *{when}* (your time).",
    "cancelled": "<@{by}> cancelled your session #{id} that was set for {when} (your time).",
    "placed": "<@{by}> changed where your session #{id} on *{when}* (your time) happens.",
}


def notice_text(event: str, meeting_id: int, other: str, by: str, when: str, place: str = "") -> str:
    text = _NOTICES[event].format(other=other, by=by, id=meeting_id, when=when)
    if event == "cancelled":
        return text
    if event == "placed" and not place:
        return f"{text} No place is set now."
    return _with_place(text, place)


def reminder_text(meeting: MeetingInfo, reader: Actor, minutes: int) -> str:
    other = meeting.other(reader)
    return _with_place(
        f"Reminder: your coaching session with <@{other.user_id}> starts in {describe_minutes(minutes)}, "
        f"at {when_for(meeting.starts_at, meeting.minutes, reader)}.",
        meeting.location,
    )


def meeting_modal(
    *,
    person: str | None = None,
    day: date | None = None,
    time: str | None = None,
    minutes: int | None = None,
    booked: str | None = None,
) -> View:
    """The booking form; the follow-up's **Book the next session** prefills it (`booked`: a line saying
    the pair's next session is already booked)."""
    duration_options = [Option(value=str(m), text=describe_minutes(m)) for m in DURATIONS]
    chosen = str(minutes or DEFAULT_MINUTES)
    return View(
        type="modal",
        callback_id=MeetingCallback.MEETING,
        title="Book a session",
        submit="Book",
        close="Cancel",
        private_metadata=json.dumps({}),
        blocks=[
            *([ContextBlock(elements=[MarkdownTextObject(text=booked)])] if booked else []),
            InputBlock(
                block_id=MeetingField.PERSON,
                label="With",
                element=UserSelectElement(action_id=MeetingField.PERSON, initial_user=person),
            ),
            InputBlock(
                block_id=MeetingField.DATE,
                label="Date",
                element=DatePickerElement(
                    action_id=MeetingField.DATE, initial_date=day.isoformat() if day else None
                ),
            ),
            InputBlock(
                block_id=MeetingField.TIME,
                label="Time (your time zone)",
                element=TimePickerElement(action_id=MeetingField.TIME, initial_time=time),
            ),
            InputBlock(
                block_id=MeetingField.DURATION,
                label="Length",
                element=StaticSelectElement(
                    action_id=MeetingField.DURATION,
                    options=duration_options,
                    initial_option=next(
                        (o for o in duration_options if o.value == chosen), duration_options[1]
                    ),
                ),
            ),
            InputBlock(
                block_id=MeetingField.PLACE,
                label="Where (a room or a video link)",
                optional=True,
                element=PlainTextInputElement(
                    action_id=MeetingField.PLACE,
                    max_length=PLACE_MAX,
                    placeholder="Room 204, Learning Center — or https://school.zoom.us/j/…",
                ),
            ),
            InputBlock(
                block_id=MeetingField.NOTE,
                label="Agenda note",
                optional=True,
                element=PlainTextInputElement(
                    action_id=MeetingField.NOTE, multiline=True, max_length=NOTE_MAX
                ),
            ),
        ],
    )


def time_question(
    asked: When, reader: Actor, payload: dict[str, Any], today: date
) -> tuple[str, list[Block]]:
    """“Did you mean Wed Dec 2, 7:00 PM …?” with Yes / No; the time (and who, or which session) ride on Yes."""
    shown = show_moment(asked.starts_at, reader.tz, today)
    question = f"Did you mean *{shown}* ({describe_minutes(asked.minutes)}), your time? ({asked.doubt}.)"
    local = asked.starts_at.astimezone(zone(reader.tz))
    retype = (
        (
            "Type it again with the date and time in full, "
            f"e.g. `{local:%b} {local.day} {local.year} {local.hour % 12 or 12}:{local:%M}{local:%p}`."
        )
        .replace("AM`", "am`")
        .replace("PM`", "pm`")
    )
    value = {**payload, "at": asked.starts_at.isoformat(), "min": asked.minutes}
    return question, confirm_blocks(question, shown, MeetingAction.TIME_YES, value, retype)
