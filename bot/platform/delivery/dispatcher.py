"""The dispatcher: claims due deliveries atomically, renders and sends them, settles each row.

Any number of processes may run it. Rows are claimed with a short lease that a heartbeat renews
while the process lives, so a crashed process's rows come back within seconds and a live one's
are never taken over. A row is marked just before its post leaves: if its claim runs out after
that, Slack may have the message, so it is recorded as sent, unconfirmed, and never sent again.
Leases and due times use one clock (bot.platform.delivery.clock: the database's on PostgreSQL).

The work is split by responsibility: claiming.py (due rows, leases), posting.py (render and
post), settling.py (marking rows sent, skipped or failed); this module runs the passes.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import time
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient

from bot.platform.delivery.claiming import (
    BATCH,
    LEASE,
    Heartbeat,
    claim,
    lease_of,
    plan_periodic,
    worker_name,
)
from bot.platform.delivery.claiming import info as info
from bot.platform.delivery.claiming import next_due_at as next_due_at
from bot.platform.delivery.clock import delivery_now, uses_database_clock
from bot.platform.delivery.failures import MAX_ATTEMPTS as MAX_ATTEMPTS  # kept importable from here
from bot.platform.delivery.failures import PERMANENT_ERRORS as PERMANENT_ERRORS
from bot.platform.delivery.failures import Failure, Outcome
from bot.platform.delivery.marking import PostingMarks
from bot.platform.delivery.posting import METADATA_EVENT as METADATA_EVENT
from bot.platform.delivery.posting import (
    NotYet,
    Posted,
    SendPacer,
    WorkspaceGateways,
    post_one,
    shared_pacer,
    take_many,
)
from bot.platform.delivery.posting import sending_client as sending_client
from bot.platform.delivery.registry import DeliveryInfo
from bot.platform.delivery.settling import settle_sent
from bot.platform.services import Services
from bot.platform.slack import SlackGateway
from storage import delivery_claims as claims
from storage.models import Delivery

__all__ = ["LEASE", "claim", "next_due_at", "plan_periodic", "run_due", "send_due_now", "send_one"]

log = logging.getLogger("bot.platform.delivery.dispatcher")  # one logger name for the whole dispatcher

SEND_THREADS = 16
IDLE_WAIT_SECONDS = 0.05
# Sent rows are marked in groups this size, or sooner: when nothing is in flight, and at the latest
# this long after a post came back. Until its row is marked sent, a click on the message it carried
# cannot be told from a click on someone else's (a 9:00 wave with Slack slow to answer kept posts in
# flight, and the first rows unmarked, for the 12 seconds fifty posts take at 4 a second).
SETTLE_BATCH = 50
SETTLE_WITHIN_SECONDS = 0.25
# Transient failures in a row, after a success, that mean Slack is down for a workspace.
OUTAGE_AFTER = 3
# Why a claimed row went back to the table unsent (its last_error while it waits).
PAUSED = "handed back unsent (Slack is failing for this workspace, or it is paused)"
STOPPING = "handed back unsent: its worker was stopping"
ERRED = "handed back unsent: its dispatcher pass stopped on an error"


def send_one(
    services: Services,
    slack: SlackGateway,
    delivery: DeliveryInfo,
    worker: str,
    now: datetime,
    *,
    pacer: SendPacer | None = None,
) -> bool:
    """Render and send one claimed delivery, then settle its row; True if a message went out."""
    posted = post_one(services, slack, delivery, PostingMarks(services, worker), now, pacer=pacer)
    if isinstance(posted, Posted):
        settle_sent(services, worker, [posted], now)
    return isinstance(posted, Posted)


class Pass:
    """One dispatcher pass: claim in batches, start each send when the pacer allows, until done."""

    def __init__(
        self,
        services: Services,
        client: WebClient,
        now: datetime,
        pacer: SendPacer,
        conditions: Sequence[Any] = (),
    ) -> None:
        self.services = services
        self.conditions = conditions
        self.gateways = WorkspaceGateways(services, client)
        self.pacer = pacer
        self.worker = worker_name()
        self.marks = PostingMarks(services, self.worker)
        self.virtual = not uses_database_clock(services)
        # Under the database's clock the `now` given (a process clock) is not trusted.
        self.started_at = now if self.virtual else delivery_now(services)
        self.started = time.monotonic()
        self.lease = lease_of(services)
        rate = services.settings.workspace_rate
        # Claim about what can go out within half a lease: other workers get the rest.
        self.batch = (
            BATCH if not rate else int(min(BATCH, max(SEND_THREADS, rate * self.lease.total_seconds() / 2)))
        )
        self.queue: list[tuple[float, int, DeliveryInfo]] = []
        self.order = itertools.count()
        self.running: set[Future[Posted | Failure | None]] = set()
        # Workspaces Slack is failing for, paused until when: one row probes, the others wait in
        # the table until the probe's own retry, instead of each spending a send on an outage.
        self.troubled: dict[str, datetime] = {}
        # Rows that failed in a row per workspace: a stray 500 pauses nothing, a run is an outage.
        self.failing: dict[str, list[int]] = {}
        self.reached: set[str] = set()  # workspaces this pass has sent to
        self.sending: dict[Future[Posted | Failure | None], DeliveryInfo] = {}
        # Rows whose send slot is taken: (start time, order, row, the gateway to send it by).
        self.slotted: list[tuple[float, int, DeliveryInfo, SlackGateway]] = []
        self.posted: list[Posted] = []
        self.settle_by: float | None = None  # when the oldest post not yet marked sent must be
        self.sent = 0

    def now(self) -> datetime:
        """The pass's `now`, moving on with real time in whole seconds: a long paced pass keeps its
        leases and Retry-After times honest, and a short one acts exactly at the `now` it was given.
        A virtual clock that moves on (the sandbox) is followed."""
        elapsed = time.monotonic() - self.started
        if not self.virtual:
            return self.started_at + timedelta(seconds=elapsed)
        return max(self.started_at + timedelta(seconds=int(elapsed)), self.services.now())

    def run(self) -> int:
        try:
            return self._run()
        finally:
            self._give_back_unstarted(ERRED)

    def _give_back_unstarted(self, why: str) -> None:
        """A pass that stops early (an error, a stop) returns rows it never started, for anyone to take now."""
        for delivery in [d for _, _, d in self.queue] + [d for _, _, d, _ in self.slotted]:
            try:
                self._hand_back(delivery, self.now(), why)
            except Exception:  # the database is away: the lease runs out and the row comes back
                return
        self.queue.clear()
        self.slotted.clear()

    def _run(self) -> int:
        exhausted = False
        with (
            Heartbeat(self.services, self.worker, self.now),
            ThreadPoolExecutor(SEND_THREADS, thread_name_prefix="send") as pool,
        ):
            while True:
                if self.services.stopping.is_set() and (self.queue or self.slotted or not exhausted):
                    exhausted = True  # claim no more, start nothing more; what is in flight comes back
                    self._give_back_unstarted(STOPPING)
                if not exhausted and len(self.queue) + len(self.slotted) + len(self.running) < self.batch:
                    exhausted = self._claim_more()
                self._collect()
                if self._time_to_settle():
                    self._settle()
                if not self.queue and not self.slotted and not self.running and exhausted:
                    return self.sent
                wait_for = self._start_ready(pool)
                if self.running:
                    wait(self.running, timeout=wait_for, return_when=FIRST_COMPLETED)
                elif wait_for > 0:
                    time.sleep(wait_for)  # the coordinator waits for the pacer; senders never do

    def _claim_more(self) -> bool:
        batch = claim(self.services, self.now(), self.worker, self.batch, self.conditions)
        for delivery in batch:
            heapq.heappush(self.queue, (0.0, next(self.order), delivery))
        return len(batch) < self.batch

    def _collect(self) -> None:
        for future in [f for f in self.running if f.done()]:
            self.running.discard(future)
            delivery = self.sending.pop(future)
            try:
                posted = future.result()
            except Exception:
                log.exception("a send failed unexpectedly")
                continue
            if isinstance(posted, Posted):
                self.posted.append(posted)
                if self.settle_by is None:
                    self.settle_by = time.monotonic() + SETTLE_WITHIN_SECONDS
                self.troubled.pop(delivery.team_id, None)
                self.failing.pop(delivery.team_id, None)
                self.reached.add(delivery.team_id)
            elif isinstance(posted, Failure) and posted.retry_at and posted.outcome is Outcome.TRANSIENT:
                failed = self.failing.setdefault(delivery.team_id, [])
                failed.append(delivery.id)
                # A pass's first word from Slack being a failure, or a run of them, is an outage.
                if delivery.team_id not in self.reached or len(failed) >= OUTAGE_AFTER:
                    self._pause(delivery.team_id, posted.retry_at, failed)

    def _pause(self, team: str, until: datetime, failed: list[int]) -> None:
        """Slack is down for `team`: its rows wait until the last probe's retry, the rows that
        failed first too, so they all come back together and go oldest first."""
        self.troubled[team] = until
        with self.services.db.transaction() as session:
            claims.wait_together(session, failed, until)

    def _time_to_settle(self) -> bool:
        if len(self.posted) >= SETTLE_BATCH or not self.running:
            return True
        return self.settle_by is not None and time.monotonic() >= self.settle_by

    def _settle(self) -> None:
        # Sent rows are settled together: one transaction, and after-send work done in bulk.
        batch, self.posted, self.settle_by = self.posted, [], None
        settle_sent(self.services, self.worker, batch, self.now())
        self.sent += len(batch)

    def _start_ready(self, pool: ThreadPoolExecutor) -> float:
        """Start the rows whose send slot has come; returns how long to wait before looking again."""
        self._reserve()
        clock = time.monotonic()
        # One message at a time per person or channel, in order: a slow render or post of the first
        # (a booking's notice) must not let the next (its prep checklist) arrive before it.
        busy = {d.recipient for d in self.sending.values()}
        held = []
        while self.slotted and len(self.running) < SEND_THREADS and self.slotted[0][0] <= clock:
            entry = heapq.heappop(self.slotted)
            _, _, delivery, slack = entry
            if delivery.recipient in busy:
                held.append(entry)
                continue
            busy.add(delivery.recipient)
            future = pool.submit(
                post_one, self.services, slack, delivery, self.marks, self.now(), pacer=self.pacer
            )
            self.running.add(future)
            self.sending[future] = delivery
        for entry in held:
            heapq.heappush(self.slotted, entry)
        # With every thread busy, what comes next is a send finishing, which the caller waits for:
        # looking again at once would spin the coordinator, taking the senders' share of the GIL.
        if len(self.running) >= SEND_THREADS:
            return IDLE_WAIT_SECONDS * 4
        # A held row waits for its recipient's send to finish (the caller waits on the running sends).
        startable = [start for start, _, d, _ in self.slotted if d.recipient not in busy]
        times = [min(startable)] if startable else []
        # Queued rows wait for room among the slotted ones, which only a start makes.
        times += [self.queue[0][0]] if self.queue and len(self.slotted) < SEND_THREADS * 2 else []
        if not times:
            return IDLE_WAIT_SECONDS
        return max(0.0, min(min(times) - time.monotonic(), IDLE_WAIT_SECONDS * 4))

    def _reserve(self) -> None:
        """Take send slots for the rows that are next, several in one go, and queue each at its time."""
        free = SEND_THREADS * 2 - len(self.slotted)
        if free <= 0:
            return
        clock = time.monotonic()
        ready: list[DeliveryInfo] = []
        while self.queue and len(ready) < free and self.queue[0][0] <= clock:
            ready.append(heapq.heappop(self.queue)[2])
        by_team: dict[str, list[tuple[DeliveryInfo, SlackGateway]]] = {}
        for delivery in ready:
            paused = self.troubled.get(delivery.team_id)
            if paused is not None and paused > self.now():
                self._hand_back(delivery, paused, PAUSED)  # with the probe: oldest first when Slack is back
                continue
            slack = self.gateways.for_team(delivery.team_id)
            if slack is None:
                with self.services.db.transaction() as session:
                    claims.mark_skipped(
                        session, delivery.id, self.worker, "coachbot is not installed in this workspace"
                    )
                continue
            by_team.setdefault(delivery.team_id, []).append((delivery, slack))
        for team, rows in by_team.items():
            starts = take_many(self.pacer, team, [d.recipient for d, _ in rows])
            for (delivery, slack), start in zip(rows, starts, strict=True):
                if not isinstance(start, NotYet):
                    heapq.heappush(self.slotted, (start, next(self.order), delivery, slack))
                elif start.at - clock > self.lease.total_seconds() / 2:
                    # A long pause (Retry-After): the row waits in the table, not in this process.
                    self._hand_back(delivery, self.now() + timedelta(seconds=start.at - clock), PAUSED)
                else:
                    heapq.heappush(self.queue, (start.at, next(self.order), delivery))

    def _hand_back(self, delivery: DeliveryInfo, not_before: datetime, why: str) -> None:
        with self.services.db.transaction() as session:
            claims.retry_at(session, delivery.id, self.worker, not_before, why, refund_attempt=True)


def run_due(services: Services, client: WebClient, now: datetime) -> int:
    """Run the planners, then send everything due at or before `now`; returns how many were sent."""
    plan_periodic(services, now)
    return Pass(services, client, now, shared_pacer(services)).run()


def send_due_now(services: Services, client: WebClient, now: datetime, *conditions: Any) -> int:
    """Send at once the due rows matching `conditions` (what a command just planned for now).

    The rows are claimed like any others, so a dispatcher running at the same time cannot send
    them twice, and a failure is retried or kept exactly as the dispatcher would.
    """
    return Pass(services, client, now, shared_pacer(services), conditions).run()


def send_planned_since(services: Services, client: WebClient, team_id: str, since: datetime) -> int:
    """Send at once what was planned in `team_id` since `since` and is already due."""
    return send_due_now(
        services, client, services.now(), Delivery.team_id == team_id, Delivery.created_at >= since
    )
