"""Booking, moving and cancelling a session sends both people a calendar file that says so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.calendar.helpers import ics_files, text_of, wait_for_ics
from tests.conftest import FixedClock
from tests.harness import RunningApp, Slack, run_due

ZOOM = "https://school.zoom.us/j/123"


def test_a_booking_sends_both_people_a_file_that_matches_it_field_by_field(
    slack: Slack, app: RunningApp, paired: tuple[str, str]
) -> None:
    coach, coachee = paired
    reply = slack.command("/meeting", f"@priya 2026-12-03 13:00 for 45m where {ZOOM}", user=coach)
    assert f"Where: {ZOOM}" in reply.text
    for person in (coach, coachee):
        (calendar,) = wait_for_ics(slack, person, 1)
        event = calendar.vevent
        assert text_of(calendar, "method") == "PUBLISH"
        assert text_of(event, "summary") == "Coaching session: drlee & priya"
        assert event.dtstart.value == datetime(2026, 12, 3, 18, 0, tzinfo=UTC)  # 13:00 in New York
        assert event.dtend.value - event.dtstart.value == timedelta(minutes=45)
        assert event.dtstart.value.utcoffset() == timedelta(0)  # the zone travels: UTC
        assert text_of(event, "location") == ZOOM
        assert text_of(event, "status") == "CONFIRMED"
        assert text_of(event, "sequence") == "0"
        assert "Slack DM" in text_of(event, "description")
    assert ics_files(slack, coach)[0][0] == "coaching-session-1.ics"


def test_moving_keeps_the_uid_and_raises_the_sequence_and_cancelling_cancels_it(
    slack: Slack, app: RunningApp, paired: tuple[str, str]
) -> None:
    coach, coachee = paired
    slack.command("/meeting", "@priya 2026-12-03 13:00 where Room 204, Learning Center", user=coach)
    booked = wait_for_ics(slack, coachee, 1)[0].vevent
    app.wait_idle()  # each change's files go out before the next change (a newer one replaces them)
    slack.command("/meeting", "move 1 Dec 10 1:30pm", user=coachee)  # her 1:30 PM in Kolkata
    moved = wait_for_ics(slack, coachee, 2)[1].vevent
    app.wait_idle()
    slack.command("/meeting", "cancel 1", user=coach)
    files = wait_for_ics(slack, coachee, 3)
    cancel = files[2]
    assert moved.uid.value == booked.uid.value == cancel.vevent.uid.value
    assert int(booked.sequence.value) < int(moved.sequence.value) < int(cancel.vevent.sequence.value)
    assert moved.dtstart.value == datetime(2026, 12, 10, 8, 0, tzinfo=UTC)
    assert text_of(moved, "location") == "Room 204, Learning Center"  # a move keeps the place
    assert text_of(cancel, "method") == "CANCEL" and text_of(cancel.vevent, "status") == "CANCELLED"
    # The coach, who made the last change, got the same three files.
    coach_files = wait_for_ics(slack, coach, 3)
    assert [f.vevent.sequence.value for f in coach_files] == [f.vevent.sequence.value for f in files]


def test_a_new_place_updates_the_calendars_and_tells_the_other_person_escaped(
    slack: Slack, app: RunningApp, paired: tuple[str, str]
) -> None:
    coach, coachee = paired
    slack.command("/meeting", "@drlee 2026-12-03 23:30", user=coachee)
    wait_for_ics(slack, coach, 1)
    reply = slack.command("/meeting", "where 1 Room <!channel> & 5", user=coachee)
    assert "Where: Room &lt;!channel&gt; &amp; 5" in reply.text
    told = slack.wait_for_dm(coach, "changed where")
    assert "Where: Room &lt;!channel&gt; &amp; 5" in told.text and "<!channel>" not in told.text
    second = wait_for_ics(slack, coach, 2)[1].vevent
    assert text_of(second, "location") == "Room <!channel> & 5"  # the calendar shows what she typed
    assert second.sequence.value == "1"


def test_the_booking_form_takes_a_place_and_the_prep_and_brief_show_it(
    slack: Slack, app: RunningApp, paired: tuple[str, str]
) -> None:
    coach, coachee = paired
    slack.command("/meeting", "", user=coach)
    view = slack.open_modal(coach, callback="meeting_modal")
    slack.submit(
        coach,
        view,
        {
            "meeting_person": {"type": "users_select", "selected_user": coachee},
            "meeting_date": {"type": "datepicker", "selected_date": "2026-11-24"},
            "meeting_time": {"type": "timepicker", "selected_time": "13:00"},
            "meeting_place": {"type": "plain_text_input", "value": "Room *204*"},
        },
    )
    (calendar,) = wait_for_ics(slack, coachee, 1)
    assert text_of(calendar.vevent, "location") == "Room *204*"
    # The prep checklist and the brief go out at once (the session is within 48 hours).
    prep = slack.wait_for_dm(coachee, "Getting ready")
    brief = slack.wait_for_dm(coach, "Prep brief")
    for message in (prep, brief):
        assert "Where: Room *204*" in str(message.blocks)


def test_a_wrong_where_is_refused_with_how_to_write_it(slack: Slack, paired: tuple[str, str]) -> None:
    coach, _ = paired
    assert "Say where" in slack.command("/meeting", "where 1", user=coach).text
    assert "no upcoming session #7" in slack.command("/meeting", "where 7 Room 1", user=coach).text
    too_long = "x" * 501
    assert (
        "500 characters"
        in slack.command("/meeting", f"@priya tomorrow 2pm where {too_long}", user=coach).text
    )


def test_reminders_and_the_booking_notice_say_where(
    slack: Slack, app: RunningApp, paired: tuple[str, str], clock: FixedClock
) -> None:
    coach, coachee = paired
    slack.command("/meeting", f"@priya 2026-12-03 13:00 where {ZOOM}", user=coach)
    assert f"Where: {ZOOM}" in slack.wait_for_dm(coachee, "Session booked").text
    run_due(app, slack.emulator, timeout=20)  # the booking's messages finish before the clock jumps
    clock.now = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)  # an hour before
    run_due(app, slack.emulator)
    reminder = slack.wait_for_dm(coachee, "Reminder")
    assert "starts in 1 hour" in reminder.text and f"Where: {ZOOM}" in reminder.text
