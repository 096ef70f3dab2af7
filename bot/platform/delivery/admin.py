"""`coachbot deliveries`: what the delivery table holds, its failures, and `retry ID`."""

from __future__ import annotations

import argparse

from bot.platform.services import Services
from storage import delivery_admin as queries

FAILURES_SHOWN = 50


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`coachbot deliveries [retry ID]`."""
    deliveries = sub.add_parser(
        "deliveries", help="counts by kind and status, the oldest due, failures; `retry ID` a failed one"
    )
    actions = deliveries.add_subparsers(dest="deliveries_command")
    retry = actions.add_parser("retry", help="send a failed delivery again")
    retry.add_argument("id", type=int, help="the delivery's id, as listed under failures")


def run(services: Services, args: argparse.Namespace) -> int:
    """Print the report, or retry one row; returns the exit status."""
    if getattr(args, "deliveries_command", None) == "retry":
        with services.db.transaction() as session:
            done = queries.retry(session, args.id, services.now())
        if not done:
            print(f"coachbot: delivery {args.id} is not a failed delivery")
            return 1
        print(f"delivery {args.id} is pending again; it is sent if it is still useful")
        return 0
    with services.db.read() as session:
        counts = queries.counts(session)
        oldest = queries.oldest_waiting(session)
        failures = queries.failed(session, FAILURES_SHOWN)
    print("by kind and status:")
    for kind, status, n in counts:
        print(f"  {kind:<24} {status:<10} {n}")
    if not counts:
        print("  (no deliveries)")
    if oldest is not None:
        print(
            f"oldest waiting: #{oldest.id} {oldest.kind} due {oldest.due_at:%Y-%m-%d %H:%M}Z ({oldest.status})"
        )
    print(f"failures ({len(failures)} shown, newest first):")
    for row in failures:
        print(f"  #{row.id} {row.kind} due {row.due_at:%Y-%m-%d %H:%M}Z: {row.last_error or 'unknown error'}")
    return 0
