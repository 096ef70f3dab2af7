"""A test helper that speaks the app's language: slack.command("/goal", "add …", user=randy)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from bot.app import build_app, build_services
from bot.clock import Clock
from bot.dispatch import run_due
from bot.emulator import Message, SlackDriver, SlackEmulator
from bot.emulator.driver import Response
from bot.server import BackgroundServer
from bot.services import Services
from bot.settings import Settings
from bot.slack import make_web_client
from storage.db import Database

SIGNING_SECRET = "test-signing-secret-0123456789"
BOT_TOKEN = "xoxb-emulator-token"


def settings_for(emulator: SlackEmulator, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = dict(
        bot_token=BOT_TOKEN,
        signing_secret=SIGNING_SECRET,
        api_url=emulator.url,
        database_url=database_url,
    )
    values.update(overrides)
    return Settings(**values)


@dataclass
class RunningApp:
    services: Services
    url: str
    stop: Any


def start_app(settings: Settings, db: Database, clock: Clock) -> RunningApp:
    """The real Bolt app behind the real waitress server, on a free loopback port."""
    services = build_services(settings, db=db, clock=clock)
    executor = ThreadPoolExecutor(max_workers=8)
    server = BackgroundServer(build_app(services, executor=executor), db).start()

    def stop() -> None:
        server.stop()
        executor.shutdown(wait=True)  # lazy listeners finish before the emulator goes away

    return RunningApp(services, server.url, stop)


class Slack:
    """People in an emulated workspace acting on the app over signed HTTP."""

    def __init__(self, emulator: SlackEmulator, driver: SlackDriver) -> None:
        self.emulator = emulator
        self.driver = driver
        self.ws = emulator.workspace

    def person(self, name: str, tz: str = "America/Chicago", **kwargs: Any) -> str:
        return self.ws.add_user(name, tz, **kwargs)

    def command(self, name: str, text: str = "", *, user: str, channel: str | None = None) -> Response:
        return self.driver.command(user, name, text, channel)

    def goal(self, text: str = "", *, user: str) -> Response:
        """`/goal <text>`; asserts Slack got its ack in good order."""
        reply = self.driver.command(user, "/goal", text)
        assert reply.status == 200, reply
        return reply

    # ---- modals ------------------------------------------------------------------------------
    def open_modal(self, user: str, timeout: float = 5.0) -> dict[str, Any]:
        """The modal on top of the user's stack, waiting for the app's views.open."""
        self.emulator.wait_for(lambda _calls: self.ws.open_modals.get(user), timeout)
        return self.ws.views[self.ws.open_modals[user][-1]]

    def submit(self, user: str, view: dict[str, Any], values: dict[str, Any]) -> Response:
        """Submit `view` with values keyed by block_id; each value is a state-value dict."""
        state = {block_id: {block_id: value} for block_id, value in values.items()}
        reply = self.driver.submit(user, view, state)
        if reply.status == 200 and reply.json.get("response_action") == "update":
            self.ws.views[view["id"]] = {**reply.json["view"], "id": view["id"]}
        return reply

    # ---- App Home ------------------------------------------------------------------------------
    def home(self, user: str, *, after: int = 0, timeout: float = 5.0) -> dict[str, Any]:
        """The user's Home tab once it has been published more than `after` times."""
        self.emulator.wait_for(
            lambda calls: (
                len(
                    [
                        c
                        for c in calls
                        if c.method == "views.publish" and c.args.get("user_id") == user and c.status == 200
                    ]
                )
                > after
            ),
            timeout,
        )
        return self.ws.homes[user]

    def publishes(self, user: str) -> int:
        return len([c for c in self.emulator.calls_to("views.publish") if c.args.get("user_id") == user])

    # ---- messages from the bot ----------------------------------------------------------------
    def dispatch(self, services: Services) -> int:
        """One dispatcher pass at the services' clock, as the scheduler would run it."""
        return run_due(services, make_web_client(BOT_TOKEN, self.emulator.url), services.now())

    def dms(self, user: str) -> list[Message]:
        """The bot's messages in its DM with `user`, oldest first."""
        channel = self.ws.dm_channel(user)
        with self.ws.lock:
            return [m for m in self.ws.messages if m.channel == channel and m.ephemeral_to is None]

    def click_in_message(self, user: str, message: Message, label: str, *, nth: int = 0) -> Response:
        block_id, element = find_button(message.blocks, label, nth)
        return self.driver.click(user, element, block_id=block_id, message=message)

    def wait_for_edit(self, message: Message, edits: int = 1, timeout: float = 5.0) -> Message:
        """The message once chat.update has changed it `edits` times."""
        self.emulator.wait_for(lambda _calls: message.edited >= edits, timeout)
        return message

    def click_in_view(self, user: str, view: dict[str, Any], label: str, *, nth: int = 0) -> Response:
        block_id, element = find_button(view["blocks"], label, nth)
        return self.driver.click(user, element, block_id=block_id, view=view)


def find_button(blocks: list[dict[str, Any]], label: str, nth: int = 0) -> tuple[str, dict[str, Any]]:
    found = [
        (block.get("block_id", ""), element)
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
        if element.get("type") == "button" and element["text"]["text"] == label
    ]
    assert len(found) > nth, f"no button {label!r} (#{nth}) in {[b['type'] for b in blocks]}"
    return found[nth]


def block_texts(blocks: list[dict[str, Any]]) -> str:
    """All the text a reader sees in a list of blocks, joined by newlines."""
    out: list[str] = []
    for block in blocks:
        text = block.get("text")
        if isinstance(text, dict):
            out.append(text["text"])
        for element in block.get("elements", []) or []:
            if isinstance(element, dict) and "text" in element:
                value = element["text"]
                out.append(value["text"] if isinstance(value, dict) else value)
    return "\n".join(out)
