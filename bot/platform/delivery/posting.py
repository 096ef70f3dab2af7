"""Posting claimed deliveries: render, take a send slot, mark the row posting (marking.py), post,
upload a file."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.platform.delivery.failures import Failure, Outcome, classify, run_hook, settle_failure
from bot.platform.delivery.marking import PostingMarks
from bot.platform.delivery.pacing import Pacer
from bot.platform.delivery.registry import Attachment, DeliveryInfo, Skip
from bot.platform.delivery.settling import skip
from bot.platform.delivery.shared_pacing import SharedPacer
from bot.platform.services import Services
from bot.platform.slack import SlackGateway
from storage import deliveries as store
from storage import delivery_claims as claims

log = logging.getLogger("bot.platform.delivery.dispatcher")  # one logger name for the whole dispatcher

# Message metadata naming the delivery, so a message in Slack can be traced to its row.
METADATA_EVENT = "coachbot_delivery"
# A shared pacer reserves only a short way ahead: a row it has no slot for asks again this soon.
ASK_AGAIN_SECONDS = 0.1


class SendPacer(Protocol):
    def take(self, team: str, channel: str) -> float: ...
    def posted(self, team: str, channel: str) -> None: ...
    def slow_down(self, team: str, retry_after: float = ...) -> None: ...
    def succeeded(self, team: str) -> None: ...


@dataclass(frozen=True)
class NotYet:
    """No send slot was taken for a row: ask again at `at` (monotonic)."""

    at: float


def take_many(pacer: SendPacer, team: str, channels: list[str]) -> list[float | NotYet]:
    """Send slots for many rows: each the monotonic time its send may start (its slot is taken), or
    NotYet. Only a taken slot may be started: a row told when to ask again is not one, and starting
    it then went past the workspace's rate and the channel's second."""
    clock = time.monotonic()
    many = getattr(pacer, "take_many", None)
    if many is not None:
        starts: list[float | None] = many(team, channels)
        return [NotYet(clock + ASK_AGAIN_SECONDS) if start is None else start for start in starts]
    found: list[float | NotYet] = []
    for channel in channels:
        again = pacer.take(team, channel)
        found.append(clock if again == 0.0 else NotYet(again))
    return found


def shared_pacer(services: Services) -> Pacer | SharedPacer:
    """One workspace rate: in the database on PostgreSQL (all processes), else in this process."""
    pacers: dict[float | None, Pacer | SharedPacer] = services.db.process_state.setdefault("pacers", {})
    rate = services.settings.workspace_rate
    if rate not in pacers:
        shared = services.db.engine.dialect.name == "postgresql"
        pacers[rate] = SharedPacer(services.db, rate) if shared else Pacer(rate)
    return pacers[rate]


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


def post_one(
    services: Services,
    slack: SlackGateway,
    delivery: DeliveryInfo,
    marks: PostingMarks,
    now: datetime,
    *,
    pacer: SendPacer | None = None,
) -> Posted | Failure | None:
    """Render and post; skips and failures are settled here (a failure is returned too, so the
    pass can pause a workspace Slack is failing for), a success is returned to settle."""
    worker = marks.worker
    kind = services.registry.kinds.get(delivery.kind)
    if kind is None:
        with services.db.transaction() as session:
            claims.mark_failed(session, delivery.id, worker, f"unknown delivery kind {delivery.kind!r}")
        return None
    useful = kind.useful_until(services, delivery)
    if now > useful.deadline:
        late = f"{(now - delivery.due_at).total_seconds() / 3600:.1f} h after it was due"
        skip(services, kind, delivery, worker, f"no longer useful: {useful.why} ({late})", now)
        return None
    try:
        outgoing = kind.render(services, delivery, now)
    except Exception as error:
        log.exception("rendering delivery %s failed", delivery.id)
        with services.db.transaction() as session:
            claims.mark_failed(session, delivery.id, worker, f"render_error {type(error).__name__}")
        if kind.after_failure is not None:
            run_hook("after_failure", kind.after_failure, services, delivery, "render_error", now)
        return None
    if isinstance(outgoing, Skip):
        skip(services, kind, delivery, worker, outgoing.reason, now)
        return None
    if not marks.mark(delivery.id, now):
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
        if pacer is not None:
            pacer.posted(delivery.team_id, delivery.recipient)  # it may have reached Slack
        failure = classify(error)
        if failure.outcome is Outcome.RATE_LIMITED and pacer is not None:
            pacer.slow_down(delivery.team_id, failure.retry_after)
        retry = settle_failure(services, kind, delivery, worker, now, failure, useful.deadline)
        return replace(failure, retry_at=retry)
    if pacer is not None:
        pacer.posted(delivery.team_id, delivery.recipient)
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
