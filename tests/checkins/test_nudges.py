"""Nudges end to end: planned with the goal, one DM per slot, one-click answers recorded once."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.emulator import SlackEmulator
from storage.models import Delivery, DeliveryStatus, Goal, GoalStatus
from storage.models.checkins import CheckIn, NudgeAnswer, NudgePrefs
from tests.conftest import FixedClock
from tests.harness import RunningApp, Slack, block_texts, run_due

MONDAY_NINE_CHICAGO = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
TUESDAY_NINE_CHICAGO = MONDAY_NINE_CHICAGO + timedelta(days=1)


def nudge_rows(app: RunningApp) -> list[Delivery]:
    with app.services.db.transaction() as s:
        return list(s.scalars(select(Delivery).where(Delivery.kind == "nudge").order_by(Delivery.id)))


def pending_nudges(app: RunningApp) -> list[Delivery]:
    return [row for row in nudge_rows(app) if row.status == DeliveryStatus.PENDING]


def checkins(app: RunningApp) -> list[CheckIn]:
    with app.services.db.transaction() as s:
        return list(s.scalars(select(CheckIn).order_by(CheckIn.id)))


def goal_status(app: RunningApp, number: int) -> GoalStatus:
    with app.services.db.transaction() as s:
        return s.scalars(select(Goal.status).where(Goal.number == number)).one()


def send_due_at(slack: Slack, app: RunningApp, clock: FixedClock, when: datetime) -> int:
    clock.now = when
    return run_due(app, slack.emulator)


def test_two_daily_goals_reach_the_person_as_one_dm_with_a_part_each(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock
) -> None:
    slack.goal("add Do 40 practice questions by Dec 20", user=randy)
    slack.goal("cadence 1 daily", user=randy)
    slack.goal("add Sleep 7 hours on weeknights", user=randy)
    slack.goal("cadence 2 daily", user=randy)
    [row] = pending_nudges(app)
    assert row.due_at == TUESDAY_NINE_CHICAGO  # 9:00 in Chicago, the next weekday

    assert send_due_at(slack, app, clock, TUESDAY_NINE_CHICAGO) == 1
    [dm] = slack.dms(randy)
    text = block_texts(dm.blocks)
    assert "Do 40 practice questions" in text and "Sleep 7 hours" in text
    assert text.count("Snooze 1 day") == 2 and text.count("Add a note") == 2
    assert "due Sun Dec 20" in text
    [following] = pending_nudges(app)
    assert following.due_at == TUESDAY_NINE_CHICAGO + timedelta(days=1)


def test_on_track_records_once_and_updates_the_message_even_when_clicked_twice(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock, emulator: SlackEmulator
) -> None:
    slack.goal("add Read one NEJM article a week", user=randy)
    slack.goal("cadence 1 daily", user=randy)
    send_due_at(slack, app, clock, TUESDAY_NINE_CHICAGO)
    [dm] = slack.dms(randy)
    as_seen = replace(dm)  # both clicks come from the message as it was shown, before any update
    first = slack.click_in_message(randy, as_seen, "On track")
    second = slack.click_in_message(randy, as_seen, "On track")  # a double click, or Slack's replay
    assert first.status == second.status == 200
    slack.wait_for_edit(dm, edits=2)
    assert [c.answer for c in checkins(app)] == [NudgeAnswer.ON_TRACK]
    assert "On track: noted" in block_texts(dm.blocks)
    assert "Snooze 1 day" not in block_texts(dm.blocks)
    assert len(emulator.calls_to("chat.update")) == 2


def test_a_click_made_before_slacks_answer_to_the_post_came_back_is_recorded_once_it_has(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock, emulator: SlackEmulator
) -> None:
    slack.goal("add Read one NEJM article a week", user=randy)
    slack.goal("cadence 1 daily", user=randy)
    clock.now = TUESDAY_NINE_CHICAGO
    # Slack shows the nudge at once; its answer to the post reaches the dispatcher a second later.
    emulator.slow("chat.postMessage", 1.0)
    wave = threading.Thread(target=run_due, args=(app, emulator))
    wave.start()
    try:
        dm = slack.wait_for_dm(randy, "NEJM")
        assert [c.answer for c in checkins(app)] == []
        assert slack.click_in_message(randy, replace(dm), "On track").status == 200
    finally:
        wave.join(timeout=30)
    slack.wait_for_edit(dm)
    app.wait_idle()
    assert [c.answer for c in checkins(app)] == [NudgeAnswer.ON_TRACK]
    assert "On track: noted" in block_texts(dm.blocks)


def test_clicks_made_while_the_message_is_being_redrawn_share_one_more_redraw_that_shows_them_all(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock, emulator: SlackEmulator
) -> None:
    for title in ("Read one NEJM article a week", "Sleep 7 hours", "Do 40 practice questions"):
        slack.goal(f"add {title}", user=randy)
    for number in (1, 2, 3):
        slack.goal(f"cadence {number} daily", user=randy)
    send_due_at(slack, app, clock, TUESDAY_NINE_CHICAGO)
    [dm] = slack.dms(randy)
    as_seen = replace(dm)
    emulator.slow("chat.update", 0.5)  # the first redraw is drawn, and its answer is slow to come
    slack.click_in_message(randy, as_seen, "On track", nth=0)
    slack.wait_for_edit(dm)
    for nth in (1, 2):  # a coachee going down the list while the first redraw is under way
        assert slack.click_in_message(randy, as_seen, "On track", nth=nth).status == 200
    slack.wait_for_edit(dm, edits=2)
    app.wait_idle()
    assert block_texts(dm.blocks).count("On track: noted") == 3
    assert "Snooze 1 day" not in block_texts(dm.blocks)
    assert len(emulator.calls_to("chat.update")) == 2  # not one per click


def test_done_completes_the_goal_and_no_more_nudges_are_planned_for_it(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock
) -> None:
    slack.open_home(randy)  # so that changes refresh it
    slack.goal("add Finish the anatomy atlas", user=randy)
    slack.goal("cadence 1 daily", user=randy)
    send_due_at(slack, app, clock, TUESDAY_NINE_CHICAGO)
    slack.click_in_message(randy, slack.dms(randy)[0], "Done")
    slack.wait_for_edit(slack.dms(randy)[0])
    assert goal_status(app, 1) == GoalStatus.DONE
    assert pending_nudges(app) == []
    assert "🎉 Done, and the goal is closed. Well done." in block_texts(slack.dms(randy)[0].blocks)
    slack.emulator.wait_for(
        lambda _calls: "No active goals yet" in block_texts(slack.ws.homes[randy]["blocks"])
    )


def test_need_help_without_a_coach_is_noted_and_promises_no_one(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock
) -> None:
    slack.goal("add Present a case at rounds", user=randy)
    slack.goal("cadence 1 daily", user=randy)
    send_due_at(slack, app, clock, TUESDAY_NINE_CHICAGO)
    dm = slack.dms(randy)[0]
    slack.click_in_message(randy, dm, "Need help")
    text = block_texts(slack.wait_for_edit(dm).blocks)
    assert "You asked for help: noted" in text and "will see" not in text  # no coach to promise
    assert [c.answer for c in checkins(app)] == [NudgeAnswer.NEED_HELP]


def test_snooze_asks_again_a_day_later_about_that_goal_only(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock
) -> None:
    slack.goal("add Log 3 clinic reflections", user=randy)  # weekly: next Monday
    clock.now = MONDAY_NINE_CHICAGO + timedelta(days=7)
    run_due(app, slack.emulator)
    slack.click_in_message(randy, slack.dms(randy)[0], "Snooze 1 day")
    slack.wait_for_edit(slack.dms(randy)[0])
    snoozed = [r for r in pending_nudges(app) if r.dedupe_key.startswith("nudge_snooze:")]
    assert [r.due_at for r in snoozed] == [clock.now + timedelta(days=1)]
    assert send_due_at(slack, app, clock, clock.now + timedelta(days=1)) == 1
    assert "Log 3 clinic reflections" in block_texts(slack.dms(randy)[-1].blocks)


def test_changing_the_cadence_moves_the_pending_nudge_and_off_cancels_it(
    slack: Slack, randy: str, app: RunningApp
) -> None:
    slack.goal("add Shadow in the ED twice", user=randy)
    assert [r.due_at for r in pending_nudges(app)] == [MONDAY_NINE_CHICAGO + timedelta(days=7)]
    slack.goal("cadence 1 daily", user=randy)
    assert [r.due_at for r in pending_nudges(app)] == [TUESDAY_NINE_CHICAGO]
    slack.goal("cadence 1 off", user=randy)
    assert pending_nudges(app) == []
    slack.goal("cadence 1 biweekly", user=randy)
    assert [r.due_at for r in pending_nudges(app)] == [MONDAY_NINE_CHICAGO + timedelta(days=14)]


def test_a_goal_past_its_target_date_gets_one_close_or_new_date_question(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock
) -> None:
    slack.goal("add Submit the poster abstract by tomorrow", user=randy)
    slack.goal("cadence 1 daily", user=randy)
    send_due_at(slack, app, clock, TUESDAY_NINE_CHICAGO)  # due today: a regular nudge
    assert "On track" in block_texts(slack.dms(randy)[0].blocks)
    send_due_at(slack, app, clock, TUESDAY_NINE_CHICAGO + timedelta(days=1))
    asked = block_texts(slack.dms(randy)[1].blocks)
    assert "has passed" in asked and "Close goal" in asked and "Set a new date" in asked
    assert pending_nudges(app) == []  # asked once; it waits for a new date or closing
    slack.click_in_message(randy, slack.dms(randy)[1], "Close goal")
    slack.wait_for_edit(slack.dms(randy)[1])
    assert goal_status(app, 1) == GoalStatus.ACTIVE  # closing asks "Did you get there?" first
    slack.click_in_message(randy, slack.dms(randy)[1], "Yes, done")
    slack.wait_for_edit(slack.dms(randy)[1], 2)
    assert goal_status(app, 1) == GoalStatus.DONE


def test_a_deactivated_person_gets_nothing_more(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock
) -> None:
    slack.goal("add Run twice a week", user=randy)
    slack.goal("cadence 1 daily", user=randy)
    slack.ws.users[randy]["deleted"] = True
    send_due_at(slack, app, clock, TUESDAY_NINE_CHICAGO)
    [row] = nudge_rows(app)
    assert row.status == DeliveryStatus.FAILED and "account_inactive" in (row.last_error or "")
    with app.services.db.transaction() as s:
        assert "account_inactive" in (s.scalars(select(NudgePrefs.stopped_reason)).one() or "")
    slack.goal("add Swim once a week", user=randy)
    assert pending_nudges(app) == []


def test_after_downtime_a_nudge_hours_late_the_same_day_is_still_sent_once(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock
) -> None:
    slack.goal("add Review pharmacology flashcards", user=randy)
    slack.goal("cadence 1 daily", user=randy)
    assert send_due_at(slack, app, clock, TUESDAY_NINE_CHICAGO + timedelta(hours=5)) == 1  # 2 PM: same day
    sent, following = nudge_rows(app)
    assert sent.status == DeliveryStatus.SENT
    assert following.status == DeliveryStatus.PENDING
    assert following.due_at == TUESDAY_NINE_CHICAGO + timedelta(days=1)
    assert len(slack.dms(randy)) == 1


def test_after_downtime_past_the_end_of_its_day_a_nudge_is_skipped_with_a_reason_and_the_next_planned(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock
) -> None:
    slack.goal("add Review pharmacology flashcards", user=randy)
    slack.goal("cadence 1 daily", user=randy)
    midnight = TUESDAY_NINE_CHICAGO + timedelta(hours=15)  # 00:00 Wednesday in Chicago
    assert send_due_at(slack, app, clock, midnight + timedelta(minutes=1)) == 0
    skipped, following = nudge_rows(app)[:2]
    assert skipped.status == DeliveryStatus.SKIPPED and "end of its day" in (skipped.last_error or "")
    assert following.status == DeliveryStatus.PENDING
    assert following.due_at == TUESDAY_NINE_CHICAGO + timedelta(days=1)
    assert send_due_at(slack, app, clock, following.due_at + timedelta(minutes=40)) == 1  # still useful


def test_retried_quick_checkin_notes_are_saved_once(slack: Slack, randy: str, app: RunningApp) -> None:
    from urllib.parse import urlencode

    form = slack.driver.command_form(randy, "/checkin", "Finished the cardio block, feeling steadier")
    first = slack.driver.post(urlencode(form))
    again = slack.driver.post(urlencode(form))  # Slack retrying the same command
    assert "Noted" in first.text and "Noted" in again.text
    with app.services.db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(CheckIn)) == 1
