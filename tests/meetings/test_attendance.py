"""After a session the coach is asked “Did it happen?”; only sessions confirmed as held count as held."""

from __future__ import annotations

import copy
from dataclasses import replace

from bot.emulator.workspace import Message
from storage.models.meetings import Attendance, Meeting
from tests.conftest import FixedClock
from tests.harness import RunningApp, Slack, block_texts, run_due

ASKED = "has ended. Did it happen?"


def attendance_of(app: RunningApp, number: int = 1) -> Attendance | None:
    with app.services.db.read() as session:
        found = session.get(Meeting, number)
        assert found is not None
        return found.attendance


def session_ends(slack: Slack, app: RunningApp, clock: FixedClock, coach: str) -> Message:
    """Dr Lee books Priya for Thu Dec 3, 1:00 PM New York (30 minutes); the follow-up comes 15 minutes after."""
    assert "booked" in slack.meeting("@priya 2026-12-03 13:00", user=coach).text
    app.wait_idle()  # what the booking set off finishes before time moves
    clock.now = clock.now.replace(month=12, day=3, hour=18, minute=45)
    run_due(app, slack.emulator)
    return slack.wait_for_dm(coach, ASKED)


def digest_line(slack: Slack, dean: str) -> str:
    before = len([m for m in slack.dms(dean) if "Your weekly program digest" in m.text])
    slack.coach("digest", user=dean)
    slack.emulator.wait_for(
        lambda _c: len([m for m in slack.dms(dean) if "Your weekly program digest" in m.text]) > before
    )
    digest = block_texts(slack.wait_for_dm(dean, "Your weekly program digest").blocks)
    return next(line for line in digest.splitlines() if "Sessions held" in line)


def buttons(message: Message) -> list[str]:
    return [
        element["text"]["text"]
        for block in message.blocks
        if block["type"] == "actions"
        for element in block["elements"]
        if element.get("type") == "button"
    ]


def test_held_is_confirmed_once_by_the_coach_and_only_then_counts_everywhere(
    slack: Slack, app: RunningApp, paired: tuple[str, str], clock: FixedClock, dean: str
) -> None:
    coach, coachee = paired
    follow_up = session_ends(slack, app, clock, coach)
    assert "Your session with <@" in follow_up.text and "Thu Dec 3, 1:00 PM" in follow_up.text
    assert {"Held", "Didn't happen", "Rescheduled"} <= set(buttons(follow_up))
    assert "Did it happen?" not in block_texts(slack.wait_for_dm(coachee, "What did you take away?").blocks)
    # Not confirmed yet: shown as such, and not counted as held.
    assert "#1* Thu Dec 3, 1:00 PM (30 minutes)" in slack.meeting("list", user=coach).text
    assert "_not confirmed_" in slack.meeting("list", user=coach).text
    assert "Sessions held: 0 (confirmed by their coach; 1 not confirmed)" in digest_line(slack, dean)
    summary_line = "Last session Thu Dec 3, 1:00 PM: not confirmed"
    slack.coach("summary", user=coach)
    assert summary_line in block_texts(slack.wait_for_dm(coach, "Your weekly coaching summary").blocks)

    # The coachee (or anyone else) cannot answer for the coach, even with a forged click.
    assert slack.click_in_message(coachee, follow_up, "Held").status == 200
    slack.wait_for_response("Only the coach of this session can say whether it happened")
    assert attendance_of(app) is None

    stale = replace(follow_up, blocks=copy.deepcopy(follow_up.blocks))
    assert slack.click_in_message(coach, follow_up, "Held").status == 200
    assert slack.click_in_message(coach, stale, "Held").status == 200  # a double click
    slack.wait_for_edit(follow_up)
    assert "You said it was held" in block_texts(follow_up.blocks)
    assert not {"Held", "Didn't happen", "Rescheduled"} & set(buttons(follow_up))  # the answer replaced them
    assert attendance_of(app) == Attendance.HELD
    slack.click_in_message(coach, stale, "Didn't happen")  # a stale copy's other button changes nothing
    app.wait_idle()
    assert attendance_of(app) == Attendance.HELD

    assert "_held_" in slack.meeting("list", user=coach).text
    assert "_held_" in slack.meeting("list", user=coachee).text
    assert "Sessions held: 1 (confirmed by their coach; 0 not confirmed)" in digest_line(slack, dean)
    slack.coach("summary", user=coach)
    slack.emulator.wait_for(
        lambda _c: (
            "Thu Dec 3, 1:00 PM: held"
            in block_texts(slack.wait_for_dm(coach, "Your weekly coaching summary").blocks)
        )
    )


def test_didnt_happen_is_not_held_and_shows_on_the_coachs_home(
    slack: Slack, app: RunningApp, paired: tuple[str, str], clock: FixedClock
) -> None:
    coach, _coachee = paired
    follow_up = session_ends(slack, app, clock, coach)
    slack.driver.open_home(coach)
    assert "last session Thu Dec 3, 1:00 PM: not confirmed" in block_texts(slack.home(coach)["blocks"])
    published = slack.publishes(coach)
    slack.click_in_message(coach, follow_up, "Didn't happen")
    slack.wait_for_edit(follow_up)
    assert "You said it didn't happen: it isn't counted as held" in block_texts(follow_up.blocks)
    assert attendance_of(app) == Attendance.NOT_HELD
    home = block_texts(slack.home(coach, after=published)["blocks"])
    assert "last session Thu Dec 3, 1:00 PM: didn't happen" in home
    assert "_didn't happen_" in slack.meeting("list", user=coach).text


def test_rescheduled_opens_the_booking_form_for_that_coachee(
    slack: Slack, app: RunningApp, paired: tuple[str, str], clock: FixedClock
) -> None:
    coach, coachee = paired
    follow_up = session_ends(slack, app, clock, coach)
    slack.click_in_message(coach, follow_up, "Rescheduled")
    booking = slack.open_modal(coach, callback="meeting_modal")
    assert booking["blocks"][0]["element"]["initial_user"] == coachee
    assert booking["blocks"][2]["element"]["initial_time"] == "13:00"
    assert attendance_of(app) == Attendance.RESCHEDULED
    slack.wait_for_edit(follow_up)
    assert "You said it was rescheduled" in block_texts(follow_up.blocks)
    slack.submit(
        coach,
        booking,
        {
            "meeting_person": {"type": "users_select", "selected_user": coachee},
            "meeting_date": {"type": "datepicker", "selected_date": "2026-12-08"},
            "meeting_time": {"type": "timepicker", "selected_time": "13:00"},
            "meeting_duration": {"type": "static_select", "selected_option": {"value": "30"}},
        },
    )
    listed = slack.meeting("list", user=coach).text
    assert "*#2* Tue Dec 8, 1:00 PM" in listed and "_rescheduled_" in listed


def test_a_session_not_yet_over_cannot_be_confirmed(
    slack: Slack, app: RunningApp, paired: tuple[str, str], clock: FixedClock
) -> None:
    coach, _coachee = paired
    follow_up = session_ends(slack, app, clock, coach)
    slack.meeting("move 1 Dec 10 1pm", user=coach)  # moved before the coach answered
    slack.click_in_message(coach, follow_up, "Held")
    slack.wait_for_response("has not ended yet")
    assert attendance_of(app) is None
