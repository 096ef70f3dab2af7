"""HTTP mode: Slack requests at POST /slack/events, GET /healthz, served by waitress."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text
from waitress.server import create_server

from storage.db import Database

if TYPE_CHECKING:
    from waitress.server import BaseWSGIServer, MultiSocketServer

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HTTP_THREADS = 16


def wsgi_app(app: App, db: Database) -> Callable[..., Iterable[bytes]]:
    """Bolt's WSGI handler plus a health check that also proves the database answers."""
    slack_handler = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") in {"GET", "HEAD"}:
            try:
                with db.engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
            except Exception:
                log.exception("health check: database unreachable")
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"database unreachable\n"]
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok\n"]
        return slack_handler(environ, start_response)

    return application


def make_server(app: App, db: Database, host: str, port: int) -> BaseWSGIServer | MultiSocketServer:
    """A waitress server, bound and ready; `.run()` serves, `.close()` stops (port 0 picks one)."""
    return create_server(wsgi_app(app, db), host=host, port=port, threads=HTTP_THREADS, ident="coachbot")
