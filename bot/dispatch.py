"""The dispatcher: claims due deliveries atomically, renders and sends them, settles each row.

Any number of processes may run it: rows are claimed with a lease, so each is sent once, and a
claim left by a crashed process expires and is taken again.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.deliveries import KINDS, PLANNERS, DeliveryInfo, Skip
from bot.services import Services
from bot.slack import SlackGateway
from storage import deliveries as store
from storage.models import Delivery

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
BATCH = 50
MAX_ATTEMPTS = 5
# Errors that no retry can fix: the row fails and the reason is kept.
PERMANENT_ERRORS = {
    "channel_not_found",
    "user_not_found",
    "account_inactive",
    "is_archived",
    "not_in_channel",
    "invalid_blocks",
    "no_text",
    "invalid_auth",
    "token_revoked",
}


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


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
    for name, planner in PLANNERS.items():
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


def send_one(
    services: Services, slack: SlackGateway, delivery: DeliveryInfo, worker: str, now: datetime
) -> bool:
    """Render and send one claimed delivery, then settle its row; True if a message went out."""
    kind = KINDS.get(delivery.kind)
    if kind is None:
        with services.db.transaction() as session:
            store.mark_failed(session, delivery.id, worker, f"unknown delivery kind {delivery.kind!r}")
        return False
    outgoing = kind.render(services, delivery, now)
    if isinstance(outgoing, Skip):
        with services.db.transaction() as session:
            store.mark_skipped(session, delivery.id, worker, outgoing.reason)
        return False
    try:
        channel, ts = slack.post_message(
            outgoing.channel or delivery.recipient, outgoing.text, outgoing.blocks or None, outgoing.thread_ts
        )
    except SlackApiError as error:
        code = str(error.response.get("error", "unknown_error"))
        _settle_failure(
            services, delivery, worker, now, code, error.response.status_code, error.response.headers
        )
        return False
    except (SlackRequestError, OSError) as error:
        _settle_failure(services, delivery, worker, now, type(error).__name__, None, {})
        return False
    with services.db.transaction() as session:
        store.mark_sent(session, delivery.id, worker, channel=channel, ts=ts, now=now)
    if kind.after_send is not None:
        kind.after_send(services, delivery, channel, ts, now)
    return True


def _settle_failure(
    services: Services,
    delivery: DeliveryInfo,
    worker: str,
    now: datetime,
    code: str,
    status: int | None,
    headers: object,
) -> None:
    with services.db.transaction() as session:
        if code in PERMANENT_ERRORS or delivery.attempts >= MAX_ATTEMPTS:
            store.mark_failed(session, delivery.id, worker, f"{code} (attempt {delivery.attempts})")
            log.warning("delivery %s failed for good: %s", delivery.id, code)
            return
        if status == 429:
            retry_after = _retry_after(headers)
            store.retry_at(
                session,
                delivery.id,
                worker,
                now + timedelta(seconds=retry_after),
                f"ratelimited ({retry_after}s)",
            )
            return
        backoff = timedelta(seconds=min(300, 2**delivery.attempts * 5))
        store.retry_at(session, delivery.id, worker, now + backoff, f"{code} (attempt {delivery.attempts})")


def _retry_after(headers: object) -> int:
    if isinstance(headers, dict):
        for key, value in headers.items():
            if str(key).lower() == "retry-after":
                raw = value[0] if isinstance(value, list) else value
                try:
                    return max(1, int(raw))
                except (TypeError, ValueError):
                    return 1
    return 1


class WorkspaceGateways:
    """Each delivery goes out with its own workspace's token (OAuth mode), else with the one client given."""

    def __init__(self, services: Services, client: WebClient) -> None:
        self.services = services
        self.default = SlackGateway(client)
        self._known: dict[str, SlackGateway | None] = {}

    def for_team(self, team_id: str) -> SlackGateway | None:
        clients = self.services.team_clients
        if clients is None:
            return self.default
        if team_id not in self._known:
            client = clients(team_id)
            self._known[team_id] = None if client is None else SlackGateway(client)
        return self._known[team_id]


def run_due(services: Services, client: WebClient, now: datetime) -> int:
    """Run the planners, then send everything due at or before `now`; returns how many were sent."""
    plan_periodic(services, now)
    return _send_due(services, client, now)


def send_due_now(services: Services, client: WebClient, now: datetime, *conditions: Any) -> int:
    """Send at once the due rows matching `conditions` (what a command just planned for now).

    The rows are claimed like any others, so a dispatcher running at the same time cannot send
    them twice, and a failure is retried or kept exactly as the dispatcher would.
    """
    return _send_due(services, client, now, conditions)


def _send_due(services: Services, client: WebClient, now: datetime, conditions: Sequence[Any] = ()) -> int:
    gateways = WorkspaceGateways(services, client)
    worker = worker_name()
    sent = 0
    while batch := claim(services, now, worker, conditions=conditions):
        for delivery in batch:
            slack = gateways.for_team(delivery.team_id)
            if slack is None:
                with services.db.transaction() as session:
                    store.mark_skipped(
                        session, delivery.id, worker, "coachbot is not installed in this workspace"
                    )
                continue
            sent += send_one(services, slack, delivery, worker, now)
        if len(batch) < BATCH:
            break
    return sent
