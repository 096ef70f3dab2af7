"""What the dispatcher does when a send fails: retry while the message is still useful, record an
unknown outcome without resending, or fail the row for good and say why."""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.error import URLError

from slack_sdk.errors import SlackApiError

from bot.platform.delivery.registry import DeliveryInfo, Kind
from bot.platform.services import Services
from storage import delivery_claims as claims

log = logging.getLogger("bot.platform.delivery.dispatcher")

# An error Slack answered that we do not know: retried this many times, then the row fails.
MAX_ATTEMPTS = 8
MAX_BACKOFF_SECONDS = 300
# Errors that no retry can fix: the row fails and the reason is kept.
PERMANENT_ERRORS = {
    "channel_not_found",
    "user_not_found",
    "account_inactive",
    "is_archived",
    "not_in_channel",
    "invalid_blocks",
    "no_text",
    "msg_too_long",
    "invalid_arguments",
    "invalid_auth",
    "not_authed",
    "token_revoked",
    "missing_scope",
    "restricted_action",
    "cannot_dm_bot",
}
# Slack's own trouble, answered in a 200: retried like a 5xx for as long as the message is useful.
TRANSIENT_ERRORS = {"internal_error", "fatal_error", "service_unavailable", "request_timeout"}


class Outcome(enum.Enum):
    RATE_LIMITED = "rate_limited"
    TRANSIENT = "transient"  # Slack did not post it; try again later
    AMBIGUOUS = "ambiguous"  # the request reached Slack and no answer came back: it may be posted
    PERMANENT = "permanent"
    UNKNOWN = "unknown"  # an error we do not know: a few more tries


@dataclass(frozen=True)
class Failure:
    code: str
    outcome: Outcome
    retry_after: int = 1
    # When the row will be tried again, once settled.
    retry_at: datetime | None = None


def classify(error: Exception) -> Failure:
    """What a failed chat.postMessage means for the row."""
    if isinstance(error, SlackApiError):
        code = str(error.response.get("error", "unknown_error"))
        status = error.response.status_code
        if status == 429 or code == "ratelimited":
            return Failure(code, Outcome.RATE_LIMITED, _retry_after(error.response.headers))
        if status >= 500 or code in TRANSIENT_ERRORS:
            return Failure(f"{code} (HTTP {status})" if status >= 500 else code, Outcome.TRANSIENT)
        if code in PERMANENT_ERRORS:
            return Failure(code, Outcome.PERMANENT)
        return Failure(code, Outcome.UNKNOWN)
    # urllib raises URLError when it could not connect or send: Slack never saw the request.
    if isinstance(error, URLError):
        return Failure(f"connection failed ({type(error.reason).__name__})", Outcome.TRANSIENT)
    if isinstance(error, OSError):  # a timeout or a reset while waiting for the answer
        return Failure(f"no answer ({type(error).__name__})", Outcome.AMBIGUOUS)
    return Failure(type(error).__name__, Outcome.UNKNOWN)


def run_hook(name: str, hook: object, *args: object) -> None:
    try:
        hook(*args)  # type: ignore[operator]
    except Exception:
        log.exception("%s hook failed", name)


def backoff(attempts: int) -> timedelta:
    """Capped exponential: 1 s, 2 s, 4 s … up to 5 minutes."""
    return timedelta(seconds=min(MAX_BACKOFF_SECONDS, 2 ** min(20, max(0, attempts - 1))))


def settle_failure(
    services: Services,
    kind: Kind,
    delivery: DeliveryInfo,
    worker: str,
    now: datetime,
    failure: Failure,
    useful_until: datetime,
) -> datetime | None:
    """Retry, record as unconfirmed, or fail the row, as `failure` says; returns the retry time."""
    error = f"{failure.code} (attempt {delivery.attempts})"
    with services.db.transaction() as session:
        if failure.outcome is Outcome.AMBIGUOUS:
            claims.mark_unconfirmed(session, delivery.id, worker, failure.code, now)
            log.warning(
                "delivery %s: %s; recorded as sent, unconfirmed (never resent)", delivery.id, failure.code
            )
            unconfirmed = True
        elif failure.outcome is Outcome.RATE_LIMITED:
            claims.retry_at(
                session,
                delivery.id,
                worker,
                now + timedelta(seconds=failure.retry_after),
                f"ratelimited ({failure.retry_after}s)",
                refund_attempt=True,
            )
            return None
        elif failure.outcome is Outcome.TRANSIENT or (
            failure.outcome is Outcome.UNKNOWN and delivery.attempts < MAX_ATTEMPTS
        ):
            # One last try just before the deadline rather than none; after it, a skip says why.
            retry = min(now + backoff(delivery.attempts), max(now, useful_until))
            claims.retry_at(session, delivery.id, worker, retry, error)
            return retry
        else:
            unconfirmed = False
            failed = claims.mark_failed(session, delivery.id, worker, error)
    if unconfirmed:
        if kind.after_skip is not None:
            run_hook("after_skip", kind.after_skip, services, delivery, claims.UNCONFIRMED, now)
        return None
    log.warning("delivery %s failed for good: %s", delivery.id, error)
    if failed and kind.after_failure is not None:
        run_hook("after_failure", kind.after_failure, services, delivery, error, now)
    return None


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
