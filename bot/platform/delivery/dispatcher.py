"""The dispatcher: claims due deliveries atomically, renders and sends them, settles each row.

Any number of processes may run it. Rows are claimed with a short lease that a heartbeat renews
while the process lives, so a crashed process's rows come back within seconds and a live one's
are never taken over. A row is marked just before its post leaves: if its claim runs out after
that, Slack may have the message, so it is recorded as sent, unconfirmed, and never sent again.
Leases and due times use one clock (bot.platform.delivery.clock: the database's on PostgreSQL).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import os
import socket
import threading
import time
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.platform.delivery.clock import delivery_now, uses_database_clock
from bot.platform.delivery.failures import MAX_ATTEMPTS as MAX_ATTEMPTS  # kept importable from here
from bot.platform.delivery.failures import PERMANENT_ERRORS as PERMANENT_ERRORS
from bot.platform.delivery.failures import Failure, Outcome, classify, run_hook, settle_failure
from bot.platform.delivery.pacing import Pacer
from bot.platform.delivery.registry import Attachment, DeliveryInfo, Kind, Skip
from bot.platform.delivery.shared_pacing import SharedPacer
from bot.platform.services import Services
from bot.platform.settings import DEFAULT_LEASE_SECONDS
from bot.platform.slack import SlackGateway
from storage import deliveries as store
from storage.models import Delivery

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=DEFAULT_LEASE_SECONDS)
BATCH = 100
SEND_THREADS = 16
IDLE_WAIT_SECONDS = 0.05
# Sent rows are marked in groups this size (or sooner when nothing is in flight).
SETTLE_BATCH = 50
# Transient failures in a row, after a success, that mean Slack is down for a workspace.
OUTAGE_AFTER = 3
# Message metadata naming the delivery, so a message in Slack can be traced to its row.
METADATA_EVENT = "coachbot_delivery"
_PASSES = itertools.count(1)


class SendPacer(Protocol):
    def take(self, team: str, channel: str) -> float: ...
    def slow_down(self, team: str, retry_after: float = ...) -> None: ...
    def succeeded(self, team: str) -> None: ...


def take_many(pacer: SendPacer, team: str, channels: list[str]) -> list[float | None]:
    """Send slots for many rows: each a monotonic start time, or None (ask again later)."""
    many = getattr(pacer, "take_many", None)
    if many is not None:
        starts: list[float | None] = many(team, channels)
        return starts
    clock = time.monotonic()
    found: list[float | None] = []
    for channel in channels:
        again = pacer.take(team, channel)
        found.append(clock if again == 0.0 else (again if again - clock > 1.0 else None))
    return found


def worker_name() -> str:
    """This process and pass: two passes of one process never settle each other's rows."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{next(_PASSES)}"


def shared_pacer(services: Services) -> Pacer | SharedPacer:
    """One workspace rate: in the database on PostgreSQL (all processes), else in this process."""
    pacers: dict[float | None, Pacer | SharedPacer] = services.db.process_state.setdefault("pacers", {})
    rate = services.settings.workspace_rate
    if rate not in pacers:
        shared = services.db.engine.dialect.name == "postgresql"
        pacers[rate] = SharedPacer(services.db, rate) if shared else Pacer(rate)
    return pacers[rate]


def info(row: Delivery) -> DeliveryInfo:
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
        return store.next_due_at(session)


def lease_of(services: Services) -> timedelta:
    return timedelta(seconds=services.settings.lease_seconds)


def claim(
    services: Services, now: datetime, worker: str, limit: int = BATCH, conditions: Sequence[Any] = ()
) -> list[DeliveryInfo]:
    """Settle rows abandoned mid-post, then claim up to `limit` due rows for `worker`."""
    with services.db.transaction() as session:
        abandoned = [info(row) for row in store.settle_abandoned(session, now)]
        rows = store.claim_due(
            session, now, worker=worker, lease=lease_of(services), limit=limit, conditions=conditions
        )
        claimed = [info(row) for row in rows]
    for delivery in abandoned:
        log.warning("delivery %s: its sender stopped mid-post; recorded as sent, unconfirmed", delivery.id)
        kind = services.registry.kinds.get(delivery.kind)
        if kind is not None and kind.after_skip is not None:
            run_hook("after_skip", kind.after_skip, services, delivery, store.UNCONFIRMED, now)
    return claimed


def sending_client(client: WebClient, timeout: float | None = None) -> WebClient:
    """The same Slack client without retry handlers: a 429 or 5xx comes back to the dispatcher,
    which reschedules the row instead of sleeping in a sending thread."""
    return WebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout if timeout is None else timeout,  # type: ignore[arg-type]
        retry_handlers=[],
    )


@dataclass(frozen=True)
class Posted:
    """A delivery Slack accepted, waiting for its row to be settled."""

    delivery: DeliveryInfo
    channel: str
    ts: str


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
    posted = post_one(services, slack, delivery, worker, now, pacer=pacer)
    if isinstance(posted, Posted):
        settle_sent(services, worker, [posted], now)
    return isinstance(posted, Posted)


def _skip(
    services: Services, kind: Kind, delivery: DeliveryInfo, worker: str, reason: str, now: datetime
) -> None:
    with services.db.transaction() as session:
        skipped = store.mark_skipped(session, delivery.id, worker, reason)
    if skipped and kind.after_skip is not None:
        run_hook("after_skip", kind.after_skip, services, delivery, reason, now)


def post_one(
    services: Services,
    slack: SlackGateway,
    delivery: DeliveryInfo,
    worker: str,
    now: datetime,
    *,
    pacer: SendPacer | None = None,
) -> Posted | Failure | None:
    """Render and post; skips and failures are settled here (a failure is returned too, so the
    pass can pause a workspace Slack is failing for), a success is returned to settle."""
    kind = services.registry.kinds.get(delivery.kind)
    if kind is None:
        with services.db.transaction() as session:
            store.mark_failed(session, delivery.id, worker, f"unknown delivery kind {delivery.kind!r}")
        return None
    useful = kind.useful_until(services, delivery)
    if now > useful.deadline:
        late = f"{(now - delivery.due_at).total_seconds() / 3600:.1f} h after it was due"
        _skip(services, kind, delivery, worker, f"no longer useful: {useful.why} ({late})", now)
        return None
    try:
        outgoing = kind.render(services, delivery, now)
    except Exception as error:
        log.exception("rendering delivery %s failed", delivery.id)
        with services.db.transaction() as session:
            store.mark_failed(session, delivery.id, worker, f"render_error {type(error).__name__}")
        if kind.after_failure is not None:
            run_hook("after_failure", kind.after_failure, services, delivery, "render_error", now)
        return None
    if isinstance(outgoing, Skip):
        _skip(services, kind, delivery, worker, outgoing.reason, now)
        return None
    with services.db.transaction() as session:
        # The last look before the post leaves: still ours, with time for the post to finish.
        margin = timedelta(seconds=services.settings.send_timeout_seconds)
        held = store.mark_posting(session, [delivery.id], worker, now + margin)
        if not held:  # if still ours, it goes back for anyone (us included) to take at once
            store.retry_at(
                session, delivery.id, worker, now, "handed back: its claim ran short", refund_attempt=True
            )
    if not held:
        log.warning("delivery %s: its claim ran short before sending; not sent by this pass", delivery.id)
        return None
    try:
        channel, ts = slack.post_message(
            outgoing.channel or delivery.recipient,
            outgoing.text,
            outgoing.blocks or None,
            outgoing.thread_ts,
            metadata={"event_type": METADATA_EVENT, "event_payload": {"delivery": delivery.dedupe_key}},
        )
    except Exception as error:
        failure = classify(error)
        if failure.outcome is Outcome.RATE_LIMITED and pacer is not None:
            pacer.slow_down(delivery.team_id, failure.retry_after)
        retry = settle_failure(services, kind, delivery, worker, now, failure, useful.deadline)
        return replace(failure, retry_at=retry)
    if pacer is not None:
        pacer.succeeded(delivery.team_id)
    if outgoing.attachment is not None:
        _upload(services, slack, delivery, channel, outgoing.attachment, outgoing.thread_ts)
    return Posted(delivery, channel, ts)


def _upload(
    services: Services,
    slack: SlackGateway,
    delivery: DeliveryInfo,
    channel: str,
    file: Attachment,
    thread_ts: str | None,
) -> None:
    """The message is out; its file follows it into the same conversation (a DM needs no scope beyond
    files:write). A failed upload leaves the message sent, and says so in the log."""
    try:
        content = file.content() if callable(file.content) else file.content
    except Exception as error:  # a file that cannot be made must not resend the message
        log.warning("delivery %s: file not made (%s)", delivery.id, type(error).__name__)
        return
    try:
        file_id = slack.upload_file(
            channel, file.filename, content, file.title, thread_ts=thread_ts, alt_text=file.alt_text
        )
    except SlackApiError as error:
        log.warning("delivery %s: file upload failed (%s)", delivery.id, error.response.get("error"))
        return
    except (SlackRequestError, OSError) as error:
        log.warning("delivery %s: file upload failed (%s)", delivery.id, type(error).__name__)
        return
    if file_id:
        with services.db.transaction() as session:
            store.note_file(session, delivery.id, file_id, file.alt_text or file.title)


def settle_sent(services: Services, worker: str, posted: list[Posted], now: datetime) -> None:
    """Mark rows sent in one transaction, then run each kind's after-send (batched when it can)."""
    if not posted:
        return
    with services.db.transaction() as session:
        held = store.mark_sent_many(session, worker, [(p.delivery.id, p.channel, p.ts) for p in posted], now)
    if held < len(posted):
        log.warning("%d deliveries were sent after their lease ran out", len(posted) - held)
    by_kind: dict[str, list[Posted]] = {}
    for item in posted:
        by_kind.setdefault(item.delivery.kind, []).append(item)
    for name, items in by_kind.items():
        kind = services.registry.kinds[name]
        if kind.after_send_batch is not None:
            sent = [(p.delivery, p.channel, p.ts) for p in items]
            run_hook("after_send_batch", kind.after_send_batch, services, sent, now)
        elif kind.after_send is not None:
            for p in items:
                run_hook("after_send", kind.after_send, services, p.delivery, p.channel, p.ts, now)


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
                    store.renew_leases(session, self.worker, self.now() + self.lease)
            except Exception as error:  # the database is away: rows we cannot renew are not posted
                log.warning(
                    "lease heartbeat failed (%s); unrenewed rows will not be sent", type(error).__name__
                )


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
            self._give_back_unstarted()

    def _give_back_unstarted(self) -> None:
        """A pass that stops early (an error) returns rows it never started, for anyone to take now."""
        for delivery in [d for _, _, d in self.queue] + [d for _, _, d, _ in self.slotted]:
            try:
                self._hand_back(delivery, self.now())
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
                if not exhausted and len(self.queue) + len(self.slotted) + len(self.running) < self.batch:
                    exhausted = self._claim_more()
                self._collect()
                if len(self.posted) >= SETTLE_BATCH or not self.running:
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
            store.wait_together(session, failed, until)

    def _settle(self) -> None:
        # Sent rows are settled together: one transaction, and after-send work done in bulk.
        batch, self.posted = self.posted, []
        settle_sent(self.services, self.worker, batch, self.now())
        self.sent += len(batch)

    def _start_ready(self, pool: ThreadPoolExecutor) -> float:
        """Start the rows whose send slot has come; returns how long to wait before looking again."""
        self._reserve()
        clock = time.monotonic()
        while self.slotted and len(self.running) < SEND_THREADS and self.slotted[0][0] <= clock:
            _, _, delivery, slack = heapq.heappop(self.slotted)
            future = pool.submit(
                post_one, self.services, slack, delivery, self.worker, self.now(), pacer=self.pacer
            )
            self.running.add(future)
            self.sending[future] = delivery
        times = [self.slotted[0][0]] if self.slotted else []
        times += [self.queue[0][0]] if self.queue else []
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
                self._hand_back(delivery, paused)  # with the probe: oldest first when Slack is back
                continue
            slack = self.gateways.for_team(delivery.team_id)
            if slack is None:
                with self.services.db.transaction() as session:
                    store.mark_skipped(
                        session, delivery.id, self.worker, "coachbot is not installed in this workspace"
                    )
                continue
            by_team.setdefault(delivery.team_id, []).append((delivery, slack))
        for team, rows in by_team.items():
            starts = take_many(self.pacer, team, [d.recipient for d, _ in rows])
            for (delivery, slack), start in zip(rows, starts, strict=True):
                if isinstance(start, float) and start and start - clock > self.lease.total_seconds() / 2:
                    # A long pause (Retry-After): the row waits in the table, not in this process.
                    self._hand_back(delivery, self.now() + timedelta(seconds=start - clock))
                    continue
                if start is None:
                    heapq.heappush(self.queue, (clock + IDLE_WAIT_SECONDS * 2, next(self.order), delivery))
                    continue
                heapq.heappush(self.slotted, (start, next(self.order), delivery, slack))

    def _hand_back(self, delivery: DeliveryInfo, not_before: datetime) -> None:
        with self.services.db.transaction() as session:
            store.retry_at(
                session,
                delivery.id,
                self.worker,
                not_before,
                "handed back unsent (Slack is failing for this workspace, or it is paused)",
                refund_attempt=True,
            )


class WorkspaceGateways:
    """Each delivery goes out with its own workspace's token (OAuth mode), else with the one client given.

    Without retry handlers: a 429 or 5xx comes back to the dispatcher, which reschedules the row.
    """

    def __init__(self, services: Services, client: WebClient) -> None:
        self.services = services
        self.timeout = services.settings.send_timeout_seconds
        self.default = SlackGateway(sending_client(client, self.timeout))
        self._known: dict[str, SlackGateway | None] = {}

    def for_team(self, team_id: str) -> SlackGateway | None:
        clients = self.services.team_clients
        if clients is None:
            return self.default
        if team_id not in self._known:
            client = clients(team_id)
            gateway = None if client is None else SlackGateway(sending_client(client, self.timeout))
            self._known[team_id] = gateway
        return self._known[team_id]


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
