"""`coachbot deliveries`: counts by kind and status, the oldest waiting, failures with their
errors, and `retry ID` for a failed one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import update

from storage import deliveries as store
from storage.db import Database
from storage.models import Delivery, DeliveryStatus
from tests.platform.test_cli import base_env, run


def test_the_report_shows_counts_the_oldest_and_failures_and_retry_makes_a_failed_row_pending(
    tmp_path: Path,
) -> None:
    env = base_env(tmp_path)
    assert run(["db", "upgrade"], env).returncode == 0
    db = Database(env["DATABASE_URL"])
    now = datetime.now(UTC)
    with db.transaction() as s:
        for n, kind in enumerate(["nudge", "nudge", "meeting_reminder"]):
            store.plan(
                s,
                team_id="T1",
                kind=kind,
                recipient=f"U{n}",
                due_at=now - timedelta(hours=n),
                dedupe_key=f"k{n}",
                now=now,
            )
        s.execute(
            update(Delivery)
            .where(Delivery.dedupe_key == "k1")
            .values(status=DeliveryStatus.FAILED, last_error="channel_not_found (attempt 1)")
        )
    report = run(["deliveries"], env)
    assert report.returncode == 0, report.stderr
    assert "nudge" in report.stdout and "failed" in report.stdout and "pending" in report.stdout
    assert "oldest waiting: #3 meeting_reminder" in report.stdout
    assert "#2 nudge" in report.stdout and "channel_not_found (attempt 1)" in report.stdout

    assert run(["deliveries", "retry", "2"], env).returncode == 0
    with db.read() as s:
        row = s.get(Delivery, 2)
        assert row is not None and row.status == DeliveryStatus.PENDING and row.attempts == 0
    again = run(["deliveries", "retry", "2"], env)  # no longer failed
    assert again.returncode == 1 and "not a failed delivery" in again.stdout
    db.dispose()
