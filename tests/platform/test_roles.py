"""Roles are decided on the server: workspace admins, COACHBOT_ADMIN_IDS, and program leads."""

from __future__ import annotations

import pytest

from bot.app import build_services
from bot.emulator import SlackEmulator
from bot.platform import roles
from bot.platform.errors import UserError
from bot.platform.people import resolve_actor
from bot.platform.slack import SlackGateway, make_web_client
from storage.db import Database
from storage.people import find_person
from tests.conftest import FixedClock
from tests.harness import BOT_TOKEN, RunningApp, Slack, settings_for


def test_admins_come_from_slack_and_from_the_environment(
    emulator: SlackEmulator, sqlite_db: Database, clock: FixedClock
) -> None:
    ws = emulator.workspace
    owner = ws.add_user("owner", is_owner=True)
    listed = ws.add_user("dean")
    coach = ws.add_user("drlee")
    services = build_services(
        settings_for(emulator, sqlite_db.url, admin_ids=frozenset({listed})), db=sqlite_db, clock=clock
    )
    slack = SlackGateway(make_web_client(BOT_TOKEN, emulator.url))
    actor = {u: resolve_actor(sqlite_db, slack, ws.team_id, u, clock()) for u in (owner, listed, coach)}
    assert roles.is_admin(services, actor[owner]) and roles.is_admin(services, actor[listed])
    assert not roles.is_admin(services, actor[coach])
    with pytest.raises(UserError, match="Only program admins"):
        roles.require_admin(services, actor[coach], "pair coaches")
    with pytest.raises(UserError, match="Only program admins"):
        roles.grant_lead(services, actor[coach], actor[coach])
    assert not roles.is_lead(services, actor[coach])
    assert roles.grant_lead(services, actor[owner], actor[coach]) is True
    assert roles.grant_lead(services, actor[owner], actor[coach]) is False
    assert roles.is_lead(services, actor[coach])
    roles.require_admin_or_lead(services, actor[coach], "announce workshops")


def test_an_admin_demoted_in_slack_is_no_admin_from_their_next_request(
    slack: Slack, dean: str, drlee: str, priya: str, app: RunningApp
) -> None:
    assert slack.coach("lead @drlee", user=dean).text == f"<@{drlee}> is now a program lead."
    assert slack.driver.change_user(dean, is_admin=False).status == 200  # Slack's user_change
    assert "Only program admins" in slack.coach("lead @priya", user=dean).text


def test_a_profile_change_keeps_a_known_person_current_and_stores_no_one_new(
    slack: Slack, randy: str, app: RunningApp
) -> None:
    slack.goal("add Read a chapter by Dec 20", user=randy)
    stranger = slack.person("stranger")
    slack.driver.change_user(randy, tz="Europe/Berlin", deleted=True)
    slack.driver.change_user(stranger, tz="Asia/Tokyo")
    with app.services.db.read() as session:
        randy_row = find_person(session, slack.ws.team_id, randy)
        assert randy_row is not None and (randy_row.tz, randy_row.is_deleted) == ("Europe/Berlin", True)
        assert randy_row.locale == "en-US"  # from users.info: the event carries none
        assert find_person(session, slack.ws.team_id, stranger) is None


def test_a_user_change_without_a_usable_user_is_acknowledged_and_changes_nothing(
    slack: Slack, randy: str, app: RunningApp
) -> None:
    slack.goal("add Read a chapter by Dec 20", user=randy)
    for user in (None, "U123", {"id": randy}, {"id": 7, "name": "x"}):
        assert slack.driver.event({"type": "user_change", "user": user}).status == 200
    with app.services.db.read() as session:
        randy_row = find_person(session, slack.ws.team_id, randy)
        assert randy_row is not None and randy_row.tz == "America/Chicago"
