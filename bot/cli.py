"""The `coachbot` command line (also `python -m bot`)."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket as socket_module
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot import cli_admin
from bot.app import AREAS, build_app, build_services
from bot.meetings.agreement import set_agreement_text
from bot.meetings.roster_import import import_rows, read_roster
from bot.platform.areas import Area
from bot.platform.clock import Clock, system_clock
from bot.platform.delivery.scheduler import start_scheduler, stop_scheduler
from bot.platform.errors import UserError
from bot.platform.long_running import freeze_start_up_objects, share_the_gil_often
from bot.platform.services import Services
from bot.platform.settings import Settings, SettingsError, load_settings
from bot.platform.slack import SlackGateway, make_web_client
from storage.db import Database
from storage.migrate import current_revisions, upgrade

log = logging.getLogger("coachbot")
SERVERS = {"serve", "socket", "worker"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coachbot",
        description="Academic coaching in Slack.",
        epilog=(
            "Plain `coachbot` (no command) starts the sandbox when no Slack tokens are set: the whole app "
            "offline in this terminal, to try it. With tokens it serves Slack: `socket` if SLACK_APP_TOKEN "
            "is set, else `serve`."
        ),
    )
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="HTTP mode: POST /slack/events, GET /healthz")
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, default=3000)
    serve.add_argument(
        "--no-scheduler", action="store_true", help="do not run the dispatcher in this process"
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="HTTP worker processes sharing the port (Linux, macOS; one uses one core); the dispatcher "
        "runs once, in the parent",
    )
    socket_mode = sub.add_parser("socket", help="Socket Mode (no public URL needed)")
    socket_mode.add_argument(
        "--no-scheduler", action="store_true", help="do not run the dispatcher in this process"
    )
    sub.add_parser("worker", help="the dispatcher and scheduled jobs only, no HTTP")
    sandbox = sub.add_parser(
        "sandbox",
        help="the whole app offline in this terminal, against an emulated Slack and a virtual clock",
    )
    sandbox.add_argument("--db", type=Path, help="SQLite file to keep the sandbox's data in (default: fresh)")
    sandbox.add_argument("--empty", action="store_true", help="start without the demo people and channel")
    sandbox.add_argument(
        "--start", help="start the virtual clock here (ISO 8601, UTC without an offset) instead of now"
    )
    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply Alembic migrations")
    roster = sub.add_parser("roster", help="coaching pairs").add_subparsers(
        dest="roster_command", required=True
    )
    roster.add_parser("import", help="pair from a CSV with columns coach,coachee").add_argument(
        "file", type=Path
    )
    agreement = sub.add_parser("agreement", help="the coaching agreement")
    agreement_sub = agreement.add_subparsers(dest="agreement_command", required=True)
    agreement_sub.add_parser("set", help="use the program's own text (Markdown)").add_argument(
        "file", type=Path
    )
    cli_admin.add_parsers(sub)
    return parser


def _fail(message: str) -> int:
    print(f"coachbot: {message}", file=sys.stderr)
    return 2


def _check_token(settings: Settings) -> str:
    """A wrong token stops start-up with one line, before Slack sends us anything; returns the team id."""
    client = make_web_client(settings.bot_token, settings.api_url, retries=1)
    try:
        return str(client.auth_test()["team_id"])
    except SlackApiError as error:
        raise SettingsError(f"SLACK_BOT_TOKEN was refused by Slack ({error.response.get('error')})") from None
    except (SlackRequestError, OSError) as error:
        raise SettingsError(
            f"cannot reach the Slack Web API at {settings.api_url} ({type(error).__name__})"
        ) from None


def _migrated(settings: Settings, serving: bool = False) -> tuple[Database, list[str]]:
    """The database, brought up to date, and the migrations that took (oldest first).
    `serving`: for a long-running process, which checkpoints SQLite's log in the background."""
    try:
        db = Database(settings.database_url, background_checkpoints=serving)
        applied = upgrade(db.engine)
    except Exception as error:  # a bad URL or an unreachable server: one line, not a traceback
        raise SettingsError(
            f"cannot open DATABASE_URL ({type(error).__name__}: {str(error).splitlines()[0]})"
        ) from None
    return db, applied


def _database(settings: Settings, serving: bool = False) -> Database:
    db, applied = _migrated(settings, serving)
    if applied:
        log.info("database migrated: %s", ", ".join(a.split(":")[0] for a in applied))
    return db


def db_upgrade(settings: Settings) -> int:
    """`coachbot db upgrade`: what it applied, or that there was nothing to do."""
    db, applied = _migrated(settings)
    head = ", ".join(sorted(current_revisions(db.engine)))
    db.dispose()
    for line in applied:
        print(f"applied {line}")
    print(f"database is up to date (revision {head})" if applied else f"already up to date (revision {head})")
    return 0


def _services(settings: Settings, areas: tuple[Area, ...] = AREAS, serving: bool = False) -> Services:
    return build_services(settings, db=_database(settings, serving), areas=areas)


def _scheduler(services: Services, enabled: bool) -> BackgroundScheduler | None:
    if not enabled:
        return None
    scheduler = start_scheduler(
        services, make_web_client(services.settings.bot_token, services.settings.api_url)
    )
    log.info("dispatcher running every %ss", services.settings.tick_seconds)
    return scheduler


def _unwind_on_sigterm() -> None:
    """A deploy's SIGTERM unwinds the main thread as Ctrl-C does, so the dispatcher stops cleanly
    (stop_scheduler) instead of the process dying in the middle of a pass."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))


def serve(settings: Settings, host: str, port: int, *, scheduler: bool = True, workers: int = 1) -> int:
    from bot.server import fork_workers, make_server, threads_per_worker, wait_for_workers

    settings.require_http()
    share_the_gil_often()
    if not settings.oauth_enabled:  # OAuth mode has a token per workspace, checked as each is used
        _check_token(settings)
    if workers > 1:
        if not hasattr(os, "fork"):
            return _fail("--workers needs fork (Linux or macOS); run one process per port instead")
        _database(settings).dispose()  # migrated once, before the workers start
        sock = socket_module.create_server((host, port), backlog=2048)

        def serve_one() -> None:
            services = build_services(
                settings, db=Database(settings.database_url, background_checkpoints=True)
            )
            server = make_server(build_app(services), services, host, port, sock, threads_per_worker(workers))
            freeze_start_up_objects()
            server.run()

        log.info("coachbot serving Slack at http://%s:%s/slack/events in %d workers", host, port, workers)
        # The parent forks before it starts any thread; then it runs the dispatcher, once.
        children = fork_workers(workers, serve_one)
        dispatching = _services(settings, serving=True)
        jobs = _scheduler(dispatching, scheduler)
        try:
            return wait_for_workers(children)
        finally:
            if jobs is not None:
                stop_scheduler(dispatching, jobs)
    services = _services(settings, serving=True)
    server = make_server(build_app(services), services, host, port)
    jobs = _scheduler(services, scheduler)
    log.info("coachbot serving Slack at http://%s:%s/slack/events", host, port)
    if settings.oauth_enabled:
        log.info("workspaces install coachbot from http://%s:%s/slack/install", host, port)
    freeze_start_up_objects()
    _unwind_on_sigterm()
    try:
        server.run()  # waitress returns on SystemExit
    finally:
        if jobs is not None:
            stop_scheduler(services, jobs)
    return 0


def socket(settings: Settings, *, scheduler: bool = True) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    settings.require_socket()
    _check_token(settings)
    services = _services(settings, serving=True)
    jobs = _scheduler(services, scheduler)
    _unwind_on_sigterm()
    try:
        SocketModeHandler(build_app(services), settings.app_token).start()
    finally:
        if jobs is not None:
            stop_scheduler(services, jobs)


def worker(
    settings: Settings,
    stop: threading.Event | None = None,
    areas: tuple[Area, ...] = AREAS,
    clock: Clock = system_clock,
) -> None:
    """The dispatcher alone; runs until interrupted (or `stop` is set). `clock`: a virtual one (tests)."""
    if not settings.oauth_enabled:  # OAuth mode sends with each workspace's own token
        settings.require_worker()
        _check_token(settings)
    services = build_services(settings, db=_database(settings, serving=True), areas=areas, clock=clock)
    jobs = _scheduler(services, True)
    assert jobs is not None
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():  # the process is this worker's own
        signal.signal(signal.SIGTERM, lambda *_: stop.set())  # a deploy's stop: see stop_scheduler
        share_the_gil_often()
        freeze_start_up_objects()
    try:
        stop.wait()
    finally:
        stop_scheduler(services, jobs)


def program_command(settings: Settings, args: argparse.Namespace) -> int:
    """`roster import` and `agreement set`: run against the workspace the bot token belongs to."""
    if settings.oauth_enabled and not settings.bot_token:
        raise SettingsError(
            f"`coachbot {args.command}` works on one workspace: set SLACK_BOT_TOKEN to that workspace's bot token"
        )
    settings.require_worker()
    try:
        if args.command == "agreement":
            text = args.file.read_text(encoding="utf-8")
            set_agreement_text(_services(settings), _check_token(settings), text)
            print(f"the coaching agreement now comes from {args.file}")
            return 0
        # The whole file is checked before anyone in Slack is looked up or told anything.
        rows, problems = read_roster(args.file)
        if problems:
            print("\n".join(problems))
            print(f"nothing imported: {len(problems)} problem(s) in {args.file} to fix first")
            return 1
        team_id = _check_token(settings)
        slack = SlackGateway(make_web_client(settings.bot_token, settings.api_url))
        report = import_rows(_services(settings), slack, team_id, rows)
    except UserError as error:
        return _fail(error.message)
    except OSError as error:
        return _fail(f"cannot read {args.file} ({error.strerror})")
    print("\n".join(report.lines))
    print(report.summary())
    return 1 if report.failed else 0


def sandbox(db_path: Path | None, empty: bool, start: str | None) -> int:
    from bot.sandbox import main as run_sandbox
    from bot.sandbox.clock import ClockError, parse_start

    try:
        start_at = parse_start(start) if start else None
        return run_sandbox(db_path, empty=empty, start=start_at)
    except ClockError as error:  # a bad --start, or a bad `:start` in the script
        raise SettingsError(str(error)) from None


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # Servers narrate at INFO. The sandbox's terminal is its Slack screen, and an admin command's
    # output is its report: only warnings and errors may interrupt them.
    level = logging.INFO if args.command in SERVERS else logging.WARNING
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Alembic narrates every step at INFO; what was applied is reported by us, once.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        if args.command == "sandbox":
            return sandbox(args.db, args.empty, args.start)
        settings = load_settings()
        if args.command is None:
            # Plain `coachbot`: with Slack tokens, serve Slack; without any, try it in the sandbox.
            if not settings.has_slack_credentials:
                return sandbox(None, False, None)
            logging.getLogger().setLevel(logging.INFO)  # it serves Slack: a server after all
            if settings.app_token:
                socket(settings)
            else:
                serve(settings, "0.0.0.0", 3000)
        elif args.command == "serve":
            return serve(
                settings, args.host, args.port, scheduler=not args.no_scheduler, workers=args.workers
            )
        elif args.command == "socket":
            socket(settings, scheduler=not args.no_scheduler)
        elif args.command == "worker":
            worker(settings)
        elif args.command in {"roster", "agreement"}:
            return program_command(settings, args)
        elif args.command in cli_admin.COMMANDS:
            return cli_admin.run(settings, args, _services, _check_token)
        elif args.command == "db":
            return db_upgrade(settings)
    except SettingsError as error:
        return _fail(str(error))
    except KeyboardInterrupt:
        return 0
    return 0
