"""The sandbox shows a calendar file as one line a person can read: title, time in their zone, where."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.sandbox.sandbox_session import session


def test_a_booked_session_shows_each_person_their_calendar_file_in_their_own_zone(tmp_path: Path) -> None:
    with session(tmp_path, datetime(2026, 11, 23, 15, 0, tzinfo=UTC)) as s:
        out = s.type("@drlee /meeting @randy 2026-12-03 13:00 for 45m where Room 204")
        assert "── file coaching-session-1.ics in DM to randy" in out
        assert (
            "📅 Coaching session: drlee & randy · Thu Dec 3, 12:00 PM–12:45 PM · Room 204 "
            "(times in America/Chicago)" in out
        )
        assert "── file coaching-session-1.ics in DM to drlee" in out
        assert "Thu Dec 3, 1:00 PM–1:45 PM · Room 204 (times in America/New_York)" in out
        out = s.type("/meeting cancel 1")
        assert "📅 CANCELLED: Coaching session: drlee & randy" in out
