"""APScheduler is the clock: an interval job runs the dispatcher; the database holds what is due."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient

from bot.platform.delivery.clock import delivery_now
from bot.platform.delivery.dispatcher import run_due
from bot.platform.services import Services

log = logging.getLogger(__name__)

DISPATCH_JOB_ID = "coachbot-dispatch"
# A tick missed while the process was busy or paused (a deploy, a slow pass) still runs once,
# late: APScheduler's default grace of 1 second would drop it in silence.
MISFIRE_GRACE_SECONDS = 3600


def dispatch_tick(services: Services, client: WebClient) -> None:
    """One dispatcher pass at the services' clock; failures are logged, the next tick tries again."""
    if services.stopping.is_set():
        return
    try:
        sent = run_due(services, client, delivery_now(services))
    except Exception:
        log.exception("dispatcher pass failed")
        return
    if sent:
        log.info("dispatcher sent %d message(s)", sent)


def start_scheduler(services: Services, client: WebClient) -> BackgroundScheduler:
    """A started BackgroundScheduler running the dispatcher every COACHBOT_TICK_SECONDS."""
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(
        dispatch_tick,
        IntervalTrigger(seconds=services.settings.tick_seconds, timezone="UTC"),
        args=[services, client],
        id=DISPATCH_JOB_ID,
        name="send due deliveries",
        replace_existing=True,
        coalesce=True,  # several missed ticks run as one
        max_instances=1,  # a long pass is never overlapped by the next tick in the same process
        misfire_grace_time=MISFIRE_GRACE_SECONDS,
        next_run_time=datetime.now(UTC),  # the first pass at start-up, not one tick later
    )
    scheduler.start()
    return scheduler


def stop_scheduler(services: Services, scheduler: BackgroundScheduler) -> None:
    """Stop soon and cleanly: the pass under way finishes the posts it has in flight and hands back
    the rest (unclaimed at once, for the next worker), instead of sending on until it is done."""
    services.stopping.set()
    scheduler.shutdown(wait=True)
