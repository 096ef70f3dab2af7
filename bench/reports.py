"""Program report benchmark: the digest with its chart, and `coachbot report` for a year.

    python bench/reports.py            # 500 coaches × 10 coachees (5,000), 26 weeks, SQLite
    python bench/reports.py --quick    # 50 coaches × 10 coachees

Prints the time to build the digest (queries, cohort table, Block Kit and the PNG chart), SQL
statements per digest, peak Python memory, and the time of a year's report as CSV (53 weeks
over a program with a year of history). Targets: digest < 5 s, report < 10 s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from bench.program import TEAM, build_program  # noqa: E402
from bot.reports.digest import build_program_digest, digest_chart  # noqa: E402
from bot.reports.measures import measure, weeks_between  # noqa: E402
from bot.reports.output import table_records, to_csv  # noqa: E402
from bot.reports.suppression import suppress  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
TZ = "America/New_York"
COHORTS = ["M1 2030", "M2 2029", "M3 2028", "M4 2027", "IM PGY-1", "IM PGY-2"]


def _program(folder: str, coaches: int, weeks: int) -> Database:
    db = Database(f"sqlite:///{folder}/bench-{weeks}.db")
    upgrade(db.engine)
    started = time.perf_counter()
    with db.transaction() as session:
        build_program(session, NOW, coaches=coaches, coachees=10, weeks=weeks, cohorts=COHORTS)
    print(
        f"program: {coaches * 10:,} coachees × {weeks} weeks written in {time.perf_counter() - started:.1f} s"
    )
    return db


def bench_digest(db: Database) -> None:
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    tracemalloc.start()
    started = time.perf_counter()
    with db.read() as session:
        digest = build_program_digest(session, TEAM, NOW, TZ, 5)
    messages = digest.messages
    chart = digest_chart(digest.cohorts)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"digest + chart: {elapsed:.2f} s (target < 5 s), {len(statements)} SQL statements, "
        f"peak Python memory {peak / 2**20:.0f} MiB, {len(messages)} message(s), PNG {len(chart.png) / 1024:.0f} KiB"
    )


def bench_year_report(db: Database) -> None:
    tracemalloc.start()
    started = time.perf_counter()
    weeks = weeks_between((NOW - timedelta(days=365)).date(), NOW.date(), TZ)
    with db.read() as session:
        table = suppress(measure(session, TEAM, weeks, NOW), 5)
    text = to_csv(table_records(table))
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"report for a year ({len(weeks)} weeks, {text.count(chr(10)) - 1} rows): {elapsed:.2f} s (target < 10 s), "
        f"peak Python memory {peak / 2**20:.0f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    coaches = 50 if args.quick else 500
    with tempfile.TemporaryDirectory() as folder:
        db = _program(folder, coaches, 26)
        bench_digest(db)
        db.dispose()
        year = _program(folder, coaches, 53)
        bench_year_report(year)
        year.dispose()


if __name__ == "__main__":
    main()
