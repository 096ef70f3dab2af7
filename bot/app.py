"""The one wiring point: settings, database and Slack client in, a Bolt App out.

What coachbot is made of is listed here: the areas (their delivery kinds, planners and
`/coachbot` subcommands go on the services' registry) and each area's listeners.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_sdk import WebClient

import handlers.calendar
import handlers.checkins
import handlers.coachbot
import handlers.goals
import handlers.home
import handlers.meetings
import handlers.privacy
import handlers.summaries
import handlers.workshops
from bot.calendar.area import AREA as CALENDAR
from bot.checkins.area import AREA as CHECKINS
from bot.goals.area import AREA as GOALS
from bot.home.area import AREA as HOME
from bot.meetings.area import AREA as MEETINGS
from bot.platform.areas import Area, Registry
from bot.platform.bolt_matching import match_with_named_arguments
from bot.platform.clock import Clock, system_clock
from bot.platform.coalesce import Coalescer
from bot.platform.lazy_hand_off import WriterFirstExecutor, share_bodies_with_lazy_listeners
from bot.platform.payloads import payload_problem
from bot.platform.redact import install_token_redaction
from bot.platform.request_errors import (
    BUSY,
    SORRY,
    encode,
    failure_summary,
    guard_follow_up,
    is_busy,
    request_kind,
    sorry_response,
    tell_busy_later,
)
from bot.platform.services import Services
from bot.platform.settings import Settings
from bot.platform.signatures import signature_matches
from bot.platform.slack import make_web_client
from bot.privacy.area import AREA as PRIVACY
from bot.privacy.installations import TeamClients, installation_store
from bot.privacy.oauth import oauth_flow
from bot.reports.area import AREA as REPORTS
from bot.summaries.area import AREA as SUMMARIES
from bot.workshops.area import AREA as WORKSHOPS
from storage.db import Database, request_deadline

log = logging.getLogger(__name__)

# The areas, in the order their /coachbot subcommands are listed.
AREAS: tuple[Area, ...] = (GOALS, CHECKINS, MEETINGS, SUMMARIES, REPORTS, WORKSHOPS, CALENDAR, PRIVACY, HOME)
# Each area's listeners (handlers/<area>.py), and /coachbot's router.
LISTENERS: tuple[Callable[[App, Services], None], ...] = (
    handlers.goals.register,
    handlers.checkins.register,
    handlers.coachbot.register,
    handlers.meetings.register,
    handlers.workshops.register,
    handlers.calendar.register,
    handlers.privacy.register,
    handlers.summaries.register,
    handlers.home.register,
)

LAZY_WORKERS = 4
# Slack waits 3 s for an answer: a request waits for the database (and users.info) at most this long,
# leaving time to answer "busy" and for the answer to travel. Lazy listeners and jobs have no deadline.
REQUEST_DEADLINE_SECONDS = 2.0
# A busy person's Home tab is published at most about once a second (views.publish is rate limited).
HOME_REFRESH_INTERVAL = 1.0


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
    app = _App(
        token=None if settings.oauth_enabled else settings.bot_token,
        signing_secret=settings.signing_secret,
        client=client,
        oauth_flow=oauth_flow(services, client) if settings.oauth_enabled else None,
        process_before_response=True,
        token_verification_enabled=False,
        logger=logging.getLogger("coachbot.bolt"),
        listener_executor=executor or WriterFirstExecutor(services.db, LAZY_WORKERS),
    )

    @app.error
    def on_error(
        error: Exception, body: dict[str, Any], request: BoltRequest, response: BoltResponse | None
    ) -> None:
        # One place for unexpected failures: the log gets the kind of request and where it failed,
        # never its text; Slack gets a kind word, and a request nobody signed gets nothing but 401.
        if not _signed(request, settings.signing_secret):
            if response is not None:
                response.status, response.body = 401, ""
            return
        busy = is_busy(error)
        if busy:  # expected under load: a lock held elsewhere, a slow Slack; nothing was written
            log.warning("request answered busy: %s; %s", request_kind(body), failure_summary(error))
            tell_busy_later(body, log)
        else:
            log.error("request failed: %s; %s", request_kind(body), failure_summary(error))
        if response is not None:
            response.status, payload = sorry_response(body, BUSY if busy else SORRY)
            response.headers["content-type"] = ["application/json;charset=utf-8"]
            response.body = encode(payload)

    app.use(RefuseMalformed())

    share_bodies_with_lazy_listeners(app)
    for register in LISTENERS:
        register(app, services)
    for listener in app._listeners:  # Bolt keeps them here; its own lazy error log quotes messages
        listener.lazy_functions = [guard_follow_up(f, log) for f in listener.lazy_functions]
    match_with_named_arguments(app)
    return app


class RefuseMalformed(Middleware):
    """Only Slack can sign, but a listener should never meet a shape Slack does not send. A
    Middleware, not a decorated function: Bolt builds no arguments for it on every request."""

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        problem = payload_problem(req.body)
        if problem is None:
            return next()
        log.warning("refused a malformed request: %s (%s)", request_kind(req.body), problem)
        # Events answered 200, or Slack would retry them; the rest get a quiet 400.
        return BoltResponse(status=200 if req.body.get("type") == "event_callback" else 400, body="")


class _App(App):
    """Bolt's App, each request dispatched under its deadline (lazy listeners run on other threads,
    outside it)."""

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        with request_deadline(REQUEST_DEADLINE_SECONDS):
            return super().dispatch(req)


def _signed(request: BoltRequest, secret: str | None) -> bool:
    """Socket Mode requests come over the app's own authenticated socket; HTTP ones must carry Slack's signature."""
    if request.mode == "socket_mode":
        return True
    if not secret:
        return False
    headers = {name.lower(): values[0] for name, values in request.headers.items() if values}
    return signature_matches(
        secret,
        request.raw_body.encode(),
        headers.get("x-slack-request-timestamp"),
        headers.get("x-slack-signature"),
        time.time(),
    )
