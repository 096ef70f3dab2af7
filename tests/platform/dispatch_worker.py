"""A dispatcher process for the crash and multi-worker tests (and the benchmark).

`claim`: claim every due row, say so, then hang until killed.
`drain`: run dispatcher passes until no row is pending or claimed, then print how many it sent.
`--ahead S` runs the process's clock S seconds ahead (past a dead process's lease, without waiting).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.app import AREAS, build_services
from bot.platform.areas import Area
from bot.platform.delivery import dispatcher as dispatch
from bot.platform.delivery.registry import DeliveryInfo, Kind, Outgoing, Skip
from bot.platform.services import Services
from bot.platform.settings import Settings
from bot.platform.slack import make_web_client
from storage.db import Database
from storage.models import Delivery, DeliveryStatus

KIND = "test_hello"
BOT_TOKEN = "xoxb-emulator-token"


def render_hello(services: Services, delivery: DeliveryInfo, now: datetime) -> Outgoing | Skip:
    return Outgoing(text=f"hello {delivery.payload['n']}")


HELLO = Area("test", kinds={KIND: Kind(render_hello)})


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
    parser.add_argument("mode", choices=["claim", "drain"])
    parser.add_argument("--db", required=True)
    parser.add_argument("--schema")
    parser.add_argument("--api", required=True)
    parser.add_argument("--ahead", type=float, default=0.0)
    parser.add_argument("--rate", type=float, default=1000.0)
    parser.add_argument("--deadline", type=float, default=60.0)
    args = parser.parse_args()
    connect = {"options": f"-csearch_path={args.schema}"} if args.schema else {}
    db = Database(args.db, connect_args=connect) if connect else Database(args.db)
    ahead = timedelta(seconds=args.ahead)
    settings = Settings(bot_token=BOT_TOKEN, api_url=args.api, database_url=args.db, workspace_rate=args.rate)
    services = build_services(settings, db=db, clock=lambda: datetime.now(UTC) + ahead, areas=(*AREAS, HELLO))
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
