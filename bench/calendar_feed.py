"""The calendar feed over real HTTP: how long a right, a wrong and a reset secret take to answer.

A wrong or reset secret must not answer measurably faster or slower than another wrong one, and
a right one should serve a person with a year of sessions quickly. Prints medians and p90 in ms
for each kind of request, and the difference between the wrong and the reset medians.

    python bench/calendar_feed.py [--requests 400]
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_app, build_services  # noqa: E402
from bot.calendar import feed as secrets  # noqa: E402
from bot.platform.settings import Settings  # noqa: E402
from bot.server import BackgroundServer  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Person  # noqa: E402
from storage.models.meetings import Meeting, MeetingStatus, Pairing  # noqa: E402

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
PEOPLE = 500  # feeds in the table: the lookup is by an indexed hash, whatever the count


def seed(db: Database) -> tuple[str, str]:
    """500 people with feeds; one coach with 52 weekly sessions. Returns (coach's secret, a reset one)."""
    with db.transaction() as s:
        people = [
            Person(
                team_id="T1",
                slack_user_id=f"U{i:06d}",
                display_name=f"p{i}",
                tz="America/New_York",
                is_workspace_admin=False,
                created_at=NOW,
            )
            for i in range(PEOPLE)
        ]
        s.add_all(people)
        s.flush()
        pairing = Pairing(
            team_id="T1", coach_id=people[0].id, coachee_id=people[1].id, created_by="U0", created_at=NOW
        )
        s.add(pairing)
        s.flush()
        for week in range(52):
            start = NOW + timedelta(weeks=week)
            s.add(
                Meeting(
                    team_id="T1",
                    pairing_id=pairing.id,
                    booked_by="U0",
                    starts_at=start,
                    minutes=45,
                    status=MeetingStatus.SCHEDULED,
                    version=1,
                    created_at=NOW,
                    updated_at=NOW,
                )
            )
        for person in people[2:]:
            secrets.reset(s, "T1", person.id, NOW)
        old = secrets.reset(s, "T1", people[0].id, NOW)
        right = secrets.reset(s, "T1", people[0].id, NOW)
    return right, old


def timed(port: int, path: str, count: int) -> tuple[int, list[float]]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    status, times = 0, []
    for _ in range(count):
        started = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        times.append((time.perf_counter() - started) * 1000)
        status = response.status
    connection.close()
    return status, times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(db.engine)
        right, old = seed(db)
        settings = Settings(bot_token="xoxb-bench", signing_secret="bench", database_url=db.url)
        services = build_services(settings, db=db, clock=lambda: NOW)
        server = BackgroundServer(build_app(services), services).start()
        port = int(server.base_url.rsplit(":", 1)[1])
        wrong = secrets.new_secret()
        try:
            timed(port, f"/calendar/{right}.ics", 20)  # warm up
            results = {
                "right secret (52 sessions)": timed(port, f"/calendar/{right}.ics", args.requests),
                "wrong secret": timed(port, f"/calendar/{wrong}.ics", args.requests),
                "reset (old) secret": timed(port, f"/calendar/{old}.ics", args.requests),
            }
        finally:
            server.stop()
            db.dispose()
    for name, (status, times) in results.items():
        p90 = statistics.quantiles(times, n=10)[-1]
        print(f"{name:28} status {status}  median {statistics.median(times):6.2f} ms  p90 {p90:6.2f} ms")
    wrong_median = statistics.median(results["wrong secret"][1])
    reset_median = statistics.median(results["reset (old) secret"][1])
    print(f"wrong vs reset median difference: {abs(wrong_median - reset_median):.3f} ms")


if __name__ == "__main__":
    main()
