"""Hostile HTTP: odd signatures get 401 whatever they carry, and big bodies are refused unread."""

from __future__ import annotations

import contextlib
import http.client
import io
import logging
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlparse

import pytest

from bot.emulator import SlackDriver, SlackEmulator
from bot.emulator.driver import sign
from bot.platform.settings import SettingsError, load_settings
from bot.server import signed_requests_only
from storage.db import Database
from tests.conftest import FixedClock
from tests.harness import SIGNING_SECRET, RunningApp, Slack, settings_for, start_app

SMALL_LIMIT = 16_384
ODD_TIMESTAMPS = ["nan", "NaN", "inf", "-5", "-0", "1e3", "abc", "", " ", "99999999999999999999999", "²³"]


def test_odd_timestamps_and_signatures_get_401_never_a_reply(
    slack: Slack, randy: str, caplog: pytest.LogCaptureFixture
) -> None:
    command = urlencode(slack.driver.command_form(randy, "/goal", "add Sneaky goal"))
    submission = "payload=" + '{"type":"view_submission","view":{"callback_id":"goal_modal"}}'
    for body in (command, submission):
        for timestamp in ODD_TIMESTAMPS:
            for signature in ("v0=" + "0" * 64, "", "v0=nan", sign(SIGNING_SECRET, 0, body)):
                reply = slack.driver.post(
                    body, headers={"X-Slack-Request-Timestamp": timestamp}, signature=signature
                )
                assert reply.status == 401, (timestamp, signature, reply)
                assert "went wrong" not in reply.body
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "no active goals" in slack.goal("list", user=randy).text


@pytest.fixture
def small_limit_app(emulator: SlackEmulator, sqlite_db: Database, clock: FixedClock) -> Iterator[RunningApp]:
    running = start_app(settings_for(emulator, sqlite_db.url, max_body_bytes=SMALL_LIMIT), sqlite_db, clock)
    yield running
    running.stop()


def _signed_post(url: str, body: bytes, *, chunked: bool) -> int:
    """POST `body` signed with the app's secret, with a Content-Length or chunked; the status."""
    now = int(time.time())
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": str(now),
        "X-Slack-Signature": sign(SIGNING_SECRET, now, body.decode()),
    }
    if chunked:
        headers["Transfer-Encoding"] = "chunked"
        wire = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in _pieces(body)) + b"0\r\n\r\n"
    else:
        headers["Content-Length"] = str(len(body))
        wire = body
    parts = urlparse(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.putrequest("POST", parts.path)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        with contextlib.suppress(OSError):  # a server that refused early may hang up mid-body
            connection.send(wire)
        return connection.getresponse().status
    finally:
        connection.close()


def _pieces(body: bytes) -> list[bytes]:
    return [body[i : i + 4096] for i in range(0, len(body), 4096)]


def test_a_body_over_the_limit_is_refused_even_when_signed(
    emulator: SlackEmulator, small_limit_app: RunningApp
) -> None:
    driver = SlackDriver(emulator, small_limit_app.url, SIGNING_SECRET)
    randy = emulator.workspace.add_user("randy", "America/Chicago")

    def goal_add(title: str) -> bytes:
        return urlencode(driver.command_form(randy, "/goal", f"add {title}")).encode()

    too_big = goal_add("Read " + "a" * SMALL_LIMIT)
    assert len(too_big) > SMALL_LIMIT
    for chunked in (False, True):
        assert _signed_post(small_limit_app.url, too_big, chunked=chunked) == 413
        fits = goal_add(f"Read chapter {int(chunked) + 1}")
        assert _signed_post(small_limit_app.url, fits, chunked=chunked) == 200
    goals = driver.command(randy, "/goal", "list").text
    assert "Read chapter 1" in goals and "Read chapter 2" in goals and "aaaa" not in goals, goals


class CountingStream(io.RawIOBase):
    """A request body that never ends, counting what was read of it."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        assert size > 0, "the whole body was asked for"
        self.read_bytes += size
        return b"x" * size


def _call(gate: Any, environ: dict[str, Any]) -> str:
    statuses: list[str] = []
    gate(environ, lambda status, _headers: statuses.append(status))
    return statuses[0]


def test_the_gate_reads_nothing_unsigned_and_at_most_the_limit_without_a_length() -> None:
    reached: list[bool] = []

    def bolt(_environ: dict[str, Any], start_response: Any) -> list[bytes]:
        reached.append(True)
        start_response("200 OK", [])
        return [b""]

    gate = signed_requests_only(bolt, SIGNING_SECRET, SMALL_LIMIT)
    base = {"REQUEST_METHOD": "POST", "PATH_INFO": "/slack/events"}
    unsigned = CountingStream()
    status = _call(gate, {**base, "wsgi.input": unsigned, "CONTENT_LENGTH": str(10**9)})
    assert status.startswith("401") and unsigned.read_bytes == 0
    endless = CountingStream()
    now = str(int(time.time()))
    headers = {"HTTP_X_SLACK_REQUEST_TIMESTAMP": now, "HTTP_X_SLACK_SIGNATURE": "v0=" + "1" * 64}
    status = _call(gate, {**base, **headers, "wsgi.input": endless})
    assert status.startswith("413") and endless.read_bytes == SMALL_LIMIT + 1
    assert not reached


def test_the_body_limit_is_a_setting() -> None:
    assert load_settings({}).max_body_bytes == 1_048_576
    assert load_settings({"COACHBOT_MAX_BODY_BYTES": "65536"}).max_body_bytes == 65536
    for wrong in ("lots", "-1", "100", str(10**12)):
        with pytest.raises(SettingsError, match="COACHBOT_MAX_BODY_BYTES"):
            load_settings({"COACHBOT_MAX_BODY_BYTES": wrong})
