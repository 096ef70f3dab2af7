"""Workshop times as people type them, and recurrences in the program's zone across DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.platform.dates import Reader
from bot.platform.when import (
    MAX_OCCURRENCES,
    Repeat,
    WhenError,
    describe_duration,
    occurrence_starts,
    parse_duration,
    parse_local_date,
    parse_when,
    slack_date,
)

NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # Monday 10:00 in New York
IN_NEW_YORK = Reader.of("America/New_York", NOW)
DEC_10 = Reader.of("America/New_York", datetime(2026, 12, 10, 17, tzinfo=UTC))


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("2026-12-10 17:00", datetime(2026, 12, 10, 17, 0)),
        ("Dec 10 5pm", datetime(2026, 12, 10, 17, 0)),
        ("Dec 10 at 5:30 pm", datetime(2026, 12, 10, 17, 30)),
        ("12/10 5:30pm", datetime(2026, 12, 10, 17, 30)),
        ("tomorrow 9am", datetime(2026, 11, 24, 9, 0)),
        ("next Thursday at noon", datetime(2026, 11, 26, 12, 0)),
        ("3pm tomorrow", datetime(2026, 11, 24, 15, 0)),
        ("Jan 7 5pm", datetime(2027, 1, 7, 17, 0)),  # without a year, the next Jan 7
    ],
)
def test_times_are_read_as_wall_clock_time_in_the_program_zone(words: str, expected: datetime) -> None:
    assert parse_when(words, IN_NEW_YORK) == expected.replace(tzinfo=NEW_YORK)


@pytest.mark.parametrize("words", ["Dec 10", "next week", "Dec 10 5pm sharp"])
def test_a_date_without_a_time_is_refused_with_examples(words: str) -> None:
    with pytest.raises(WhenError, match=r"“.*” or “.*”"):
        parse_when(words, IN_NEW_YORK)


@pytest.mark.parametrize(
    ("words", "reason"),
    [("Nov 2 9am", "Nov 2 has passed this year"), ("Dec 10 at 7", "could be morning or evening")],
)
def test_a_workshop_time_in_doubt_is_refused_with_the_reading_to_write_out(words: str, reason: str) -> None:
    with pytest.raises(WhenError, match=reason) as refused:
        parse_when(words, IN_NEW_YORK)
    assert "Did you mean" in str(refused.value) and "write the date and time in full" in str(refused.value)


def test_a_time_the_clocks_skip_is_refused() -> None:
    with pytest.raises(WhenError, match=r"does not exist on .* in America/New_York"):
        parse_when("2027-03-14 02:30", IN_NEW_YORK)


def test_the_repeated_autumn_hour_means_the_first_one() -> None:
    first = parse_when("2027-11-07 01:30", IN_NEW_YORK)
    assert first.utcoffset() == timedelta(hours=-4)


@pytest.mark.parametrize(
    ("words", "minutes"), [("90m", 90), ("1h30m", 90), ("1h", 60), ("2 hours", 120), ("45 min", 45)]
)
def test_durations(words: str, minutes: int) -> None:
    assert parse_duration(words) == timedelta(minutes=minutes)


@pytest.mark.parametrize("words", ["soon", "0m", "13h", ""])
def test_unreadable_or_unreasonable_durations_are_refused(words: str) -> None:
    with pytest.raises(WhenError):
        parse_duration(words)


def test_a_weekly_17_00_workshop_stays_at_17_00_across_the_march_dst_change() -> None:
    first = parse_when("2027-03-04 17:00", IN_NEW_YORK)
    starts = occurrence_starts(first, Repeat.WEEKLY, until=date(2027, 3, 25))
    assert [s.astimezone(NEW_YORK).strftime("%m-%d %H:%M") for s in starts] == [
        "03-04 17:00",
        "03-11 17:00",
        "03-18 17:00",
        "03-25 17:00",
    ]
    # In UTC the sessions move an hour earlier once New York springs forward on March 14.
    assert [s.astimezone(UTC).hour for s in starts] == [22, 22, 21, 21]


def test_every_two_weeks_and_monthly_on_the_same_weekday() -> None:
    first = parse_when("2026-12-10 17:00", IN_NEW_YORK)  # the 2nd Thursday of December
    biweekly = occurrence_starts(first, Repeat.BIWEEKLY, count=3)
    assert [s.strftime("%a %b %d") for s in biweekly] == ["Thu Dec 10", "Thu Dec 24", "Thu Jan 07"]
    monthly = occurrence_starts(first, Repeat.MONTHLY, count=4)
    assert [s.strftime("%a %b %d %H:%M") for s in monthly] == [
        "Thu Dec 10 17:00",
        "Thu Jan 14 17:00",
        "Thu Feb 11 17:00",
        "Thu Mar 11 17:00",
    ]


def test_a_fifth_weekday_repeats_as_the_last_weekday_of_each_month() -> None:
    first = parse_when("2026-12-31 12:00", IN_NEW_YORK)  # the 5th Thursday
    starts = occurrence_starts(first, Repeat.MONTHLY, count=3)
    assert [s.strftime("%b %d") for s in starts] == ["Dec 31", "Jan 28", "Feb 25"]


def test_a_repeat_that_ends_before_it_starts_or_never_ends_is_refused() -> None:
    first = parse_when("2026-12-10 17:00", IN_NEW_YORK)
    with pytest.raises(WhenError, match="before the first session"):
        occurrence_starts(first, Repeat.WEEKLY, until=date(2026, 12, 1))
    with pytest.raises(WhenError, match="one end"):
        occurrence_starts(first, Repeat.WEEKLY)
    with pytest.raises(WhenError, match=f"more than {MAX_OCCURRENCES}"):
        occurrence_starts(first, Repeat.WEEKLY, until=date(2028, 12, 31))


def test_a_date_without_a_year_is_the_next_one() -> None:
    assert parse_local_date("Feb 25", DEC_10) == date(2027, 2, 25)
    assert parse_local_date("2027-01-14", DEC_10) == date(2027, 1, 14)
    with pytest.raises(WhenError):
        parse_local_date("whenever", DEC_10)


def test_slack_date_formatting_lets_each_reader_see_their_own_zone() -> None:
    start = parse_when("2026-12-10 17:00", IN_NEW_YORK)
    assert slack_date(start, NEW_YORK) == (
        f"<!date^{int(start.timestamp())}^{{date_short_pretty}} at {{time}}|Thu Dec 10, 2026 5:00 PM EST>"
    )
    assert describe_duration(timedelta(minutes=90)) == "1h 30m"


def test_a_time_alone_means_that_time_today_in_the_program_zone() -> None:
    today = NOW.astimezone(NEW_YORK).date()
    assert parse_when("5pm", IN_NEW_YORK) == datetime(
        today.year, today.month, today.day, 17, 0, tzinfo=NEW_YORK
    )
