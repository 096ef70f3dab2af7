"""A known person's day-old profile answers at once; Slack is asked after the request, not during it."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Person
from tests.conftest import FixedClock
from tests.harness import RunningApp, Slack


def stored_tz(app: RunningApp, user: str) -> str:
    with app.services.db.read() as session:
        return session.scalars(select(Person.tz).where(Person.slack_user_id == user)).one()


def test_a_day_old_profile_answers_now_and_is_refreshed_after_the_request(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock
) -> None:
    slack.goal("add First goal", user=randy)
    assert stored_tz(app, randy) == "America/Chicago"
    slack.emulator.workspace.users[randy]["tz"] = "Asia/Kolkata"  # they moved
    clock.advance(hours=25)
    slack.emulator.slow("users.info", 1.0)  # Slack answers, but slowly

    reply = slack.goal("add Second goal", user=randy)

    assert reply.text.startswith("Goal #2 saved"), "the stored profile answered"
    assert stored_tz(app, randy) == "America/Chicago", "the request did not wait for users.info"
    app.services.profiles.wait_idle()
    assert stored_tz(app, randy) == "Asia/Kolkata"
    assert len(slack.emulator.calls_to("users.info")) == 2
    slack.goal("list", user=randy)
    assert len(slack.emulator.calls_to("users.info")) == 2, "refreshed once, then fresh again"


def test_a_person_never_seen_is_looked_up_before_the_answer(slack: Slack, app: RunningApp) -> None:
    newcomer = slack.person("newcomer", tz="Asia/Kolkata")
    slack.emulator.slow("users.info", 0.3)
    slack.goal("add First goal", user=newcomer)
    assert stored_tz(app, newcomer) == "Asia/Kolkata"


def test_a_failed_refresh_keeps_the_stored_profile_and_tries_again_next_time(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock
) -> None:
    slack.goal("add First goal", user=randy)
    clock.advance(hours=25)
    slack.emulator.fail("users.info", 500, times=None)
    assert slack.goal("add Second goal", user=randy).text.startswith("Goal #2 saved")
    app.services.profiles.wait_idle()
    assert stored_tz(app, randy) == "America/Chicago"
    failed = len(slack.emulator.calls_to("users.info", ok_only=False))
    app.services.actors.forget(slack.emulator.workspace.team_id, randy)
    slack.goal("add Third goal", user=randy)
    app.services.profiles.wait_idle()
    assert len(slack.emulator.calls_to("users.info", ok_only=False)) > failed, "still stale: asked again"
