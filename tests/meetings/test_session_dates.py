"""Session times are read in the booker's zone and stored in UTC, DST included; lengths read as people write them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.meetings.booking_text import parse_when
from bot.platform.dates import DateError, Reader, describe_minutes, read_date, read_duration, read_moment
from bot.platform.errors import UserError

MONDAY = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # 10:00 in New York, 20:30 in Kolkata


def parse_datetime(words: str, now: datetime, tz: str) -> datetime:
    """The reader's moment in UTC, as the meeting services store it."""
    return read_moment(words, Reader.of(tz, now)).value.astimezone(UTC)


@pytest.mark.parametrize(
    ("words", "tz", "expected"),
    [
        ("2026-12-03 13:00", "America/New_York", datetime(2026, 12, 3, 18, 0, tzinfo=UTC)),
        ("2026-12-03 13:00", "Asia/Kolkata", datetime(2026, 12, 3, 7, 30, tzinfo=UTC)),
        ("next Tuesday 2pm", "America/New_York", datetime(2026, 11, 24, 19, 0, tzinfo=UTC)),
        ("Dec 3 1:30pm", "America/Chicago", datetime(2026, 12, 3, 19, 30, tzinfo=UTC)),
        ("tomorrow 9am", "America/New_York", datetime(2026, 11, 24, 14, 0, tzinfo=UTC)),
        ("tomorrow at 9 am", "America/New_York", datetime(2026, 11, 24, 14, 0, tzinfo=UTC)),
        ("4pm", "America/New_York", datetime(2026, 11, 23, 21, 0, tzinfo=UTC)),
        ("12am Dec 4", "UTC", datetime(2026, 12, 4, 0, 0, tzinfo=UTC)),
        ("whenever suits", "UTC", None),
    ],
)
def test_the_documented_forms_are_read_in_the_given_zone(
    words: str, tz: str, expected: datetime | None
) -> None:
    if expected is None:
        with pytest.raises(DateError):
            parse_datetime(words, MONDAY, tz)
    else:
        assert parse_datetime(words, MONDAY, tz) == expected


def test_tomorrow_is_the_bookers_tomorrow_not_utcs() -> None:
    late = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)  # Tuesday 01:30 in Kolkata, Monday 15:00 in New York
    assert parse_datetime("tomorrow 9am", late, "Asia/Kolkata") == datetime(2026, 11, 25, 3, 30, tzinfo=UTC)
    assert parse_datetime("tomorrow 9am", late, "America/New_York") == datetime(
        2026, 11, 24, 14, 0, tzinfo=UTC
    )


def test_summer_and_winter_times_get_their_own_offsets() -> None:
    assert parse_datetime("2026-07-01 09:00", MONDAY, "America/New_York") == datetime(
        2026, 7, 1, 13, 0, tzinfo=UTC
    )
    assert parse_datetime("2026-12-01 09:00", MONDAY, "America/New_York") == datetime(
        2026, 12, 1, 14, 0, tzinfo=UTC
    )


def test_a_time_skipped_by_the_spring_clock_change_is_refused() -> None:
    with pytest.raises(DateError, match="does not exist"):
        parse_datetime("2027-03-14 2:30am", MONDAY, "America/New_York")


def test_a_time_repeated_by_the_autumn_clock_change_is_its_first_occurrence() -> None:
    assert parse_datetime("2027-11-07 1:30am", MONDAY, "America/New_York") == datetime(
        2027, 11, 7, 5, 30, tzinfo=UTC
    )


def test_a_bare_day_number_is_not_taken_for_a_time() -> None:
    with pytest.raises(DateError, match="has no time of day"):
        parse_datetime("Dec 3", MONDAY, "UTC")
    with pytest.raises(DateError):
        parse_datetime("13pm tomorrow", MONDAY, "UTC")


@pytest.mark.parametrize(
    ("words", "minutes"), [("45m", 45), ("1h", 60), ("1h30m", 90), ("90 minutes", 90), ("2 hours", 120)]
)
def test_lengths_are_read_as_people_write_them(words: str, minutes: int) -> None:
    assert read_duration(words) == minutes


def test_an_unreadable_length_says_how_to_write_it() -> None:
    with pytest.raises(DateError, match=r"“a while”.*Try “45 minutes” or “1h30”"):
        read_duration("a while")


def test_when_with_for_splits_the_length_and_defaults_to_thirty_minutes() -> None:
    new_york = Reader.of("America/New_York", MONDAY)
    booked = parse_when("next Tuesday 2pm for 45m", new_york)
    assert (booked.starts_at, booked.minutes) == (datetime(2026, 11, 24, 19, 0, tzinfo=UTC), 45)
    assert parse_when("2026-12-03 13:00", new_york).minutes == 30
    assert parse_when("Dec 3 at noon for an hour", new_york).minutes == 60
    with pytest.raises(UserError, match="“sometime soon”"):
        parse_when("sometime soon", Reader.of("UTC", MONDAY))


def test_minutes_are_described_plainly() -> None:
    assert [describe_minutes(m) for m in (45, 60, 90)] == ["45 minutes", "1 hour", "1 h 30 min"]


def test_plain_dates_are_still_read() -> None:
    assert read_date("Dec 15", Reader.of("UTC", MONDAY)).value.isoformat() == "2026-12-15"
