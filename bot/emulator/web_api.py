"""The emulated Slack Web API: a real HTTP server on loopback that records every call and can be
told to answer 429 (with Retry-After) or 500, for a number of calls or until a (virtual) time, or
to answer slowly after doing the work (a client that times out never learns it succeeded)."""

from __future__ import annotations

import contextlib
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from bot.emulator.methods import METHODS, ApiError
from bot.emulator.oauth import OAuthIssuer
from bot.emulator.workspace import Workspace

BOT_USER_ID = "UBOTCOACH"


@dataclass(frozen=True)
class Call:
    """One Web API call as the emulator received it, with the HTTP status it answered."""

    method: str
    args: dict[str, Any]
    status: int
    at: float
    token: str | None = None
    # Seconds the answer was held back after the work was done (a slow fault), else 0.
    delayed: float = 0.0


@dataclass
class _Fault:
    status: int
    retry_after: int
    times: int | None
    ratio: float
    until: datetime | None = None
    # A slow fault: the call succeeds, and its answer leaves this many seconds later.
    delay: float = 0.0


@dataclass
class SlackEmulator:
    """Start with `start()`; `url` is the SLACK_API_URL the app should use."""

    workspace: Workspace = field(default_factory=Workspace)
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    latency_seconds: float = 0.0
    valid_tokens: set[str] = field(default_factory=lambda: {"xoxb-emulator-token"})
    calls: list[Call] = field(default_factory=list)
    response_urls: list[dict[str, Any]] = field(default_factory=list)
    on_change: Callable[[str, dict[str, Any]], None] | None = None
    # More workspaces (OAuth installs): each answers the tokens oauth.v2.access issued for it.
    oauth: OAuthIssuer = field(default_factory=OAuthIssuer)
    workspaces: dict[str, Workspace] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.workspaces.setdefault(self.workspace.team_id, self.workspace)
        self._faults: dict[str, list[_Fault]] = {}
        self._cond = threading.Condition()
        self._random = random.Random(7)
        self._server: ThreadingHTTPServer | None = None

    # ---- lifecycle -------------------------------------------------------------------------
    def start(self) -> SlackEmulator:
        return self.bind().serve()

    def bind(self) -> SlackEmulator:
        """Listen on a free loopback port (`url` is known from here on), not answering yet."""
        emulator = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                emulator._handle(self)

        class Server(ThreadingHTTPServer):
            request_queue_size = 256  # many dispatcher threads connect at once; 5 would drop some

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        return self

    def serve(self) -> SlackEmulator:
        """Answer on the bound port, from a thread of this process (benchmarks fork one to serve)."""
        assert self._server is not None, "bind() the emulator first"
        threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="slack-emulator", daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def base(self) -> str:
        assert self._server is not None, "start() the emulator first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def url(self) -> str:
        return f"{self.base}/api/"

    def response_url(self, key: str) -> str:
        return f"{self.base}/response/{key}"

    def add_workspace(self, team_id: str, team_name: str) -> Workspace:
        """Another workspace, with ids of its own (as Slack's are unique across workspaces)."""
        ws = Workspace(team_id=team_id, team_name=team_name, id_offset=1_000_000 * len(self.workspaces))
        self.workspaces[team_id] = ws
        return ws

    def workspace_of(self, token: str | None) -> Workspace | None:
        """The workspace a token belongs to, or None for a token Slack would refuse."""
        if token in self.valid_tokens:
            return self.workspace
        team_id = self.oauth.token_teams.get(token or "")
        return self.workspaces.get(team_id) if team_id else None

    # ---- fault injection ---------------------------------------------------------------------
    def fail(
        self,
        method: str,
        status: int = 500,
        *,
        times: int | None = 1,
        retry_after: int = 1,
        ratio: float = 1.0,
        until: datetime | None = None,
    ) -> None:
        """Answer `method` with `status` (429 carries Retry-After) the next `times` calls,
        or, with `times=None`, a `ratio` share of calls until `heal()` or, if given, until the
        emulator's clock reaches `until` (an outage in virtual time)."""
        with self._cond:
            self._faults.setdefault(method, []).append(_Fault(status, retry_after, times, ratio, until))

    def slow(self, method: str, seconds: float, *, times: int | None = 1, ratio: float = 1.0) -> None:
        """Do `method`'s work, then answer `seconds` later (past a client's timeout: Slack posted it,
        the client never hears so)."""
        with self._cond:
            self._faults.setdefault(method, []).append(_Fault(200, 0, times, ratio, None, seconds))

    def heal(self) -> None:
        with self._cond:
            self._faults.clear()

    def _take_fault(self, method: str) -> _Fault | None:
        now = self.clock()
        with self._cond:
            for fault in self._faults.get(method, []):
                if fault.until is not None and now >= fault.until:
                    continue
                if fault.times is not None:
                    if fault.times > 0:
                        fault.times -= 1
                        return fault
                elif self._random.random() < fault.ratio:
                    return fault
        return None

    # ---- reading what happened ---------------------------------------------------------------
    def calls_to(self, method: str, *, ok_only: bool = True) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method and (c.status == 200 or not ok_only)]

    def wait_for(self, predicate: Callable[[list[Call]], Any], timeout: float = 5.0) -> Any:
        """Block until predicate(calls) is truthy (returns it), or raise TimeoutError."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                result = predicate(list(self.calls))
                if result:
                    return result
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(
                        f"emulator: condition not met in {timeout}s; calls: {[c.method for c in self.calls]}"
                    )
                self._cond.wait(remaining)

    def wait_for_call(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """The successful calls to `method`, once there are at least `count` of them."""

        def enough(calls: list[Call]) -> list[Call] | None:
            matching = [c for c in calls if c.method == method and c.status == 200]
            return matching if len(matching) >= count else None

        found: list[Call] = self.wait_for(enough, timeout)
        return found

    def reset_calls(self) -> None:
        with self._cond:
            self.calls.clear()
            self.response_urls.clear()

    # ---- HTTP ----------------------------------------------------------------------------------
    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        data = request.rfile.read(length)
        if request.path.startswith("/upload/"):
            self._send(request, *self._receive_upload(request.path.removeprefix("/upload/"), data))
            return
        raw = data.decode()
        if request.path.startswith("/response/"):
            self._record_response_url(request.path.removeprefix("/response/"), raw)
            self._send(request, 200, {"ok": True})
            return
        if not request.path.startswith("/api/"):
            self._send(request, 404, {"ok": False, "error": "unknown_path"})
            return
        method = request.path.removeprefix("/api/").split("?")[0]
        args = _parse_args(request.headers.get("Content-Type") or "", raw)
        authorization = request.headers.get("Authorization") or ""
        token = authorization.removeprefix("Bearer ").strip() if authorization.startswith("Bearer ") else None
        token = token or args.get("token")
        if self.latency_seconds:
            time.sleep(self.latency_seconds)
        status, body, headers, delay = self._answer(method, args, token, authorization)
        with self._cond:
            self.calls.append(Call(method, args, status, time.time(), token, delay))
            self._cond.notify_all()
        if delay:
            time.sleep(delay)
        with contextlib.suppress(OSError):  # a client that gave up has closed its end
            self._send(request, status, body, headers)

    def _answer(
        self, method: str, args: dict[str, Any], token: str | None, authorization: str = ""
    ) -> tuple[int, dict[str, Any], dict[str, str], float]:
        fault = self._take_fault(method)
        delay = fault.delay if fault is not None else 0.0
        if fault is not None and not fault.delay:
            return (*self._fault_answer(fault), 0.0)
        return (*self._work(method, args, token, authorization), delay)

    @staticmethod
    def _fault_answer(fault: _Fault) -> tuple[int, dict[str, Any], dict[str, str]]:
        if fault.status == 429:
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(fault.retry_after)}
        return fault.status, {"ok": False, "error": "internal_error"}, {}

    def _work(
        self, method: str, args: dict[str, Any], token: str | None, authorization: str
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        if method == "oauth.v2.access":  # authenticated by the app's client id and secret, not a token
            try:
                return 200, {"ok": True, **self.oauth.access(args, authorization, self.workspaces)}, {}
            except ApiError as error:
                return 200, {"ok": False, "error": error.code}, {}
        handler = METHODS.get(method)
        if handler is None:
            return 200, {"ok": False, "error": "unknown_method"}, {}
        workspace = self.workspace_of(token)
        if workspace is None:
            return 200, {"ok": False, "error": "invalid_auth"}, {}
        try:
            with workspace.lock:
                result = handler(workspace, args, self.clock())
        except ApiError as error:
            return 200, {"ok": False, "error": error.code}, {}
        if method == "files.getUploadURLExternal":
            result["upload_url"] = f"{self.base}/upload/{result['file_id']}"
        if self.on_change is not None:
            self.on_change(method, result)
        return 200, {"ok": True, **result}, {}

    def _receive_upload(self, file_id: str, data: bytes) -> tuple[int, dict[str, Any]]:
        """The upload step between getUploadURLExternal and completeUploadExternal."""
        for ws in list(self.workspaces.values()):
            with ws.lock:
                pending = ws.files.get(file_id)
                if pending is not None:
                    pending["data"] = data
                    return 200, {"ok": True}
        return 404, {"ok": False, "error": "file_not_found"}

    def _record_response_url(self, key: str, raw: str) -> None:
        try:
            payload = json.loads(raw or "{}")
        except ValueError:
            payload = {"text": raw}
        with self._cond:
            self.response_urls.append({"key": key, **payload})
            self._cond.notify_all()

    @staticmethod
    def _send(
        request: BaseHTTPRequestHandler,
        status: int,
        body: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> None:
        data = json.dumps(body).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json; charset=utf-8")
        request.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            request.send_header(key, value)
        request.end_headers()
        request.wfile.write(data)


def _parse_args(content_type: str, raw: str) -> dict[str, Any]:
    """Form or JSON bodies, with JSON-encoded fields (blocks, view) decoded as Slack does."""
    if "json" in content_type:
        args: dict[str, Any] = json.loads(raw or "{}")
    else:
        args = dict(parse_qsl(raw, keep_blank_values=True))
    for key in ("blocks", "view", "attachments", "files"):
        if isinstance(args.get(key), str) and args[key]:
            with contextlib.suppress(ValueError):
                args[key] = json.loads(args[key])
    return args
