"""The `digest` delivery kind: the summaries' program digest, with each cohort's last weeks in lines
and a chart uploaded into the same DM just after it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from sqlalchemy.orm import Session

from bot.platform.delivery.registry import Attachment, DeliveryInfo, Kind, Outgoing, Skip
from bot.platform.services import Services
from bot.reports.chart import Chart, alt_text, chart_png, render_chart
from bot.reports.measures import measure
from bot.reports.suppression import Table, suppress
from bot.reports.views import cohort_lines
from bot.reports.weeks import recent_weeks
from bot.summaries.deliveries import (
    WEEKLY_USEFUL,
    after_sent,
    forget_parts,
    is_first,
    keep_later_parts,
    skip_reason,
)
from bot.summaries.digest import build_digest, digest_messages
from bot.summaries.schedule import DIGEST_KIND
from bot.summaries.views import Message


@dataclass(frozen=True)
class ProgramDigest:
    """The digest's messages and the cohort table its chart is drawn from."""

    messages: list[Message]
    cohorts: Table


def build_program_digest(
    session: Session, team_id: str, now: datetime, tz: str, min_group: int, *, with_legend: bool = True
) -> ProgramDigest:
    """The digest with its cohort lines; `tz` is the program's zone (its ISO weeks), `min_group` the
    smallest group a figure may describe; the flags' legend written out only `with_legend`."""
    digest = build_digest(session, team_id, now)
    cohorts = suppress(measure(session, team_id, recent_weeks(now, tz), now), min_group)
    messages = digest_messages(digest, cohort_lines(cohorts), with_legend=with_legend)
    return ProgramDigest(messages, cohorts)


def program_digest(services: Services, delivery: DeliveryInfo, now: datetime) -> ProgramDigest | Skip:
    """The digest a row says at `now`, or why it is skipped."""
    settings = services.settings
    with services.db.read() as session:
        skip = skip_reason(session, delivery, now)
        if skip is not None:
            return skip
        return build_program_digest(
            session,
            delivery.team_id,
            now,
            settings.program_tz,
            settings.min_group,
            with_legend=is_first(session, delivery),
        )


def chart_title(cohorts: Table) -> str:
    """The digest chart's title: 12 weeks of each cohort."""
    weeks = cohorts.weeks
    span = f", {weeks[0].label} to {weeks[-1].label}" if weeks else ""
    return f"Coaching program by cohort{span}"


def digest_chart(cohorts: Table) -> Chart:
    """The digest's picture and its alt text."""
    return render_chart(cohorts, chart_title(cohorts))


def render_digest(services: Services, delivery: DeliveryInfo, now: datetime) -> Outgoing | Skip:
    """The digest's first message, with its chart uploaded into the same DM just after it."""
    built = program_digest(services, delivery, now)
    if isinstance(built, Skip):
        return built
    keep_later_parts(delivery, built.messages)
    title = chart_title(built.cohorts)
    name = f"coachbot-program-{now.strftime('%Y-%m-%d')}.png"
    first = built.messages[0]
    return Outgoing(
        text=first.text,
        blocks=first.blocks,
        # Drawn once the message is out: the digest does not wait for matplotlib.
        attachment=Attachment(
            name,
            partial(chart_png, built.cohorts, title),
            "Program chart by cohort",
            alt_text(built.cohorts, title),
        ),
    )


def _messages(services: Services, delivery: DeliveryInfo, now: datetime) -> list[Message] | Skip:
    built = program_digest(services, delivery, now)
    return built if isinstance(built, Skip) else built.messages


KINDS = {
    DIGEST_KIND: Kind(
        render_digest, after_sent(_messages), after_failure=forget_parts, useful_until=WEEKLY_USEFUL
    )
}
