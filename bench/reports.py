"""Program report benchmark: the digest with its chart, and `coachbot report` for a year.

    python bench/reports.py            # 500 coaches × 10 coachees (5,000), 26 weeks, SQLite
    python bench/reports.py --quick    # 50 coaches × 10 coachees

Prints the time to build the digest (queries, cohort table, Block Kit and the PNG chart) cold (the
first in the process: matplotlib loads) and warm, SQL statements per digest, peak Python memory,
and the time of a year's report as CSV (53 weeks over a program with a year of history).
Targets: digest < 5 s, report < 10 s. Each time is wall clock and this process's CPU time, with
the machine's load average beside it: on a shared machine the CPU time is the steadier figure.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from bench.program import TEAM, build_program  # noqa: E402
from bot.reports.digest import build_program_digest, digest_chart  # noqa: E402
from bot.reports.measures import measure  # noqa: E402
from bot.reports.output import table_records, to_csv  # noqa: E402
from bot.reports.suppression import suppress  # noqa: E402
from bot.reports.weeks import weeks_between  # noqa: E402
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
        f"program: {coaches * 10:,} coachees × {weeks} weeks written in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return db


def _digest(db: Database) -> tuple[int, int]:
    with db.read() as session:
        digest = build_program_digest(session, TEAM, NOW, TZ, 5)
    return len(digest.messages), len(digest_chart(digest.cohorts).png)


def _year(db: Database) -> int:
    weeks = weeks_between((NOW - timedelta(days=365)).date(), NOW.date(), TZ)
    with db.read() as session:
        table = suppress(measure(session, TEAM, weeks, NOW), 5)
    return to_csv(table_records(table)).count(chr(10)) - 1


def _load() -> str:
    return "load " + " ".join(f"{n:.1f}" for n in os.getloadavg())


def _clock(run: Callable[[], object]) -> tuple[object, str]:
    started, cpu = time.perf_counter(), time.process_time()
    result = run()
    return result, f"{time.perf_counter() - started:.2f} s (CPU {time.process_time() - cpu:.2f} s, {_load()})"


def _timed(label: str, target: float, run: Callable[[], object], db: Database) -> None:
    """Wall time of a warm run (matplotlib is loaded once per process), then its peak memory apart:
    tracemalloc slows Python down several times, so it never runs under the clock."""
    statements: list[str] = []
    counting = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", counting)
    result, took = _clock(run)
    event.remove(db.engine, "before_cursor_execute", counting)
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"{label}: {took}, target < {target:.0f} s; {len(statements)} SQL statements, "
        f"peak Python memory {peak / 2**20:.0f} MiB, result {result}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    coaches = 50 if args.quick else 500
    with tempfile.TemporaryDirectory() as folder:
        db = _program(folder, coaches, 26)
        _, took = _clock(lambda: _digest(db))
        print(f"first digest + chart (cold: loads numpy and matplotlib): {took}", flush=True)
        _timed("digest + chart, warm (messages, PNG bytes)", 5, lambda: _digest(db), db)
        db.dispose()
        year = _program(folder, coaches, 53)
        _timed("report for a year (CSV rows)", 10, lambda: _year(year), year)
        year.dispose()


if __name__ == "__main__":
    main()
