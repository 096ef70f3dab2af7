"""Round trips: a date, time or length the app shows, typed back, reads as the same thing, without a question."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.platform.dates import (
    DateError,
    Reader,
    describe_minutes,
    read_date,
    read_duration,
    read_moment,
    short_date,
    show_date,
    show_moment,
)
from bot.platform.when import describe_duration

ZONES = ["America/Chicago", "Asia/Kolkata", "Pacific/Auckland", "Europe/London", "UTC", "America/St_Johns"]
LOCALES = ["en-US", "en-GB", "en-IN", "en-NZ", None]

nows = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2034, 12, 31), timezones=st.just(UTC))


@st.composite
def readers(draw: st.DrawFn) -> Reader:
    return Reader.of(draw(st.sampled_from(ZONES)), draw(nows), locale=draw(st.sampled_from(LOCALES)))


@settings(max_examples=300, deadline=None)
@given(reader=readers(), ahead=st.integers(min_value=0, max_value=800))
def test_a_shown_date_reads_back_as_the_same_date(reader: Reader, ahead: int) -> None:
    day = reader.today + timedelta(days=ahead)
    for shown in (show_date(day, reader.today), short_date(day)):
        reading = read_date(shown, reader)
        assert (reading.value, reading.doubt) == (day, None), shown


@settings(max_examples=300, deadline=None)
@given(
    reader=readers(),
    ahead=st.integers(min_value=0, max_value=700),
    clock=st.times().map(lambda t: time(t.hour, t.minute)),
)
def test_a_shown_time_reads_back_as_the_same_moment(reader: Reader, ahead: int, clock: time) -> None:
    day = reader.today + timedelta(days=ahead)
    moment = datetime.combine(day, clock, tzinfo=reader.tz)
    round_trip = moment.astimezone(UTC).astimezone(reader.tz)
    assume(round_trip.replace(tzinfo=None) == moment.replace(tzinfo=None))  # the clocks skip this time
    assume(moment.replace(fold=1).utcoffset() == moment.utcoffset())  # not the repeated autumn hour
    assume(moment > reader.now)
    shown = show_moment(moment, reader.tz.key, reader.today)
    reading = read_moment(shown, reader)
    assert (reading.value, reading.doubt) == (moment, None), shown


@given(minutes=st.integers(min_value=1, max_value=24 * 60))
def test_a_shown_length_reads_back_as_the_same_minutes(minutes: int) -> None:
    assert read_duration(describe_minutes(minutes)) == minutes
    assert read_duration(describe_duration(timedelta(minutes=minutes))) == minutes


@given(day=st.dates(min_value=date(2025, 1, 1), max_value=date(2033, 12, 31)), reader=readers())
def test_an_iso_date_is_never_in_doubt(day: date, reader: Reader) -> None:
    reading = read_date(day.isoformat(), reader)
    assert (reading.value, reading.doubt) == (day, None)


@pytest.mark.parametrize(
    ("now", "words", "expected"),
    [
        (datetime(2032, 1, 15, tzinfo=UTC), "Sun Feb 29", date(2032, 2, 29)),  # shown, read back
        (datetime(2028, 1, 10, tzinfo=UTC), "feb 29", date(2028, 2, 29)),
        (datetime(2027, 6, 1, tzinfo=UTC), "29 February", date(2028, 2, 29)),
    ],
)
def test_feb_29_is_the_next_leap_day(now: datetime, words: str, expected: date) -> None:
    reading = read_date(words, Reader.of("America/Chicago", now, locale="en-US"))
    assert (reading.value, reading.doubt) == (expected, None)


def test_feb_29_with_no_leap_year_ahead_is_refused() -> None:
    with pytest.raises(DateError, match="no Feb 29 in 2026 or 2027"):
        read_date("feb 29", Reader.of("America/Chicago", datetime(2026, 12, 1, tzinfo=UTC), locale="en-US"))
