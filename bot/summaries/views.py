"""Block Kit for the coach's weekly summary: one section per coachee, split into messages that fit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.meetings.service import CHECKLIST
from bot.meetings.views import attendance_word
from bot.platform.dates import describe_due, local_timestamp
from bot.platform.text import escape_mrkdwn
from bot.summaries.flags import EMOJI, QUESTIONS, Flag, rules_text
from bot.summaries.ids import SummaryAction
from bot.summaries.service import CoacheeSummary, GoalLine

MAX_BLOCKS = 50  # Slack's limit per message
SECTION_MAX = 3000  # Slack's limit per section text
NOTE_MAX = 280


@dataclass(frozen=True)
class Message:
    text: str
    blocks: list[Block]


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return "“" + escape_mrkdwn(text if len(text) <= NOTE_MAX else text[: NOTE_MAX - 1] + "…") + "”"


def _flags(flags: list[Flag], why: dict[Flag, str] | None = None) -> str:
    why = why or {}
    return " · ".join(f"{EMOJI[flag]} {flag}" + (f" ({why[flag]})" if flag in why else "") for flag in flags)


def legend_footer(*, with_legend: bool) -> list[Block]:
    """The rules written out (the first time only), and the button that shows them any time."""
    blocks: list[Block] = []
    if with_legend:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=rules_text())]))
    blocks.append(
        ActionsBlock(
            block_id="flag_legend",
            elements=[ButtonElement(text="What do the flags mean?", action_id=SummaryAction.FLAG_LEGEND)],
        )
    )
    return blocks


def _goal(goal: GoalLine, today: date) -> str:
    line = f"{goal.number}. {escape_mrkdwn(goal.title)}"
    if goal.target_date is None:
        line += " — no due date"
    elif goal.overdue:
        line = f"⚠️ {line} — *{describe_due(goal.target_date, today)}*"
    else:
        line += f" — {describe_due(goal.target_date, today)}"
    if goal.notes_this_week:
        line += f" ({goal.notes_this_week} progress note{'s' if goal.notes_this_week > 1 else ''} this week)"
    return line


def _session(summary: CoacheeSummary, tz: str) -> str:
    """The last session and how it stands (held, not confirmed …), then the next one."""
    last = ""
    if summary.last_session is not None:
        last = f"Last session {local_timestamp(summary.last_session, tz)}: {attendance_word(summary.last_attendance)} · "
    if summary.next_session is None:
        return f"{last}No session booked"
    return f"{last}Next session {local_timestamp(summary.next_session, tz)} · prep {summary.prep_done}/{len(CHECKLIST)}"


def _active(summary: CoacheeSummary, today: date) -> list[str]:
    """Every active goal with its due date, overdue ones marked; said plainly when there are none."""
    if not summary.active_goals:
        return ["🎯 No active goals"]
    return ["🎯 Active: " + "; ".join(_goal(g, today) for g in summary.active_goals)]


def coachee_lines(summary: CoacheeSummary, today: date, tz: str) -> list[str]:
    """What the summary says about one coachee, one line each (the first names them and their flags)."""
    head = f"*<@{summary.user_id}>*" + (f"  {_flags(summary.flags, summary.why)}" if summary.flags else "")
    if summary.quiet_week:
        heard = (
            f"last heard from {local_timestamp(summary.last_heard, tz)}"
            if summary.last_heard
            else "no check-ins yet"
        )
        return [
            head,
            f"Nothing to report this week ({heard})",
            *_active(summary, today),
            f"📅 {_session(summary, tz)}",
        ]
    lines = [head]
    if summary.goals_done:
        lines.append("✅ Completed this week: " + "; ".join(escape_mrkdwn(g) for g in summary.goals_done))
    if summary.goals_not_achieved:
        lines.append(
            "◻️ Closed, not achieved this week: "
            + "; ".join(escape_mrkdwn(g) for g in summary.goals_not_achieved)
        )
    if summary.goals_dropped:
        lines.append("➖ Dropped this week: " + "; ".join(escape_mrkdwn(g) for g in summary.goals_dropped))
    lines += _active(summary, today)
    answers = f"{summary.on_track} on track, {summary.need_help} need help"
    if summary.unanswered_nudges:
        answers += (
            f" · {summary.unanswered_nudges} nudge{'s' if summary.unanswered_nudges > 1 else ''} unanswered"
        )
    lines.append(f"💬 Check-ins: {answers}")
    if summary.wellbeing:
        lines.append("🌡️ Well-being: " + " → ".join(f"{w}/5" for w in summary.wellbeing))
    lines += [f"📝 {_quote(note)}" for note in summary.shared_notes]
    lines.append(f"📅 {_session(summary, tz)}")
    if summary.last_takeaways:
        lines.append(f"🔁 Last session's takeaways: {_quote(summary.last_takeaways)}")
    return lines


def sections(lines: list[str]) -> list[Block]:
    """Sections of at most SECTION_MAX characters, broken between lines."""
    blocks: list[Block] = []
    current = ""
    for line in lines:
        if current and len(current) + 1 + len(line) > SECTION_MAX:
            blocks.append(SectionBlock(text=MarkdownTextObject(text=current)))
            current = ""
        current = f"{current}\n{line}" if current else line[:SECTION_MAX]
    blocks.append(SectionBlock(text=MarkdownTextObject(text=current)))
    return blocks


def coachee_blocks(summary: CoacheeSummary, today: date, tz: str) -> list[Block]:
    blocks = sections(coachee_lines(summary, today, tz))
    questions = [q for flag in summary.flags for q in QUESTIONS[flag]]
    if questions:
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text="You could ask: " + " · ".join(questions))])
        )
    return blocks


def pack(title: str, intro: str, groups: list[list[Block]], footer: list[Block]) -> list[Message]:
    """Messages of at most MAX_BLOCKS blocks; a group (one coachee) is never split between two."""
    messages: list[list[Block]] = [
        [HeaderBlock(text=title), SectionBlock(text=MarkdownTextObject(text=intro))]
    ]
    for group in [*groups, footer]:
        if len(messages[-1]) + len(group) > MAX_BLOCKS:
            messages.append([])
        messages[-1].extend(group)
    total = len(messages)
    return [
        Message(title if total == 1 else f"{title} ({n}/{total})", blocks)
        for n, blocks in enumerate(messages, 1)
    ]


def summary_messages(
    summaries: list[CoacheeSummary], today: date, tz: str, *, with_legend: bool = True
) -> list[Message]:
    """The coach's summary: the first message, then the rest as replies in its thread.

    The flags' rules are written out in a coach's first summary; later ones carry only the button.
    """
    attention = sum(1 for s in summaries if set(s.flags) & {Flag.ASKED_FOR_HELP, Flag.GONE_QUIET})
    intro = (
        f"The last 7 days for your {len(summaries)} coachee{'s' if len(summaries) != 1 else ''}"
        f" · {attention} may need your attention (they come first)."
    )
    groups = [coachee_blocks(summary, today, tz) for summary in summaries]
    return pack("Your weekly coaching summary", intro, groups, legend_footer(with_legend=with_legend))
