"""Daily privacy jobs (retention, deleting uninstalled workspaces' data) and the uninstall itself."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.platform import audit
from bot.platform.services import Services
from storage import deliveries as schedule
from storage import retention
from storage.models import Delivery

log = logging.getLogger(__name__)

DAILY = "privacy.daily"


@dataclass(frozen=True)
class RetentionReport:
    """Rows deleted per table, and the workspaces whose data was deleted after their grace period."""

    deleted: dict[str, int]
    purged: list[str]

    def lines(self) -> list[str]:
        out = [f"{table}: {count} deleted" for table, count in self.deleted.items()]
        out += [
            f"workspace {team_id}: all data deleted (uninstalled, grace period over)"
            for team_id in self.purged
        ]
        return out


def run_retention(services: Services, now: datetime) -> RetentionReport:
    """Delete what is older than COACHBOT_RETENTION_DAYS, and uninstalled workspaces past their grace."""
    cutoff = now - timedelta(days=services.settings.retention_days)
    with services.db.transaction() as session:
        deleted = retention.apply_retention(session, cutoff)
        purged = retention.workspaces_to_purge(session, now)
        for team_id in purged:
            rows = retention.purge_workspace(session, team_id, now)
            audit.note(session, now, team_id, "coachbot", None, audit.WORKSPACE_PURGED, f"{rows} rows")
    return RetentionReport(deleted, purged)


def plan_daily(services: Services, now: datetime) -> None:
    """Runs with every dispatcher pass, and does the work once a day per process (it is idempotent)."""
    if services.daily.first_today(DAILY, now):
        report = run_retention(services, now)
        log.info("daily privacy jobs: %s", "; ".join(report.lines()) or "nothing to delete")


def workspace_uninstalled(services: Services, team_id: str) -> None:
    """Delete its tokens and stop its deliveries now; its data goes after COACHBOT_DATA_GRACE_DAYS unless it returns."""
    now = services.now()
    if services.installations is not None:
        services.installations.delete_all(enterprise_id=None, team_id=team_id)
    with services.db.transaction() as session:
        schedule.cancel_pending(session, Delivery.team_id == team_id, reason="coachbot was uninstalled")
        retention.note_uninstalled(
            session, team_id, now, now + timedelta(days=services.settings.data_grace_days)
        )


def workspace_installed(services: Services, team_id: str) -> None:
    """A (re)install: a scheduled deletion of the workspace's data is called off."""
    with services.db.transaction() as session:
        retention.note_installed(session, team_id, services.now())


PLANNERS = {
    DAILY: plan_daily,
}
