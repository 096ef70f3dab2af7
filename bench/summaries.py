"""Weekly summary benchmark: build every coach's summary for a generated program.

    python bench/summaries.py                 # 1,000 coaches × 10 coachees × 5 goals, 26 weeks (SQLite)
    python bench/summaries.py --quick         # 100 coaches × 10 coachees, 8 weeks
    python bench/summaries.py --pg URL        # also on PostgreSQL (TEST_DATABASE_URL is used if set)

Prints the time to write the program, the time to build every summary (queries and Block Kit,
no Slack sends; wall time and this process's CPU time), SQL statements per coach for 5 and 50
coachees, and peak Python memory.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, text, update  # noqa: E402

from bench.program import build_program  # noqa: E402
from bot.platform.services import Services  # noqa: E402
from bot.platform.settings import Settings  # noqa: E402
from bot.summaries.schedule import WEEKLY_KINDS, plan_weekly, plan_weekly_when_due  # noqa: E402
from bot.summaries.service import coach_summary  # noqa: E402
from bot.summaries.views import summary_messages  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Delivery, DeliveryStatus  # noqa: E402

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
TEAM = "T_BENCH"
MINUTE = timedelta(minutes=1)


@contextmanager
def sqlite_database() -> Iterator[Database]:
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{folder}/bench.db")
        upgrade(db.engine)
        yield db
        db.dispose()


@contextmanager
def pg_database(url: str) -> Iterator[Database]:
    """A throwaway schema, dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = Database(url)
    with admin.engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    db = Database(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        upgrade(db.engine)
        yield db
    finally:
        db.dispose()
        with admin.engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def build_all(db: Database, coach_ids: list[int]) -> int:
    """Every coach's summary, as the renderer builds it; returns the number of messages."""
    messages = 0
    for coach_id in coach_ids:
        with db.read() as session:
            summaries = coach_summary(session, TEAM, coach_id, NOW, "America/Chicago")
        messages += len(summary_messages(summaries, NOW.date(), "America/Chicago"))
    return messages


def statements_for(db: Database, coach_id: int) -> int:
    seen: list[Any] = []

    def count(*args: Any) -> None:
        seen.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        build_all(db, [coach_id])
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def run(name: str, db: Database, coaches: int, weeks: int) -> None:
    started = time.perf_counter()
    with db.transaction() as session:
        program = build_program(session, NOW, coaches=coaches, coachees=10, weeks=weeks, team=TEAM)
        small = build_program(session, NOW, coaches=1, coachees=5, weeks=weeks, tag="s", team=TEAM)
        large = build_program(session, NOW, coaches=1, coachees=50, weeks=weeks, tag="l", team=TEAM)
    written = time.perf_counter() - started
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    started, cpu_started = time.perf_counter(), time.process_time()
    messages = build_all(db, program.coach_ids)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    tracemalloc.start()
    build_all(db, program.coach_ids[: max(1, coaches // 10)])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"\n== {name}: {coaches} coaches × 10 coachees × 5 goals, {weeks} weeks of check-ins")
    print(f"   program written in {written:.1f} s (bulk inserts)")
    print(
        f"   {coaches} summaries ({messages} messages) built in {elapsed:.2f} s ({1000 * elapsed / coaches:.1f} ms each),"
        f" {cpu:.2f} s of this process's CPU (the machine is shared: wall time counts other work too)"
    )
    print(f"   SQL statements per coach: {statements_for(db, small.coach_ids[0])} with 5 coachees, "
          f"{statements_for(db, large.coach_ids[0])} with 50")  # fmt: skip
    print(
        f"   peak Python memory while building {max(1, coaches // 10)} summaries in a row: {peak / 1e6:.1f} MB"
    )
    services = Services(settings=Settings(database_url=db.url), db=db, clock=lambda: NOW)
    for label, planner, at in (
        ("plans every coach's next summary", plan_weekly, NOW),
        ("in full again, nothing new", plan_weekly, NOW),
        ("a pass after this week's went out: plans next week's", plan_weekly_when_due, NOW + MINUTE),
        ("any later pass, nothing due (per dispatcher pass)", plan_weekly_when_due, NOW + 2 * MINUTE),
    ):
        if planner is plan_weekly_when_due and at == NOW + MINUTE:
            with db.transaction() as session:  # as the dispatcher would have sent them
                session.execute(
                    update(Delivery)
                    .where(Delivery.kind.in_(WEEKLY_KINDS), Delivery.status == DeliveryStatus.PENDING)
                    .values(status=DeliveryStatus.SENT, sent_at=NOW)
                )
        started = time.perf_counter()
        planner(services, at)
        print(f"   weekly planner, {label}: {1000 * (time.perf_counter() - started):.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="100 coaches and 8 weeks")
    parser.add_argument("--pg", default=os.environ.get("TEST_DATABASE_URL"), help="a PostgreSQL URL")
    args = parser.parse_args()
    coaches, weeks = (100, 8) if args.quick else (1000, 26)
    with sqlite_database() as db:
        run("SQLite", db, coaches, weeks)
    if args.pg:
        with pg_database(args.pg) as db:
            run("PostgreSQL", db, coaches, weeks)


if __name__ == "__main__":
    main()
