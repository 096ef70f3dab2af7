"""Nudge times as pure functions of explicit aware datetimes: DST, odd zones, quiet time, pauses."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.goals.nudge_schedule import NudgeRules, allowed_time, next_nudge
from storage.models import Cadence

NY = "America/New_York"


def at(tz: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(tz))  # type: ignore[misc]


def local(moment: datetime | None, tz: str) -> str:
    assert moment is not None
    return moment.astimezone(ZoneInfo(tz)).strftime("%a %Y-%m-%d %H:%M %Z")


def test_a_weekly_nudge_stays_at_nine_when_new_york_falls_back_on_2026_11_01() -> None:
    rules = NudgeRules(tz=NY, weekends=True)
    anchor = date(2026, 10, 25)  # a Sunday
    before = next_nudge(Cadence.WEEKLY, anchor, at(NY, 2026, 10, 25, 10, 0), rules)
    assert local(before, NY) == "Sun 2026-11-01 09:00 EST"
    assert before == datetime(2026, 11, 1, 14, 0, tzinfo=UTC)  # was 13:00 UTC the week before


def test_a_daily_nudge_stays_at_nine_when_new_york_springs_forward_on_2027_03_14() -> None:
    rules = NudgeRules(tz=NY, weekends=True)
    saturday = next_nudge(Cadence.DAILY, date(2027, 3, 1), at(NY, 2027, 3, 12, 10, 0), rules)
    sunday = next_nudge(Cadence.DAILY, date(2027, 3, 1), saturday, rules)  # type: ignore[arg-type]
    assert local(saturday, NY) == "Sat 2027-03-13 09:00 EST"
    assert local(sunday, NY) == "Sun 2027-03-14 09:00 EDT"
    assert sunday - saturday == (
        datetime(2027, 3, 14, 13, tzinfo=UTC) - datetime(2027, 3, 13, 14, tzinfo=UTC)
    )  # type: ignore[operator]


def test_a_nudge_time_inside_the_spring_forward_gap_lands_just_after_it() -> None:
    rules = NudgeRules(
        tz=NY, weekends=True, nudge_minute=2 * 60 + 30, quiet_start_minute=0, quiet_end_minute=0
    )
    due = next_nudge(Cadence.DAILY, date(2027, 3, 1), at(NY, 2027, 3, 13, 12, 0), rules)
    assert local(due, NY) == "Sun 2027-03-14 03:30 EDT"


def test_kolkata_half_hour_zone_gets_nine_local_which_is_three_thirty_utc() -> None:
    tz = "Asia/Kolkata"
    due = next_nudge(Cadence.DAILY, date(2026, 11, 23), at(tz, 2026, 11, 23, 10, 0), NudgeRules(tz=tz))
    assert local(due, tz) == "Tue 2026-11-24 09:00 IST"
    assert due == datetime(2026, 11, 24, 3, 30, tzinfo=UTC)


def test_auckland_monday_morning_is_sunday_in_utc_and_weekends_are_counted_locally() -> None:
    tz = "Pacific/Auckland"
    friday_evening = at(tz, 2026, 11, 27, 18, 0)
    due = next_nudge(Cadence.DAILY, date(2026, 11, 1), friday_evening, NudgeRules(tz=tz))
    assert local(due, tz) == "Mon 2026-11-30 09:00 NZDT"
    assert due == datetime(2026, 11, 29, 20, 0, tzinfo=UTC)  # still Sunday in UTC


def test_auckland_daylight_saving_starting_on_2026_09_27_keeps_nine_local() -> None:
    tz = "Pacific/Auckland"
    rules = NudgeRules(tz=tz, weekends=True)
    saturday = next_nudge(Cadence.DAILY, date(2026, 9, 1), at(tz, 2026, 9, 25, 12, 0), rules)
    sunday = next_nudge(Cadence.DAILY, date(2026, 9, 1), saturday, rules)  # type: ignore[arg-type]
    assert local(saturday, tz) == "Sat 2026-09-26 09:00 NZST"
    assert local(sunday, tz) == "Sun 2026-09-27 09:00 NZDT"


def test_weekly_and_biweekly_count_from_the_day_the_goal_was_set() -> None:
    rules = NudgeRules(tz=NY)
    tuesday = date(2026, 11, 24)
    now = at(NY, 2026, 11, 24, 12, 0)
    assert local(next_nudge(Cadence.WEEKLY, tuesday, now, rules), NY) == "Tue 2026-12-01 09:00 EST"
    assert local(next_nudge(Cadence.BIWEEKLY, tuesday, now, rules), NY) == "Tue 2026-12-08 09:00 EST"
    assert next_nudge(Cadence.OFF, tuesday, now, rules) is None


def test_weekend_nudges_move_to_monday_unless_weekends_are_on() -> None:
    saturday_goal = date(2026, 11, 28)
    now = at(NY, 2026, 11, 28, 12, 0)
    assert (
        local(next_nudge(Cadence.WEEKLY, saturday_goal, now, NudgeRules(tz=NY)), NY)
        == "Mon 2026-12-07 09:00 EST"
    )
    on = NudgeRules(tz=NY, weekends=True)
    assert local(next_nudge(Cadence.WEEKLY, saturday_goal, now, on), NY) == "Sat 2026-12-05 09:00 EST"


def test_nothing_falls_in_quiet_hours_it_moves_to_their_end() -> None:
    rules = NudgeRules(tz=NY, quiet_start_minute=20 * 60, quiet_end_minute=8 * 60)
    assert local(allowed_time(at(NY, 2026, 11, 24, 3, 0), rules), NY) == "Tue 2026-11-24 08:00 EST"
    assert local(allowed_time(at(NY, 2026, 11, 24, 21, 0), rules), NY) == "Wed 2026-11-25 08:00 EST"
    assert local(allowed_time(at(NY, 2026, 11, 24, 12, 0), rules), NY) == "Tue 2026-11-24 12:00 EST"


def test_a_pause_moves_nudges_to_the_day_it_ends_at_the_nudge_time() -> None:
    rules = NudgeRules(tz=NY, paused_until=date(2026, 12, 2))
    due = next_nudge(Cadence.DAILY, date(2026, 11, 1), at(NY, 2026, 11, 24, 12, 0), rules)
    assert local(due, NY) == "Wed 2026-12-02 09:00 EST"


def test_program_quiet_periods_hold_nudges_until_the_first_working_day_after() -> None:
    winter = (date(2026, 12, 21), date(2027, 1, 3))
    rules = NudgeRules(tz=NY, quiet_periods=[winter])
    due = next_nudge(Cadence.DAILY, date(2026, 11, 1), at(NY, 2026, 12, 18, 12, 0), rules)
    assert local(due, NY) == "Mon 2027-01-04 09:00 EST"  # Jan 4 is the first weekday after the break
