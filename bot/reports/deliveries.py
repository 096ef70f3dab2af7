"""The `report` delivery kind: a CSV report into an admin's DM, with a line saying what it covers."""

from __future__ import annotations

from datetime import date, datetime

from bot.platform.delivery.registry import Attachment, DeliveryInfo, Kind, Outgoing, Skip
from bot.platform.errors import UserError
from bot.platform.services import Services
from bot.platform.text import escape_mrkdwn as esc
from bot.reports.service import REPORT_KIND, period, report


def render_report(services: Services, delivery: DeliveryInfo, now: datetime) -> Outgoing | Skip:
    payload = delivery.payload
    try:
        when = period(
            date.fromisoformat(str(payload.get("since"))),
            date.fromisoformat(str(payload.get("until"))),
            payload.get("cohort") or None,
        )
    except (ValueError, UserError):
        return Skip("the report's period could not be read")
    text = report(services, delivery.team_id, delivery.recipient, when)
    name = f"coachbot-report-{when.since.isoformat()}-{when.until.isoformat()}.csv"
    return Outgoing(
        text=(
            f"Your program report, {esc(when.describe())}: one row per cohort and ISO week. "
            f"Figures about fewer than {services.settings.min_group} people read “not shown”."
        ),
        attachment=Attachment(name, text, "Program report"),
    )


KINDS = {REPORT_KIND: Kind(render_report)}
