"""`coachbot sandbox`: typing as Slack users against the real app, as a person would see it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.goals.ids import GoalAction
from storage.models import Goal
from tests.sandbox.sandbox_session import Session, session

MONDAY_9_CHICAGO = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def s(tmp_path: Path) -> Iterator[Session]:
    with session(tmp_path, MONDAY_9_CHICAGO) as running:
        yield running


def test_a_slash_command_reply_shows_its_recipient_and_local_time(s: Session) -> None:
    s.type(":home")  # once randy has opened Home, changes refresh it
    out = s.type("/goal add Do 40 practice questions a week by Dec 20")
    assert "ephemeral to randy in DM · Mon Nov 23 9:00 AM CST" in out
    assert "Goal #1 saved: Do 40 practice questions a week (due Sun Dec 20 — in 27 days)" in out
    assert "App Home of randy updated" in out


def test_mentions_reach_the_app_escaped_and_come_back_as_text_never_as_pings(s: Session) -> None:
    out = s.type("/goal add Practise OSCE cases with @drlee in #m1-coaching")
    drlee, channel = s.user("drlee"), s.sandbox.ws.channel_by_name("m1-coaching")
    # Slack's markup in someone's words is shown as text (issue 13), so it can never ping or link.
    assert f"Practise OSCE cases with <@{drlee}|drlee> in <#{channel}|m1-coaching>" in out
    assert "Practise OSCE cases with @drlee" not in out
    with s.sandbox.rt.db.transaction() as db:
        title = db.scalars(select(Goal.title)).one()
    assert title == f"Practise OSCE cases with <@{drlee}|drlee> in <#{channel}|m1-coaching>"


def test_switching_user_and_one_line_as_another(s: Session) -> None:
    assert "ephemeral to drlee in DM · Mon Nov 23 10:00 AM EST" in s.type("@drlee /goal list")
    assert s.sandbox.prompt() == "randy> "
    s.type(":as admin")
    assert s.sandbox.prompt() == "admin> "
    assert "ephemeral to admin in DM · Mon Nov 23 7:00 AM PST" in s.type("/goal list")


def test_home_shows_the_goals_and_a_home_button_click_reaches_the_app(s: Session) -> None:
    s.type("/goal add Read one NEJM article a week", "/goal add Sleep 7 hours on weeknights")
    home = s.type(":home")
    assert "── App Home of randy · Mon Nov 23 9:00 AM CST" in home
    assert "== Your coaching goals ==" in home and "[Done] [Edit] [Log progress]" in home
    after = s.type(":click home Done 2")
    assert "Sleep 7 hours" not in after and "1 done · 0 not achieved · 0 dropped" in after


def test_clicking_a_button_in_a_message_sends_its_action_to_the_app(s: Session) -> None:
    s.type("/goal add Read one NEJM article a week")
    randy = s.user("randy")
    s.sandbox.rt.client.chat_postMessage(
        channel=randy,
        text="Check-in",
        blocks=[
            {"type": "section", "text": {"type": "mrkdwn", "text": "How is *#1* going?"}},
            {
                "type": "actions",
                "block_id": "goal_1",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "Done"},
                        "action_id": GoalAction.HOME_GOAL_DONE,
                        "value": "1",
                    }
                ],
            },
        ],
    )
    shown = s.type(":now")
    assert "── #5 DM to randy · Mon Nov 23 9:00 AM CST" in shown and "How is #1 going?" in shown
    s.type(":click #5 Done")
    assert "0 active" not in (listed := s.type("/goal list")) and "1 done" in listed


def test_checkboxes_toggle_and_selects_pick_in_the_newest_message(s: Session) -> None:
    sent: list[str] = []
    driver = s.sandbox.rt.driver
    real_post = driver.post

    def spy(body: str, *args: Any, **kwargs: Any) -> Any:
        sent.append(body)
        return real_post(body, *args, **kwargs)

    driver.post = spy  # type: ignore[method-assign]
    option = {"text": {"type": "plain_text", "text": "Reviewed my notes"}, "value": "notes"}
    s.sandbox.rt.client.chat_postMessage(
        channel=s.user("randy"),
        text="Prep",
        blocks=[
            {
                "type": "actions",
                "block_id": "prep",
                "elements": [
                    {"type": "checkboxes", "action_id": "prep_check", "options": [option]},
                    {
                        "type": "static_select",
                        "action_id": "mood",
                        "placeholder": {"type": "plain_text", "text": "How do you feel?"},
                        "options": [{"text": {"type": "plain_text", "text": "Ready"}, "value": "ready"}],
                    },
                ],
            }
        ],
    )
    assert "[ ] Reviewed my notes [How do you feel? ▾ Ready]" in s.type(":now")
    assert "[x] Reviewed my notes" in s.type(":click Reviewed my notes")
    assert "prep_check" in sent[-1] and "notes" in sent[-1]
    assert "[ ] Reviewed my notes" in s.type(":click Reviewed my notes")
    s.type(":click Ready")
    assert "mood" in sent[-1] and "selected_option" in sent[-1]


def test_a_modal_is_filled_refused_with_field_errors_then_saved(s: Session) -> None:
    opened = s.type("/goal new")
    assert "┌ New goal ┐" in opened and "Area: [Other ▾ Academic performance | Clinical skills" in opened
    s.type(":fill Goal= Target date=2020-01-01")
    refused = s.type(":submit")
    assert "✗ Goal: What do you want to achieve? A goal needs some words." in refused
    assert "✗ Target date: That date has passed" in refused
    assert (
        "Goal: [____]\n     (What do you want to achieve? Your words, your goal.)\n     ✗ What do you want"
        in s.type(":open")
    )
    filled = s.type(
        ':fill goal=Sleep 7 hours "Target date"=2026-12-07 area=well Check-in cadence="Daily (weekdays)"'
    )
    assert "Area: [Well-being ▾" in filled and "Target date (optional): [date: 2026-12-07]" in filled
    saved = s.type(":submit")
    assert "┌ Goal #1 saved ┐" in saved and "due Mon Dec 7 — in 14 days" in saved
    assert "closed" in s.type(":click Done")
    assert "Sleep 7 hours · Well-being · due Mon Dec 7" in s.type("/goal list")


def test_home_button_opens_a_modal_that_is_filled_and_submitted(s: Session) -> None:
    s.type("/goal add Suture practice", ":home")
    assert "┌ Log progress ┐" in s.type(":click home Log progress")
    s.type(":fill What has moved forward?=10 sutures")
    assert "modal “Log progress” closed" in s.type(":submit")
    assert "Last progress (Mon Nov 23, 9:00 AM): 10 sutures" in s.type(":home")


@pytest.mark.parametrize(
    ("line", "hint"),
    [
        (":bogus", "not a sandbox command"),
        ("hello there", "Start with / for a slash command"),
        ("/nope", "not a command coachbot offers"),
        (":advance soon", "not a duration"),
        (":advance", "Write `:advance 3d`"),
        (":advance to 2020-01-01 09:00", "has passed"),
        (":advance to half past", "not a time of day"),
        (":click Nothing here", "Nothing labelled “Nothing here”"),
        (":click #99 Done", "no message #99"),
        (":fill Goal=x", "no modal open"),
        (":submit", "no modal open"),
        (":as nobody", "no user “nobody”"),
        ("@nobody /goal list", "no user “nobody”"),
        ("@drlee", "Write what they type"),
        (":show x", "Write `:show K`"),
        (":in #nowhere", "not in a channel"),
        (":adduser sam Mars/Base", "not a time zone"),
    ],
)
def test_bad_input_prints_a_hint_and_the_session_goes_on(s: Session, line: str, hint: str) -> None:
    out = s.type(line)
    assert out.startswith("  ? ") and hint in out, out
    assert "Goal #1 saved" in s.type("/goal add Still works")


def test_a_bad_field_in_a_modal_is_a_hint(s: Session) -> None:
    s.type("/goal new")
    assert "one of this form's fields: Goal, Why it matters to you" in s.type(":fill Colour=blue")
    assert "Area is one of: Academic performance" in s.type(":fill Area=Astronomy")
    assert "picked from a calendar" in s.type(":fill Target date=someday")


def test_inbox_users_now_help_and_quit(s: Session) -> None:
    s.type("/goal add Read *one* article")
    assert "#4    Mon Nov 23 9:00 AM CST     ephemeral Goal #1 saved: Read one article" in s.type(":inbox")
    users = s.type(":users")
    assert "randy" in users and "America/Chicago" in users and "#m1-coaching: randy, drlee, admin" in users
    now = s.type(":now")
    assert "drlee      Mon Nov 23 10:00 AM EST" in now and "admin      Mon Nov 23 7:00 AM PST" in now
    assert ":advance 3d" in s.type(":help")
    assert "Goal #1 saved" in s.type(":show 4")
    assert s.sandbox.handle(":quit") is False


def test_an_empty_sandbox_starts_with_nobody_and_people_can_be_added(tmp_path: Path) -> None:
    with session(tmp_path, MONDAY_9_CHICAGO, empty=True) as empty:
        assert "Nobody is here yet" in empty.type("/goal list")
        empty.type(":adduser sam Europe/London", ":addchannel cohort-a")
        assert empty.sandbox.prompt() == "sam> "
        assert "ephemeral to sam in DM · Mon Nov 23 3:00 PM GMT" in empty.type("/goal list")
        empty.type(":in #cohort-a")
        assert empty.sandbox.prompt() == "sam in #cohort-a> "
        assert "ephemeral to sam in #cohort-a" in empty.type("/goal list")


def _coachbot() -> list[str]:
    script = Path(sys.executable).parent / "coachbot"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COACHBOT_"))}


def test_the_example_coaching_cycle_runs_as_a_script() -> None:
    script = (ROOT / "examples" / "coaching-cycle.txt").read_text()
    result = subprocess.run(
        [*_coachbot(), "sandbox", "--start", "2026-11-23T15:00Z"],
        input=script,
        capture_output=True,
        text=True,
        timeout=60,
        env=_env(),
    )
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "\n  ? " not in out, out  # every line of the example is understood
    expected = [
        # the pairing welcome each side got: who, what coaching is, how to book the first session
        "── #3 DM to randy · Mon Nov 23 9:00 AM CST",
        "Welcome to coaching! Your coach is @drlee.",
        "Coaching differs from advising",
        "── #2 DM to drlee · Mon Nov 23 10:00 AM EST",
        "You are now @randy's coach.",
        "randy> /goal add Do 40 practice questions a week by Dec 20",
        "── #4 ephemeral to randy in DM · Mon Nov 23 9:00 AM CST",
        "Goal #1 saved: Do 40 practice questions a week (due Sun Dec 20 — in 27 days)",
        "✗ Goal: What do you want to achieve? A goal needs some words.",
        "┌ Goal #3 saved ┐",
        # the coach books: each side sees the session in their own zone, told once each
        "ephemeral to drlee in DM · Mon Nov 23 10:00 AM EST",
        "Session #1 with @randy booked: Wed Nov 25, 2:00 PM (45 minutes), your time.",
        "DM to randy · Mon Nov 23 9:00 AM CST",
        "Session booked with @drlee: *Wed Nov 25, 1:00 PM (45 minutes)* (your time).",
        # the workshop, announced in the channel and answered
        "Read as Mon Nov 30, 2026 2:00 PM PST (your time) · Mon Nov 30, 2026 5:00 PM EST (the program's time).",
        "in #m1-coaching · Mon Nov 23 7:00 AM PST for admin",
        "Nov 30, 2026 at 2:00 PM · 1h 30m",
        "✅ 1 going · 🤔 1 maybe",
        # the admin's weekly digest (Monday 8:00 in Los Angeles), sent as the clock passes it
        "DM to admin · Mon Nov 23 8:00 AM PST",
        "== Your weekly program digest ==",
        # prep 48 hours ahead (the two DMs, due at the same instant, may arrive in either order)
        "Getting ready for your coaching session with @drlee on Wed Nov 25, 1:00 PM (45 minutes).",
        "Their prep checklist: 2/5 done",
        "@randy agreed to the coaching agreement.",
        # the daily nudge, answered with one click, and a check-in
        "DM to randy · Tue Nov 24 9:00 AM CST",
        "✅ On track: noted.",
        "┌ Check-in saved ┐",
        # asking for help on a goal: the coach is alerted the same day, in their working hours
        "🤝 You asked for help. @drlee will see it Tue Nov 24, 9:00 AM (your time), in their working hours.",
        "── #27 DM to drlee · Tue Nov 24 10:00 AM EST",
        "@randy answered “need help” on goal #2: Get better at suturing.",
        # reminders, then the follow-up after the session
        "DM to drlee · Tue Nov 24 2:00 PM EST",
        "Reminder: your coaching session with @randy starts in 24 hours",
        "DM to randy · Wed Nov 25 12:00 PM CST",
        "starts in 1 hour, at Wed Nov 25, 1:00 PM (45 minutes).",
        "DM to randy · Wed Nov 25 2:00 PM CST",
        "What did you take away? What will you do before next time?",
        # the coach confirms the session happened: the answer replaces the buttons, and it counts
        "randy> @drlee :click Held",
        "Your session with @randy on Wed Nov 25, 2:00 PM (45 minutes) has ended. Did it happen?",
        "✅ You said it was held: it counts as a session held.",
        "#1 Wed Nov 25, 2:00 PM (45 minutes) with @randy (your coachee) · held",
        "You have no active goals.",
        "@randy · agreed Mon Nov 23, 8:30 PM",
        # the workshop reminder, to the people who said they would come
        "DM to randy · Sun Nov 29 4:00 PM CST",
        "*Appreciative inquiry* starts in 1 day: tomorrow at 4:00 PM",
        # the coach's weekly summary (Monday 8:00 in New York), the takeaways included
        "DM to drlee · Mon Nov 30 8:00 AM EST",
        "== Your weekly coaching summary ==",
        "📅 Last session Wed Nov 25, 2:00 PM: held · No session booked",
        "🔁 Last session's takeaways: “Short daily blocks beat long weekend sessions”",
        # three daily check-ins left unanswered: the next one asks whether weekly would suit better
        "DM to randy · Mon Nov 30 9:00 AM CST",
        "The last three daily check-ins went unanswered, and that is fine.",
        "Would a weekly check-in suit you better?",
        "👍 Keeping daily check-ins.",
        "┌ Goal #2 updated ┐",
        "Check-ins for goal #2 (Get better at suturing): every two weeks.",
        "Goal #3 is active again: Sleep 7 hours on weeknights.",
        # the admin's digest counts the session the coach confirmed as held
        "📅 Sessions held: 1 (confirmed by their coach; 0 not confirmed)",
        "Goal #1 is done: Do 40 practice questions a week.",
        "2 done · 0 not achieved · 0 dropped",
        "── clock Mon Dec 7 9:00 AM CST → Wed Dec 9 9:00 AM CST",
        "Its target date, Mon Dec 7, 2026, has passed.",
    ]
    position = 0
    for line in expected:
        found = out.find(line, position)
        assert found >= 0, f"{line!r} missing (in order) from:\n{out}"
        position = found
    digest = out.index("== Your weekly program digest ==")
    checklist = out.index("Getting ready for your coaching session with @drlee")
    for dm, first_line in (
        ("DM to randy · Mon Nov 23 1:00 PM CST", "Getting ready for your coaching session with @drlee"),
        (
            "DM to drlee · Mon Nov 23 2:00 PM EST",
            "Prep brief for your session with @randy on Wed Nov 25, 2:00 PM",
        ),
    ):
        header = out.index(dm, digest)
        assert out.index(first_line, header) - header < 200, f"{dm!r} does not carry {first_line!r}"
        assert header < out.index("Their prep checklist: 2/5 done", checklist)


def test_plain_coachbot_without_slack_tokens_starts_the_sandbox() -> None:
    result = subprocess.run(
        _coachbot(), input=":now\n:quit\n", capture_output=True, text=True, timeout=60, env=_env()
    )
    assert result.returncode == 0, result.stderr
    assert "coachbot sandbox" in result.stdout and "randy> :now" in result.stdout


@pytest.mark.parametrize(
    ("tokens", "message"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET is not set"),  # serve
        ({"SLACK_APP_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN is not set"),  # socket
    ],
)
def test_plain_coachbot_with_slack_tokens_serves_slack(tokens: dict[str, str], message: str) -> None:
    result = subprocess.run(
        _coachbot(), input="", capture_output=True, text=True, timeout=60, env={**_env(), **tokens}
    )
    assert result.returncode == 2 and message in result.stderr
    assert "coachbot sandbox" not in result.stdout


def test_the_example_carries_its_own_start_so_it_replays_the_same_on_any_day() -> None:
    script = (ROOT / "examples" / "coaching-cycle.txt").read_text()
    result = subprocess.run(
        [*_coachbot(), "sandbox"], input=script, capture_output=True, text=True, timeout=60, env=_env()
    )
    assert result.returncode == 0, result.stderr
    assert "clock: Mon Nov 23 9:00 AM CST" in result.stdout
    assert "Its target date, Mon Dec 7, 2026, has passed." in result.stdout


def test_a_script_stops_at_the_first_refused_line_and_says_which() -> None:
    script = "/goal add Read one paper a week\n:advance soon\n/goal add Never reached\n"
    result = subprocess.run(
        [*_coachbot(), "sandbox"], input=script, capture_output=True, text=True, timeout=60, env=_env()
    )
    assert result.returncode == 1
    assert "line 2 was refused: :advance soon" in result.stderr
    assert "Goal #1 saved" in result.stdout and "Never reached" not in result.stdout
