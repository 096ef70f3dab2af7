"""The digest's chart: the weeks of each cohort in small panels, as a PNG with alt text.

Rendered with matplotlib's Agg backend (no display). The image has its own opaque light
background and dark text, so it reads the same in Slack's light and dark themes; cohorts get
Okabe–Ito colours (distinguishable with the common colour-vision deficiencies) and, as a second
cue, each its own marker and line style. A figure not shown (a group too small) is a gap.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes

from bot.reports.measures import ALL_COHORTS
from bot.reports.suppression import Hidden, Row, Table

BACKGROUND = "#FFFFFF"
TEXT = "#1D1C1D"
GRID = "#DDDDDD"
# Okabe & Ito (2008), without yellow, which is too faint on white.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"]
MARKERS = ["o", "s", "^", "D", "v", "P"]
STYLES = ["-", "--", "-.", ":", "-", "--"]
# Well-being 1 (low) to 5 (high): a diverging Okabe–Ito scale, grey in the middle.
WELLBEING_COLOURS = ["#D55E00", "#E69F00", "#999999", "#56B4E9", "#0072B2"]
MAX_COHORTS = len(PALETTE)
ALT_TEXT_LIMIT = 2000  # Slack's limit for an image block's alt_text
PANELS = [
    ("answer_rate_pct", "Check-in answer rate (%)"),
    ("sessions_held", "Sessions held"),
    ("goals_set", "Goals set"),
    ("goals_completed", "Goals completed"),
    ("goals_closed_not_achieved", "Goals closed, not achieved"),
    ("asked_for_help_pct", "Asked for help (% of coachees)"),
    ("gone_quiet_pct", "Gone quiet (% of coachees)"),
]


@dataclass(frozen=True)
class Chart:
    png: bytes
    alt_text: str


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) else math.nan


def _series(table: Table, cohort: str, name: str) -> list[float]:
    rows = [table.row(cohort, week) for week in table.weeks]
    return [math.nan if row is None else _number(row.values[name]) for row in rows]


def charted_cohorts(table: Table) -> list[str]:
    """The cohorts drawn (the first few, by name), then the program's total."""
    cohorts = [c for c in table.cohorts if c != ALL_COHORTS][:MAX_COHORTS]
    return cohorts + ([ALL_COHORTS] if ALL_COHORTS in table.cohorts else [])


def _pyplot() -> ModuleType:
    """matplotlib, loaded on the first chart (seconds on a busy machine), once per process."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def render_chart(table: Table, title: str) -> Chart:
    """The PNG and its alt text for a table of weeks."""
    return Chart(chart_png(table, title), alt_text(table, title))


def chart_png(table: Table, title: str) -> bytes:
    """The chart of a table of weeks, as PNG bytes."""
    plt = _pyplot()
    figure, axes = plt.subplots(3, 3, figsize=(12, 9), dpi=100, facecolor=BACKGROUND)
    try:
        labels = [week.label[-3:] for week in table.weeks]
        cohorts = charted_cohorts(table)
        for ax, (name, heading) in zip(axes.flat, PANELS, strict=False):
            _style(ax, heading)
            percent = name.endswith("_pct")
            for n, cohort in enumerate(cohorts):
                total = cohort == ALL_COHORTS
                if total and not percent:
                    continue  # a count's total would flatten its cohorts: the alt text gives it
                ax.plot(
                    labels,
                    _series(table, cohort, name),
                    color=TEXT if total else PALETTE[n],
                    marker=None if total else MARKERS[n],
                    linestyle=":" if total else STYLES[n],
                    linewidth=2.5 if total else 1.8,
                    markersize=4,
                    label=cohort,
                )
            ax.tick_params(axis="x", labelrotation=45, labelsize=8)
            ax.set_ylim(bottom=0, top=100 if percent else None)
            if not percent:
                ax.yaxis.get_major_locator().set_params(integer=True)
        _wellbeing_panel(axes.flat[7], table, cohorts)
        _legend_panel(plt, axes.flat[8], axes.flat[0], table)
        figure.suptitle(title, color=TEXT, fontsize=14)
        # A fixed layout: tight_layout would draw the whole figure once more just to measure it.
        figure.subplots_adjust(left=0.06, right=0.98, bottom=0.07, top=0.92, wspace=0.28, hspace=0.55)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", facecolor=BACKGROUND)
    finally:
        plt.close(figure)
    return buffer.getvalue()


def _style(ax: Axes, heading: str) -> None:
    ax.set_facecolor(BACKGROUND)
    ax.set_title(heading, color=TEXT, fontsize=10)
    ax.tick_params(colors=TEXT, labelsize=8)
    ax.grid(True, color=GRID, linewidth=0.6)
    for spine in ax.spines.values():
        spine.set_color(GRID)


def _wellbeing_panel(ax: Axes, table: Table, cohorts: list[str]) -> None:
    """The latest week's well-being answers per cohort, as shares of 1–5 stacked left to right."""
    week = table.weeks[-1]
    _style(ax, f"Well-being answers, {week.label} (1 low – 5 high)")
    for position, cohort in enumerate(reversed(cohorts)):
        row = table.row(cohort, week)
        counts = [_number(row.values[f"wellbeing_{s}"]) for s in range(1, 6)] if row else [math.nan] * 5
        total = sum(counts)
        if math.isnan(total) or total == 0:
            ax.text(
                0,
                position,
                "  not shown" if row and not row.shown("wellbeing_1") else "  none",
                va="center",
                color=TEXT,
                fontsize=8,
            )
            continue
        left = 0.0
        for score, count in enumerate(counts):
            share = 100 * count / total
            ax.barh(position, share, left=left, color=WELLBEING_COLOURS[score], edgecolor=BACKGROUND)
            left += share
    ax.set_yticks(range(len(cohorts)), list(reversed(cohorts)), fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of answers", color=TEXT, fontsize=8)


def _legend_panel(plt: ModuleType, ax: Axes, source: Axes, table: Table) -> None:
    from matplotlib.patches import Patch

    ax.axis("off")
    handles, names = source.get_legend_handles_labels()
    handles += [Patch(color=colour) for colour in WELLBEING_COLOURS]
    names += [f"well-being {score}" for score in range(1, 6)]
    legend = ax.legend(handles, names, loc="upper left", frameon=False, fontsize=9, title="Cohorts", ncols=2)
    plt.setp(legend.get_texts(), color=TEXT)
    plt.setp(legend.get_title(), color=TEXT)
    ax.text(
        0,
        0.0,
        f"Gaps: fewer than {table.min_group} people — not shown.",
        color=TEXT,
        fontsize=8,
        transform=ax.transAxes,
    )


def _figure_text(row: Row) -> str:
    v = row.values
    if not row.shown("coachees"):
        return f"{row.cohort}: {v['coachees']}"
    parts = [f"{v['coachees']} coachees"]
    rate = v["answer_rate_pct"]
    parts.append(f"answer rate {rate}" if isinstance(rate, Hidden) else f"answer rate {_pct(rate)}")
    parts += [
        f"{v['sessions_held']} sessions held",
        f"{v['goals_set']} goals set",
        f"{v['goals_completed']} completed",
        f"{v['goals_closed_not_achieved']} closed not achieved",
        f"asked for help {_pct(v['asked_for_help_pct'])}",
        f"gone quiet {_pct(v['gone_quiet_pct'])}",
    ]
    if row.shown("wellbeing_1"):
        scores = "/".join(str(v[f"wellbeing_{s}"]) for s in range(1, 6))
        parts.append(f"well-being answers 1–5: {scores}")
    else:
        parts.append(f"well-being {v['wellbeing_1']}")
    return f"{row.cohort}: " + ", ".join(parts)


def _pct(value: object) -> str:
    return "n/a" if value is None else f"{value}%"


def alt_text(table: Table, title: str) -> str:
    """What the chart shows, in words: the latest week's figures for each cohort and the total."""
    if not table.weeks:
        return f"{title}: no weeks to show yet."
    week = table.weeks[-1]
    head = f"{title}. Weeks {table.weeks[0].label} to {week.label}; figures for {week.label}: "
    lines = [
        _figure_text(row) for row in table.rows if row.week == week and row.cohort in charted_cohorts(table)
    ]
    text = head + "; ".join(lines) + "."
    while len(text) > ALT_TEXT_LIMIT and len(lines) > 1:
        lines.pop(-2)  # keep the total, drop cohorts from the end
        text = head + "; ".join(lines) + "; and more cohorts (see the digest)."
    return text[:ALT_TEXT_LIMIT]
