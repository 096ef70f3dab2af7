"""The report's figures against an independent count over a generated program, the chart it draws,
and a report's SQL statements not growing with the program."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from bench.program import build_program
from bot.reports.chart import render_chart
from bot.reports.digest import build_program_digest
from bot.reports.measures import measure
from bot.reports.output import table_records, to_csv
from bot.reports.suppression import suppress
from bot.reports.weeks import recent_weeks
from storage.db import Database
from storage.migrate import upgrade
from storage.models import (
    Attendance,
    CheckIn,
    Delivery,
    DeliveryStatus,
    Goal,
    GoalStatus,
    Meeting,
    MeetingStatus,
    NudgeAnswer,
    Pairing,
    Person,
)
from tests.statements import counting

TEAM = "T_MEASURE"
NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
TZ = "America/New_York"
COHORTS = ["M1 2030", "IM PGY-2"]


def report_csv(db: Database, weeks: int = 12) -> list[dict[str, str]]:
    with db.read() as session:
        table = suppress(measure(session, TEAM, recent_weeks(NOW, TZ, weeks), NOW), 5)
    return list(csv.DictReader(io.StringIO(to_csv(table_records(table)))))


def week_bounds(monday: str) -> tuple[datetime, datetime]:
    day = date.fromisoformat(monday)
    local = ZoneInfo(TZ)
    start = datetime.combine(day, time(0), tzinfo=local).astimezone(UTC)
    return start, datetime.combine(day + timedelta(days=7), time(0), tzinfo=local).astimezone(UTC)


def independent(db: Database, cohort: str | None, monday: str) -> dict[str, Any]:
    """The week's figures counted straight from the rows, the plain way."""
    start, end = week_bounds(monday)
    within = lambda at: start <= at.replace(tzinfo=UTC) < end  # noqa: E731
    with db.read() as s:
        people = {
            pid
            for pid, c, opened in s.execute(
                select(Person.id, Person.cohort, Pairing.created_at).join(
                    Pairing, Pairing.coachee_id == Person.id
                )
            )
            if (cohort is None or c == cohort) and opened < end
        }
        nudges = [(p, ts) for p, ts, at in s.execute(select(Delivery.person_id, Delivery.message_ts, Delivery.sent_at).where(Delivery.kind == "nudge")) if p in people and within(at)]  # fmt: skip
        checkins = [row for row in s.execute(select(CheckIn.person_id, CheckIn.message_ts, CheckIn.answer, CheckIn.wellbeing, CheckIn.created_at)) if row[0] in people]  # fmt: skip
        goals = [row for row in s.execute(select(Goal.person_id, Goal.status, Goal.created_at, Goal.closed_at)) if row[0] in people]  # fmt: skip
        meetings = [row for row in s.execute(select(Pairing.coachee_id, Meeting.starts_at, Meeting.status, Meeting.attendance).join(Pairing, Pairing.id == Meeting.pairing_id)) if row[0] in people]  # fmt: skip
    answered_ts = {(p, ts) for p, ts, *_ in checkins}
    answered = sum(1 for n in nudges if n in answered_ts)
    week_checkins = [c for c in checkins if within(c[4])]
    helped = {
        p
        for p, _, answer, wb, _ in week_checkins
        if answer == NudgeAnswer.NEED_HELP or (wb is not None and wb <= 2)
    }
    # Held: confirmed by the coach (and not cancelled since); an unconfirmed session is not held.
    held = sum(
        1
        for _, at, status, attendance in meetings
        if within(at) and status != MeetingStatus.CANCELLED and attendance == Attendance.HELD
    )
    return {
        "coachees": len(people),
        "nudges_sent": len(nudges),
        "nudges_answered": answered,
        "answer_rate_pct": round(100 * answered / len(nudges), 1) if nudges else None,
        "sessions_held": held,
        "goals_set": sum(1 for g in goals if within(g[2])),
        "goals_completed": sum(1 for g in goals if g[1] == GoalStatus.DONE and g[3] and within(g[3])),
        "asked_for_help_pct": round(100 * len(helped) / len(people), 1) if people else None,
        "raters": len({c[0] for c in week_checkins if c[3] is not None}),
        **{f"wellbeing_{k}": sum(1 for c in week_checkins if c[3] == k) for k in range(1, 6)},
    }


def _generated(db: Database, coachees: int = 6, weeks: int = 10) -> None:
    with db.transaction() as session:
        build_program(session, NOW, coaches=2, coachees=coachees, weeks=weeks, team=TEAM, cohorts=COHORTS)


def assert_as_counted_independently(db: Database, rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Every shown row of the report against the plain count; the shown rows."""
    shown = [r for r in rows if r["coachees"] not in {"", "fewer than 5 — not shown"}]
    checked = 0
    for row in shown:
        cohort = None if row["cohort"] == "All cohorts" else row["cohort"]
        expected = independent(db, cohort, row["week_starts"])
        raters = expected.pop("raters")
        small = [n for c in COHORTS if (n := independent(db, c, row["week_starts"])["raters"]) < 5]
        # Hidden: fewer than 5 raters, or (the total) a small cohort that subtraction would give away.
        if raters < 5 or (cohort is None and 0 < sum(small) < 5):
            assert {row[f"wellbeing_{k}"] for k in range(1, 6)} == {"fewer than 5 — not shown"}
            expected = {key: value for key, value in expected.items() if not key.startswith("wellbeing")}
        actual = {key: (float(row[key]) if "pct" in key else int(row[key])) for key in expected}
        assert actual == expected, (row["cohort"], row["week"])
        checked += 1
    assert checked == len(shown)
    return shown


def test_the_csv_figures_match_an_independent_count_over_a_generated_program(any_db: Database) -> None:
    sqlite_db = any_db  # SQLite, and PostgreSQL when TEST_DATABASE_URL is set
    _generated(sqlite_db)
    rows = report_csv(sqlite_db)
    shown = assert_as_counted_independently(sqlite_db, rows)
    assert len(rows) == 12 * 3 and len(shown) >= 9 * 3  # weeks before the program began are hidden
    assert any(int(r["goals_completed"]) > 0 for r in shown) and any(
        int(r["sessions_held"]) > 0 for r in shown
    )


def _at_week_edges(db: Database) -> list[datetime]:
    """Check-ins (need help, well-being 1 or 5), nudges, goals set and completed, and held sessions
    of every coachee at the edges of weeks in the program's zone: Monday 00:00 New York time
    exactly, a microsecond and half an hour either side; the week of November 2 2026 has 169 hours
    (daylight saving time ended on the Sunday), so its end is 05:00 UTC, not 04:00."""
    edges = [datetime(2026, 10, 19, 4, tzinfo=UTC), datetime(2026, 11, 2, 5, tzinfo=UTC)]
    edges.append(datetime(2026, 11, 16, 5, tzinfo=UTC))
    steps = [timedelta(0), timedelta(microseconds=1), timedelta(minutes=30)]
    moments = sorted({edge + sign * step for edge in edges for step in steps for sign in (-1, 1)})
    with db.transaction() as s:
        pairs = list(s.execute(select(Pairing.id, Pairing.coachee_id).where(Pairing.team_id == TEAM)))
        numbers = dict(
            s.execute(select(Goal.person_id, func.max(Goal.number)).group_by(Goal.person_id)).all()
        )
        rows: dict[Any, list[dict[str, Any]]] = {Delivery: [], CheckIn: [], Goal: [], Meeting: []}
        for n, (at, (pairing, person)) in enumerate((at, pair) for at in moments for pair in pairs):
            ts, key = f"edge.{n}", f"edge:{n}"
            rows[Delivery].append(dict(team_id=TEAM, kind="nudge", recipient="U", person_id=person, due_at=at, sent_at=at, dedupe_key=key, status=DeliveryStatus.SENT, message_ts=ts, created_at=at))  # fmt: skip
            answer = NudgeAnswer.NEED_HELP if n % 3 == 0 else NudgeAnswer.ON_TRACK
            rows[CheckIn].append(dict(team_id=TEAM, person_id=person, answer=answer, wellbeing=1 if n % 2 else 5, message_ts=ts, created_at=at, request_key=key))  # fmt: skip
            numbers[person] += 1
            closed = dict(status=GoalStatus.DONE, closed_at=at) if n % 2 else {}
            rows[Goal].append(dict(team_id=TEAM, person_id=person, number=numbers[person], title="edge", created_at=at, updated_at=at, **closed))  # fmt: skip
            rows[Meeting].append(dict(team_id=TEAM, pairing_id=pairing, booked_by="edge", starts_at=at, minutes=30, checklist="", takeaways="", created_at=at, updated_at=at, attendance=Attendance.HELD))  # fmt: skip
        for model, values in rows.items():
            s.execute(insert(model), values)
    return moments


def test_figures_at_the_edges_of_weeks_in_the_program_zone_and_across_daylight_saving(
    any_db: Database,
) -> None:
    _generated(any_db)
    moments = _at_week_edges(any_db)
    shown = assert_as_counted_independently(any_db, report_csv(any_db))
    # The week that ended with daylight saving time holds what came up to 04:59:59.999999 UTC.
    dst_week = next(r for r in shown if r["cohort"] == "All cohorts" and r["week_starts"] == "2026-10-26")
    late = [
        at
        for at in moments
        if datetime(2026, 11, 2, 4, tzinfo=UTC) <= at < datetime(2026, 11, 2, 5, tzinfo=UTC)
    ]
    assert len(late) == 2 and int(dst_week["goals_set"]) >= 2 * 12


def test_the_chart_is_a_real_png_whose_alt_text_states_the_latest_weeks_numbers(sqlite_db: Database) -> None:
    _generated(sqlite_db)
    with sqlite_db.read() as session:
        table = suppress(measure(session, TEAM, recent_weeks(NOW, TZ), NOW), 5)
    chart = render_chart(table, "Coaching program by cohort")
    image = Image.open(io.BytesIO(chart.png))
    assert image.format == "PNG" and (800, 600) <= image.size <= (2400, 1800)
    assert 20_000 < len(chart.png) < 1_000_000
    # An opaque light card: the same on Slack's light and dark themes.
    assert image.convert("RGBA").getpixel((2, 2)) == (255, 255, 255, 255)
    last_monday = table.weeks[-1].monday.isoformat()
    for cohort in COHORTS:
        figures = independent(sqlite_db, cohort, last_monday)
        scores = "/".join(str(figures[f"wellbeing_{k}"]) for k in range(1, 6))
        if figures["raters"] < 5:
            scores = "fewer than 5 — not shown"
        assert (
            f"{cohort}: {figures['coachees']} coachees, answer rate {figures['answer_rate_pct']}%, "
            f"{figures['sessions_held']} sessions held, {figures['goals_set']} goals set, "
            f"{figures['goals_completed']} completed"
        ) in chart.alt_text
        assert (
            f"well-being answers 1–5: {scores}" in chart.alt_text or f"well-being {scores}" in chart.alt_text
        )
    total = independent(sqlite_db, None, last_monday)
    assert f"All cohorts: {total['coachees']} coachees" in chart.alt_text
    assert len(chart.alt_text) <= 2000


def statements_for_5_and_50(tmp_path: Any, build: Callable[[Session, int], None]) -> list[int]:
    """The statements `build` sends over programs of 2 × 5 and 2 × 50 coachees."""
    counts = []
    for size in (5, 50):
        db = Database(f"sqlite:///{tmp_path}/p{size}.db")
        upgrade(db.engine)
        _generated(db, coachees=size, weeks=4)
        with counting(db) as statements, db.read() as session:
            build(session, 2 * size)
        counts.append(len(statements))
        db.dispose()
    return counts


def test_a_report_takes_the_same_statements_for_10_or_100_coachees(tmp_path: Any) -> None:
    def report(session: Session, coachees: int) -> None:
        measures = measure(session, TEAM, recent_weeks(NOW, TZ), NOW)
        assert len({p.person_id for p in measures.people}) == coachees

    counts = statements_for_5_and_50(tmp_path, report)
    # Seven queries (the seventh: quiet periods and pauses, for gone quiet).
    assert counts[0] == counts[1] <= 7


def test_a_digest_takes_the_same_statements_for_10_or_100_coachees(tmp_path: Any) -> None:
    def digest(session: Session, coachees: int) -> None:
        messages = build_program_digest(session, TEAM, NOW, TZ, 5).messages
        assert f"All cohorts* ({coachees} coachees)" in str([b.to_dict() for m in messages for b in m.blocks])

    counts = statements_for_5_and_50(tmp_path, digest)
    # The program digest's eleven (pairings, the flags of the last 7 days, sessions, program
    # counts) and the report's seven.
    assert counts[0] == counts[1] <= 11 + 7
