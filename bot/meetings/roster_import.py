"""`coachbot roster import FILE.csv`: pairs from a spreadsheet, row by row, safe to run twice."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from pathlib import Path

from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.meetings.cohorts import cohort_name, put_in_cohort
from bot.meetings.pairings import pair
from bot.platform.errors import UserError
from bot.platform.people import Actor
from bot.platform.services import Services
from bot.platform.slack import SlackGateway

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
COLUMNS = ("coach", "coachee")


class RowError(Exception):
    """Why one row could not be used; nothing is changed for that row."""


def _person(services: Services, slack: SlackGateway, team_id: str, cell: str) -> Actor:
    cell = cell.strip()
    try:
        if _USER_ID.match(cell):
            user_id = cell
            slack.profile(user_id)  # an unknown id is refused rather than remembered
        elif _EMAIL.match(cell):
            user_id = slack.user_id_by_email(cell)
        else:
            raise RowError(f"“{cell}” is neither a Slack user id (U…) nor an email address")
    except SlackApiError as error:
        raise RowError(f"Slack has no user {cell} ({error.response.get('error')})") from None
    except (SlackRequestError, OSError) as error:
        raise RowError(f"could not ask Slack about {cell} ({type(error).__name__})") from None
    return services.actor(slack, team_id, user_id)


def import_rows(
    services: Services, slack: SlackGateway, team_id: str, rows: Iterable[dict[str, str]]
) -> tuple[list[str], int]:
    """One report line per row (numbered as in the file); returns the lines and how many rows failed."""
    report, failed = [], 0
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        try:
            if not (row.get("coach") or "").strip() or not (row.get("coachee") or "").strip():
                raise RowError("both a coach and a coachee are needed")
            coach = _person(services, slack, team_id, row["coach"])
            coachee = _person(services, slack, team_id, row["coachee"])
            cohort = cohort_name(row["cohort"]) if (row.get("cohort") or "").strip() else None
            line = pair(services, coach, coachee, "roster import")
            if cohort is not None:
                line += " " + put_in_cohort(services, coachee, cohort)
        except (RowError, UserError) as error:
            failed += 1
            report.append(f"row {number}: not imported: {getattr(error, 'message', error)}")
        else:
            report.append(f"row {number}: {line}")
    return report, failed


def import_file(services: Services, slack: SlackGateway, team_id: str, path: Path) -> tuple[list[str], int]:
    """Read FILE.csv (columns coach,coachee, and optionally cohort) and import it; a bad header changes nothing."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = [name.strip().lower() for name in reader.fieldnames or []]
        if not set(COLUMNS) <= set(header):
            raise UserError(
                f"{path} needs a header row with the columns coach,coachee (it has {','.join(header)})"
            )
        reader.fieldnames = header
        return import_rows(services, slack, team_id, list(reader))
