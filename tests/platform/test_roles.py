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
from tests.conftest import FixedClock
from tests.harness import BOT_TOKEN, settings_for


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
