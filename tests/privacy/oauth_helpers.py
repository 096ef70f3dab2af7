"""Installing the app the OAuth way against the emulator: the install page, Allow, the redirect."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

from cryptography.fernet import Fernet

from bot.emulator import SlackDriver, SlackEmulator, Workspace
from bot.emulator.oauth import CLIENT_ID, CLIENT_SECRET
from bot.platform.settings import Settings
from storage.db import Database
from tests.conftest import FixedClock
from tests.harness import SIGNING_SECRET, RunningApp, Slack, start_app

KEY = Fernet.generate_key().decode()
SCOPES = ("channels:read", "chat:write", "commands", "files:write", "users:read", "users:read.email")
STATE_COOKIE = "slack-app-oauth-state"


def oauth_settings(emulator: SlackEmulator, db: Database, **overrides: Any) -> Settings:
    values: dict[str, Any] = dict(
        signing_secret=SIGNING_SECRET,
        api_url=emulator.url,
        database_url=db.url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        scopes=SCOPES,
        encryption_keys=(KEY,),
    )
    values.update(overrides)
    return Settings(**values)


@contextmanager
def oauth_app(
    emulator: SlackEmulator, db: Database, clock: FixedClock, **overrides: Any
) -> Iterator[RunningApp]:
    running = start_app(oauth_settings(emulator, db, **overrides), db, clock)
    try:
        yield running
    finally:
        running.stop()


@dataclass(frozen=True)
class Page:
    status: int
    body: str
    headers: dict[str, str]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def get(url: str, cookie: str | None = None) -> Page:
    """A browser's GET, without following redirects."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(request, timeout=10) as reply:
            return Page(reply.status, reply.read().decode(), dict(reply.headers))
    except urllib.error.HTTPError as error:
        return Page(error.code, error.read().decode(), dict(error.headers))


def base_url(app: RunningApp) -> str:
    return app.url.removesuffix("/slack/events")


def install(app: RunningApp, emulator: SlackEmulator, ws: Workspace, installer: str) -> Page:
    """Someone in `ws` opens /slack/install, clicks Allow on Slack's page, and lands on the redirect."""
    page = get(f"{base_url(app)}/slack/install")
    assert page.status == 200, page
    cookie = SimpleCookie(page.headers["Set-Cookie"])
    state = cookie[STATE_COOKIE].value
    assert f"state={state}" in page.body and f"client_id={CLIENT_ID}" in page.body
    code = emulator.oauth.approve(ws, installer)
    query = urlencode({"code": code, "state": state})
    return get(f"{base_url(app)}/slack/oauth_redirect?{query}", cookie=f"{STATE_COOKIE}={state}")


def slack_in(emulator: SlackEmulator, app: RunningApp, ws: Workspace) -> Slack:
    """People in workspace `ws` acting on the app."""
    return Slack(emulator, SlackDriver(emulator, app.url, SIGNING_SECRET, workspace=ws))
