"""`/meeting`: book, list, cancel and move coaching sessions, and choose reminder times."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.meetings import booking_text
from bot.meetings import service as meetings
from bot.meetings.views import (
    booked_reply,
    meeting_list_blocks,
    meeting_list_text,
    place_reply,
    reminders_reply,
    time_question,
)
from bot.platform.dates import local_today
from bot.platform.errors import UserError
from bot.platform.mentions import leading_mentions
from bot.platform.people import Actor
from bot.platform.replies import Reply
from bot.platform.services import Services

MEETING_HELP = """*Coaching sessions with coachbot*
• `/meeting @person <when> [for <length>] [where <place or link>]` — book a session with your coach or coachee, e.g. `/meeting @randy 2026-12-03 13:00` or `/meeting @drlee next Tuesday 2pm for 45m where Room 204` (30 minutes unless you say)
• `/meeting` — open the booking form
• `/meeting list` — your upcoming sessions and their numbers
• `/meeting cancel 3` · `/meeting move 3 Dec 10 1:30pm [for 1h] [where …]`
• `/meeting where 3 https://school.zoom.us/j/123` — set where session 3 happens (both calendars are updated)
• `/meeting reminders 24h 1h` — when you'd like reminding (`/meeting reminders off` for none)
Times: 2026-12-03 13:00, Dec 3 1:30pm, tomorrow 9am, next Tuesday 2pm, read in your Slack time zone."""

_NUMBER = re.compile(r"^#?(\d{1,9})$")
Resolve = Callable[[str], Actor]


def opens_modal(text: str) -> bool:
    return not text.strip() or text.strip().lower() == "new"


def _number(word: str, verb: str) -> int:
    match = _NUMBER.match(word)
    if not match:
        raise UserError(
            f"`/meeting {verb}` needs a session number, e.g. `/meeting {verb} 3`. `/meeting list` shows them."
        )
    return int(match.group(1))


def answer_meeting_command(
    services: Services, actor: Actor, text: str, resolve: Resolve, request_key: str
) -> Reply:
    """Carry out `/meeting …`; UserError propagates for the handler to show."""
    text = " ".join(text.split())
    verb, _, rest = text.partition(" ")
    verb = verb.lower()
    today = local_today(services.now(), actor.tz)
    if opens_modal(text):
        return Reply("")
    if verb == "help":
        return Reply(MEETING_HELP)
    if verb in {"list", "ls"}:
        found, past = meetings.upcoming(services, actor), meetings.recent(services, actor)
        return Reply(meeting_list_text(found, past, actor), meeting_list_blocks(found, past, actor))
    if verb == "cancel":
        meeting, changed = meetings.cancel(services, actor, _number(rest, "cancel"))
        other = meeting.other(actor)
        if not changed:
            return Reply(f"Session #{meeting.id} was already cancelled.")
        return Reply(f"Session #{meeting.id} with <@{other.user_id}> is cancelled; I've let them know.")
    if verb == "move":
        number_word, _, when = rest.partition(" ")
        number = _number(number_word, "move")
        if not when:
            raise UserError(f"Say when to move it to, e.g. `/meeting move {number} Dec 10 1:30pm`.")
        when, place = booking_text.split_place(when)
        asked = booking_text.parse_when(when, services.reader(actor))
        if asked.doubt:
            return Reply(*time_question(asked, actor, _with_where({"move": number}, place), today))
        moved = meetings.move(services, actor, number, asked.starts_at, asked.minutes, place)
        return Reply(booked_reply(moved, actor, verb="moved", today=today))
    if verb == "where":
        number_word, _, place = rest.partition(" ")
        number = _number(number_word, "where")
        if not place.strip():
            raise UserError(
                f"Say where, e.g. `/meeting where {number} Room 204, Learning Center` "
                f"or `/meeting where {number} https://school.zoom.us/j/123`."
            )
        placed = meetings.set_place(services, actor, number, place)
        return Reply(place_reply(placed, actor))
    if verb == "reminders":
        if not rest:
            return Reply(reminders_reply(meetings.reminders(services, actor), changed=False))
        offsets = meetings.set_reminders(services, actor, meetings.parse_offsets(rest))
        return Reply(reminders_reply(offsets, changed=True))
    users, when = leading_mentions(text)
    if len(users) != 1:
        return Reply(f"I didn't understand `/meeting {text}`.\n\n{MEETING_HELP}")
    if not when:
        raise UserError(f"When would you like to meet? {booking_text.WHEN_HELP}.")
    other = resolve(users[0])
    when, place = booking_text.split_place(when)
    asked = booking_text.parse_when(when, services.reader(actor))
    if asked.doubt:
        return Reply(*time_question(asked, actor, _with_where({"with": other.user_id}, place), today))
    booked = meetings.book(
        services, actor, other, asked.starts_at, asked.minutes, location=place or "", request_key=request_key
    )
    return Reply(booked_reply(booked, actor, verb="booked", today=today))


def _with_where(context: dict[str, object], place: str | None) -> dict[str, object]:
    """A time question's context, carrying the place typed with it so “Yes” books it too."""
    return {**context, "where": place} if place else context
