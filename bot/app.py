"""The one wiring point: settings, database and Slack client in, a Bolt App out."""

from __future__ import annotations

import json
import logging
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient

from bot import (  # noqa: F401  (each registers its delivery kinds or jobs)
    coach_alerts,
    nudges,
    privacy_jobs,
    session_deliveries,
    summary_deliveries,
    workshop_deliveries,
)
from bot.clock import Clock, system_clock
from bot.coalesce import Coalescer
from bot.installations import TeamClients, installation_store
from bot.oauth import oauth_flow
from bot.redact import install_token_redaction
from bot.reports import deliveries as report_deliveries  # noqa: F401  (registers the report kind)
from bot.services import Services
from bot.settings import Settings
from bot.slack import make_web_client
from handlers import register_all
from storage.db import Database

log = logging.getLogger(__name__)

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

    register_all(app, services)
    return app
