"""Dispatcher processes for the crash, fault and multi-worker tests (and the benchmark).

`claim`: claim every due row, say so, then hang until killed.
`drain`: run dispatcher passes until no row is pending or claimed, then print how many it sent.
`worker`: the real `coachbot worker` (settings from the environment, as in production), with the
test kind registered and, given `--clock-file`, a virtual clock read from that file.
`--ahead S` runs the process's clock S seconds ahead (past a dead process's lease, without waiting).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from bot.app import AREAS, build_services
from bot.cli import worker
from bot.platform.areas import Area
from bot.platform.clock import Clock, HostClock, system_clock
from bot.platform.delivery import dispatcher as dispatch
from bot.platform.delivery.registry import DeliveryInfo, Kind, Outgoing, Skip, UsefulUntil, default_usefulness
from bot.platform.services import Services
from bot.platform.settings import Settings, load_settings
from bot.platform.slack import make_web_client
from storage.db import Database
from storage.models import Delivery, DeliveryStatus

KIND = "test_hello"
BOT_TOKEN = "xoxb-emulator-token"


def render_hello(services: Services, delivery: DeliveryInfo, now: datetime) -> Outgoing | Skip:
    return Outgoing(text=f"hello {delivery.payload['n']}")


def hello_useful_until(services: Services, delivery: DeliveryInfo) -> UsefulUntil:
    """A payload may say how long it stays useful (a reminder until its session, a nudge its day)."""
    if "useful_until" in delivery.payload:
        deadline = datetime.fromisoformat(str(delivery.payload["useful_until"]))
        return UsefulUntil(deadline, str(delivery.payload.get("why", "too late")))
    return default_usefulness(services, delivery)


HELLO = Area("test", kinds={KIND: Kind(render_hello, useful_until=hello_useful_until)})


class FileClock:
    """A virtual clock another process moves: the file holds an ISO 8601 time."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self) -> datetime:
        for _ in range(50):
            text = self.path.read_text().strip()
            if text:  # a writer may be half-way through
                return datetime.fromisoformat(text)
            time.sleep(0.001)
        raise RuntimeError(f"{self.path} stays empty")

    def set(self, at: datetime) -> None:
        staging = self.path.with_suffix(".tmp")
        staging.write_text(at.isoformat())
        staging.replace(self.path)


def unsettled(services: Services) -> int:
    with services.db.transaction() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(Delivery)
                .where(Delivery.status.in_([DeliveryStatus.PENDING, DeliveryStatus.CLAIMED]))
            )
            or 0
        )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["claim", "drain", "worker"])
    parser.add_argument("--db")
    parser.add_argument("--schema")
    parser.add_argument("--api")
    parser.add_argument("--ahead", type=float, default=0.0)
    parser.add_argument("--rate", type=float, default=1000.0)
    parser.add_argument("--deadline", type=float, default=60.0)
    parser.add_argument("--clock-file", type=Path)
    parser.add_argument("--clock-offset", type=float, help="seconds this host's clock is off")
    args = parser.parse_args()
    if args.mode == "worker":
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        logging.getLogger("apscheduler").setLevel(logging.ERROR)  # a line per 0.1 s tick drowns the rest
        clock: Clock = FileClock(args.clock_file) if args.clock_file else system_clock
        if args.clock_offset:
            clock = HostClock(timedelta(seconds=args.clock_offset))
        worker(load_settings(), areas=(*AREAS, HELLO), clock=clock)
        return 0
    connect = {"options": f"-csearch_path={args.schema}"} if args.schema else {}
    db = Database(args.db, connect_args=connect) if connect else Database(args.db)
    ahead = timedelta(seconds=args.ahead)
    settings = Settings(bot_token=BOT_TOKEN, api_url=args.api, database_url=args.db, workspace_rate=args.rate)
    services = build_services(
        settings,
        db=db,
        clock=(lambda: datetime.now(UTC) + ahead) if args.ahead else system_clock,
        areas=(*AREAS, HELLO),
    )
    if args.mode == "claim":
        claimed = dispatch.claim(services, services.now(), "doomed-worker", limit=100_000)
        print(f"claimed {len(claimed)}", flush=True)
        time.sleep(3600)
        return 0
    client = make_web_client(BOT_TOKEN, args.api)
    sent, give_up = 0, time.monotonic() + args.deadline
    while unsettled(services) and time.monotonic() < give_up:
        sent += dispatch.run_due(services, client, services.now())
        time.sleep(0.05)  # between passes only: rows waiting on Retry-After come due
    print(f"sent {sent}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
