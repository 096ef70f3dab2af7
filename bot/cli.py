"""The `coachbot` command line (also `python -m bot`)."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Sequence

from apscheduler.schedulers.background import BackgroundScheduler
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.app import build_app, build_services
from bot.schedule import start_scheduler
from bot.services import Services
from bot.settings import Settings, SettingsError, load_settings
from bot.slack import make_web_client
from storage.db import Database
from storage.migrate import upgrade

log = logging.getLogger("coachbot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coachbot", description="Academic coaching in Slack.")
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="HTTP mode: POST /slack/events, GET /healthz")
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, default=3000)
    serve.add_argument(
        "--no-scheduler", action="store_true", help="do not run the dispatcher in this process"
    )
    socket_mode = sub.add_parser("socket", help="Socket Mode (no public URL needed)")
    socket_mode.add_argument(
        "--no-scheduler", action="store_true", help="do not run the dispatcher in this process"
    )
    sub.add_parser("worker", help="the dispatcher and scheduled jobs only, no HTTP")
    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply Alembic migrations")
    return parser


def _fail(message: str) -> int:
    print(f"coachbot: {message}", file=sys.stderr)
    return 2


def _check_token(settings: Settings) -> None:
    """A wrong token stops start-up with one line, before Slack sends us anything."""
    client = make_web_client(settings.bot_token, settings.api_url, retries=1)
    try:
        client.auth_test()
    except SlackApiError as error:
        raise SettingsError(f"SLACK_BOT_TOKEN was refused by Slack ({error.response.get('error')})") from None
    except (SlackRequestError, OSError) as error:
        raise SettingsError(
            f"cannot reach the Slack Web API at {settings.api_url} ({type(error).__name__})"
        ) from None


def _database(settings: Settings) -> Database:
    try:
        db = Database(settings.database_url)
        upgrade(db.engine)
    except Exception as error:  # a bad URL or an unreachable server: one line, not a traceback
        raise SettingsError(
            f"cannot open DATABASE_URL ({type(error).__name__}: {str(error).splitlines()[0]})"
        ) from None
    return db


def _scheduler(services: Services, enabled: bool) -> BackgroundScheduler | None:
    if not enabled:
        return None
    scheduler = start_scheduler(
        services, make_web_client(services.settings.bot_token, services.settings.api_url)
    )
    log.info("dispatcher running every %ss", services.settings.tick_seconds)
    return scheduler


def serve(settings: Settings, host: str, port: int, *, scheduler: bool = True) -> None:
    from bot.server import make_server

    settings.require_http()
    _check_token(settings)
    services = build_services(settings, db=_database(settings))
    server = make_server(build_app(services), services.db, host, port)
    jobs = _scheduler(services, scheduler)
    log.info("coachbot serving Slack at http://%s:%s/slack/events", host, port)
    try:
        server.run()
    finally:
        if jobs is not None:
            jobs.shutdown(wait=True)


def socket(settings: Settings, *, scheduler: bool = True) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    settings.require_socket()
    _check_token(settings)
    services = build_services(settings, db=_database(settings))
    jobs = _scheduler(services, scheduler)
    try:
        SocketModeHandler(build_app(services), settings.app_token).start()
    finally:
        if jobs is not None:
            jobs.shutdown(wait=True)


def worker(settings: Settings, stop: threading.Event | None = None) -> None:
    """The dispatcher alone; runs until interrupted (or `stop` is set)."""
    settings.require_worker()
    _check_token(settings)
    services = build_services(settings, db=_database(settings))
    jobs = _scheduler(services, True)
    assert jobs is not None
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())  # a deploy's stop finishes the pass
    try:
        stop.wait()
    finally:
        jobs.shutdown(wait=True)


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        if args.command == "serve":
            serve(settings, args.host, args.port, scheduler=not args.no_scheduler)
        elif args.command == "socket":
            socket(settings, scheduler=not args.no_scheduler)
        elif args.command == "worker":
            worker(settings)
        elif args.command == "db":
            _database(settings)
            print("database is up to date")
        else:
            _parser().print_help()
    except SettingsError as error:
        return _fail(str(error))
    except KeyboardInterrupt:
        return 0
    return 0
