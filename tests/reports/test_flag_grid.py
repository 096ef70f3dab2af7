"""The report's whole-array flags say what the weekly summary's rules (flags_for) say, person by person
and week by week, whatever the moments, nudges, pairings, quiet periods and pauses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.reports.flag_grid import NEVER, Nudges, asked_for_help, gone_quiet, last_heard, micros
from bot.summaries.flags import Flag, Signals, flags_for
from storage.models import NudgeAnswer

START = micros(datetime(2026, 9, 7, 4, tzinfo=UTC))
DAY = 24 * 3600 * 10**6
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def moment(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


def _within(low: int, high: int) -> st.SearchStrategy[int]:
    # Whole days and hours hit the 14-day edge exactly; microseconds land anywhere.
    step = st.sampled_from([DAY, 3600 * 10**6, 1])
    return st.builds(lambda s, n: low + min(high - low - 1, s * n), step, st.integers(0, high - low))


@st.composite
def programs(draw: Any) -> dict[str, Any]:
    weeks = draw(st.integers(1, 5))
    ends = [START + (w + 1) * 7 * DAY for w in range(weeks)]
    at = list(ends)
    if draw(st.booleans()):  # the last week is still running: its flags stand at "now"
        at[-1] -= draw(st.integers(1, 7 * DAY - 1))
    people = draw(st.integers(1, 4))
    low, high = START - 40 * DAY, ends[-1]
    activity, paired, nudges, excused = [], [], [], []
    for _ in range(people):
        row = [draw(st.one_of(st.none(), _within(low, START)))]
        row += [draw(st.one_of(st.none(), _within(START + w * 7 * DAY, ends[w]))) for w in range(weeks)]
        activity.append([NEVER if m is None else m for m in row])
        made = draw(_within(low, high))
        paired.append([made if draw(st.booleans()) or made < at[w] else NEVER for w in range(weeks)])
        sent = sorted(draw(st.lists(_within(low, high), max_size=8)))
        nudges.append([(s, draw(st.booleans())) for s in sent])
        stretches = draw(st.lists(st.tuples(_within(low, high), st.integers(0, 20 * DAY)), max_size=3))
        excused.append([(a, a + n) for a, n in stretches])
    need_help = draw(st.lists(st.lists(st.integers(0, 2), min_size=weeks, max_size=weeks), min_size=people, max_size=people))  # fmt: skip
    scores = st.lists(st.integers(0, 2), min_size=5, max_size=5)
    wellbeing = draw(st.lists(st.lists(scores, min_size=weeks, max_size=weeks), min_size=people, max_size=people))  # fmt: skip
    return dict(at=at, activity=activity, paired=paired, nudges=nudges, excused=excused, need_help=need_help, wellbeing=wellbeing)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(programs())
def test_the_reports_flags_are_the_summary_rules_for_every_person_and_week(program: dict[str, Any]) -> None:
    at = np.array(program["at"], np.int64)
    activity = np.array(program["activity"], np.int64)
    paired = np.array(program["paired"], np.int64)
    rows = [(p, s, a) for p, person in enumerate(program["nudges"]) for s, a in person]
    nudges = Nudges(
        np.array([p for p, _, _ in rows], np.intp),
        np.array([s for _, s, _ in rows], np.int64),
        np.array([a for _, _, a in rows], np.bool_),
    )
    heard = last_heard(activity, at)
    quiet = gone_quiet(nudges, at, heard, paired, program["excused"])
    helped = asked_for_help(
        np.array(program["need_help"], np.int64), np.array(program["wellbeing"], np.int64)
    )
    for p, person in enumerate(program["nudges"]):
        for w, now in enumerate(program["at"]):
            seen = [m for m in program["activity"][p][: w + 2] if m != NEVER and m < now]
            assert heard[p, w] == max(seen, default=NEVER)
            before = [(moment(s), a) for s, a in person if s < now]
            signals = Signals(
                now=moment(now),
                since=moment(now - 7 * DAY),
                paired_at=moment(now if program["paired"][p][w] == NEVER else program["paired"][p][w]),
                last_activity=moment(max(seen)) if seen else None,
                last_nudges=list(reversed(before))[:3],
                week_nudges_on_track=[],
                week_answers=[NudgeAnswer.NEED_HELP] * program["need_help"][p][w] + [NudgeAnswer.ON_TRACK],
                week_wellbeing=[s + 1 for s, n in enumerate(program["wellbeing"][p][w]) for _ in range(n)],
                goals_done_this_week=0,
                excused=[(moment(a), moment(b)) for a, b in program["excused"][p]],
            )
            flags = flags_for(signals)
            assert helped[p, w] == (Flag.ASKED_FOR_HELP in flags)
            if program["paired"][p][w] != NEVER:  # a coachee that week
                assert quiet[p, w] == (Flag.GONE_QUIET in flags), (p, w)
