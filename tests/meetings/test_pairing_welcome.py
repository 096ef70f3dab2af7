"""The relationship starts and ends with a word: a welcome to each side, and a notice at the end."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.conftest import FixedClock
from tests.harness import RunningApp, Slack, block_texts, run_due


def test_pairing_welcomes_both_sides_and_unpairing_tells_both(
    slack: Slack, app: RunningApp, paired: tuple[str, str], dean: str
) -> None:
    coach, coachee = paired
    run_due(app, slack.emulator)
    welcome = slack.wait_for_dm(coachee, "Welcome to coaching")
    shown = block_texts(welcome.blocks)
    assert f"Your coach is <@{coach}>" in shown
    assert "differs from *advising*" in shown and "*mentoring*" in shown  # from the agreement text
    # The mention sits outside code formatting, so Slack shows the coach's name, not their user id.
    assert f"/meeting <@{coach}> next Tuesday 2pm" in shown and "`/meeting @" not in shown
    assert "What you, the coachee, commit to" in shown and "I agree" in shown  # the agreement to read
    to_coach = block_texts(slack.wait_for_dm(coach, "coach.").blocks)
    assert (
        f"You are now <@{coachee}>'s coach" in to_coach
        and f"/meeting <@{coachee}> next Tuesday 2pm" in to_coach
    )
    run_due(app, slack.emulator)
    assert len([m for m in slack.dms(coachee) if "Welcome to coaching" in m.text]) == 1  # once

    assert "no longer paired" in slack.coach("unassign @drlee @priya", user=dean).text
    run_due(app, slack.emulator)
    assert f"pairing with <@{coach}> (your coach) has ended" in slack.wait_for_dm(coachee, "has ended").text
    assert f"pairing with <@{coachee}> (your coachee) has ended" in slack.wait_for_dm(coach, "has ended").text


def test_reassigning_tells_the_old_coach_and_welcomes_the_new_one(
    slack: Slack, app: RunningApp, paired: tuple[str, str], dean: str
) -> None:
    old, coachee = paired
    slack.person("drkim", "America/Chicago")
    slack.coach("assign @drkim @priya", user=dean)
    run_due(app, slack.emulator)
    assert "has ended" in slack.wait_for_dm(old, "has ended").text
    assert "Your coach is <@" in slack.wait_for_dm(coachee, "Welcome to coaching").text
    assert len([m for m in slack.dms(coachee) if "Welcome to coaching" in m.text]) == 2


def test_a_coachees_home_shows_their_coach_and_next_session_and_a_coachs_their_open_need_help(
    slack: Slack, app: RunningApp, paired: tuple[str, str], clock: FixedClock
) -> None:
    coach, coachee = paired
    home = block_texts(slack.open_home(coachee)["blocks"])
    assert "Your coach" in home and f"<@{coach}>" in home and "No session booked yet" in home
    slack.meeting("@priya 2026-11-26 10:00", user=coach)
    home = block_texts(slack.open_home(coachee)["blocks"])
    assert "Next session: Thu Nov 26, 8:30 PM" in home  # 10:00 in New York, in Kolkata

    slack.goal("add Finish the renal block", user=coachee)
    slack.goal("cadence 1 daily", user=coachee)
    clock.now = datetime(2026, 11, 24, 3, 30, tzinfo=UTC)
    run_due(app, slack.emulator)
    nudge = slack.wait_for_dm(coachee, "Check-in")
    slack.click_message(coachee, nudge, "Need help")
    # The answer replaces the nudge's part (another update of the same message may land first).
    slack.emulator.wait_for(lambda _calls: "will see it" in block_texts(nudge.blocks))
    coach_home = block_texts(slack.open_home(coach)["blocks"])
    assert "🤝 Need help on #1 Finish the renal block (since Mon Nov 23, 10:30 PM)" in coach_home
    assert "Your coach\n" not in coach_home  # a coach without a coach of their own
