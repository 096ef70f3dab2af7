"""Claiming due deliveries: run the planners, take due rows with a lease, keep leases alive."""

from __future__ import annotations

import itertools
import logging
import os
import socket
import threading
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.platform.delivery.failures import run_hook
from bot.platform.delivery.registry import DeliveryInfo
from bot.platform.services import Services
from bot.platform.settings import DEFAULT_LEASE_SECONDS
from storage import delivery_claims as claims
from storage.models import Delivery

log = logging.getLogger("bot.platform.delivery.dispatcher")  # one logger name for the whole dispatcher

LEASE = timedelta(seconds=DEFAULT_LEASE_SECONDS)
BATCH = 100
_PASSES = itertools.count(1)


def worker_name() -> str:
    """This process and pass: two passes of one process never settle each other's rows."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{next(_PASSES)}"


def info(row: Delivery, zones: dict[int, str]) -> DeliveryInfo:
    """Plain data for renderers; `zones`: people's time zones by id."""
    return DeliveryInfo(
        id=row.id,
        team_id=row.team_id,
        kind=row.kind,
        recipient=row.recipient,
        person_id=row.person_id,
        due_at=row.due_at,
        dedupe_key=row.dedupe_key,
        payload=DeliveryInfo.parse_payload(row.payload),
        attempts=row.attempts,
        person_tz=None if row.person_id is None else zones.get(row.person_id),
    )


def plan_periodic(services: Services, now: datetime) -> None:
    for name, planner in services.registry.planners.items():
        try:
            planner(services, now)
        except Exception:
            log.exception("planner %s failed", name)


def next_due_at(services: Services) -> datetime | None:
    """The earliest time anything is due (planners run first, so periodic rows exist)."""
    plan_periodic(services, services.now())
    with services.db.transaction() as session:
        return claims.next_due_at(session)


def lease_of(services: Services) -> timedelta:
    return timedelta(seconds=services.settings.lease_seconds)


def claim(
    services: Services, now: datetime, worker: str, limit: int = BATCH, conditions: Sequence[Any] = ()
) -> list[DeliveryInfo]:
    """Settle rows abandoned mid-post, then claim up to `limit` due rows for `worker`."""
    with services.db.transaction() as session:
        left = claims.settle_abandoned(session, now)
        rows = claims.claim_due(
            session, now, worker=worker, lease=lease_of(services), limit=limit, conditions=conditions
        )
        zones = claims.person_zones(session, [row.person_id for row in left + rows if row.person_id])
        abandoned = [info(row, zones) for row in left]
        claimed = [info(row, zones) for row in rows]
    for delivery in abandoned:
        log.warning("delivery %s: its sender stopped mid-post; recorded as sent, unconfirmed", delivery.id)
        kind = services.registry.kinds.get(delivery.kind)
        if kind is not None and kind.after_skip is not None:
            run_hook("after_skip", kind.after_skip, services, delivery, claims.UNCONFIRMED, now)
    return claimed


class Heartbeat:
    """Renews every lease a pass holds, several times per lease, until the pass ends."""

    def __init__(self, services: Services, worker: str, now: Any) -> None:
        self.services, self.worker, self.now = services, worker, now
        self.lease = lease_of(services)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lease-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        # Often enough that a held row always has a send timeout's worth of lease left.
        every = (self.lease.total_seconds() - self.services.settings.send_timeout_seconds) / 3
        while not self._stop.wait(max(0.1, every)):
            try:
                with self.services.db.transaction() as session:
                    claims.renew_leases(session, self.worker, self.now() + self.lease)
            except Exception as error:  # the database is away: rows we cannot renew are not posted
                log.warning(
                    "lease heartbeat failed (%s); unrenewed rows will not be sent", type(error).__name__
                )
