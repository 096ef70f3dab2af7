"""HTTP mode: Slack requests at POST /slack/events, GET /healthz, calendar feeds at GET /calendar/<secret>.ics,
served by waitress."""

from __future__ import annotations

import io
import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import suppress
from typing import TYPE_CHECKING, Any, BinaryIO

from slack_bolt import App, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from waitress import wasyncore
from waitress.server import create_server

from bot.calendar.feed import FEED_PATH, secret_in_path
from bot.calendar.service import feed_for
from bot.platform.form_body import slack_request
from bot.platform.health import database_problem
from bot.platform.services import Services
from bot.platform.signatures import plausible_signature_headers, signature_matches

if TYPE_CHECKING:
    from waitress.server import BaseWSGIServer, MultiSocketServer

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
# Requests are short (the ack path is a few statements); more threads only contend for the GIL and
# the one SQLite writer, and each thread's connection has a page cache to refill. With several
# worker processes the threads are shared out: a thread holding the writer then waits for the GIL
# behind fewer others (2 workers x 4 threads: 6.7 ms CPU per `/goal add` against 7.2 for 2 x 8,
# in two alternating runs of bench/ack_latency.py's load).
HTTP_THREADS = 8
LEAST_THREADS_PER_WORKER = 2

READ_CHUNK = 65_536

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


# Calendars poll: let them cache for a while, but never a shared cache (the URL is a secret).
FEED_HEADERS = [
    ("Content-Type", "text/calendar; charset=utf-8"),
    ("Cache-Control", "private, max-age=900"),
    ("Content-Disposition", 'inline; filename="coachbot.ics"'),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
]
NOT_FOUND = [("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store")]


def serve_feed(
    services: Services, environ: dict[str, Any], start_response: Callable[..., Any]
) -> Iterable[bytes]:
    """A person's calendar feed; any wrong, reset or malformed secret is the same quiet 404."""
    if environ.get("REQUEST_METHOD") not in {"GET", "HEAD"}:
        start_response("405 Method Not Allowed", [*NOT_FOUND, ("Allow", "GET, HEAD")])
        return [b"method not allowed\n"]
    secret = secret_in_path(str(environ.get("PATH_INFO") or ""))
    try:
        body = None if secret is None else feed_for(services, secret)
    except Exception as error:
        # The path holds the secret: log only what kind of failure it was, never the request.
        log.error("calendar feed failed: %s", type(error).__name__)
        start_response("503 Service Unavailable", NOT_FOUND)
        return [b"try again later\n"]
    if body is None:
        start_response("404 Not Found", NOT_FOUND)
        return [b"not found\n"]
    start_response("200 OK", [*FEED_HEADERS, ("Content-Length", str(len(body)))])
    return [b"" if environ.get("REQUEST_METHOD") == "HEAD" else body]


def signed_requests_only(
    inner: WsgiApp, signing_secret: str, max_body_bytes: int, clock: Callable[[], float] = time.time
) -> WsgiApp:
    """Slack's POSTs reach Bolt only when small enough and signed; nothing else is read or parsed."""

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") != EVENTS_PATH:
            return inner(environ, start_response)
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")
        signature = environ.get("HTTP_X_SLACK_SIGNATURE")
        if not plausible_signature_headers(timestamp, signature, clock()):
            return _refuse(start_response, "401 Unauthorized", b"invalid request\n")
        length = _content_length(environ)
        if length is not None and length > max_body_bytes:
            return _refuse(start_response, "413 Content Too Large", b"request too large\n")
        body = _read_at_most(environ["wsgi.input"], max_body_bytes + 1 if length is None else length)
        if len(body) > max_body_bytes:
            return _refuse(start_response, "413 Content Too Large", b"request too large\n")
        if not signature_matches(signing_secret, body, timestamp, signature, clock()):
            return _refuse(start_response, "401 Unauthorized", b"invalid request\n")
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return inner(environ, start_response)

    return application


def _content_length(environ: dict[str, Any]) -> int | None:
    raw = str(environ.get("CONTENT_LENGTH") or "").strip()
    return int(raw) if raw.isdigit() else None


def _read_at_most(stream: BinaryIO, limit: int) -> bytes:
    # Bounded reads: a body with no (or a lying) Content-Length never costs more than `limit` bytes.
    chunks: list[bytes] = []
    remaining = limit
    while remaining > 0:
        chunk = stream.read(min(READ_CHUNK, remaining))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _refuse(start_response: Callable[..., Any], status: str, body: bytes) -> Iterable[bytes]:
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


class _SlackRequests(SlackRequestHandler):
    """Bolt's WSGI adapter, with Slack's form bodies read by bot/platform/form_body.py."""

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        return self.app.dispatch(
            slack_request(request.get_body(), request.query_string, request.get_headers())
        )


def wsgi_app(app: App, services: Services) -> WsgiApp:
    """Bolt's WSGI handler behind the signature gate, calendar feeds, and a health check (1 s, writable)."""
    slack_handler = _SlackRequests(app, path=EVENTS_PATH)
    db = services.db

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if str(environ.get("PATH_INFO") or "").startswith(FEED_PATH):
            return serve_feed(services, environ, start_response)
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") in {"GET", "HEAD"}:
            problem = database_problem(db)
            if problem is not None:
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [f"database {problem}\n".encode()]
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok\n"]
        db.yield_to_writer()
        try:
            return slack_handler(environ, start_response)
        except Exception as error:
            # Bolt reads the body and builds its context before any listener or error handler runs:
            # a signed body it cannot read changed nothing, and gets a quiet 400, not a traceback.
            log.warning("refused a request Bolt could not read (%s)", type(error).__name__)
            return _refuse(start_response, "400 Bad Request", b"bad request\n")

    settings = services.settings
    if not settings.signing_secret:  # Socket Mode and tests of the bare app: nothing to serve signed
        return application
    return signed_requests_only(application, settings.signing_secret, settings.max_body_bytes)


def threads_per_worker(workers: int) -> int:
    """The HTTP threads of each of `workers` processes: 8 in all, at least 2 each."""
    return max(LEAST_THREADS_PER_WORKER, HTTP_THREADS // max(1, workers))


def make_server(
    app: App,
    services: Services,
    host: str,
    port: int,
    sock: socket.socket | None = None,
    threads: int = HTTP_THREADS,
) -> BaseWSGIServer | MultiSocketServer:
    """A waitress server, bound and ready; `.run()` serves (port 0 picks a free port). `sock`: a
    socket already bound (worker processes share one), instead of host and port.

    waitress refuses a body over the limit from its Content-Length (or while receiving a chunked
    one) before buffering it; the gate checks again for any other WSGI server.
    """
    # A burst of Slack requests waits a moment for a thread by design; waitress warns on each one.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    where: dict[str, Any] = {"sockets": [sock]} if sock is not None else {"host": host, "port": port}
    return create_server(
        wsgi_app(app, services),
        threads=threads,
        ident="coachbot",
        max_request_body_size=services.settings.max_body_bytes + 1,  # waitress refuses at >=
        **where,
    )


def fork_workers(workers: int, serve_one: Callable[[], None]) -> list[int]:
    """Fork `workers` processes running `serve_one` (Linux, macOS): one process uses one core.
    Call it before starting any thread; each worker builds its own app, engine and threads."""
    children: list[int] = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                serve_one()
            except KeyboardInterrupt:
                pass
            except BaseException as error:
                log.error("worker stopped: %s", type(error).__name__)
                code = 1
            finally:
                os._exit(code)
        children.append(pid)
    return children


def wait_for_workers(children: list[int]) -> int:
    """Wait until the workers have stopped: SIGTERM or SIGINT stops them all, and so does one dying
    (so whatever supervises coachbot sees it and restarts the whole). Returns the exit status."""
    children = list(children)
    asked: list[int] = []

    def stop(signum: int = 0, _frame: object = None) -> None:
        if signum:
            asked.append(signum)
        for child in children:
            with suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)

    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGTERM, signal.SIGINT)}
    status = 0
    try:
        while children:
            pid, code = os.wait()
            if pid in children:
                children.remove(pid)
                status = status or (1 if code and not asked else 0)
                stop()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return status


class BackgroundServer:
    """A waitress server on its own thread, for the sandbox and tests; `stop()` is thread-safe."""

    def __init__(self, app: App, services: Services, host: str = "127.0.0.1", port: int = 0) -> None:
        self.server = make_server(app, services, host, port)
        self.thread = threading.Thread(target=self.server.run, name="coachbot-http", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.effective_port}"  # type: ignore[union-attr]

    @property
    def url(self) -> str:
        return f"{self.base_url}{EVENTS_PATH}"

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
