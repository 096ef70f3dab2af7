"""`/coach`: admins pair coaches and coachees and make leads; coaches see their roster; refusals for others."""

from __future__ import annotations

import time

from sqlalchemy import select

from bot.meetings import pairings
from bot.platform.slack import SlackGateway, make_web_client
from storage.models import Person
from storage.models.meetings import Pairing
from tests.harness import BOT_TOKEN, RunningApp, Slack, block_texts


def person_id(app: RunningApp, user_id: str) -> int:
    with app.services.db.read() as session:
        found = session.scalar(select(Person.id).where(Person.slack_user_id == user_id))
    assert found is not None, user_id
    return found


def pairing_rows(app: RunningApp) -> list[Pairing]:
    with app.services.db.transaction() as session:
        return list(session.scalars(select(Pairing).order_by(Pairing.id)))


def test_an_admin_pairs_a_coach_with_several_coachees_at_once(
    slack: Slack, app: RunningApp, dean: str, drlee: str, priya: str, randy: str
) -> None:
    reply = slack.coach("assign @drlee @priya @randy", user=dean)
    assert reply.text.splitlines() == [
        f"<@{priya}> is now paired with coach <@{drlee}>.",
        f"<@{randy}> is now paired with coach <@{drlee}>.",
    ]
    roster = slack.coach("roster", user=drlee)
    assert f"<@{priya}>" in roster.text and f"<@{randy}>" in roster.text
    assert "agreement not yet accepted" in roster.text and "no session booked" in roster.text


def test_assigning_the_same_pair_twice_changes_nothing(
    slack: Slack, app: RunningApp, paired: tuple[str, str], dean: str
) -> None:
    assert "already paired" in slack.coach("assign @drlee @priya", user=dean).text
    assert len(pairing_rows(app)) == 1


def test_reassigning_closes_the_old_pairing_and_keeps_its_history(
    slack: Slack, app: RunningApp, paired: tuple[str, str], dean: str
) -> None:
    coach, coachee = paired
    other = slack.person("drkim", "Europe/London")
    reply = slack.coach("assign @drkim @priya", user=dean)
    assert (
        f"now paired with coach <@{other}>" in reply.text and "closed and kept in the history" in reply.text
    )
    old, new = pairing_rows(app)
    assert old.closed_at is not None and old.closed_by == dean and new.closed_at is None
    assert "no coachees" in slack.coach("roster", user=coach).text
    coachee_actor = app.services.actor(_gateway(slack), slack.ws.team_id, coachee)
    assert pairings.coach_of(app.services, coachee_actor) == other


def test_unassign_ends_the_pairing(slack: Slack, app: RunningApp, paired: tuple[str, str], dean: str) -> None:
    assert "no longer paired" in slack.coach("unassign @drlee @priya", user=dean).text
    assert "not paired" in slack.coach("unassign @drlee @priya", user=dean).text
    assert pairing_rows(app)[0].closed_at is not None


def test_admins_see_every_pair_with_its_coach(slack: Slack, paired: tuple[str, str], dean: str) -> None:
    coach, coachee = paired
    reply = slack.coach("roster", user=dean)
    assert f"<@{coachee}> ← coach <@{coach}>" in block_texts(reply.json["blocks"])


def test_people_who_are_not_admins_are_refused_and_nothing_changes(
    slack: Slack, app: RunningApp, drlee: str, priya: str
) -> None:
    for text in ("assign @drlee @priya", "unassign @drlee @priya", "lead @priya"):
        assert "Only program admins" in slack.coach(text, user=drlee).text
    assert pairing_rows(app) == []


def test_an_admin_makes_a_program_lead(slack: Slack, dean: str, drlee: str) -> None:
    assert slack.coach("lead @drlee", user=dean).text == f"<@{drlee}> is now a program lead."
    assert "already a program lead" in slack.coach("lead @drlee", user=dean).text


def test_a_name_slack_did_not_resolve_gets_a_hint_to_pick_from_the_autocomplete(
    slack: Slack, dean: str
) -> None:
    reply = slack.coach("assign @nobody @priya", user=dean)
    assert "@nobody" in reply.text and "pick the person from the list" in reply.text


def test_assign_needs_a_coach_and_a_coachee(slack: Slack, dean: str, drlee: str) -> None:
    assert "Name the coach, then one or more coachees" in slack.coach("assign @drlee", user=dean).text


def test_help_lists_every_subcommand(slack: Slack, randy: str) -> None:
    text = slack.coach("help", user=randy).text
    for usage in (
        "/coach roster",
        "/coach agreement @coachee",
        "/coach assign",
        "/coach unassign",
        "/coach lead",
    ):
        assert usage in text


def _gateway(slack: Slack) -> SlackGateway:
    return SlackGateway(make_web_client(BOT_TOKEN, slack.emulator.url))


def test_pairing_forty_new_coachees_while_users_info_is_slow_answers_within_3_seconds(
    slack: Slack, app: RunningApp, dean: str, drlee: str
) -> None:
    coachees = [slack.person(f"student{n}", "America/Chicago") for n in range(40)]
    slack.emulator.slow("users.info", 0.1, times=None)  # Slack at 100 ms a profile
    started = time.monotonic()
    reply = slack.coach("assign @drlee " + " ".join(f"@student{n}" for n in range(40)), user=dean)
    assert time.monotonic() - started < 3.0
    assert reply.text.splitlines() == [f"<@{c}> is now paired with coach <@{drlee}>." for c in coachees]
    assert [p.coachee_id for p in pairing_rows(app)] == [
        person_id(app, c) for c in coachees
    ]  # every pairing stored, in the order named
    slack.emulator.heal()
