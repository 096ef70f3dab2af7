"""Admins and the school: people remove, retention (and its daily job), the audit log, OAuth start-up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from bot.app import build_services
from bot.cli import main
from bot.platform.clock import Clock
from bot.platform.delivery.dispatcher import plan_periodic
from bot.platform.services import Services
from bot.platform.settings import Settings, SettingsError, load_settings
from bot.privacy.jobs import run_retention
from storage import deliveries as schedule
from storage.db import Database
from storage.models import Delivery, DeliveryStatus, Goal, ProgressNote
from storage.models.checkins import CheckIn, NudgeAnswer
from storage.models.meetings import Pairing
from storage.models.privacy import AuditEntry
from storage.people import upsert_person
from storage.personal_data import Subject, erase, remaining
from tests.conftest import FixedClock
from tests.harness import BOT_TOKEN, RunningApp, Slack, run_due
from tests.platform.test_cli import base_env, run

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("key", "message"),
    [(None, "COACHBOT_ENCRYPTION_KEY is not set"), ("not-a-key-secret", "must be Fernet keys")],
)
def test_oauth_mode_will_not_start_without_a_good_encryption_key(
    tmp_path: Path, key: str | None, message: str
) -> None:
    extra = {
        "SLACK_CLIENT_ID": "1111.2222",
        "SLACK_CLIENT_SECRET": "client-secret-value",
        "SLACK_SCOPES": "chat:write,commands",
        "SLACK_SIGNING_SECRET": "s",
    }
    result = run(["serve"], base_env(tmp_path, **extra, **({"COACHBOT_ENCRYPTION_KEY": key} if key else {})))
    lines = [line for line in result.stderr.splitlines() if line.startswith("coachbot:")]
    assert result.returncode == 2 and len(lines) == 1 and message in lines[0], result.stderr
    assert "not-a-key-secret" not in result.stderr and "client-secret-value" not in result.stderr


def services_on(db: Database, clock: Clock = lambda: NOW, retention_days: int = 730) -> Services:
    return build_services(Settings(database_url=db.url, retention_days=retention_days), db=db, clock=clock)


def person(db: Database, user_id: str, team_id: str = "T1") -> Subject:
    with db.transaction() as s:
        row = upsert_person(
            s,
            team_id=team_id,
            slack_user_id=user_id,
            display_name=user_id,
            tz="UTC",
            is_workspace_admin=False,
            is_deleted=False,
            now=NOW,
        )
        return Subject(row.id, user_id, team_id)


def delivery(
    db: Database, key: str, due_at: datetime, status: DeliveryStatus, person_id: int | None = None
) -> None:
    with db.transaction() as s:
        schedule.plan(
            s,
            team_id="T1",
            kind="x",
            recipient="U1",
            due_at=due_at,
            dedupe_key=key,
            now=due_at,
            person_id=person_id,
        )
        s.execute(Delivery.__table__.update().where(Delivery.dedupe_key == key).values(status=status))


def test_erasing_a_person_removes_their_rows_through_every_foreign_key_and_spares_others(
    any_db: Database,
) -> None:
    ann, bob = person(any_db, "UANN"), person(any_db, "UBOB")
    with any_db.transaction() as s:
        goal = Goal(
            team_id="T1", person_id=ann.person_id, number=1, title="g", created_at=NOW, updated_at=NOW
        )
        s.add(goal)
        s.flush()
        s.add(ProgressNote(team_id="T1", goal_id=goal.id, text="n", created_at=NOW))
        s.add(
            Pairing(
                team_id="T1", coach_id=bob.person_id, coachee_id=ann.person_id, created_by="U", created_at=NOW
            )
        )
        s.add(
            Goal(team_id="T1", person_id=bob.person_id, number=1, title="b", created_at=NOW, updated_at=NOW)
        )
    delivery(any_db, "k1", NOW, DeliveryStatus.PENDING, ann.person_id)
    with any_db.transaction() as s:
        counts = erase(s, ann)
    assert counts == {"progress_notes": 1, "goals": 1, "pairings": 1, "deliveries": 1, "people": 1}
    with any_db.read() as s:
        assert list(remaining(s, ann)) == []
        assert dict(remaining(s, bob)) == {"people": 1, "goals": 1}


def test_retention_deletes_settled_delivery_logs_and_audit_entries_older_than_the_setting(
    any_db: Database,
) -> None:
    services = services_on(any_db, retention_days=730)
    old, recent = NOW - timedelta(days=731), NOW - timedelta(days=729)
    delivery(any_db, "old-sent", old, DeliveryStatus.SENT)
    delivery(any_db, "old-cancelled", old, DeliveryStatus.CANCELLED)
    delivery(any_db, "old-pending", old, DeliveryStatus.PENDING)  # still to send: never a log to delete
    delivery(any_db, "recent-sent", recent, DeliveryStatus.SENT)
    with any_db.transaction() as s:
        for at in (old, recent):
            s.add(
                AuditEntry(
                    team_id="T1",
                    actor_user_id="U1",
                    subject_user_id="U2",
                    action="a",
                    detail="",
                    created_at=at,
                )
            )
        person = upsert_person(
            s, team_id="T1", slack_user_id="U2", display_name="u", tz="UTC",
            is_workspace_admin=False, is_deleted=False, now=NOW,
        )  # fmt: skip
        for key, at in (("old-checkin", old), ("recent-checkin", recent)):
            s.add(
                CheckIn(
                    team_id="T1",
                    person_id=person.id,
                    answer=NudgeAnswer.NOTE,
                    note=key,
                    created_at=at,
                    request_key=key,
                )
            )
    report = run_retention(services, NOW)
    assert report.deleted == {"deliveries": 2, "audit_log": 1, "checkins": 1}
    assert "deliveries: 2 deleted" in report.lines()
    with any_db.read() as s:
        assert sorted(s.scalars(select(Delivery.dedupe_key))) == ["old-pending", "recent-sent"]


def test_the_daily_job_runs_retention_once_a_day(sqlite_db: Database, clock: FixedClock) -> None:
    services = services_on(sqlite_db, clock)
    delivery(sqlite_db, "ancient", NOW - timedelta(days=800), DeliveryStatus.SENT)
    plan_periodic(services, clock.now)
    delivery(sqlite_db, "ancient-too", NOW - timedelta(days=800), DeliveryStatus.SENT)
    plan_periodic(services, clock.now + timedelta(hours=1))  # the same day: nothing runs
    with sqlite_db.read() as s:
        assert list(s.scalars(select(Delivery.dedupe_key))) == ["ancient-too"]
    plan_periodic(services, clock.now + timedelta(days=1))
    with sqlite_db.read() as s:
        assert list(s.scalars(select(Delivery.dedupe_key))) == []


def cli(monkeypatch: pytest.MonkeyPatch, slack: Slack, db: Database, *args: str) -> int:
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_API_URL", slack.emulator.url)
    return main(list(args))


def test_people_remove_deletes_everything_about_them_tells_the_coach_and_is_audited(
    slack: Slack,
    app: RunningApp,
    sqlite_db: Database,
    paired: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    coach, coachee = paired
    slack.goal("add Pass Step 1", user=coachee)
    assert cli(monkeypatch, slack, sqlite_db, "people", "remove", coachee, "--yes") == 0
    out = capsys.readouterr().out
    assert "goals: 1 deleted" in out and f"{coachee} removed" in out and "1 coach(es) told" in out
    slack.wait_for_dm(coach, "has left the coaching program")
    with sqlite_db.read() as s:
        who = s.scalars(select(Goal)).all()
    assert who == []
    assert cli(monkeypatch, slack, sqlite_db, "audit", "--user", coachee) == 0
    assert "person.removed about " + coachee in capsys.readouterr().out
    assert cli(monkeypatch, slack, sqlite_db, "people", "remove", coachee, "--yes") == 2
    assert "holds nothing about" in capsys.readouterr().err


def test_a_coach_receiving_a_brief_and_a_person_exporting_are_in_the_audit_log(
    slack: Slack,
    app: RunningApp,
    paired: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
    sqlite_db: Database,
    capsys: pytest.CaptureFixture[str],
) -> None:
    coach, coachee = paired
    assert "booked" in slack.meeting("@priya tomorrow 9am", user=coach).text
    slack.wait_for_dm(coach, "Prep brief")
    slack.coachbot("export", user=coachee)
    slack.wait_for_dm(coachee, "What coachbot holds")
    assert "sending you your coaching summary" in slack.coach("summary", user=coach).text
    slack.wait_for_dm(coach, "Your weekly coaching summary")  # its audit entry is written as it is sent
    run_due(app, slack.emulator)
    assert cli(monkeypatch, slack, sqlite_db, "audit") == 0
    out = capsys.readouterr().out
    assert f"{coach} brief.opened about {coachee} (session 1)" in out
    assert f"{coach} summary.opened about {coachee} (weekly summary)" in out
    assert f"{coachee} data.exported about {coachee}" in out
    assert cli(monkeypatch, slack, sqlite_db, "retention") == 0
    assert "deliveries: 0 deleted" in capsys.readouterr().out


def test_privacy_settings_are_read_checked_and_kept_out_of_repr() -> None:
    key = Fernet.generate_key().decode()
    env = {
        "SLACK_CLIENT_ID": "1111.2222",
        "SLACK_CLIENT_SECRET": "client-secret-value",
        "SLACK_SCOPES": "chat:write, commands",
        "COACHBOT_ENCRYPTION_KEY": key,
        "COACHBOT_DATA_GRACE_DAYS": "45",
    }
    settings = load_settings(env)
    assert settings.oauth_enabled and settings.scopes == ("chat:write", "commands")
    assert settings.data_grace_days == 45 and settings.retention_days == 730
    assert key not in repr(settings) and "client-secret-value" not in repr(settings)
    with pytest.raises(SettingsError, match="COACHBOT_RETENTION_DAYS must be a whole number of days"):
        load_settings({"COACHBOT_RETENTION_DAYS": "two years"})
