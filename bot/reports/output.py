"""The report as CSV or JSON: shown rows, or (admins, audited) pseudonymous person-level rows."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import secrets
from collections.abc import Sequence
from typing import Any

from bot.reports.measures import PersonWeek
from bot.reports.suppression import COLUMN_NAMES, Hidden, Table, Value

# Person-level rows carry nothing about well-being or asking for help: a low well-being the
# person did not share with anyone may only count inside a large enough aggregate.
PERSON_COLUMNS = [
    "person",
    "cohort",
    "week",
    "week_starts",
    "nudges_sent",
    "nudges_answered",
    "sessions_held",
    "goals_set",
    "goals_completed",
    "goals_closed_not_achieved",
    "goals_dropped",
    "gone_quiet",
]


def _plain(value: Value) -> Any:
    if isinstance(value, Hidden):
        return value.text
    return value


def table_records(table: Table) -> list[dict[str, Any]]:
    """One dict per cohort and week (then the total), in COLUMN_NAMES order."""
    return [
        {
            "cohort": row.cohort,
            "week": row.week.label,
            "week_starts": row.week.monday.isoformat(),
            **{name: _plain(value) for name, value in row.values.items()},
        }
        for row in table.rows
    ]


def person_records(people: Sequence[PersonWeek], cohort: str | None = None) -> list[dict[str, Any]]:
    """Person-level rows under pseudonyms that hold only within this one report."""
    salt = secrets.token_bytes(16)
    records = []
    for person in sorted(people, key=lambda p: (p.figures.week.starts, p.person_id)):
        figures = person.figures
        if cohort is not None and figures.cohort != cohort:
            continue
        digest = hashlib.sha256(salt + str(person.person_id).encode()).hexdigest()
        records.append(
            {
                "person": f"p-{digest[:12]}",
                "cohort": figures.cohort,
                "week": figures.week.label,
                "week_starts": figures.week.monday.isoformat(),
                "nudges_sent": figures.nudges_sent,
                "nudges_answered": figures.nudges_answered,
                "sessions_held": figures.sessions_held,
                "goals_set": figures.goals_set,
                "goals_completed": figures.goals_completed,
                "goals_closed_not_achieved": figures.goals_closed_not_achieved,
                "goals_dropped": figures.goals_dropped,
                "gone_quiet": figures.gone_quiet,
            }
        )
    return records


def to_csv(records: list[dict[str, Any]], columns: Sequence[str] = COLUMN_NAMES) -> str:
    """CSV with a header row; a value with nothing to measure is an empty cell."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({key: "" if value is None else value for key, value in record.items()})
    return buffer.getvalue()


def to_json(records: list[dict[str, Any]], **about: Any) -> str:
    """JSON: what the report covers, then its rows."""
    return json.dumps({**about, "rows": records}, indent=2, ensure_ascii=False)
