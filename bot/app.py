"""The one wiring point: settings, database and Slack client in, a Bolt App out.

What coachbot is made of is listed here: the areas (their delivery kinds, planners and
`/coachbot` subcommands go on the services' registry) and each area's listeners.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient

import handlers.calendar
import handlers.checkins
import handlers.coachbot
import handlers.goals
import handlers.home
import handlers.meetings
import handlers.privacy
import handlers.workshops
from bot.calendar.area import AREA as CALENDAR
from bot.checkins.area import AREA as CHECKINS
from bot.goals.area import AREA as GOALS
from bot.home.area import AREA as HOME
from bot.meetings.area import AREA as MEETINGS
from bot.platform.areas import Area, Registry
from bot.platform.clock import Clock, system_clock
from bot.platform.coalesce import Coalescer
from bot.platform.redact import install_token_redaction
from bot.platform.services import Services
from bot.platform.settings import Settings
from bot.platform.slack import make_web_client
from bot.privacy.area import AREA as PRIVACY
from bot.privacy.installations import TeamClients, installation_store
from bot.privacy.oauth import oauth_flow
from bot.summaries.area import AREA as SUMMARIES
from bot.workshops.area import AREA as WORKSHOPS
from storage.db import Database

log = logging.getLogger(__name__)

# The areas, in the order their /coachbot subcommands are listed.
AREAS: tuple[Area, ...] = (GOALS, CHECKINS, MEETINGS, SUMMARIES, WORKSHOPS, CALENDAR, PRIVACY, HOME)
# Each area's listeners (handlers/<area>.py), and /coachbot's router.
LISTENERS: tuple[Callable[[App, Services], None], ...] = (
    handlers.goals.register,
    handlers.checkins.register,
    handlers.coachbot.register,
    handlers.meetings.register,
    handlers.workshops.register,
    handlers.calendar.register,
    handlers.privacy.register,
    handlers.home.register,
)

LAZY_WORKERS = 4
# A busy person's Home tab is published at most about once a second (views.publish is rate limited).
HOME_REFRESH_INTERVAL = 1.0
SORRY = "Sorry, something went wrong on our side and nothing was changed. Please try again in a moment."


def build_services(
    settings: Settings,
    *,
    db: Database | None = None,
    clock: Clock = system_clock,
    home_refresh_interval: float = HOME_REFRESH_INTERVAL,
    areas: tuple[Area, ...] = AREAS,
) -> Services:
    """The services every listener and job gets; `home_refresh_interval` spaces out a person's Home publishes."""
    database = db or Database(settings.database_url)
    store = installation_store(settings, database.engine) if settings.oauth_enabled else None
    return Services(
        settings=settings,
        db=database,
        clock=clock,
        home_refreshes=Coalescer(home_refresh_interval),
        installations=store,
        team_clients=TeamClients(settings, store) if store is not None else None,
        registry=Registry.of(areas),
    )


def build_app(
    services: Services, *, client: WebClient | None = None, executor: Executor | None = None
) -> App:
    """A Bolt app with every listener registered.

    process_before_response: a listener's quick work (the database) runs before the HTTP answer,
    so the reply rides on the ack; slow Web API work runs in lazy listeners after it.
    """
    settings = services.settings
    install_token_redaction()
    client = client or make_web_client(
        None if settings.oauth_enabled else settings.bot_token, settings.api_url
    )
    app = App(
        token=None if settings.oauth_enabled else settings.bot_token,
        signing_secret=settings.signing_secret,
        client=client,
        oauth_flow=oauth_flow(services, client) if settings.oauth_enabled else None,
        process_before_response=True,
        token_verification_enabled=False,
        logger=logging.getLogger("coachbot.bolt"),
        listener_executor=executor or ThreadPoolExecutor(max_workers=LAZY_WORKERS, thread_name_prefix="lazy"),
    )

    @app.error
    def on_error(error: Exception, body: dict[str, Any], response: BoltResponse) -> None:
        # One place for unexpected failures: log with the kind of request, answer kindly.
        log.exception("listener failed on %s", body.get("command") or body.get("type"), exc_info=error)
        if body.get("command") and response is not None:
            response.status = 200
            response.headers["content-type"] = ["application/json;charset=utf-8"]
            response.body = json.dumps({"response_type": "ephemeral", "text": SORRY})

    for register in LISTENERS:
        register(app, services)
    return app
