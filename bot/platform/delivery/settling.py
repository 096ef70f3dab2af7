"""Settling deliveries: sent rows marked in batches with their after-send work, and skipped rows."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from bot.platform.delivery.failures import run_hook
from bot.platform.delivery.registry import DeliveryInfo, Kind
from bot.platform.services import Services
from storage import delivery_claims as claims

if TYPE_CHECKING:
    from bot.platform.delivery.posting import Posted

log = logging.getLogger("bot.platform.delivery.dispatcher")  # one logger name for the whole dispatcher


def skip(
    services: Services, kind: Kind, delivery: DeliveryInfo, worker: str, reason: str, now: datetime
) -> None:
    with services.db.transaction() as session:
        skipped = claims.mark_skipped(session, delivery.id, worker, reason)
    if skipped and kind.after_skip is not None:
        run_hook("after_skip", kind.after_skip, services, delivery, reason, now)


def settle_sent(services: Services, worker: str, posted: list[Posted], now: datetime) -> None:
    """Mark rows sent in one transaction, then run each kind's after-send (batched when it can)."""
    if not posted:
        return
    with services.db.transaction() as session:
        held = claims.mark_sent_many(session, worker, [(p.delivery.id, p.channel, p.ts) for p in posted], now)
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
