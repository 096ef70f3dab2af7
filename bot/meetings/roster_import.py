"""`coachbot roster import FILE.csv`: the whole file checked first, then paired row by row; safe to run twice."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.meetings.cohorts import cohort_name, put_in_cohort
from bot.meetings.pairings import ALREADY_PAIRED, pair
from bot.platform.errors import UserError
from bot.platform.people import Actor
from bot.platform.services import Services
from bot.platform.slack import SlackGateway

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)>")
COLUMNS = ("coach", "coachee")


class RowError(Exception):
    """Why one row could not be used; nothing is changed for that row."""


@dataclass(frozen=True)
class RosterRow:
    """One checked row of the file: who coaches whom, and the cohort cell (None: left empty)."""

    number: int
    coach: str
    coachee: str
    cohort: str | None


@dataclass
class RosterReport:
    """What an import did: a line per row, and the counts."""

    lines: list[str] = field(default_factory=list)
    imported: int = 0
    already: int = 0
    failed: int = 0

    def summary(self) -> str:
        return f"{self.imported} imported, {self.already} already paired, {self.failed} not imported"


def _text(raw: bytes, path: Path) -> str:
    """UTF-8 (with or without the BOM Excel writes), else Windows-1252 (Excel's plain “CSV”)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        raise UserError(f"{path} is neither UTF-8 nor Windows-1252 text; save it as “CSV UTF-8”") from None


def _cell_problem(cell: str) -> str | None:
    if _USER_ID.match(cell) or _EMAIL.match(cell):
        return None
    return f"“{cell}” is neither a Slack user id (U…) nor an email address"


def read_roster(path: Path) -> tuple[list[RosterRow], list[str]]:
    """The file's rows and every problem in it (`row N: …`), found without asking Slack anything.

    A file that is not a roster at all (no coach,coachee header, unreadable) raises UserError."""
    reader = csv.DictReader(io.StringIO(_text(path.read_bytes(), path), newline=""))
    header = [(name or "").strip().lower() for name in reader.fieldnames or []]
    if not set(COLUMNS) <= set(header):
        raise UserError(
            f"{path} needs a header row with the columns coach,coachee (it has {','.join(header)})"
        )
    reader.fieldnames = header
    rows, problems, coachees = [], [], dict[str, int]()
    for number, row in enumerate(reader, start=2):  # row 1 is the header
        coach, coachee = (row.get("coach") or "").strip(), (row.get("coachee") or "").strip()
        cohort = (row.get("cohort") or "").strip() or None
        found = [f"row {number}: {p}" for p in (_cell_problem(coach), _cell_problem(coachee)) if p]
        if not coach or not coachee:
            found = [f"row {number}: both a coach and a coachee are needed"]
        elif coachee.lower() in coachees:
            found.append(
                f"row {number}: {coachee} is already in row {coachees[coachee.lower()]} (one coach each)"
            )
        try:
            if cohort:
                cohort_name(cohort)
        except UserError as error:
            found.append(f"row {number}: {error.message}")
        coachees.setdefault(coachee.lower(), number)
        problems += found
        rows.append(RosterRow(number, coach, coachee, cohort))
    return rows, problems


def _person(services: Services, slack: SlackGateway, team_id: str, cell: str) -> Actor:
    try:
        if _USER_ID.match(cell):
            user_id = cell
            slack.profile(user_id)  # an unknown id is refused rather than remembered
        else:
            user_id = slack.user_id_by_email(cell)
    except SlackApiError as error:
        raise RowError(f"Slack has no user {cell} ({error.response.get('error')})") from None
    except (SlackRequestError, OSError) as error:
        raise RowError(f"could not ask Slack about {cell} ({type(error).__name__})") from None
    return services.actor(slack, team_id, user_id)


def _named(line: str, names: dict[str, str]) -> str:
    """A Slack-formatted line for a terminal: people by name, no bold."""
    return _MENTION.sub(lambda m: names.get(m.group(1), m.group(1)), line).replace("*", "")


def import_rows(services: Services, slack: SlackGateway, team_id: str, rows: list[RosterRow]) -> RosterReport:
    """Pair each checked row; a row Slack cannot resolve is reported and the others go on."""
    report, names = RosterReport(), dict[str, str]()
    for row in rows:
        try:
            coach = _person(services, slack, team_id, row.coach)
            coachee = _person(services, slack, team_id, row.coachee)
            names |= {coach.user_id: coach.display_name, coachee.user_id: coachee.display_name}
            line = pair(services, coach, coachee, "roster import")
            if row.cohort is not None:
                line += " " + put_in_cohort(services, coachee, cohort_name(row.cohort))
        except (RowError, UserError) as error:
            report.failed += 1
            report.lines.append(f"row {row.number}: not imported: {getattr(error, 'message', error)}")
            continue
        if ALREADY_PAIRED in line:
            report.already += 1
        else:
            report.imported += 1
        report.lines.append(f"row {row.number}: {_named(line, names)}")
    return report
