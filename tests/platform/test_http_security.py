"""Slack's request signing is enforced, and the health check answers."""

from __future__ import annotations

import time
import urllib.request
from urllib.parse import urlencode

from tests.harness import RunningApp, Slack


def test_unsigned_wrongly_signed_and_stale_requests_are_refused(
    slack: Slack, randy: str, app: RunningApp
) -> None:
    body = urlencode(slack.driver.command_form(randy, "/goal", "add Sneaky goal"))
    assert slack.driver.post(body, signature="").status == 401
    assert slack.driver.post(body, signature="v0=" + "0" * 64).status == 401
    stale = int(time.time()) - 301
    from bot.emulator.driver import sign

    assert (
        slack.driver.post(
            body, timestamp=stale, signature=sign(slack.driver.signing_secret, stale, body)
        ).status
        == 401
    )
    assert "no active goals" in slack.goal("list", user=randy).text


def test_a_request_signed_with_another_secret_is_refused(slack: Slack, randy: str) -> None:
    from bot.emulator.driver import sign

    body = urlencode(slack.driver.command_form(randy, "/goal", "add x"))
    now = int(time.time())
    assert slack.driver.post(body, timestamp=now, signature=sign("not-the-secret", now, body)).status == 401


def test_healthz_answers_ok(app: RunningApp) -> None:
    health = app.url.replace("/slack/events", "/healthz")
    with urllib.request.urlopen(health, timeout=5) as reply:
        assert reply.status == 200 and reply.read() == b"ok\n"


def test_other_paths_are_not_found(app: RunningApp) -> None:
    request = urllib.request.Request(app.url.replace("/slack/events", "/nope"))
    try:
        urllib.request.urlopen(request, timeout=5)
    except urllib.error.HTTPError as error:
        assert error.code == 404
    else:
        raise AssertionError("expected 404")
