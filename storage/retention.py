"""Deleting old records (retention) and a whole workspace's data (after an uninstall's grace period)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, delete, select, true, update
from sqlalchemy.orm import Session

from storage.models import Base, DeliveryStatus
from storage.models.oauth import OAUTH_METADATA
from storage.models.privacy import WorkspaceLifecycle

log = logging.getLogger(__name__)

SETTLED = [
    DeliveryStatus.SENT.value,
    DeliveryStatus.FAILED.value,
    DeliveryStatus.SKIPPED.value,
    DeliveryStatus.CANCELLED.value,
]


@dataclass(frozen=True)
class RetentionRule:
    """Rows of `table` older than the cutoff go, dated by the first of `columns` the table has."""

    table: str
    columns: tuple[str, ...] = ("created_at",)
    settled_deliveries_only: bool = False


# Delivery logs once settled, the audit log, and check-ins under either name the check-ins work may
# choose; a table not in this database yet is skipped, so check-ins are covered the day they land.
CHECKIN_DATES = ("created_at", "answered_at", "recorded_at", "due_at")
RULES = [
    RetentionRule("deliveries", ("due_at",), settled_deliveries_only=True),
    RetentionRule("audit_log"),
    RetentionRule("checkins", CHECKIN_DATES),
    RetentionRule("check_ins", CHECKIN_DATES),
]


def _extra(rule: RetentionRule, table: Table) -> ColumnElement[bool]:
    if rule.settled_deliveries_only:
        return table.c.status.in_(SETTLED)
    return true()


def apply_retention(session: Session, cutoff: datetime) -> dict[str, int]:
    """Delete rows older than `cutoff` by every rule whose table exists; rows deleted per table."""
    counts: dict[str, int] = {}
    for rule in RULES:
        table = Base.metadata.tables.get(rule.table)
        if table is None:
            continue
        column = next((table.c[name] for name in rule.columns if name in table.c), None)
        if column is None:
            log.error(
                "retention: %s has none of the date columns %s; add its own to RULES",
                rule.table,
                rule.columns,
            )
            continue
        result: Any = session.execute(delete(table).where(column < cutoff, _extra(rule, table)))
        counts[rule.table] = int(result.rowcount or 0)
    return counts


def note_installed(session: Session, team_id: str, now: datetime) -> None:
    """The workspace installed (or reinstalled) coachbot: any scheduled deletion is called off."""
    row = session.scalar(select(WorkspaceLifecycle).where(WorkspaceLifecycle.team_id == team_id))
    if row is None:
        session.add(WorkspaceLifecycle(team_id=team_id, installed_at=now))
        return
    row.installed_at, row.purge_after, row.purged_at = now, None, None


def note_uninstalled(session: Session, team_id: str, now: datetime, purge_after: datetime) -> None:
    """The workspace removed coachbot: its data is deleted after `purge_after` unless it comes back."""
    row = session.scalar(select(WorkspaceLifecycle).where(WorkspaceLifecycle.team_id == team_id))
    if row is None:
        row = WorkspaceLifecycle(team_id=team_id)
        session.add(row)
    row.uninstalled_at = now
    if row.purge_after is None:  # a replayed event must not push the deletion further away
        row.purge_after = purge_after


def workspaces_to_purge(session: Session, now: datetime) -> list[str]:
    return list(
        session.scalars(
            select(WorkspaceLifecycle.team_id).where(
                WorkspaceLifecycle.purge_after <= now, WorkspaceLifecycle.purged_at.is_(None)
            )
        )
    )


def purge_workspace(session: Session, team_id: str, now: datetime) -> int:
    """Delete every row the workspace has (children first) and its stored tokens; returns rows deleted."""
    deleted = 0
    for table in reversed(Base.metadata.sorted_tables):
        if table.name != WorkspaceLifecycle.__tablename__:
            result: Any = session.execute(delete(table).where(table.c.team_id == team_id))
            deleted += int(result.rowcount or 0)
    for name in ("slack_installations", "slack_bots"):
        oauth = OAUTH_METADATA.tables[name]
        session.execute(delete(oauth).where(oauth.c.team_id == team_id))
    session.execute(
        update(WorkspaceLifecycle)
        .where(WorkspaceLifecycle.team_id == team_id)
        .values(purged_at=now, purge_after=None)
    )
    return deleted
