"""The builders alone, read back by vobject: series with cancelled dates, monthly rules, edited series."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import vobject

from bot.calendar.ics import EventSpec, event_file, feed, series_of
from bot.platform.when import Repeat, occurrence_starts
from tests.calendar.helpers import text_of

NEW_YORK = ZoneInfo("America/New_York")
STAMP = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def expanded(sessions: list[tuple[datetime, bool]], repeat: Repeat, zone: ZoneInfo) -> list[datetime]:
    found = series_of(sessions, repeat, zone)
    assert found is not None
    first, series = found
    spec = EventSpec("u@coachbot", "Workshop", first, first + timedelta(hours=1), 0, series=series)
    event = vobject.readOne(event_file(spec, STAMP).decode()).vevent
    if series is None:
        return [event.dtstart.value.astimezone(zone)]
    return [start.astimezone(zone) for start in event.getrruleset(addRDate=True)]


def test_a_cancelled_session_in_the_middle_is_an_exdate_and_the_rest_keep_their_wall_time() -> None:
    starts = occurrence_starts(datetime(2027, 3, 4, 17, 0, tzinfo=NEW_YORK), Repeat.WEEKLY, count=5)
    sessions = [(start.astimezone(UTC), start.day != 18) for start in starts]
    found = series_of(sessions, Repeat.WEEKLY, NEW_YORK)
    assert found is not None and found[1] is not None
    assert [d.day for d in found[1].exdates] == [18]
    assert [(d.day, d.hour) for d in expanded(sessions, Repeat.WEEKLY, NEW_YORK)] == [
        (4, 17),
        (11, 17),
        (25, 17),
        (1, 17),
    ]


def test_a_monthly_series_on_the_last_thursday_reads_back_the_same_dates() -> None:
    london = ZoneInfo("Europe/London")
    starts = occurrence_starts(datetime(2027, 1, 28, 9, 30, tzinfo=london), Repeat.MONTHLY, count=6)
    sessions = [(start, True) for start in starts]
    assert expanded(sessions, Repeat.MONTHLY, london) == starts


def test_a_series_edited_part_way_starts_where_the_new_times_begin() -> None:
    old = occurrence_starts(datetime(2027, 1, 7, 17, 0, tzinfo=NEW_YORK), Repeat.WEEKLY, count=2)
    new = occurrence_starts(datetime(2027, 1, 22, 12, 0, tzinfo=NEW_YORK), Repeat.BIWEEKLY, count=3)
    sessions = [(start, True) for start in old + new]
    assert expanded(sessions, Repeat.BIWEEKLY, NEW_YORK) == new


def test_nothing_left_to_attend_has_no_series_and_a_single_session_has_no_rule() -> None:
    start = datetime(2027, 3, 4, 17, 0, tzinfo=NEW_YORK)
    assert series_of([(start, False)], Repeat.WEEKLY, NEW_YORK) is None
    assert series_of([(start, True)], Repeat.NONE, NEW_YORK) == (start, None)


def test_the_feed_names_itself_and_asks_to_be_refreshed_hourly() -> None:
    spec = EventSpec("u@coachbot", "A, b; c\\d", STAMP, STAMP + timedelta(minutes=30), 2, location="Room 1")
    calendar = vobject.readOne(feed([spec], STAMP, "coachbot").decode())
    assert text_of(calendar, "x-wr-calname") == "coachbot"
    assert text_of(calendar, "refresh-interval") in {"PT1H", "1:00:00"}
    assert text_of(calendar.vevent, "summary") == "A, b; c\\d"  # escaped by the library, read back whole
