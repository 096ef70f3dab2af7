"""Dispatcher benchmark: capacity with the cap lifted, and pacing at the default cap.

    python bench/dispatch.py            # (a) 10,000 nudges at 20 ms Slack latency, (b) one minute paced
    python bench/dispatch.py --quick    # 2,000 nudges and 15 seconds of pacing
    python bench/dispatch.py --only capacity|pacing [--database-url postgresql+psycopg://…]
    python bench/dispatch.py --only workers [--rows N] [--rate R]      # three `coachbot worker`s, PostgreSQL
    python bench/dispatch.py --only drain [--rows N] [--rate R] [--outage S]   # 5,000 rows after an outage

The emulator runs in its own process (as Slack would), so it does not share the dispatcher's GIL.
(a) sends real `nudge` deliveries: render, chat.postMessage, settle, then plan each person's next.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from bot.app import AREAS, build_services  # noqa: E402
from bot.emulator import SlackEmulator  # noqa: E402
from bot.platform.areas import Area  # noqa: E402
from bot.platform.delivery.dispatcher import run_due  # noqa: E402
from bot.platform.delivery.registry import DeliveryInfo, Kind, Outgoing  # noqa: E402
from bot.platform.services import Services  # noqa: E402
from bot.platform.settings import DEFAULT_WORKSPACE_RATE, Settings  # noqa: E402
from bot.platform.slack import make_web_client  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Cadence, Delivery, DeliveryStatus, Goal, GoalStatus, Person  # noqa: E402

TOKEN = "xoxb-emulator-token"
TEAM = "T0COACH01"
ZONES = ["America/New_York", "America/Chicago", "Asia/Kolkata", "Pacific/Auckland", "Europe/London"]


def user_id(n: int) -> str:
    return f"U{n:08d}"


# ---- the emulator process ----------------------------------------------------------------------
def serve_emulator(users: int, channels: int, latency: float, outage: float = 0.0) -> None:
    """Run an emulator with `users` people and `channels` channels, answering chat.postMessage with
    500 for its first `outage` seconds; on stdin EOF print what it got (successful posts)."""
    # Slack's servers are not starved by this host's load: when allowed, the emulator runs ahead of
    # the workers, so the times it records are when posts arrived, not when it got round to them.
    with contextlib.suppress(PermissionError):
        os.setpriority(os.PRIO_PROCESS, 0, -10)
    emulator = SlackEmulator(latency_seconds=latency)
    if outage:
        until = datetime.now(UTC) + timedelta(seconds=outage)
        emulator.fail("chat.postMessage", 500, times=None, until=until)
    for n in range(users):
        emulator.workspace.add_user(f"student{n}", user_id=user_id(n))
    made = [emulator.workspace.add_channel(f"cohort{n}") for n in range(channels)]
    emulator.start()
    print(json.dumps({"url": emulator.url, "channels": made}), flush=True)
    sys.stdin.read()
    posts = [(c.args.get("channel"), c.at) for c in emulator.calls_to("chat.postMessage")]
    print(json.dumps({"posts": posts}), flush=True)


class EmulatorProcess:
    def __init__(self, users: int, channels: int, latency: float, outage: float = 0.0) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--serve-emulator",
                str(users),
                str(channels),
                str(latency),
                str(outage),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        hello = json.loads(self.proc.stdout.readline())
        self.url: str = hello["url"]
        self.channels: list[str] = hello["channels"]

    def finish(self) -> list[tuple[str, float]]:
        out, _ = self.proc.communicate(timeout=600)
        return [(channel, at) for channel, at in json.loads(out.strip().splitlines()[-1])["posts"]]


# ---- set-up ----------------------------------------------------------------------------------
def database(url: str | None) -> Database:
    db = Database(url or f"sqlite:///{tempfile.mkdtemp(prefix='coachbot-bench-')}/bench.db")
    upgrade(db.engine)
    return db


def plan_nudges(db: Database, count: int, now: datetime) -> None:
    """`count` people with one daily goal each and their nudge due now, inserted in bulk."""
    with db.transaction() as s:
        s.execute(
            insert(Person),
            [
                dict(
                    id=n + 1,
                    team_id=TEAM,
                    slack_user_id=user_id(n),
                    display_name=f"student{n}",
                    tz=ZONES[n % len(ZONES)],
                    is_workspace_admin=False,
                    is_deleted=False,
                    profile_refreshed_at=now,
                    last_goal_number=1,
                    created_at=now,
                )
                for n in range(count)
            ],
        )
        s.execute(
            insert(Goal),
            [
                dict(
                    id=n + 1,
                    team_id=TEAM,
                    person_id=n + 1,
                    number=1,
                    title=f"Do {n % 50 + 10} practice questions",
                    why="",
                    measure="",
                    target_date=date(2027, 6, 1),
                    area="academic",
                    cadence=Cadence.DAILY,
                    status=GoalStatus.ACTIVE,
                    created_at=now,
                    updated_at=now,
                )
                for n in range(count)
            ],
        )
        s.execute(
            insert(Delivery),
            [
                dict(
                    team_id=TEAM,
                    kind="nudge",
                    recipient=user_id(n),
                    person_id=n + 1,
                    due_at=now,
                    dedupe_key=f"nudge:{n + 1}:0",
                    payload=json.dumps({"goal_ids": [n + 1]}),
                    status=DeliveryStatus.PENDING,
                    attempts=0,
                    created_at=now,
                )
                for n in range(count)
            ],
        )


def render_announcement(services: Services, delivery: DeliveryInfo, now: datetime) -> Outgoing:
    return Outgoing(text=f"announcement {delivery.payload['n']}", channel=delivery.recipient)


BENCH = Area("bench", kinds={"bench_announcement": Kind(render_announcement)})


def plan_announcements(db: Database, recipients: list[str], now: datetime) -> None:
    with db.transaction() as s:
        s.execute(
            insert(Delivery),
            [
                dict(
                    team_id=TEAM,
                    kind="bench_announcement",
                    recipient=r,
                    due_at=now,
                    dedupe_key=f"a:{n}",
                    payload=json.dumps({"n": n}),
                    status=DeliveryStatus.PENDING,
                    attempts=0,
                    created_at=now,
                )
                for n, r in enumerate(recipients)
            ],
        )


def drain(services: Services, url: str) -> int:
    client = make_web_client(TOKEN, url)
    sent = 0
    while True:
        batch = run_due(services, client, datetime.now(UTC))
        sent += batch
        if not batch:
            return sent


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def max_per_channel_second(posts: list[tuple[str, float]]) -> int:
    """The most messages one channel received within any one-second window."""
    by_channel: dict[str, list[float]] = defaultdict(list)
    for channel, at in posts:
        by_channel[channel].append(at)
    most = 0
    for times in by_channel.values():
        times.sort()
        start = 0
        for end, t in enumerate(times):
            while t - times[start] >= 1.0:
                start += 1
            most = max(most, end - start + 1)
    return most


# ---- the two measurements ------------------------------------------------------------------------
def capacity(count: int, database_url: str | None) -> dict[str, Any]:
    now = datetime.now(UTC)
    db = database(database_url)
    plan_nudges(db, count, now)
    emulator = EmulatorProcess(count, 0, latency=0.020)
    services = build_services(
        Settings(bot_token=TOKEN, api_url=emulator.url, database_url=db.url, workspace_rate=None),
        db=db,
        areas=(*AREAS, BENCH),
    )
    started = time.perf_counter()
    sent = drain(services, emulator.url)
    elapsed = time.perf_counter() - started
    posts = emulator.finish()
    per_channel = Counter(channel for channel, _ in posts)
    return {
        "nudges": count,
        "sent": sent,
        "received": len(posts),
        "duplicates": sum(n - 1 for n in per_channel.values()),
        "seconds": round(elapsed, 2),
        "messages_per_second": round(len(posts) / elapsed, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "database": db.engine.dialect.name,
    }


def pacing(seconds: int, database_url: str | None) -> dict[str, Any]:
    cap = DEFAULT_WORKSPACE_RATE
    total = int(cap * seconds)
    emulator = EmulatorProcess(total, 4, latency=0.020)
    # Four busy cohort channels take a fifth of the messages; everyone else gets a DM.
    recipients = [emulator.channels[n % 4] if n % 5 == 0 else user_id(n) for n in range(total)]
    db = database(database_url)
    plan_announcements(db, recipients, datetime.now(UTC))
    services = build_services(
        Settings(bot_token=TOKEN, api_url=emulator.url, database_url=db.url, workspace_rate=cap),
        db=db,
        areas=(*AREAS, BENCH),
    )
    drain(services, emulator.url)
    posts = emulator.finish()
    times = sorted(at for _, at in posts)
    # n messages paced at the cap span (n - 1) intervals.
    achieved = (len(times) - 1) / (times[-1] - times[0])
    return {
        "messages": len(posts),
        "cap_per_second": cap,
        "achieved_per_second": round(achieved, 3),
        "off_cap_percent": round(abs(achieved - cap) / cap * 100, 2),
        "max_per_channel_per_second": max_per_channel_second(posts),
        "seconds": round(times[-1] - times[0], 1),
    }


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve-emulator":
        serve_emulator(int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]))
        return 0
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="2,000 nudges and 15 s of pacing")
    parser.add_argument("--only", choices=["capacity", "pacing", "workers", "drain"])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--rows", type=int, help="workers: 240 (a minute at 4/s); drain: 5,000")
    parser.add_argument(
        "--rate", type=float, help="workers and drain: COACHBOT_WORKSPACE_RATE (default: unset)"
    )
    parser.add_argument("--outage", type=float, default=60.0, help="drain: seconds Slack answers 500")
    args = parser.parse_args()
    if args.only in {"workers", "drain"}:
        from dispatch_workers import run  # PostgreSQL only (BENCH_DATABASE_URL or the local test one)

        if args.only == "workers":
            print("workers:", json.dumps(run(args.rows or 240, args.rate, 0.0)), flush=True)
        else:
            print("drain:  ", json.dumps(run(args.rows or 5000, args.rate, args.outage)), flush=True)
        return 0
    if args.only in (None, "capacity"):
        print(
            "capacity:", json.dumps(capacity(2000 if args.quick else 10_000, args.database_url)), flush=True
        )
    if args.only in (None, "pacing"):
        print("pacing:  ", json.dumps(pacing(15 if args.quick else 60, args.database_url)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
