"""A test helper that speaks the app's language: slack.command("/goal", "add …", user=randy)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from bot.app import build_app, build_services
from bot.emulator import Message, SlackDriver, SlackEmulator
from bot.emulator.driver import Response, escape_entities
from bot.platform.clock import Clock
from bot.platform.delivery import dispatcher as dispatch
from bot.platform.services import Services
from bot.platform.settings import Settings
from bot.platform.slack import make_web_client
from bot.server import BackgroundServer
from storage.db import Database
from storage.models import Delivery, DeliveryStatus

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


class TrackingExecutor(ThreadPoolExecutor):
    """A thread pool that can tell when every lazy listener handed to it has finished."""

    def __init__(self, max_workers: int) -> None:
        super().__init__(max_workers=max_workers)
        self._busy = 0
        self._idle = threading.Condition()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._idle:
            self._busy += 1

        def tracked() -> Any:
            try:
                return fn(*args, **kwargs)
            finally:
                with self._idle:
                    self._busy -= 1
                    self._idle.notify_all()

        return super().submit(tracked)

    def wait_idle(self, timeout: float = 5.0) -> None:
        with self._idle:
            if not self._idle.wait_for(lambda: self._busy == 0, timeout):
                raise TimeoutError(f"{self._busy} lazy listener(s) still running after {timeout}s")


LAZY_WORK_TIMEOUT = 30.0


@dataclass
class RunningApp:
    services: Services
    url: str
    stop: Any
    executor: TrackingExecutor

    def wait_idle(self) -> None:
        """Wait until every lazy listener and profile refresh has finished (to assert that something did
        not happen).

        Generous: sends from a lazy listener keep Slack's one message a second per channel, so two
        bookings in a row take several seconds, and more on a loaded CI machine. Only a hang fails.
        Stale profiles a request found are refreshed after it, in the background: those too."""
        self.executor.wait_idle(timeout=LAZY_WORK_TIMEOUT)
        self.services.profiles.wait_idle()


def start_app(settings: Settings, db: Database, clock: Clock) -> RunningApp:
    """The real Bolt app behind the real waitress server, on a free loopback port."""
    # Home publishes are not spaced out here, so tests see each refresh at once (Coalescer is tested alone).
    services = build_services(settings, db=db, clock=clock, home_refresh_interval=0.0)
    executor = TrackingExecutor(max_workers=8)
    server = BackgroundServer(build_app(services, executor=executor), services).start()

    def stop() -> None:
        server.stop()
        services.home_refreshes.close()
        executor.shutdown(wait=True)  # lazy listeners finish before the emulator goes away
        services.profiles.wait_idle()

    return RunningApp(services, server.url, stop, executor)


def run_due(app: RunningApp, emulator: SlackEmulator, timeout: float = LAZY_WORK_TIMEOUT) -> int:
    """One dispatcher pass at the app's clock, as the scheduler would run it.

    Sends still in flight in lazy listeners finish first: the test clock jumps days at once, which
    would otherwise expire their leases while they are being sent. So do the lazy listeners
    themselves: a command's follow-up that sends what it planned may not have claimed anything yet,
    and a message it posts is not the app's (a click on it is refused) until the post is recorded.
    """
    deadline = time.monotonic() + timeout
    with contextlib.suppress(TimeoutError):  # a listener held up on purpose: the pass runs beside it
        app.executor.wait_idle(timeout)
    while _in_flight(app) and time.monotonic() < deadline:
        time.sleep(0.01)
    return dispatch.run_due(app.services, make_web_client(BOT_TOKEN, emulator.url), app.services.now())


def _in_flight(app: RunningApp) -> bool:
    with app.services.db.transaction() as session:
        return (
            session.scalar(select(Delivery.id).where(Delivery.status == DeliveryStatus.CLAIMED).limit(1))
            is not None
        )


class Slack:
    """People in an emulated workspace acting on the app over signed HTTP."""

    def __init__(self, emulator: SlackEmulator, driver: SlackDriver) -> None:
        self.emulator = emulator
        self.driver = driver
        self.ws = driver.ws

    def person(self, name: str, tz: str = "America/Chicago", **kwargs: Any) -> str:
        return self.ws.add_user(name, tz, **kwargs)

    def command(self, name: str, text: str = "", *, user: str, channel: str | None = None) -> Response:
        """A slash command as Slack sends it: @names it knows become escaped mentions."""
        return self.driver.command(user, name, escape_entities(text, self.emulator, self.ws), channel)

    def goal(self, text: str = "", *, user: str) -> Response:
        """`/goal <text>`; asserts Slack got its ack in good order."""
        reply = self.driver.command(user, "/goal", text)
        assert reply.status == 200, reply
        return reply

    def workshop(self, text: str = "", *, user: str) -> Response:
        """`/workshop <text>` with #channels escaped as Slack does; asserts the ack was good."""
        return self._acked("/workshop", text, user)

    def meeting(self, text: str = "", *, user: str) -> Response:
        """`/meeting <text>` with @names escaped as Slack does; asserts the ack was good."""
        return self._acked("/meeting", text, user)

    def coach(self, text: str = "", *, user: str) -> Response:
        """`/coach <text>` with @names escaped as Slack does; asserts the ack was good."""
        return self._acked("/coach", text, user)

    def checkin(self, text: str = "", *, user: str) -> Response:
        """`/checkin <text>`; asserts the ack was good."""
        return self._acked("/checkin", text, user)

    def coachbot(self, text: str = "", *, user: str) -> Response:
        """`/coachbot <text>`; asserts the ack was good."""
        return self._acked("/coachbot", text, user)

    def _acked(self, name: str, text: str, user: str) -> Response:
        reply = self.driver.command(user, name, escape_entities(text, self.emulator, self.ws))
        assert reply.status == 200, reply
        return reply

    # ---- channels and messages ---------------------------------------------------------------
    def channel(
        self, name: str, members: list[str], *, bot_member: bool = True, private: bool = False
    ) -> str:
        return self.ws.add_channel(name, members, bot_member=bot_member, private=private)

    def posts(self, channel: str, *, thread_ts: str | None = None) -> list[Message]:
        """Messages everyone in `channel` sees (no ephemerals), top level or in one thread."""
        with self.ws.lock:
            return [
                m
                for m in self.ws.messages
                if m.channel == channel and m.ephemeral_to is None and m.thread_ts == thread_ts
            ]

    def wait_for_post(self, channel: str, count: int = 1, *, thread_ts: str | None = None) -> list[Message]:
        self.emulator.wait_for(lambda _calls: len(self.posts(channel, thread_ts=thread_ts)) >= count)
        return self.posts(channel, thread_ts=thread_ts)

    def ephemerals(self, user: str, channel: str | None = None) -> list[Message]:
        """Ephemeral messages only `user` saw (in `channel`, if given)."""
        with self.ws.lock:
            return [
                m
                for m in self.ws.messages
                if m.ephemeral_to == user and (channel is None or m.channel == channel)
            ]

    def wait_for_ephemeral(self, user: str, count: int = 1) -> list[Message]:
        self.emulator.wait_for(lambda _calls: len(self.ephemerals(user)) >= count)
        return self.ephemerals(user)

    def click_message(self, user: str, message: Message, label: str) -> Response:
        """Click the button labelled `label` on a message, as `user` sees it now; Slack got its ack."""
        reply = self.click_in_message(user, message, label)
        assert reply.status == 200, reply
        return reply

    def join(
        self, user: str, channel: str, *, event_id: str | None = None, retry_num: int | None = None
    ) -> Response:
        """`user` joins `channel`: Slack adds them and sends member_joined_channel."""
        with self.ws.lock:
            if user not in self.ws.channels[channel]["members"]:
                self.ws.channels[channel]["members"].append(user)
        event = {"type": "member_joined_channel", "user": user, "channel": channel, "channel_type": "C"}
        return self.driver.event({**event, "team": self.ws.team_id}, event_id=event_id, retry_num=retry_num)

    # ---- modals ------------------------------------------------------------------------------
    def open_modal(self, user: str, timeout: float = 5.0, *, callback: str | None = None) -> dict[str, Any]:
        """The modal on top of the user's stack (with that callback_id), waiting for the app's views.open."""

        def top(_calls: object) -> dict[str, Any] | None:
            stack = self.ws.open_modals.get(user)
            view = self.ws.views[stack[-1]] if stack else None
            return view if view and callback in {None, view.get("callback_id")} else None

        found: dict[str, Any] = self.emulator.wait_for(top, timeout)
        return found

    def submit(self, user: str, view: dict[str, Any], values: dict[str, Any]) -> Response:
        """Submit `view` with values keyed by block_id; each value is a state-value dict."""
        state = {block_id: {block_id: value} for block_id, value in values.items()}
        reply = self.driver.submit(user, view, state)
        if reply.status == 200 and reply.json.get("response_action") == "update":
            self.ws.views[view["id"]] = {**reply.json["view"], "id": view["id"]}
        elif reply.status == 200 and not reply.body.strip():
            self.ws.open_modals.pop(user, None)  # an empty ack closes the modal
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

    def open_home(self, user: str) -> dict[str, Any]:
        """The user opens their Home tab (app_home_opened); returns what the app published."""
        before = self.publishes(user)
        assert self.driver.open_home(user).status == 200
        return self.home(user, after=before)

    def publishes(self, user: str) -> int:
        return len([c for c in self.emulator.calls_to("views.publish") if c.args.get("user_id") == user])

    # ---- messages from the bot ----------------------------------------------------------------
    def dms(self, user: str) -> list[Message]:
        """The bot's messages in its DM with `user`, oldest first."""
        channel = self.ws.dm_channel(user)
        with self.ws.lock:
            return [m for m in self.ws.messages if m.channel == channel and m.ephemeral_to is None]

    def wait_for_dm(self, user: str, containing: str, timeout: float = 5.0) -> Message:
        """The newest DM to `user` whose text contains `containing`, waiting for the app to send it."""

        def found(_calls: object) -> Message | None:
            return next((m for m in reversed(self.dms(user)) if containing in m.text), None)

        message: Message = self.emulator.wait_for(found, timeout)
        return message

    def click_in_message(self, user: str, message: Message, label: str, *, nth: int = 0) -> Response:
        block_id, element = find_button(message.blocks, label, nth)
        return self.driver.click(user, element, block_id=block_id, message=message)

    def tick(self, user: str, message: Message, values: list[str]) -> Response:
        """Tick exactly `values` in the message's checkboxes, as a block_actions click sends them."""
        block = next(
            b for b in message.blocks if b["type"] == "actions" and b["elements"][0]["type"] == "checkboxes"
        )
        element = block["elements"][0]
        selected = [option for option in element["options"] if option["value"] in values]
        action = {"type": "checkboxes", "action_id": element["action_id"], "selected_options": selected}
        state = {
            block["block_id"]: {element["action_id"]: {"type": "checkboxes", "selected_options": selected}}
        }
        return self.driver.click(user, action, block_id=block["block_id"], message=message, state=state)

    def wait_for_edit(self, message: Message, edits: int = 1, timeout: float = 5.0) -> Message:
        """The message once chat.update has changed it `edits` times."""
        self.emulator.wait_for(lambda _calls: message.edited >= edits, timeout)
        return message

    def reply_message(self, user: str, reply: Response) -> Message:
        """The ephemeral message Slack shows for a command's ack reply."""
        blocks = reply.json.get("blocks") or []
        return Message(self.ws.dm_channel(user), f"{time.time():.6f}", reply.text, blocks, ephemeral_to=user)

    def click_in_reply(self, user: str, reply: Response, label: str) -> Response:
        """Click a button on the ephemeral reply a command got on its ack (Slack sends its response_url)."""
        return self.click_in_message(user, self.reply_message(user, reply), label)

    def wait_for_response(self, containing: str) -> dict[str, Any]:
        """The first message the app sent to a response_url whose text contains `containing`."""

        def found(_calls: object) -> dict[str, Any] | None:
            return next((r for r in self.emulator.response_urls if containing in r.get("text", "")), None)

        response: dict[str, Any] = self.emulator.wait_for(found)
        return response

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
    assert len(found) > nth, f"no button {label!r} (#{nth}) in:\n{block_texts(blocks)}"
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


def wait_until(condition: Callable[[], Any], timeout: float, what: str, step: float = 0.1) -> None:
    """Polls `condition` until it is true; past `timeout` seconds, fails naming `what`."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout}s: {what}")
        time.sleep(step)
