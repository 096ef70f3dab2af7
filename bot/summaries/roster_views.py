"""Block Kit for the roster: `/coach roster` and the coach's section of App Home."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.meetings.pairings import RosterEntry
from bot.meetings.service import CHECKLIST
from bot.meetings.views import attendance_word
from bot.platform.dates import local_timestamp
from bot.platform.text import SECTION_MAX, shorten
from bot.platform.text import escape_mrkdwn as esc
from bot.summaries.flags import EMOJI, Flag, rules_text

ROSTER_LINES_MAX = 40


def _line(
    entry: RosterEntry, tz: str, *, with_coach: bool, flags: Mapping[int, list[Flag]] | None = None
) -> str:
    agreed = (
        f"agreed {local_timestamp(entry.agreed_at, tz)}" if entry.agreed_at else "agreement not yet accepted"
    )
    if entry.next_session:
        session = (
            f"next session {local_timestamp(entry.next_session, tz)} · "
            f"prep {entry.checklist_done}/{len(CHECKLIST)}"
        )
    else:
        session = "no session booked"
    if entry.last_session:
        session = f"last session {local_timestamp(entry.last_session, tz)}: {attendance_word(entry.last_attendance)} · {session}"
    who = f"<@{entry.coachee.user_id}>"
    if with_coach:
        who += f" ← coach <@{entry.coach.user_id}>"
    if entry.cohort:
        who += f" · cohort {esc(entry.cohort)}"
    for flag in (flags or {}).get(entry.coachee.person_id, []):
        who += f" {EMOJI[flag]} _{flag}_"
    return f"{who} · {agreed} · {session}"


def roster_text(entries: list[RosterEntry], tz: str, *, everyone: bool) -> str:
    if not entries:
        return "No coaching pairs yet." if everyone else "You have no coachees yet."
    return "\n".join(_line(entry, tz, with_coach=everyone) for entry in entries)


def roster_blocks(entries: list[RosterEntry], tz: str, *, everyone: bool) -> list[Block]:
    title = "*Every coaching pair*" if everyone else "*Your coachees*"
    if not entries:
        return [SectionBlock(text=roster_text(entries, tz, everyone=everyone))]
    lines = [_line(entry, tz, with_coach=everyone) for entry in entries]
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=title))]
    blocks += [SectionBlock(text=MarkdownTextObject(text=line)) for line in lines[:ROSTER_LINES_MAX]]
    if len(lines) > ROSTER_LINES_MAX:
        blocks.append(SectionBlock(text=MarkdownTextObject(text="\n".join(lines[ROSTER_LINES_MAX:])[:3000])))
    return blocks


def roster_home_section(
    entries: list[RosterEntry],
    tz: str,
    flags: Mapping[int, list[Flag]] | None = None,
    need_help: Mapping[int, list[tuple[int, str, datetime]]] | None = None,
) -> list[Block]:
    """The coach's roster at the top of their Home: one line per coachee, with the summary's flags
    and each open "need help" (the goal named)."""
    if not entries:
        return []
    lines = []
    for entry in entries:
        line = _line(entry, tz, with_coach=False, flags=flags)
        for number, title, at in (need_help or {}).get(entry.coachee.person_id, []):
            line += f"\n🤝 Need help on #{number} {esc(title)} (since {local_timestamp(at, tz)})"
        lines.append(shorten(line, SECTION_MAX))
    return [
        HeaderBlock(text="Your coachees"),
        *[SectionBlock(text=MarkdownTextObject(text=line)) for line in lines[:20]],
        ContextBlock(elements=[MarkdownTextObject(text="`/meeting @coachee <when>` books a session")]),
        ContextBlock(elements=[MarkdownTextObject(text=rules_text())]),
        DividerBlock(),
    ]
