"""`/meeting`: booking between a pair in each person's own zone, list, cancel and move with the schedule in step."""

from __future__ import annotations

from sqlalchemy import select

from bot.summaries.schedule import WEEKLY_KINDS
from storage.models import Delivery, DeliveryStatus
from storage.models.meetings import Meeting
from tests.conftest import FixedClock
from tests.harness import RunningApp, Slack, run_due


def meetings(app: RunningApp) -> list[Meeting]:
    with app.services.db.transaction() as session:
        return list(session.scalars(select(Meeting).order_by(Meeting.id)))


def deliveries(app: RunningApp) -> list[Delivery]:
    with app.services.db.transaction() as session:
        return list(session.scalars(select(Delivery).order_by(Delivery.id)))


def test_a_coach_in_new_york_books_a_coachee_in_kolkata_and_each_sees_their_own_time(
    slack: Slack, app: RunningApp, paired: tuple[str, str]
) -> None:
    coach, coachee = paired
    reply = slack.meeting("@priya 2026-12-03 13:00", user=coach)
    assert reply.text.startswith(
        f"Session #1 with <@{coachee}> booked: Thu Dec 3, 1:00 PM (30 minutes), your time"
    )
    assert "Thu Dec 3, 11:30 PM (30 minutes)" in slack.wait_for_dm(coachee, "Session booked").text
    app.wait_idle()
    # One confirmation each: the booker's is the reply above, not a DM saying the same again.
    assert not [m for m in slack.dms(coach) if "Session booked" in m.text]
    stored = meetings(app)[0]
    assert stored.starts_at.isoformat() == "2026-12-03T18:00:00+00:00" and stored.minutes == 30


def test_a_first_booking_tells_the_coachee_first_then_sends_the_prep_with_the_agreement(
    slack: Slack, app: RunningApp, paired: tuple[str, str]
) -> None:
    coach, coachee = paired
    slack.meeting("@priya tomorrow 9am", user=coach)  # sooner than 48 hours: the prep goes at once
    slack.wait_for_dm(coachee, "Getting ready")
    texts = [m.text for m in slack.dms(coachee)]
    notice = next(i for i, t in enumerate(texts) if t.startswith("Session booked with"))
    prep = next(i for i, t in enumerate(texts) if t.startswith("Getting ready"))
    assert notice < prep and "Our coaching agreement" in str(slack.dms(coachee)[prep].blocks)


def test_the_coachee_can_book_too_with_a_length(
    slack: Slack, app: RunningApp, paired: tuple[str, str]
) -> None:
    coach, coachee = paired
    reply = slack.meeting("@drlee next Tuesday 2pm for 45m", user=coachee)
    assert "booked: Tue Nov 24, 2:00 PM (45 minutes)" in reply.text  # her Tuesday afternoon
    assert "Tue Nov 24, 3:30 AM (45 minutes)" in slack.wait_for_dm(coach, "Session booked").text


def test_someone_outside_the_pair_is_refused_and_nothing_is_booked(
    slack: Slack, app: RunningApp, paired: tuple[str, str], randy: str
) -> None:
    reply = slack.meeting("@priya tomorrow 9am", user=randy)
    assert "not a coaching pair" in reply.text
    assert meetings(app) == [] and [d for d in deliveries(app) if d.kind != "pairing_welcome"] == []


def test_a_time_in_the_past_is_refused(slack: Slack, app: RunningApp, paired: tuple[str, str]) -> None:
    coach, _ = paired
    assert "already passed" in slack.meeting("@priya 2026-11-20 13:00", user=coach).text
    assert "already passed" in slack.meeting("@priya Nov 23 9am", user=coach).text
    # A time alone that has passed today (10:00 in New York now) is read as tomorrow's, and asked about.
    asked = slack.meeting("@priya 9am", user=coach).text
    assert "Did you mean *Tue Nov 24, 9:00 AM*" in asked and "9am has passed today" in asked
    assert meetings(app) == []


def test_an_unreadable_time_says_how_to_write_it(slack: Slack, paired: tuple[str, str]) -> None:
    coach, _ = paired
    reply = slack.meeting("@priya whenever suits", user=coach)
    assert "I couldn't read “whenever suits” as a date and time. Try “Dec 9 at 3pm” or" in reply.text
    length = slack.meeting("@priya tomorrow 9am for ages", user=coach).text
    assert length == "I couldn't read “ages” as a length of time. Try “45 minutes” or “1h30”."


def test_list_shows_upcoming_sessions_with_numbers_in_the_readers_zone(
    slack: Slack, paired: tuple[str, str]
) -> None:
    coach, coachee = paired
    slack.meeting("@priya 2026-12-03 13:00", user=coach)
    assert "*#1* Thu Dec 3, 1:00 PM (30 minutes)" in slack.meeting("list", user=coach).text
    assert "*#1* Thu Dec 3, 11:30 PM (30 minutes)" in slack.meeting("list", user=coachee).text
    assert "(your coach)" in slack.meeting("list", user=coachee).text


def test_a_moved_session_never_sends_the_old_reminders(
    slack: Slack, app: RunningApp, paired: tuple[str, str], clock: FixedClock
) -> None:
    coach, coachee = paired
    slack.meeting("@priya 2026-12-03 13:00", user=coach)
    slack.wait_for_dm(coachee, "Session booked")
    reply = slack.meeting("move 1 Dec 10 1:30pm", user=coachee)
    assert "Session #1 with" in reply.text and "moved: Thu Dec 10, 1:30 PM" in reply.text
    assert (
        "moved your session #1 to *Thu Dec 10, 3:00 AM"
        in slack.wait_for_dm(coach, "moved your session #1").text
    )
    app.wait_idle()  # what the last request set off finishes before time moves
    clock.now = clock.now.replace(month=12, day=3, hour=17, minute=5)  # an hour before the old time
    run_due(app, slack.emulator)
    assert not [m for m in slack.dms(coach) + slack.dms(coachee) if "Reminder" in m.text]
    app.wait_idle()  # what the last request set off finishes before time moves
    clock.now = clock.now.replace(day=10, hour=7, minute=0)  # 1 hour before the new time
    run_due(app, slack.emulator)
    assert "starts in 1 hour, at Thu Dec 10, 1:30 PM" in slack.wait_for_dm(coachee, "Reminder").text
    assert "starts in 1 hour, at Thu Dec 10, 3:00 AM" in slack.wait_for_dm(coach, "Reminder").text


def test_a_cancelled_session_sends_nothing_more_and_the_other_person_is_told(
    slack: Slack, app: RunningApp, paired: tuple[str, str], clock: FixedClock
) -> None:
    coach, coachee = paired
    slack.meeting("@priya 2026-12-03 13:00", user=coach)
    slack.wait_for_dm(coachee, "Session booked")
    reply = slack.meeting("cancel 1", user=coachee)
    assert reply.text == f"Session #1 with <@{coach}> is cancelled; I've let them know."
    assert "cancelled your session #1" in slack.wait_for_dm(coach, "cancelled your session #1").text
    assert "already cancelled" in slack.meeting("cancel 1", user=coachee).text
    app.wait_idle()  # what the last request set off (the cancel's calendar files too) finishes first
    before = len(slack.emulator.calls_to("chat.postMessage"))
    clock.now = clock.now.replace(month=12, day=4)
    assert run_due(app, slack.emulator) == 0
    assert len(slack.emulator.calls_to("chat.postMessage")) == before
    pending = [d for d in deliveries(app) if d.status == DeliveryStatus.PENDING]
    assert [d.kind for d in pending if d.kind not in WEEKLY_KINDS] == []  # the weekly summary stays


def test_only_the_pair_can_cancel_or_move_a_session(
    slack: Slack, app: RunningApp, paired: tuple[str, str], randy: str
) -> None:
    coach, _ = paired
    slack.meeting("@priya 2026-12-03 13:00", user=coach)
    assert "no upcoming session #1" in slack.meeting("cancel 1", user=randy).text
    assert "no upcoming session #1" in slack.meeting("move 1 Dec 10 9am", user=randy).text
    assert "needs a session number" in slack.meeting("cancel soon", user=coach).text
    assert meetings(app)[0].status == "scheduled"


def test_people_choose_their_own_reminder_times(
    slack: Slack, app: RunningApp, paired: tuple[str, str], clock: FixedClock
) -> None:
    coach, coachee = paired
    assert "1 day and 1 hour" in slack.meeting("reminders", user=coachee).text
    assert "Session reminders are off" in slack.meeting("reminders off", user=coach).text
    reply = slack.meeting("reminders 2h 15m", user=coachee)
    assert reply.text.startswith("Got it: I'll remind you 2 hours and 15 minutes before each session")
    slack.meeting("@priya 2026-12-03 13:00", user=coach)
    slack.wait_for_dm(coachee, "Session booked")  # the booking's own follow-up is done before time moves
    app.wait_idle()
    clock.now = clock.now.replace(month=12, day=3, hour=17, minute=45)
    run_due(app, slack.emulator)
    reminders = [m.text for m in slack.dms(coachee) + slack.dms(coach) if "Reminder" in m.text]
    # Caught up 15 minutes before: the 2-hour reminder would be untrue now, so only the nearer one goes.
    assert len(reminders) == 1 and f"<@{coach}> starts in 15 minutes" in reminders[0]
    assert "Write how long before" in slack.meeting("reminders soon", user=coach).text


def test_meeting_alone_opens_the_booking_modal(slack: Slack, paired: tuple[str, str]) -> None:
    coach, _ = paired
    assert slack.meeting("", user=coach).status == 200
    modal = slack.open_modal(coach)
    assert modal["callback_id"] == "meeting_modal" and modal["title"]["text"] == "Book a session"


def test_the_booking_modal_books_in_the_bookers_zone_and_refuses_strangers(
    slack: Slack, app: RunningApp, paired: tuple[str, str], randy: str
) -> None:
    coach, coachee = paired
    slack.meeting("", user=coach)
    modal = slack.open_modal(coach)
    values = {
        "meeting_person": {"type": "users_select", "selected_user": randy},
        "meeting_date": {"type": "datepicker", "selected_date": "2026-12-03"},
        "meeting_time": {"type": "timepicker", "selected_time": "13:00"},
        "meeting_duration": {"type": "static_select", "selected_option": {"value": "60"}},
        "meeting_note": {"type": "plain_text_input", "value": "Step 1 plans"},
    }
    refused = slack.submit(coach, modal, values)
    assert "not a coaching pair" in refused.json["errors"]["meeting_person"]
    values["meeting_person"]["selected_user"] = coachee
    assert slack.submit(coach, modal, values).body == ""
    assert slack.submit(coach, modal, values).body == ""  # a replayed submission books nothing new
    booked = meetings(app)
    assert len(booked) == 1 and booked[0].minutes == 60 and booked[0].agenda_note == "Step 1 plans"
    assert "Thu Dec 3, 11:30 PM (1 hour)" in slack.wait_for_dm(coachee, "Session booked").text
    # The form closes without a reply, so the booker's one confirmation is a DM (just one).
    assert "Thu Dec 3, 1:00 PM (1 hour)" in slack.wait_for_dm(coach, "Session booked").text
    app.wait_idle()
    assert len([m for m in slack.dms(coach) if "Session booked" in m.text]) == 1
    assert not [m for m in slack.ephemerals(coach) if "booked" in m.text]
    values["meeting_date"]["selected_date"] = "2026-11-01"
    assert "already passed" in slack.submit(coach, modal, values).json["errors"]["meeting_time"]


def test_an_overlapping_session_is_refused_for_either_person_naming_the_one_booked(
    slack: Slack, app: RunningApp, paired: tuple[str, str], dean: str
) -> None:
    coach, coachee = paired
    assert "booked" in slack.meeting("@priya 2026-12-03 13:00 for 60m", user=coach).text
    same_pair = slack.meeting("@drlee 2026-12-03 23:45", user=coachee).text  # 13:15 in New York
    assert f"overlaps the session of <@{coach}> and <@{coachee}> on Thu Dec 3, 11:30 PM (1 hour)" in same_pair
    slack.person("sam", "America/New_York")
    slack.coach("assign @drlee @sam", user=dean)
    other = slack.meeting("@sam 2026-12-03 12:45", user=coach).text  # ends 13:15, inside the first
    assert "overlaps the session of" in other and "Thu Dec 3, 1:00 PM" in other
    assert "booked" in slack.meeting("@sam 2026-12-03 14:00", user=coach).text  # right after: fine
    assert "booked" in slack.meeting("@sam 2026-12-03 12:30", user=coach).text  # ends as it starts
    assert len(meetings(app)) == 3


def test_moving_a_session_onto_another_is_refused_naming_it_and_moving_within_its_own_time_is_not(
    slack: Slack, app: RunningApp, paired: tuple[str, str], dean: str
) -> None:
    coach, coachee = paired
    slack.person("sam", "America/New_York")
    slack.coach("assign @drlee @sam", user=dean)
    assert "booked" in slack.meeting("@priya 2026-12-03 13:00 for 60m", user=coach).text
    assert "booked" in slack.meeting("@sam 2026-12-03 15:00", user=coach).text
    refused = slack.meeting("move 2 Dec 3 1:30pm", user=coach).text  # onto Priya's session
    assert f"overlaps the session of <@{coach}> and <@{coachee}> on Thu Dec 3, 1:00 PM (1 hour)" in refused
    assert "nothing was moved" in refused
    assert meetings(app)[1].starts_at.hour == 20 and meetings(app)[1].version == 1  # 15:00 New York
    # Priya's own session moved by half an hour overlaps only itself: allowed.
    assert "moved" in slack.meeting("move 1 Dec 3 1:30pm for 60m", user=coach).text
    assert meetings(app)[0].starts_at.minute == 30


def test_a_move_confirmed_on_yes_is_still_refused_when_it_overlaps(
    slack: Slack, app: RunningApp, paired: tuple[str, str], dean: str
) -> None:
    coach, coachee = paired
    slack.person("sam", "America/New_York")
    slack.coach("assign @drlee @sam", user=dean)
    assert "booked" in slack.meeting("@priya tomorrow 7pm for 60m", user=coach).text
    assert "booked" in slack.meeting("@sam tomorrow 3pm", user=coach).text
    asked = slack.meeting("move 2 tomorrow at 7", user=coach)
    assert "Did you mean *Tue Nov 24, 7:00 PM*" in asked.text
    slack.click_in_reply(coach, asked, "Yes, Tue Nov 24, 7:00 PM")
    refused = slack.wait_for_response("Nothing moved")["text"]
    assert f"That overlaps the session of <@{coach}> and <@{coachee}> on Tue Nov 24, 7:00 PM" in refused
    assert meetings(app)[1].version == 1
