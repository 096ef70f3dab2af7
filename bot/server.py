"""HTTP mode: Slack requests at POST /slack/events, GET /healthz, served by waitress."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress import wasyncore
from waitress.server import create_server

from bot.platform.health import database_problem
from storage.db import Database

if TYPE_CHECKING:
    from waitress.server import BaseWSGIServer, MultiSocketServer

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HTTP_THREADS = 16


def wsgi_app(app: App, db: Database) -> Callable[..., Iterable[bytes]]:
    """Bolt's WSGI handler plus a health check that proves, within a second, the database can be written."""
    slack_handler = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") in {"GET", "HEAD"}:
            problem = database_problem(db)
            if problem is not None:
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [f"database {problem}\n".encode()]
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok\n"]
        return slack_handler(environ, start_response)

    return application


def make_server(app: App, db: Database, host: str, port: int) -> BaseWSGIServer | MultiSocketServer:
    """A waitress server, bound and ready; `.run()` serves (port 0 picks a free port)."""
    return create_server(wsgi_app(app, db), host=host, port=port, threads=HTTP_THREADS, ident="coachbot")


class BackgroundServer:
    """A waitress server on its own thread, for the sandbox and tests; `stop()` is thread-safe."""

    def __init__(self, app: App, db: Database, host: str = "127.0.0.1", port: int = 0) -> None:
        self.server = make_server(app, db, host, port)
        self.thread = threading.Thread(target=self.server.run, name="coachbot-http", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.effective_port}{EVENTS_PATH}"  # type: ignore[union-attr]

    def start(self) -> BackgroundServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        # Closing sockets from another thread races waitress's select(); let its own loop do it.
        server = self.server
        try:
            server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))  # type: ignore[union-attr]
        except OSError:
            # The wake-up pipe is already closed under us (seen in long test runs): close the rest here.
            wasyncore.close_all(server._map)  # type: ignore[union-attr]
        self.thread.join(timeout=5)
        server.task_dispatcher.shutdown()
