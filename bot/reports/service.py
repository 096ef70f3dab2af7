"""Reports as admins ask for them: `coachbot report` and `/coach report`, audited every time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.meetings.cohorts import clean_cohort
from bot.platform import audit, roles
from bot.platform.dates import local_today
from bot.platform.delivery.planning import plan_one
from bot.platform.errors import UserError
from bot.platform.people import Actor
from bot.platform.services import Services
from bot.reports.measures import ALL_COHORTS, measure
from bot.reports.output import PERSON_COLUMNS, person_records, table_records, to_csv, to_json
from bot.reports.suppression import suppress
from bot.reports.weeks import weeks_between

REPORT_KIND = "report"
REPORTED = "report.exported"
REPORTED_BY_PERSON = "report.by_person"
DEFAULT_WEEKS = 12
EXAMPLE = "`/coach report 2026-09-01 2026-12-31 M1 2030` (dates and cohort are optional)"
_DATES = re.compile(r"^(\d{4}-\d{2}-\d{2})\s+(\d{4}-\d{2}-\d{2})\s*(.*)$")


@dataclass(frozen=True)
class Period:
    since: date
    until: date
    cohort: str | None

    def describe(self) -> str:
        who = f"cohort {self.cohort}" if self.cohort else "every cohort"
        return f"{self.since.isoformat()} to {self.until.isoformat()}, {who}"


def period(since: date, until: date, cohort: str | None) -> Period:
    """A checked period: in order, at most about two years, a cohort name of sensible length."""
    if until < since:
        raise UserError(f"The report would end ({until}) before it starts ({since}).")
    if until - since > timedelta(days=800):
        raise UserError("A report covers at most two years; ask for a shorter period.")
    cohort = clean_cohort(cohort) if cohort else None
    if cohort == ALL_COHORTS:
        cohort = None
    return Period(since, until, cohort)


def parse_period(text: str, today: date) -> Period:
    """`[YYYY-MM-DD YYYY-MM-DD] [cohort]`; without dates, the last 12 weeks up to today."""
    text = " ".join(text.split())
    match = _DATES.match(text)
    if match is None:
        if re.match(r"^\d{4}-", text):
            raise UserError(f"Write both dates as YYYY-MM-DD, like {EXAMPLE}.")
        return period(today - timedelta(weeks=DEFAULT_WEEKS), today, text or None)
    try:
        since, until = date.fromisoformat(match.group(1)), date.fromisoformat(match.group(2))
    except ValueError:
        raise UserError(f"One of those dates does not exist. Try {EXAMPLE}.") from None
    return period(since, until, match.group(3) or None)


def report(
    services: Services, team_id: str, by: str, when: Period, fmt: str = "csv", *, by_person: bool = False
) -> str:
    """The report as CSV or JSON text; recorded in the audit log (person-level rows separately)."""
    now = services.now()
    weeks = weeks_between(when.since, when.until, services.settings.program_tz)
    with services.db.read() as session:
        measures = measure(session, team_id, weeks, now)
    if by_person:
        records = person_records(measures.people, when.cohort)
        columns = PERSON_COLUMNS
    else:
        records = table_records(suppress(measures, services.settings.min_group, when.cohort))
        columns = None
    with services.db.transaction() as session:
        action = REPORTED_BY_PERSON if by_person else REPORTED
        audit.note(session, now, team_id, by[:32], None, action, when.describe())
    if fmt == "json":
        return to_json(
            records,
            since=when.since.isoformat(),
            until=when.until.isoformat(),
            cohort=when.cohort,
            min_group=services.settings.min_group,
        )
    return to_csv(records, columns) if columns else to_csv(records)


def request_report(services: Services, actor: Actor, text: str, request_key: str) -> str:
    """`/coach report …`: admins only; the CSV comes into their DM as a file."""
    roles.require_admin(services, actor, "export program reports")
    now = services.now()
    when = parse_period(text, local_today(now, services.settings.program_tz))
    with services.db.transaction() as session:
        payload = {"since": when.since.isoformat(), "until": when.until.isoformat(), "cohort": when.cohort}
        plan_one(session, actor, kind=REPORT_KIND, key=f"report:{request_key}", now=now, payload=payload)
    return f"I'm sending you the report ({when.describe()}) as a CSV file in our DM."
