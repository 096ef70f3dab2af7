"""What the dispatcher does when a send fails: retry later, or fail the row for good and say why."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.platform.delivery.registry import DeliveryInfo, Kind
from bot.platform.services import Services
from storage import deliveries as store

log = logging.getLogger("bot.platform.delivery.dispatcher")

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
    "invalid_auth",
    "token_revoked",
}


def run_hook(name: str, hook: object, *args: object) -> None:
    try:
        hook(*args)  # type: ignore[operator]
    except Exception:
        log.exception("%s hook failed", name)


def settle_failure(
    services: Services,
    kind: Kind,
    delivery: DeliveryInfo,
    worker: str,
    now: datetime,
    code: str,
    status: int | None,
    headers: object,
) -> None:
    error = f"{code} (attempt {delivery.attempts})"
    with services.db.transaction() as session:
        if status == 429:
            retry_after = _retry_after(headers)
            store.retry_at(
                session,
                delivery.id,
                worker,
                now + timedelta(seconds=retry_after),
                f"ratelimited ({retry_after}s)",
                refund_attempt=True,
            )
            return
        if code not in PERMANENT_ERRORS and delivery.attempts < MAX_ATTEMPTS:
            backoff = timedelta(seconds=min(MAX_BACKOFF_SECONDS, 2 ** max(0, delivery.attempts - 1)))
            store.retry_at(session, delivery.id, worker, now + backoff, error)
            return
        failed = store.mark_failed(session, delivery.id, worker, error)
    log.warning("delivery %s failed for good: %s", delivery.id, error)
    if failed and kind.after_failure is not None:
        run_hook("after_failure", kind.after_failure, services, delivery, error, now)


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
