"""Weekly summaries and the digest through Slack: commands, refusals, coaches' time zones, the
weekly schedule (late once, never twice), long rosters in a thread, two workers, App Home."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bench.program import build_program
from bot.platform.delivery import dispatcher as dispatch
from bot.platform.slack import make_web_client
from bot.summaries.schedule import next_due, parse_summary_time
from storage.models import Delivery, DeliveryStatus, Person
from storage.models.checkins import CheckIn, NudgeAnswer
from tests.conftest import FixedClock
from tests.harness import BOT_TOKEN, RunningApp, Slack, block_texts, run_due

TEAM = "T0COACH01"


def person_id(app: RunningApp, user: str) -> int:
    with app.services.db.read() as session:
        return session.scalars(select(Person.id).where(Person.slack_user_id == user)).one()


def summary_rows(app: RunningApp, user: str) -> list[Delivery]:
    with app.services.db.read() as session:
        return list(
            session.scalars(
                select(Delivery)
                .where(Delivery.kind == "summary", Delivery.recipient == user)
                .order_by(Delivery.id)
            )
        )


def summaries_to(slack: Slack, user: str) -> list[str]:
    return [m.text for m in slack.dms(user) if m.text.startswith("Your weekly coaching summary")]


def test_a_coach_gets_their_summary_now_and_a_private_note_stays_private(
    slack: Slack, app: RunningApp, paired: tuple[str, str], clock: FixedClock
) -> None:
    coach, coachee = paired
    with app.services.db.transaction() as session:
        for n, (note, private) in enumerate([("exams are hard", False), ("my secret fear", True)]):
            session.add(
                CheckIn(team_id=TEAM, person_id=person_id(app, coachee), answer=NudgeAnswer.NOTE, note=note,
                        private=private, created_at=clock.now - timedelta(hours=n + 1), request_key=f"k{n}")
            )  # fmt: skip
    assert "sending you your coaching summary" in slack.coach("summary", user=coach).text
    summary = slack.wait_for_dm(coach, "Your weekly coaching summary")
    text = block_texts(summary.blocks)
    assert f"<@{coachee}>" in text and "exams are hard" in text
    assert "secret fear" not in text
    assert "You have no coachees" in slack.coach("summary", user=coachee).text


def test_only_admins_get_the_digest(
    slack: Slack, app: RunningApp, paired: tuple[str, str], dean: str
) -> None:
    coach, _ = paired
    refusal = slack.coach("digest", user=coach).text
    assert "Only program admins can see the program digest" in refusal
    assert "sending you the program digest" in slack.coach("digest", user=dean).text
    digest = slack.wait_for_dm(dean, "Your weekly program digest")
    assert "Active pairings: 1" in block_texts(digest.blocks)
    assert not [m for m in slack.dms(coach) if "digest" in m.text]


def test_each_coach_gets_it_monday_at_eight_in_their_own_zone_once_and_a_late_one_once(
    slack: Slack, app: RunningApp, paired: tuple[str, str], clock: FixedClock, emulator: object
) -> None:
    coach, _ = paired  # Dr Lee, in New York
    run_due(app, slack.emulator)
    [row] = summary_rows(app, coach)
    assert row.due_at == datetime(2026, 11, 30, 13, 0, tzinfo=UTC)  # Monday 08:00 EST
    assert row.dedupe_key == f"summary:{TEAM}:{coach}:2026-W49"
    clock.now = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # the app was down until Wednesday
    run_due(app, slack.emulator)
    run_due(app, slack.emulator)
    assert len(summaries_to(slack, coach)) == 1
    assert summary_rows(app, coach)[0].status == DeliveryStatus.SENT
    clock.now = datetime(2026, 12, 11, 12, 0, tzinfo=UTC)  # down again, for more than three days
    run_due(app, slack.emulator)
    assert len(summaries_to(slack, coach)) == 1
    stale = next(r for r in summary_rows(app, coach) if r.dedupe_key.endswith("2026-W50"))
    assert stale.status == DeliveryStatus.SKIPPED and "late" in (stale.last_error or "")


def test_summary_times_follow_daylight_saving_in_the_coachs_zone() -> None:
    monday_eight = parse_summary_time("Monday 08:00")
    winter = next_due(*monday_eight, "America/Chicago", datetime(2027, 3, 2, tzinfo=UTC))
    summer = next_due(*monday_eight, "America/Chicago", datetime(2027, 3, 9, tzinfo=UTC))
    assert winter == datetime(2027, 3, 8, 14, 0, tzinfo=UTC)  # 08:00 CST
    assert summer == datetime(2027, 3, 15, 13, 0, tzinfo=UTC)  # 08:00 CDT, the day after the clocks moved
    kolkata = next_due(*monday_eight, "Asia/Kolkata", datetime(2026, 11, 23, 15, 0, tzinfo=UTC))
    assert kolkata == datetime(2026, 11, 30, 2, 30, tzinfo=UTC)


def test_a_coach_moves_their_summary_and_bad_times_are_explained(
    slack: Slack, app: RunningApp, paired: tuple[str, str]
) -> None:
    coach, _ = paired
    run_due(app, slack.emulator)
    reply = slack.coach("summary-time fri 4:30pm", user=coach).text
    assert "Fridays at 4:30 PM" in reply
    pending = [r for r in summary_rows(app, coach) if r.status == DeliveryStatus.PENDING]
    assert [r.due_at for r in pending] == [datetime(2026, 11, 27, 21, 30, tzinfo=UTC)]
    assert "/coach summary-time Monday 08:00" in slack.coach("summary-time someday", user=coach).text
    assert "isn't a time of day" in slack.coach("summary-time Tue 25:00", user=coach).text


def big_roster(app: RunningApp, slack: Slack, coaches: int, coachees: int, clock: FixedClock) -> list[str]:
    """Coaches known to Slack with bulk-made coachees; returns the coaches' user ids."""
    with app.services.db.transaction() as session:
        program = build_program(session, clock.now, coaches=coaches, coachees=coachees, weeks=2, team=TEAM)
    for user in program.coach_users:
        slack.ws.add_user(user.lower(), "America/Chicago", user_id=user)
    return program.coach_users


def test_a_long_roster_continues_in_the_first_messages_thread(
    slack: Slack, app: RunningApp, clock: FixedClock
) -> None:
    [coach] = big_roster(app, slack, 1, 60, clock)
    slack.coach("summary", user=coach)
    first = slack.wait_for_dm(coach, "Your weekly coaching summary (1/")
    total = int(first.text.rsplit("/", 1)[1].rstrip(")"))
    # The parts follow one a second (Slack's pace for one channel), sent by /coach's own second pass:
    # with no scheduler running here, they would never come if that pass did not happen.
    replies = slack.emulator.wait_for(
        lambda _c: (r := slack.posts(first.channel, thread_ts=first.ts)) and len(r) >= total - 1 and r,
        timeout=5.0 + 2.0 * total,
    )
    everything = block_texts(first.blocks) + "".join(block_texts(r.blocks) for r in replies)
    assert total > 1 and len(replies) == total - 1
    assert everything.count("<@UbC0E") == 60


def test_two_workers_send_each_summary_once(slack: Slack, app: RunningApp, clock: FixedClock) -> None:
    coaches = big_roster(app, slack, 12, 3, clock)
    client = make_web_client(BOT_TOKEN, slack.emulator.url)
    dispatch.plan_periodic(app.services, clock.now)
    clock.now = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)  # Monday 08:00 in Chicago
    workers = [
        threading.Thread(target=dispatch.run_due, args=(app.services, client, clock.now)) for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    for coach in coaches:
        assert len(summaries_to(slack, coach)) == 1, coach


def test_a_coachs_home_shows_the_flags_and_next_session(
    slack: Slack, app: RunningApp, paired: tuple[str, str], clock: FixedClock
) -> None:
    coach, coachee = paired
    with app.services.db.transaction() as session:
        session.add(
            CheckIn(team_id=TEAM, person_id=person_id(app, coachee), answer=NudgeAnswer.NEED_HELP,
                    created_at=clock.now - timedelta(hours=2), request_key="help")
        )  # fmt: skip
    home = block_texts(slack.open_home(coach)["blocks"])
    assert f"<@{coachee}>" in home and "asked for help" in home and "no session booked" in home


def test_the_flag_legend_is_written_out_once_and_a_button_shows_it_any_time(
    slack: Slack, app: RunningApp, paired: tuple[str, str], clock: FixedClock
) -> None:
    coach, _ = paired
    run_due(app, slack.emulator)
    clock.now = datetime(2026, 11, 30, 13, 1, tzinfo=UTC)
    run_due(app, slack.emulator)
    first = slack.wait_for_dm(coach, "Your weekly coaching summary")
    assert "nothing else since" in block_texts(first.blocks)  # the rules, the first time
    clock.now = datetime(2026, 12, 7, 13, 1, tzinfo=UTC)
    run_due(app, slack.emulator)
    [_, second] = [m for m in slack.dms(coach) if m.text.startswith("Your weekly coaching summary")]
    shown = block_texts(second.blocks)
    assert "nothing else since" not in shown and "What do the flags mean?" in shown
    slack.click_message(coach, second, "What do the flags mean?")
    legend = slack.wait_for_response("What the flags mean")
    assert "not counting program quiet periods" in legend["text"]
    assert legend.get("response_type") == "ephemeral"


def test_every_coachees_active_goals_show_with_due_dates_overdue_marked_even_in_a_quiet_week(
    slack: Slack, app: RunningApp, paired: tuple[str, str], clock: FixedClock, dean: str
) -> None:
    coach, priya = paired
    sam = slack.person("sam", "America/New_York")
    slack.coach("assign @drlee @sam", user=dean)
    slack.goal("add Read chapter 4 by Nov 25", user=priya)
    slack.goal("add Call my mentor", user=priya)
    slack.goal("add Pass the OSCE by Dec 18", user=sam)
    slack.checkin("Steady week", user=sam)  # something to report for Sam, nothing for Priya
    app.wait_idle()  # what the last request set off finishes before time moves
    clock.now = clock.now.replace(day=30)
    slack.coach("summary", user=coach)
    summary = block_texts(slack.wait_for_dm(coach, "Your weekly coaching summary").blocks)
    priya_part = summary[summary.index(f"<@{priya}>") :]
    assert "Nothing to report this week" in priya_part  # a quiet week still lists the goals
    assert "⚠️ 1. Read chapter 4 — *overdue by 5 days (was due Wed Nov 25)*" in priya_part
    assert "2. Call my mentor — no due date" in priya_part
    sam_part = summary[summary.index(f"<@{sam}>") :]
    assert "🎯 Active: 1. Pass the OSCE — due Fri Dec 18 — in 18 days" in sam_part
    assert "⚠️ 1. Pass the OSCE" not in summary
