"""Block Kit and text for workshops: the channel announcement, lists, reminders and notices.

Times use Slack date formatting, so every reader sees them in their own time zone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.calendar.ids import CalendarAction
from bot.platform.asking import confirm_blocks
from bot.platform.text import SECTION_MAX, escape_mrkdwn, mrkdwn_sections, shorten
from bot.platform.when import Repeat, describe_duration, describe_offset, plain_time, slack_date, slack_day
from bot.workshops.commands import QuickWorkshop
from bot.workshops.ids import WorkshopAction, WorkshopBlock
from bot.workshops.rsvps import Attendees
from bot.workshops.service import OccurrenceInfo, WorkshopDraft, WorkshopInfo
from storage.models.workshops import RsvpAnswer

MESSAGE_BLOCKS = 50  # Slack's limit per message
_NTH = {1: "first", 2: "second", 3: "third", 4: "fourth"}
ANSWER_WORDS = {RsvpAnswer.GOING: "going", RsvpAnswer.MAYBE: "a maybe", RsvpAnswer.NO: "not coming"}


def when_text(workshop: WorkshopInfo, session: OccurrenceInfo) -> str:
    """The session's time (reader's zone) and duration."""
    return f"{slack_date(session.starts_at, workshop.zone)} · {describe_duration(workshop.draft.duration)}"


def repeat_text(draft: WorkshopDraft) -> str:
    """“Every week on Thursday until Jan 14, 2027”, “Every month on the second Thursday, 6 sessions”."""
    if draft.repeat == Repeat.NONE:
        return ""
    day = f"{draft.start:%A}"
    if draft.repeat == Repeat.MONTHLY:
        nth = (draft.start.day - 1) // 7 + 1
        rule = f"Every month on the {_NTH.get(nth, 'last')} {day}"
    else:
        rule = f"Every {'two weeks' if draft.repeat == Repeat.BIWEEKLY else 'week'} on {day}"
    if draft.until is not None:
        return f"{rule} until {draft.until:%b} {draft.until.day}, {draft.until.year}"
    return f"{rule}, {draft.count} sessions"


def counts_text(session: OccurrenceInfo) -> str:
    """The RSVP counts line of an announcement."""
    c = session.counts
    return f"✅ {c[RsvpAnswer.GOING]} going · 🤔 {c[RsvpAnswer.MAYBE]} maybe · 🙅 {c[RsvpAnswer.NO]} can't make it"


def occurrence_text(workshop: WorkshopInfo, session: OccurrenceInfo) -> str:
    """The notification text of an announcement (what shows in the sidebar and notifications)."""
    state = "Cancelled: " if not session.active else ""
    return f"{state}{escape_mrkdwn(workshop.draft.title)} — {slack_date(session.starts_at, workshop.zone)}"


def occurrence_blocks(workshop: WorkshopInfo, session: OccurrenceInfo, *, heading: str = "") -> list[Block]:
    """An announcement: what, when, where, how often, RSVP counts and the answer buttons."""
    draft = workshop.draft
    title = (
        f"*{escape_mrkdwn(draft.title)}*"
        if session.active
        else f"~*{escape_mrkdwn(draft.title)}*~ — *cancelled*"
    )
    lines = [f"{heading}{title}", f"🗓 {when_text(workshop, session)}"]
    if draft.location:
        lines.append(f"📍 {escape_mrkdwn(draft.location)}")
    if repeat := repeat_text(draft):
        lines.append(f"🔁 {repeat}")
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text="\n".join(lines)))]
    if draft.description:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=escape_mrkdwn(draft.description)[:3000])))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=counts_text(session))]))
    if session.active:
        value = str(session.id)
        blocks.append(
            ActionsBlock(
                block_id=WorkshopBlock.WORKSHOP_RSVP,
                elements=[
                    ButtonElement(
                        text="Going", action_id=WorkshopAction.WORKSHOP_GOING, value=value, style="primary"
                    ),
                    ButtonElement(text="Maybe", action_id=WorkshopAction.WORKSHOP_MAYBE, value=value),
                    ButtonElement(text="Can't make it", action_id=WorkshopAction.WORKSHOP_NO, value=value),
                    ButtonElement(text="Who's coming", action_id=WorkshopAction.WORKSHOP_WHO, value=value),
                    ButtonElement(text="Add to calendar", action_id=CalendarAction.ADD_WORKSHOP, value=value),
                ],
            )
        )
    return blocks


def next_occurrence_heading() -> str:
    """What a thread post of a later session starts with."""
    return "Next session of "


NEXT_DATES_SHOWN = 3


def by_workshop(
    items: list[tuple[WorkshopInfo, OccurrenceInfo]],
) -> list[tuple[WorkshopInfo, list[OccurrenceInfo]]]:
    """Upcoming sessions (soonest first) as each workshop once, in the order of its next session."""
    grouped: dict[int, tuple[WorkshopInfo, list[OccurrenceInfo]]] = {}
    for workshop, session in items:
        grouped.setdefault(workshop.id, (workshop, []))[1].append(session)
    return list(grouped.values())


def list_line(workshop: WorkshopInfo, sessions: list[OccurrenceInfo]) -> str:
    """One workshop in `/workshop list`: its next session, and for a repeat the dates after it."""
    first, later = sessions[0], sessions[1:]
    line = (
        f"*#{workshop.number}* {escape_mrkdwn(workshop.draft.title)} in <#{workshop.draft.channel_id}>\n"
        f"{when_text(workshop, first)} · {counts_text(first)}"
    )
    if later:
        dates = ", ".join(slack_day(s.starts_at, workshop.zone) for s in later[:NEXT_DATES_SHOWN])
        more = f" and {len(later) - NEXT_DATES_SHOWN} more" if len(later) > NEXT_DATES_SHOWN else ""
        line += f"\n🔁 {repeat_text(workshop.draft)} · then {dates}{more}"
    return line


def workshop_list_blocks(
    items: list[tuple[WorkshopInfo, OccurrenceInfo]], *, can_manage: bool
) -> list[Block]:
    """`/workshop list`: upcoming workshops, with the management commands for those allowed."""
    if not items:
        return [SectionBlock(text="No workshops are coming up.")]
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text="*Upcoming workshops*"))]
    # 50 blocks is a message's limit: workshops past the 40th share sections, cut only where they must be.
    lines = [list_line(w, s) for w, s in by_workshop(items)]
    blocks.extend(
        SectionBlock(text=MarkdownTextObject(text=shorten(line, SECTION_MAX))) for line in lines[:40]
    )
    blocks.extend(mrkdwn_sections("\n".join(lines[40:]))[: MESSAGE_BLOCKS - len(blocks) - 1])
    if can_manage:
        hint = "`/workshop edit N` · `/workshop cancel N` · `/workshop help`"
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=hint)]))
    return blocks


def workshop_list_text(items: list[tuple[WorkshopInfo, OccurrenceInfo]]) -> str:
    """`/workshop list` as notification text."""
    if not items:
        return "No workshops are coming up."
    return "\n".join(list_line(w, s) for w, s in by_workshop(items))


def saved_text(workshop: WorkshopInfo, first: OccurrenceInfo, *, edited: bool = False) -> str:
    """What the admin sees once a workshop is saved or changed (`first`: its next session)."""
    draft = workshop.draft
    verb = "updated" if edited else "saved"
    text = f"Workshop #{workshop.number} {verb}: *{escape_mrkdwn(draft.title)}* in <#{draft.channel_id}>, first session {when_text(workshop, first)}"
    if repeat := repeat_text(draft):
        text += (
            f" ({repeat[0].lower()}{repeat[1:]})"  # only its first word: weekdays and months keep capitals
        )
    if edited:
        return text + ". The announcement is updated and reminders follow the new times."
    if draft.announce_at is None:
        return text + ". I'm announcing it now."
    return text + f". I'll announce it {slack_date(draft.announce_at, workshop.zone)}."


def read_as_text(start: datetime, read_in: ZoneInfo, creator: ZoneInfo | None) -> str:
    """The first session's time as read, in the zone it was read in, the creator's and the program's:
    “Read as Thu Dec 10, 2026 5:00 PM CST (your time) · Thu Dec 10, 2026 6:00 PM EST (the program's time).”"""
    program = start.tzinfo if isinstance(start.tzinfo, ZoneInfo) else read_in
    labels: dict[str, list[str]] = {}
    zones = {z.key: z for z in (read_in, creator, program) if z is not None}
    if read_in.key not in {creator.key if creator else "", program.key}:
        labels.setdefault(read_in.key, []).append("as written")
    if creator is not None:
        labels.setdefault(creator.key, []).append("your time")
    labels.setdefault(program.key, []).append("the program's time")
    shown = [f"{plain_time(start, zones[key])} ({' and '.join(words)})" for key, words in labels.items()]
    return "Read as " + " · ".join(shown) + "."


def time_question(
    command: QuickWorkshop, start: datetime, read_in: ZoneInfo, doubt: str
) -> tuple[str, list[Block]]:
    """“Did you mean Thu Dec 10, 2026 7:00 PM CST …?” with Yes / No; Yes carries the command, its time in full."""
    shown = plain_time(start, read_in)
    question = f"Did you mean *{shown}* for *{escape_mrkdwn(command.title)}*? ({doubt}.)"
    local = start.astimezone(read_in)
    written = f"{local.hour % 12 or 12}:{local:%M}{local:%p}".lower()
    retype = (
        f"Type it again with the date and time in full, e.g. `{local:%b} {local.day} {local.year} {written}`."
    )
    payload = {
        "c": command.channel_id,
        "t": command.title,
        "w": f"{local:%Y-%m-%d %H:%M} {read_in.key}",
        "d": command.duration,
        "r": command.repeat,
    }
    return question, confirm_blocks(question, shown, WorkshopAction.TIME_YES, payload, retype)


def confirmed_command(payload: dict[str, Any]) -> QuickWorkshop | None:
    """The quick form a “Yes” carries, or None for a value that is not one of ours."""
    fields = [payload.get(key) for key in ("c", "t", "w", "d", "r")]
    if not all(isinstance(v, str) for v in fields[:3]) or not all(
        v is None or isinstance(v, str) for v in fields[3:]
    ):
        return None
    channel, title, when, duration, repeat = fields
    return QuickWorkshop(str(channel), str(title), str(when), duration, repeat)


def reminders_text(workshop: WorkshopInfo) -> str:
    """“1 day and 1 hour before”."""
    offsets = [describe_offset(m) for m in workshop.draft.reminders]
    return " and ".join(offsets) + " before"


def rsvp_reply(workshop: WorkshopInfo, session: OccurrenceInfo, answer: RsvpAnswer) -> str:
    """What the person who clicked is told about their answer."""
    when = slack_date(session.starts_at, workshop.zone)
    if answer == RsvpAnswer.NO:
        return f"Thanks for letting us know you can't make *{escape_mrkdwn(workshop.draft.title)}* ({when})."
    return (
        f"You're {ANSWER_WORDS[answer]} for *{escape_mrkdwn(workshop.draft.title)}* ({when}). "
        f"I'll send you a reminder {reminders_text(workshop)}."
    )


def who_is_coming_text(workshop: WorkshopInfo, session: OccurrenceInfo, people: Attendees) -> str:
    """The Who's coming list, for the clicker only."""
    when = slack_date(session.starts_at, workshop.zone)
    if not people.going and not people.maybe:
        return f"Nobody has said they're coming to *{escape_mrkdwn(workshop.draft.title)}* ({when}) yet."
    lines = [f"*Who's coming to {escape_mrkdwn(workshop.draft.title)}* ({when})"]
    if people.going:
        lines.append(f"✅ Going ({len(people.going)}): " + ", ".join(map(escape_mrkdwn, people.going)))
    if people.maybe:
        lines.append(f"🤔 Maybe ({len(people.maybe)}): " + ", ".join(map(escape_mrkdwn, people.maybe)))
    return "\n".join(lines)


def reminder_text(workshop: WorkshopInfo, session: OccurrenceInfo, minutes: int) -> str:
    """The DM reminder."""
    draft = workshop.draft
    where = f" · 📍 {escape_mrkdwn(draft.location)}" if draft.location else ""
    return (
        f"⏰ *{escape_mrkdwn(draft.title)}* starts in {describe_offset(minutes)}: {when_text(workshop, session)}{where} "
        f"(announced in <#{draft.channel_id}>)."
    )


def cancelled_thread_text(workshop: WorkshopInfo) -> str:
    """The cancellation note in the announcement's thread."""
    return (
        f"❌ *{escape_mrkdwn(workshop.draft.title)}* is cancelled: no more sessions are planned. "
        "Everyone who said Going or Maybe has been told."
    )


def cancelled_dm_text(workshop: WorkshopInfo) -> str:
    """The cancellation DM to those who said Going or Maybe."""
    return (
        f"❌ *{escape_mrkdwn(workshop.draft.title)}* in <#{workshop.draft.channel_id}> is cancelled, so no more reminders "
        "will come for it. Sorry for the change of plans."
    )


def welcome_blocks(channel_id: str, items: list[tuple[WorkshopInfo, OccurrenceInfo]]) -> list[Block]:
    """The ephemeral welcome for someone who joined a program channel: each workshop once, with its
    next session and how many more follow (a weekly one can have dozens)."""
    lines = []
    for workshop, sessions in by_workshop(items):
        later = len(sessions) - 1
        more = f" · {later} more date{'s' if later > 1 else ''}" if later else ""
        lines.append(f"• *{escape_mrkdwn(workshop.draft.title)}* — {when_text(workshop, sessions[0])}{more}")
    text = f"👋 Welcome to <#{channel_id}>! Workshops coming up here:\n" + "\n".join(lines)
    return [
        *mrkdwn_sections(text)[: MESSAGE_BLOCKS - 1],
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Click *Going* or *Maybe* on an announcement and I'll remind you before it starts."
                )
            ]
        ),
    ]


def welcome_text(channel_id: str, items: list[tuple[WorkshopInfo, OccurrenceInfo]]) -> str:
    """The welcome as notification text."""
    return f"Welcome to <#{channel_id}>! {len(items)} workshop session(s) coming up here."
