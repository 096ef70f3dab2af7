"""The calendar file delivery: a short line in the DM and the `.ics` file under it."""

from __future__ import annotations

from datetime import datetime

from bot.calendar.schedule import CALENDAR_FILE
from bot.calendar.service import CalendarFile, meeting_file, workshop_file
from bot.platform.delivery.registry import Attachment, DeliveryInfo, Kind, Outgoing, Skip
from bot.platform.services import Services
from bot.platform.text import escape_mrkdwn

# Every calendar file's line says this (tests tell these DMs from the rest by it).
OPEN_FILE = "open this file"


def file_line(file: CalendarFile, what: str) -> str:
    if file.cancelled:
        return f"{what} is cancelled: {OPEN_FILE} to take it off your calendar."
    return f"{what}: {OPEN_FILE} to add it to your calendar (opening a newer one updates it)."


def render_calendar_file(services: Services, delivery: DeliveryInfo, now: datetime) -> Outgoing | Skip:
    if "meeting_id" in delivery.payload:
        number = int(delivery.payload["meeting_id"])
        found = meeting_file(services, number)
        what = f"Session #{number}"
    else:
        found = workshop_file(services, int(delivery.payload.get("workshop_id", 0)))
        what = "The workshop"
    if found is None:
        return Skip("the event is gone")
    file, sequence = found
    if sequence != delivery.payload.get("sequence"):
        return Skip("a newer calendar file replaces this one")
    line = file_line(
        file, what if "meeting_id" in delivery.payload else f"{what} “{escape_mrkdwn(file.title)}”"
    )
    return Outgoing(line, attachment=Attachment(file.filename, file.content, file.title))


KINDS = {CALENDAR_FILE: Kind(render_calendar_file)}
