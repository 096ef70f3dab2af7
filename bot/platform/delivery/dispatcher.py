"""The dispatcher: claims due deliveries atomically, renders and sends them, settles each row.

Any number of processes may run it: rows are claimed with a lease, so each is sent once, and a
claim left by a crashed process expires and is taken again. Within a process, sends run on a
small thread pool, paced per channel and per workspace by a Pacer; no sending thread ever sleeps.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import os
import socket
import time
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.platform.delivery.failures import MAX_ATTEMPTS as MAX_ATTEMPTS  # kept importable from here
from bot.platform.delivery.failures import PERMANENT_ERRORS as PERMANENT_ERRORS
from bot.platform.delivery.failures import run_hook, settle_failure
from bot.platform.delivery.pacing import Pacer
from bot.platform.delivery.registry import Attachment, DeliveryInfo, Skip
from bot.platform.services import Services
from bot.platform.slack import SlackGateway
from storage import deliveries as store
from storage.models import Delivery

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
# A claimed row not started within half its lease is handed back unsent: once the lease runs out
# another process may take it, and two senders would mean a duplicate.
HAND_BACK_AFTER = LEASE.total_seconds() / 2
SEND_THREADS = 16
BATCH = 100
IDLE_WAIT_SECONDS = 0.05
# Sent rows are marked in groups this size (or sooner when nothing is in flight).
SETTLE_BATCH = 50
_PACERS: dict[tuple[str, float | None], Pacer] = {}


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def shared_pacer(services: Services) -> Pacer:
    """One pacer per process, database and cap, so a 429's slowdown outlives the pass that met it."""
    key = (services.db.url, services.settings.workspace_rate)
    if key not in _PACERS:
        _PACERS[key] = Pacer(services.settings.workspace_rate)
    return _PACERS[key]


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


def claim(
    services: Services, now: datetime, worker: str, limit: int = BATCH, conditions: Sequence[Any] = ()
) -> list[DeliveryInfo]:
    with services.db.transaction() as session:
        rows = store.claim_due(session, now, worker=worker, lease=LEASE, limit=limit, conditions=conditions)
        return [info(row) for row in rows]


def sending_client(client: WebClient) -> WebClient:
    """The same Slack client without retry handlers: a 429 or 5xx comes back to the dispatcher,
    which reschedules the row instead of sleeping in a sending thread."""
    return WebClient(token=client.token, base_url=client.base_url, timeout=client.timeout, retry_handlers=[])


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
    pacer: Pacer | None = None,
) -> bool:
    """Render and send one claimed delivery, then settle its row; True if a message went out."""
    posted = post_one(services, slack, delivery, worker, now, pacer=pacer)
    if posted is not None:
        settle_sent(services, worker, [posted], now)
    return posted is not None


def post_one(
    services: Services,
    slack: SlackGateway,
    delivery: DeliveryInfo,
    worker: str,
    now: datetime,
    *,
    pacer: Pacer | None = None,
) -> Posted | None:
    """Render and post; skips and failures are settled here, a success is returned to settle."""
    kind = services.registry.kinds.get(delivery.kind)
    if kind is None:
        with services.db.transaction() as session:
            store.mark_failed(session, delivery.id, worker, f"unknown delivery kind {delivery.kind!r}")
        return None
    try:
        outgoing = kind.render(services, delivery, now)
    except Exception as error:
        log.exception("rendering delivery %s failed", delivery.id)
        settle_failure(
            services, kind, delivery, worker, now, f"render_error {type(error).__name__}", None, {}
        )
        return None
    if isinstance(outgoing, Skip):
        with services.db.transaction() as session:
            skipped = store.mark_skipped(session, delivery.id, worker, outgoing.reason)
        if skipped and kind.after_skip is not None:
            run_hook("after_skip", kind.after_skip, services, delivery, outgoing.reason, now)
        return None
    try:
        channel, ts = slack.post_message(
            outgoing.channel or delivery.recipient, outgoing.text, outgoing.blocks or None, outgoing.thread_ts
        )
    except SlackApiError as error:
        code = str(error.response.get("error", "unknown_error"))
        status = error.response.status_code
        if status == 429 and pacer is not None:
            pacer.slow_down(delivery.team_id)
        settle_failure(services, kind, delivery, worker, now, code, status, error.response.headers)
        return None
    except (SlackRequestError, OSError) as error:
        settle_failure(services, kind, delivery, worker, now, type(error).__name__, None, {})
        return None
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


class Pass:
    """One dispatcher pass: claim in batches, start each send when the pacer allows, until done."""

    def __init__(
        self,
        services: Services,
        client: WebClient,
        now: datetime,
        pacer: Pacer,
        conditions: Sequence[Any] = (),
    ) -> None:
        self.services = services
        self.conditions = conditions
        self.gateways = WorkspaceGateways(services, client)
        self.pacer = pacer
        self.worker = worker_name()
        self.started_at, self.started = now, time.monotonic()
        self.queue: list[tuple[float, int, float, DeliveryInfo]] = []
        self.order = itertools.count()
        self.running: set[Future[Posted | None]] = set()
        self.posted: list[Posted] = []
        self.sent = 0

    def now(self) -> datetime:
        """The pass's `now`, moving on with real time in whole seconds: a long paced pass keeps its
        leases and Retry-After times honest, and a short one acts exactly at the `now` it was given."""
        return self.started_at + timedelta(seconds=int(time.monotonic() - self.started))

    def run(self) -> int:
        exhausted = False
        with ThreadPoolExecutor(SEND_THREADS, thread_name_prefix="send") as pool:
            while True:
                if not exhausted and len(self.queue) + len(self.running) < BATCH:
                    exhausted = self._claim_more()
                self._collect()
                if len(self.posted) >= SETTLE_BATCH or not self.running:
                    self._settle()
                if not self.queue and not self.running and exhausted:
                    return self.sent
                wait_for = self._start_ready(pool)
                if self.running:
                    wait(self.running, timeout=wait_for, return_when=FIRST_COMPLETED)
                elif wait_for > 0:
                    time.sleep(wait_for)  # the coordinator waits for the pacer; senders never do

    def _claim_more(self) -> bool:
        batch = claim(self.services, self.now(), self.worker, BATCH, self.conditions)
        claimed_at = time.monotonic()
        for delivery in batch:
            heapq.heappush(self.queue, (claimed_at, next(self.order), claimed_at, delivery))
        return len(batch) < BATCH

    def _collect(self) -> None:
        for future in [f for f in self.running if f.done()]:
            self.running.discard(future)
            try:
                posted = future.result()
            except Exception:
                log.exception("a send failed unexpectedly")
                continue
            if posted is not None:
                self.posted.append(posted)

    def _settle(self) -> None:
        # Sent rows are settled together: one transaction, and after-send work done in bulk.
        batch, self.posted = self.posted, []
        settle_sent(self.services, self.worker, batch, self.now())
        self.sent += len(batch)

    def _start_ready(self, pool: ThreadPoolExecutor) -> float:
        """Start what the pacer allows; returns how long to wait before asking again."""
        while self.queue and len(self.running) < SEND_THREADS:
            ready_at, _, claimed_at, delivery = self.queue[0]
            clock = time.monotonic()
            if ready_at > clock:
                return min(ready_at - clock, IDLE_WAIT_SECONDS * 4)
            heapq.heappop(self.queue)
            if clock - claimed_at > HAND_BACK_AFTER:
                self._hand_back(delivery)
                continue
            slack = self.gateways.for_team(delivery.team_id)
            if slack is None:
                with self.services.db.transaction() as session:
                    store.mark_skipped(
                        session, delivery.id, self.worker, "coachbot is not installed in this workspace"
                    )
                continue
            again = self.pacer.take(delivery.team_id, delivery.recipient)
            if again:
                heapq.heappush(self.queue, (again, next(self.order), claimed_at, delivery))
                continue
            self.running.add(
                pool.submit(
                    post_one, self.services, slack, delivery, self.worker, self.now(), pacer=self.pacer
                )
            )
        return IDLE_WAIT_SECONDS

    def _hand_back(self, delivery: DeliveryInfo) -> None:
        with self.services.db.transaction() as session:
            store.retry_at(
                session,
                delivery.id,
                self.worker,
                self.now(),
                "handed back unsent: paced too long",
                refund_attempt=True,
            )


class WorkspaceGateways:
    """Each delivery goes out with its own workspace's token (OAuth mode), else with the one client given.

    Without retry handlers: a 429 or 5xx comes back to the dispatcher, which reschedules the row.
    """

    def __init__(self, services: Services, client: WebClient) -> None:
        self.services = services
        self.default = SlackGateway(sending_client(client))
        self._known: dict[str, SlackGateway | None] = {}

    def for_team(self, team_id: str) -> SlackGateway | None:
        clients = self.services.team_clients
        if clients is None:
            return self.default
        if team_id not in self._known:
            client = clients(team_id)
            self._known[team_id] = None if client is None else SlackGateway(sending_client(client))
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
