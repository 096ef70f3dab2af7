"""Report figures in words for Slack: the digest's cohort lines and the admin's Home chart."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    ImageBlock,
    MarkdownTextObject,
)

from bot.platform.text import escape_mrkdwn as esc
from bot.reports.suppression import Hidden, Row, Table, Value


def _value(value: Value, suffix: str = "") -> str:
    if isinstance(value, Hidden):
        return value.text
    return "n/a" if value is None else f"{value}{suffix}"


def cohort_line(row: Row) -> str:
    """One cohort's week in one line; a small group's figures read "fewer than N — not shown"."""
    v = row.values
    name = f"*{esc(row.cohort)}*"
    if not row.shown("coachees"):
        return f"• {name}: {_value(v['coachees'])}"
    wellbeing = (
        "/".join(str(v[f"wellbeing_{s}"]) for s in range(1, 6))
        if row.shown("wellbeing_1")
        else _value(v["wellbeing_1"])
    )
    return (
        f"• {name} ({v['coachees']} coachees): answer rate {_value(v['answer_rate_pct'], '%')} · "
        f"sessions held {v['sessions_held']} · goals set {v['goals_set']}, completed {v['goals_completed']}, "
        f"closed not achieved {v['goals_closed_not_achieved']} · 🆘 {_value(v['asked_for_help_pct'], '%')} · "
        f"🔕 {_value(v['gone_quiet_pct'], '%')} · well-being 1–5: {wellbeing}"
    )


def cohort_lines(table: Table) -> list[str]:
    """The latest week of the table, cohort by cohort, then the total."""
    if not table.weeks:
        return []
    week = table.weeks[-1]
    head = f"*By cohort, week {week.label}* (from Monday {week.monday:%b %-d}):"
    return [head, *[cohort_line(row) for row in table.rows if row.week == week]]


def chart_home_section(file_id: str, alt_text: str) -> list[Block]:
    """The admin's Home: the chart uploaded with their latest digest."""
    return [
        HeaderBlock(text="Program, by cohort"),
        ImageBlock(slack_file={"id": file_id}, alt_text=alt_text[:2000] or "Program chart"),
        ContextBlock(
            elements=[
                MarkdownTextObject(text="From your latest digest · `/coach report` sends the figures as CSV")
            ]
        ),
        DividerBlock(),
    ]
