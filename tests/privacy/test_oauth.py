"""OAuth installs into several workspaces: encrypted tokens, isolation, uninstall, rotation, clean logs."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select

from bot.emulator import SlackEmulator, Workspace
from bot.platform.redact import REDACTED
from bot.platform.request_errors import BUSY
from bot.privacy.installations import TokenCipher
from storage.db import Database
from storage.models import Delivery, DeliveryStatus, Goal, Person
from storage.models.oauth import slack_bots, slack_installations
from storage.models.privacy import WorkspaceLifecycle
from tests.conftest import FixedClock
from tests.harness import RunningApp, Slack, run_due
from tests.platform.test_request_deadline import hold_write_lock
from tests.privacy.oauth_helpers import KEY, base_url, get, install, oauth_app, slack_in
from tests.workshops.workshop_helpers import QUICK, announced


@pytest.fixture
def second(emulator: SlackEmulator) -> Workspace:
    return emulator.add_workspace("T0SECOND1", "Second School")


@pytest.fixture
def running(emulator: SlackEmulator, sqlite_db: Database, clock: FixedClock) -> Iterator[RunningApp]:
    with oauth_app(emulator, sqlite_db, clock) as app:
        yield app


def test_installing_from_the_link_keeps_only_ciphertext_where_the_tokens_go(
    emulator: SlackEmulator, running: RunningApp, second: Workspace
) -> None:
    installer = second.add_user("dean", is_admin=True)
    page = install(running, emulator, second, installer)
    assert page.status == 200 and "Thank you" in page.body
    [issued] = [t for t, team in emulator.oauth.token_teams.items() if team == second.team_id]
    with running.services.db.read() as session:
        row = session.execute(select(slack_bots)).mappings().one()
        installation = session.execute(select(slack_installations)).mappings().one()
        lifecycle = session.scalars(select(WorkspaceLifecycle)).one()
    assert row["team_id"] == second.team_id and installation["user_id"] == installer
    assert not row["bot_token"].startswith("xox") and issued not in row["bot_token"]
    assert not installation["bot_token"].startswith("xox")
    assert TokenCipher((KEY,)).open(row["bot_token"]) == issued
    assert lifecycle.team_id == second.team_id and lifecycle.purge_after is None


def test_a_replayed_or_forged_redirect_installs_nothing(
    emulator: SlackEmulator, running: RunningApp, second: Workspace
) -> None:
    code = emulator.oauth.approve(second, second.add_user("dean"))
    page = get(f"{base_url(running)}/slack/oauth_redirect?code={code}&state=forged")
    assert page.status == 400
    with running.services.db.read() as session:
        assert session.scalar(select(func.count()).select_from(slack_bots)) == 0


def test_a_new_key_put_first_still_opens_tokens_sealed_with_the_old_one() -> None:
    old = TokenCipher((KEY,))
    sealed = old.seal("xoxb-1-abc")
    assert sealed is not None
    rotated = TokenCipher((Fernet.generate_key().decode(), KEY))
    assert rotated.open(sealed) == "xoxb-1-abc"
    assert rotated.open(rotated.rotate(sealed)) == "xoxb-1-abc"


def two_installed_schools(
    emulator: SlackEmulator, running: RunningApp, second: Workspace
) -> tuple[Slack, Slack]:
    first = emulator.workspace
    for ws in (first, second):
        assert install(running, emulator, ws, ws.add_user("dean", is_admin=True)).status == 200
        for name, tz in (("drlee", "America/New_York"), ("priya", "Asia/Kolkata")):
            ws.add_user(name, tz)
    # The first school's fixed test token is not an install: only OAuth tokens may work from here on.
    emulator.valid_tokens.clear()
    return slack_in(emulator, running, first), slack_in(emulator, running, second)


def test_two_installed_workspaces_never_see_each_others_data(
    emulator: SlackEmulator, running: RunningApp, second: Workspace
) -> None:
    a, b = two_installed_schools(emulator, running, second)
    pa, pb = a.ws.user_by_name("priya"), b.ws.user_by_name("priya")
    assert pa and pb and pa != pb
    a.goal("add Pass Step 1 by 2027-06-01", user=pa)
    b.goal("add Publish a case report", user=pb)
    assert "Pass Step 1" not in b.goal("list", user=pb).text
    assert "Publish a case report" not in a.goal("list", user=pa).text
    # A pairing and a session in the first school only.
    assert (
        "now paired" in a.command("/coach", "assign @drlee @priya", user=a.ws.user_by_name("dean") or "").text
    )
    assert (
        "booked" in a.command("/meeting", "@priya tomorrow 9am", user=a.ws.user_by_name("drlee") or "").text
    )
    # Each school's admin sees every pair of their own school, and only those.
    assert (
        "No coaching pairs yet." in b.command("/coach", "roster", user=b.ws.user_by_name("dean") or "").text
    )
    assert f"<@{pa}>" in a.command("/coach", "roster", user=a.ws.user_by_name("dean") or "").text
    # A workshop in the second school only.
    channel = b.channel("m1-coaching", [pb])
    b.workshop(QUICK, user=b.ws.user_by_name("dean") or "")
    announced(running, b, channel)
    run_due(running, emulator)
    a.wait_for_dm(a.ws.user_by_name("drlee") or "", "Prep brief")
    assert not [m for m in b.ws.messages if "Prep brief" in m.text or "Getting ready" in m.text]
    assert not [m for m in a.ws.messages if "Appreciative inquiry" in m.text + str(m.blocks)]
    # Every Web API call was made with a token of the workspace it acted in.
    for call in emulator.calls:
        if call.method in {"chat.postMessage", "views.publish", "users.info"} and call.status == 200:
            team = emulator.oauth.token_teams.get(call.token or "")
            target = call.args.get("channel") or call.args.get("user_id") or call.args.get("user") or ""
            ws = emulator.workspaces[team or ""]
            assert target in ws.users or target in ws.channels or ws.dm_user(target), (call.method, target)


def uninstall(slack: Slack, emulator: SlackEmulator, event: dict[str, object]) -> None:
    emulator.oauth.revoke(slack.ws.team_id)  # Slack revokes the tokens, then tells the app
    assert slack.driver.event(event).status == 200


@pytest.mark.parametrize(
    "event",
    [{"type": "app_uninstalled"}, {"type": "tokens_revoked", "tokens": {"bot": ["UBOTCOACH"]}}],
    ids=["app_uninstalled", "tokens_revoked"],
)
def test_uninstalling_deletes_the_tokens_stops_deliveries_and_deletes_the_data_after_the_grace_period(
    emulator: SlackEmulator,
    running: RunningApp,
    second: Workspace,
    clock: FixedClock,
    event: dict[str, object],
) -> None:
    a, b = two_installed_schools(emulator, running, second)
    a.command("/coach", "assign @drlee @priya", user=a.ws.user_by_name("dean") or "")
    a.command("/meeting", "@priya 2026-12-20 9am", user=a.ws.user_by_name("drlee") or "")
    b.goal("add Publish a case report", user=b.ws.user_by_name("priya") or "")
    uninstall(a, emulator, event)
    with running.services.db.read() as session:
        teams = set(session.scalars(select(slack_bots.c.team_id)))
        pending = session.scalars(
            select(Delivery).where(
                Delivery.team_id == a.ws.team_id, Delivery.status == DeliveryStatus.PENDING
            )
        ).all()
    assert teams == {b.ws.team_id} and pending == []
    clock.advance(days=29)
    run_due(running, emulator)
    assert people_in(running, a.ws.team_id) > 0
    clock.advance(days=2)
    run_due(running, emulator)
    assert people_in(running, a.ws.team_id) == 0
    assert people_in(running, b.ws.team_id) > 0
    with running.services.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Goal).where(Goal.team_id == b.ws.team_id)) == 1


def people_in(app: RunningApp, team_id: str) -> int:
    with app.services.db.read() as session:
        return int(
            session.scalar(select(func.count()).select_from(Person).where(Person.team_id == team_id)) or 0
        )


def test_reinstalling_within_the_grace_period_keeps_the_data(
    emulator: SlackEmulator, running: RunningApp, second: Workspace, clock: FixedClock
) -> None:
    a, _ = two_installed_schools(emulator, running, second)
    a.goal("add Pass Step 1", user=a.ws.user_by_name("priya") or "")
    uninstall(a, emulator, {"type": "app_uninstalled"})
    clock.advance(days=10)
    assert install(running, emulator, a.ws, a.ws.user_by_name("dean") or "").status == 200
    clock.advance(days=40)
    run_due(running, emulator)
    assert people_in(running, a.ws.team_id) > 0


def test_an_expiring_token_is_rotated_before_the_dispatcher_and_a_request_use_it(
    emulator: SlackEmulator, running: RunningApp, second: Workspace
) -> None:
    emulator.oauth.rotation, emulator.oauth.token_seconds = True, 600  # inside the two-hour window
    dean = second.add_user("dean", is_admin=True)
    priya = second.add_user("priya")
    install(running, emulator, second, dean)
    b = slack_in(emulator, running, second)
    assert "Pass Step 1" in b.goal("add Pass Step 1", user=priya).text
    refreshes = [
        c for c in emulator.calls_to("oauth.v2.access") if c.args.get("grant_type") == "refresh_token"
    ]
    assert refreshes, "the request's authorize should have rotated the expiring token"
    with running.services.db.read() as session:
        stored = TokenCipher((KEY,)).open(session.execute(select(slack_bots.c.bot_token)).scalars().first())
    assert stored in emulator.oauth.token_teams  # the newest token, the only one Slack still accepts
    assert "now paired" in b.command("/coach", "assign @dean @priya", user=dean).text
    before = len(emulator.calls_to("oauth.v2.access"))
    assert "booked" in b.command("/meeting", "@priya tomorrow 9am", user=dean).text
    run_due(running, emulator)
    b.wait_for_dm(priya, "Getting ready")
    assert len(emulator.calls_to("oauth.v2.access")) > before  # the dispatcher rotated the token too


def test_a_request_after_the_dispatcher_rotated_the_token_uses_the_dispatchers_new_token(
    emulator: SlackEmulator, running: RunningApp, second: Workspace
) -> None:
    emulator.oauth.rotation, emulator.oauth.token_seconds = True, 600  # every use rotates
    dean = second.add_user("dean", is_admin=True)
    priya = second.add_user("priya")
    install(running, emulator, second, dean)
    clients = running.services.team_clients
    assert clients is not None
    for _ in range(2):  # the dispatcher spends refresh tokens the installation row still holds
        assert clients(second.team_id) is not None
    b = slack_in(emulator, running, second)
    assert "Pass Step 1" in b.goal("add Pass Step 1", user=priya).text
    refreshes = [
        c for c in emulator.calls_to("oauth.v2.access") if c.args.get("grant_type") == "refresh_token"
    ]
    assert len(refreshes) >= 3  # two by the dispatcher, then the request's own, each accepted


def test_no_token_appears_in_any_log_line_across_install_traffic_and_uninstall(
    emulator: SlackEmulator,
    running: RunningApp,
    second: Workspace,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    # The sandbox quiets slack_sdk for its terminal, process-wide: its debug lines are wanted here.
    caplog.set_level(logging.DEBUG, logger="slack_sdk")
    emulator.oauth.rotation, emulator.oauth.token_seconds = True, 600
    a, b = two_installed_schools(emulator, running, second)
    a.goal("add Pass Step 1", user=a.ws.user_by_name("priya") or "")
    b.command("/coachbot", "export", user=b.ws.user_by_name("priya") or "")
    b.wait_for_dm(b.ws.user_by_name("priya") or "", "What coachbot holds")
    run_due(running, emulator)
    uninstall(a, emulator, {"type": "app_uninstalled"})
    a.goal("list", user=a.ws.user_by_name("priya") or "")  # a request after the tokens are gone
    running.wait_idle()
    logged = caplog.text + "".join(str(r.exc_info) for r in caplog.records if r.exc_info)
    # Debug logging was on and did mention tokens: each one came out scrubbed.
    assert len(emulator.oauth.issued) >= 4 and "oauth.v2.access" in logged and REDACTED in logged
    for token in [*emulator.oauth.issued, KEY]:
        assert token not in logged


def test_a_request_to_an_installed_workspace_under_a_held_lock_is_answered_busy_in_time(
    emulator: SlackEmulator, running: RunningApp, second: Workspace
) -> None:
    dean = second.add_user("dean", is_admin=True)
    priya = second.add_user("priya")
    install(running, emulator, second, dean)
    b = slack_in(emulator, running, second)
    assert "Pass Step 1" in b.goal("add Pass Step 1", user=priya).text
    holder = hold_write_lock(running)  # the token store and the goals are in the locked database
    try:
        started = time.monotonic()
        reply = b.driver.command(priya, "/goal", "add Read chapter 4")
        assert time.monotonic() - started < 3.0
        assert (reply.status, reply.text) == (200, BUSY)
    finally:
        holder.kill()
        holder.wait()
    assert "Read chapter 4" in b.goal("add Read chapter 4", user=priya).text
    with running.services.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Goal)) == 2
