"""The private feed over real HTTP: the person's own sessions and workshops, nothing private, reset → 404."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from datetime import UTC, datetime

import pytest
import vobject

from storage.models.calendar import CalendarFeed
from tests.calendar.conftest import PUBLIC_URL
from tests.calendar.helpers import text_of
from tests.conftest import FixedClock
from tests.harness import RunningApp, Slack, run_due
from tests.workshops.workshop_helpers import announced

FEED_URL = re.compile(re.escape(PUBLIC_URL) + r"(/calendar/[A-Za-z0-9_-]{43}\.ics)")


def feed_path(slack: Slack, user: str, words: str = "calendar") -> str:
    reply = slack.command("/coachbot", words, user=user)
    found = FEED_URL.search(reply.text)
    assert found, reply.text
    return found.group(1)


def get(app: RunningApp, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    base = app.url.removesuffix("/slack/events")
    request = urllib.request.Request(base + path, method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def randy_paired(slack: Slack, dean: str, randy: str, paired: tuple[str, str]) -> str:
    """Another pair: Dr Lee also coaches Randy, so the coach's feed holds two people's sessions."""
    assert "now paired" in slack.command("/coach", "assign @drlee @randy", user=dean).text
    return randy


def test_the_feed_holds_the_persons_own_sessions_and_workshops_and_nothing_private(
    slack: Slack, app: RunningApp, paired: tuple[str, str], randy_paired: str, dean: str, clock: FixedClock
) -> None:
    coach, coachee = paired
    randy = randy_paired
    slack.command("/meeting", "@priya 2026-12-03 13:00 where Room 204", user=coach)
    slack.command("/meeting", "@randy 2026-12-04 09:00", user=coach)
    slack.command("/meeting", "@drlee 2026-12-05 10:00", user=coachee)
    slack.command("/meeting", "cancel 3", user=coachee)  # cancelled: off the feed
    slack.command("/goal", "add Pass Step 1 secretgoal by 2027-06-01", user=coachee)
    slack.command("/checkin", "a private worry about rotations", user=coachee)
    channel = slack.channel("m1-coaching", [dean, coachee, randy])
    slack.workshop('#m1-coaching "Study skills" 2026-12-10 17:00 ET for 1h', user=dean)  # dean is in Chicago
    slack.click_message(coachee, announced(app, slack, channel), "Maybe")  # stored before the ack

    status, headers, body = get(app, feed_path(slack, coachee))
    assert status == 200
    assert headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "max-age" in headers["Cache-Control"] and "private" in headers["Cache-Control"]
    calendar = vobject.readOne(body.decode())
    events = sorted(calendar.vevent_list, key=lambda e: e.dtstart.value)
    assert [text_of(e, "summary") for e in events] == ["Coaching session: drlee & priya", "Study skills"]
    assert events[0].dtstart.value == datetime(2026, 12, 3, 18, 0, tzinfo=UTC)
    assert text_of(events[0], "location") == "Room 204"
    assert events[1].dtstart.value.astimezone(UTC) == datetime(2026, 12, 10, 22, 0, tzinfo=UTC)
    for private in (b"secretgoal", b"rotations", b"randy"):
        assert private not in body

    coach_events = vobject.readOne(get(app, feed_path(slack, coach))[2].decode()).vevent_list
    assert sorted(text_of(e, "summary") for e in coach_events) == [
        "Coaching session: drlee & priya",
        "Coaching session: drlee & randy",
    ]

    # A session from three weeks ago is still there; one from two months ago is not.
    run_due(app, slack.emulator, timeout=30)  # what the requests sent finishes before time jumps
    clock.now = datetime(2026, 12, 24, 12, 0, tzinfo=UTC)
    later = vobject.readOne(get(app, feed_path(slack, coachee, "calendar reset"))[2].decode())
    assert len([e for e in later.vevent_list if "Coaching" in text_of(e, "summary")]) == 1
    clock.now = datetime(2027, 2, 1, 12, 0, tzinfo=UTC)
    latest = vobject.readOne(get(app, feed_path(slack, coachee, "calendar reset"))[2].decode())
    assert "vevent" not in latest.contents


def test_a_wrong_or_reset_secret_is_a_404_and_the_secret_is_stored_only_hashed(
    slack: Slack, app: RunningApp, randy: str
) -> None:
    old = feed_path(slack, randy)
    assert get(app, old)[0] == 200
    again = slack.command("/coachbot", "calendar", user=randy).text
    assert "already have" in again and "/calendar/" not in again  # shown once, never again
    new = feed_path(slack, randy, "calendar reset")
    assert new != old
    assert get(app, old)[0] == 404
    assert get(app, new)[0] == 200
    assert get(app, new, "HEAD")[0] == 200
    wrong = "/calendar/" + "A" * 43 + ".ics"
    for path in (wrong, "/calendar/short.ics", "/calendar/../healthz", "/calendar/" + "A" * 43):
        status, headers, body = get(app, path)
        assert (status, body) == (404, b"not found\n")
        assert headers["Cache-Control"] == "no-store"
    assert get(app, new, "POST")[0] == 405
    secret = new.removeprefix("/calendar/").removesuffix(".ics")
    with app.services.db.transaction() as session:
        (stored,) = [row.secret_hash for row in session.query(CalendarFeed)]
    assert secret not in stored and len(stored) == 64
