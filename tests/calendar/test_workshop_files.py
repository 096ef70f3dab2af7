"""A workshop in people's calendars: Add to calendar and Going send one series; a cancel cancels it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.calendar.helpers import text_of, wait_for_ics
from tests.harness import RunningApp, Slack
from tests.workshops.workshop_helpers import announced

NEW_YORK = ZoneInfo("America/New_York")
# Four Thursdays at 17:00 New York; the clocks go forward on Sunday 2027-03-14.
SERIES = '#m1-coaching "Study skills" 2027-03-04 17:00 for 1h weekly until 2027-03-25'


@pytest.fixture
def dean(slack: Slack) -> str:
    return slack.person("dean", "America/New_York", is_admin=True)


def test_add_to_calendar_sends_one_series_that_stays_at_five_pm_across_the_dst_change(
    slack: Slack, app: RunningApp, dean: str
) -> None:
    ana = slack.person("ana", "Europe/London")
    channel = slack.channel("m1-coaching", [dean, ana])
    slack.workshop(SERIES, user=dean)
    slack.click_message(ana, announced(app, slack, channel), "Add to calendar")
    (calendar,) = wait_for_ics(slack, ana, 1)
    event = calendar.vevent
    assert text_of(calendar, "method") == "PUBLISH"
    assert text_of(event, "summary") == "Study skills"
    assert text_of(calendar.vtimezone, "tzid") == "America/New_York"
    assert "FREQ=WEEKLY" in text_of(event, "rrule")
    starts = [start.astimezone(NEW_YORK) for start in event.getrruleset(addRDate=True)]
    assert [(s.month, s.day, s.hour, s.minute) for s in starts] == [
        (3, 4, 17, 0),
        (3, 11, 17, 0),
        (3, 18, 17, 0),
        (3, 25, 17, 0),
    ]
    assert [s.astimezone(UTC).hour for s in starts] == [22, 22, 21, 21]  # EST, then EDT
    assert (event.dtend.value - event.dtstart.value).total_seconds() == 3600


def test_going_sends_the_file_and_a_cancelled_workshop_cancels_everyones_copy(
    slack: Slack, app: RunningApp, dean: str
) -> None:
    ana, ben = slack.person("ana"), slack.person("ben")
    channel = slack.channel("m1-coaching", [dean, ana, ben])
    slack.workshop(SERIES, user=dean)
    announcement = announced(app, slack, channel)
    slack.click_message(ana, announcement, "Going")
    slack.click_message(ben, announcement, "Add to calendar")
    first_ana, first_ben = wait_for_ics(slack, ana, 1)[0], wait_for_ics(slack, ben, 1)[0]
    assert first_ana.vevent.uid.value == first_ben.vevent.uid.value
    app.wait_idle()
    assert "cancelled" in slack.workshop("cancel 1", user=dean).text.lower()
    for person, first in ((ana, first_ana), (ben, first_ben)):
        cancel = wait_for_ics(slack, person, 2)[1]
        assert text_of(cancel, "method") == "CANCEL"
        assert text_of(cancel.vevent, "status") == "CANCELLED"
        assert cancel.vevent.uid.value == first.vevent.uid.value
        assert int(cancel.vevent.sequence.value) > int(first.vevent.sequence.value)


def test_someone_far_away_gets_the_programs_wall_time_with_its_zone(
    slack: Slack, app: RunningApp, dean: str
) -> None:
    ana = slack.person("ana", "Asia/Tokyo")
    channel = slack.channel("m1-coaching", [dean, ana])
    slack.workshop(SERIES, user=dean)
    slack.click_message(ana, announced(app, slack, channel), "Going")
    (calendar,) = wait_for_ics(slack, ana, 1)
    assert calendar.vevent.dtstart.value == datetime(2027, 3, 4, 17, 0, tzinfo=NEW_YORK)
