"""The sandbox's command loop: read a line, play it as Slack or the clock, show what happened."""

from __future__ import annotations

import contextlib
import io
import shlex
import sys
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.app import AREAS
from bot.platform.areas import Area
from bot.sandbox.clock import ClockError, local_label, parse_duration, parse_start, parse_target
from bot.sandbox.interact import Hands, SandboxError
from bot.sandbox.render import text_of
from bot.sandbox.runtime import Runtime
from bot.sandbox.screen import Screen
from bot.sandbox.seed import SEED_LINES, seed_workspace

MAX_ADVANCE = timedelta(days=400)
MAX_DISPATCH_PASSES = 5000
HELP = """You are typing in Slack as the user in the prompt. Lines:
  /goal add Do 40 practice questions a week by Dec 20   a slash command (@name, #channel work)
  @drlee /goal list       one line as another user         :as drlee    switch user
  :click LABEL            click a button / toggle a checkbox / pick an option in the newest
                          message that has it (a modal first); `:click Done 2` = the 2nd Done
  :click #K LABEL         …in message K          :click home LABEL   …in your App Home
  :open  :fill FIELD=VALUE …  :submit  :close    the open modal (labels match any case)
  :advance 3d | 2h30m | to 2026-12-01 09:00 | to 9:00     move the clock; due jobs run on the way
  :now   :home   :inbox   :show K   :users   :in #channel | :in dm   :help   :quit
  :adduser NAME ZONE [admin]   :addchannel NAME      for a workspace of your own (--empty)
  # text                  a comment (scripts show it in the transcript)"""


class Sandbox:
    """One sandbox session writing to `out`; use as a context manager, then `handle(line)`."""

    def __init__(
        self,
        out: TextIO,
        *,
        db_path: Path | None = None,
        empty: bool = False,
        start: datetime | None = None,
        areas: tuple[Area, ...] = AREAS,
    ) -> None:
        self.out = out
        self.rt = Runtime(db_path=db_path, start=start, areas=areas)
        self.ws = self.rt.emulator.workspace
        self.screen = Screen(out, self.ws, self.rt.clock)
        self.hands = Hands(self.rt, self.screen)
        self.empty = empty
        self.user: str | None = None
        self.channel: dict[str, str] = {}
        self.refused: str | None = None  # why the last line was refused, if it was

    def __enter__(self) -> Sandbox:
        self.rt.start()
        if not self.empty:
            self.user = seed_workspace(self.ws)
            for line in SEED_LINES:
                self._quietly(line)
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.rt.stop()

    def _quietly(self, line: str) -> None:
        out, self.screen.out = self.screen.out, io.StringIO()
        try:
            self.handle(line)
        finally:
            self.screen.out = out

    # ---- the loop ----------------------------------------------------------------------------
    def prompt(self) -> str:
        if self.user is None:
            return "> "
        where = self.channel.get(self.user)
        name = self.screen.name(self.user)
        return f"{name} in #{self.ws.channels[where]['name']}> " if where else f"{name}> "

    def run(self, lines: Iterable[str], *, echo: bool) -> str | None:
        """Handle each line; `echo` writes the prompt and line, as a transcript of a scripted run.

        A script stops at the first line the sandbox refuses: the reason is returned, with the line's number.
        """
        self.welcome()
        for number, raw in enumerate(lines, 1):
            line = raw.rstrip("\n")
            if echo:
                # A transcript: the prompt and what was typed; comments and blank lines as they are.
                shown = line if not line.strip() or line.lstrip().startswith("#") else self.prompt() + line
                self.out.write(shown + "\n")
            carry_on = self.handle(line)
            self.out.flush()
            if echo and self.refused is not None:
                return f"line {number} was refused: {line.strip()}\n  {self.refused}"
            if not carry_on:
                break
        return None

    def welcome(self) -> None:
        people = ", ".join(f"{u['name']} ({u['tz']})" for u in self.ws.users.values()) or "nobody yet"
        self.screen.say(f"coachbot sandbox · the real app against an emulated Slack · people: {people}")
        self.screen.say(f"clock: {local_label(self.rt.clock(), self.screen.tz(self.user))} · :help for help")

    def handle(self, line: str) -> bool:
        """Play one line; False when the session should end. Bad input only ever prints a hint."""
        line = line.strip()
        self.refused = None
        if not line or line.startswith("#") or line.startswith(":start "):
            return True  # a blank line, a comment, or a script's own start time (read before the session)
        try:
            if line.startswith("@"):
                name, _, rest = line[1:].partition(" ")
                return self._as(self._user_named(name), rest.strip())
            if self.user is None and not line.startswith(":"):
                raise SandboxError("Nobody is here yet: `:adduser randy America/Chicago`, then type as them.")
            return self._as(self.user, line)
        except (SandboxError, ClockError) as error:
            self.refused = str(error)
            self.screen.hint(self.refused)
        return True

    def _as(self, user: str | None, line: str) -> bool:
        if not line:
            raise SandboxError("Write what they type after the name, e.g. `@drlee /goal list`.")
        if line.startswith("/"):
            assert user is not None
            self.hands.command(user, line, self.channel.get(user) or self.ws.dm_channel(user))
        elif line.startswith(":"):
            word, _, rest = line[1:].partition(" ")
            action = self._commands().get(word.lower())
            if action is None:
                raise SandboxError(f"“:{word}” is not a sandbox command. Type :help for the list.")
            if word.lower() not in {"help", "quit", "exit", "users", "now", "adduser", "addchannel", "as"}:
                self._need(user)
            if action(user, rest.strip()) is False:
                return False
        else:
            raise SandboxError("Start with / for a slash command, or : for the sandbox (:help).")
        self._catch_up(user)
        return True

    def _commands(self) -> dict[str, Callable[[str | None, str], bool | None]]:
        return {
            "as": lambda _u, rest: self._switch(rest),
            "click": lambda u, rest: self.hands.click(self._need(u), rest),
            "open": lambda u, _r: self.hands.show_open(self._need(u)),
            "fill": lambda u, rest: self.hands.fill(self._need(u), rest),
            "submit": lambda u, _r: self.hands.submit(self._need(u)),
            "close": lambda u, _r: self.hands.close(self._need(u)),
            "advance": lambda u, rest: self._advance(u, rest),
            "now": lambda _u, _r: self._now(),
            "home": lambda u, _r: self.hands.open_home(self._need(u)),
            "inbox": lambda u, _r: self._inbox(self._need(u)),
            "show": lambda u, rest: self._show(self._need(u), rest),
            "users": lambda _u, _r: self._users(),
            "in": lambda u, rest: self._in(self._need(u), rest),
            "adduser": lambda _u, rest: self._add_user(rest),
            "addchannel": lambda _u, rest: self._add_channel(rest),
            "help": lambda _u, _r: self.screen.say(HELP),
            "quit": lambda _u, _r: False,
            "exit": lambda _u, _r: False,
        }

    def _need(self, user: str | None) -> str:
        if user is None:
            raise SandboxError("Nobody is here yet: `:adduser randy America/Chicago` first.")
        return user

    def _user_named(self, name: str) -> str:
        user = self.ws.user_by_name(name.lstrip("@"))
        if user is None:
            names = ", ".join(u["name"] for u in self.ws.users.values()) or "nobody yet"
            raise SandboxError(f"There is no user “{name}”. People here: {names}.")
        return user

    # ---- people and places -------------------------------------------------------------------
    def _switch(self, name: str) -> None:
        self.user = self._user_named(name)

    def _users(self) -> None:
        now = self.rt.clock()
        for uid, user in self.ws.users.items():
            role = " · workspace admin" if user["is_admin"] else ""
            here = " ← you" if uid == self.user else ""
            self.screen.say(
                f"  {user['name']:<10} {uid}  {user['tz']:<20} {local_label(now, user['tz'])}{role}{here}"
            )
        for channel in self.ws.channels.values():
            members = ", ".join(self.screen.name(m) for m in channel["members"])
            self.screen.say(f"  #{channel['name']}: {members}")

    def _in(self, user: str, where: str) -> None:
        if where.lower() in {"dm", ""}:
            self.channel.pop(user, None)
            return
        channel = self.ws.channel_by_name(where.lstrip("#"))
        if channel is None or user not in self.ws.channels[channel]["members"]:
            raise SandboxError(f"{self.screen.name(user)} is not in a channel called {where}.")
        self.channel[user] = channel

    def _add_user(self, rest: str) -> None:
        words = shlex.split(rest)
        if len(words) not in {2, 3} or (len(words) == 3 and words[2] != "admin"):
            raise SandboxError("Write `:adduser NAME ZONE [admin]`, e.g. `:adduser sam Europe/London`.")
        try:
            ZoneInfo(words[1])
        except (ZoneInfoNotFoundError, ValueError):
            raise SandboxError(f"“{words[1]}” is not a time zone like America/Chicago.") from None
        if self.ws.user_by_name(words[0]):
            raise SandboxError(f"There is already a user called {words[0]}.")
        user = self.ws.add_user(words[0], words[1], is_admin=len(words) == 3)
        for channel in self.ws.channels.values():
            channel["members"].append(user)
        self.user = self.user or user

    def _add_channel(self, name: str) -> None:
        name = name.strip().lstrip("#")
        if not name or " " in name or self.ws.channel_by_name(name):
            raise SandboxError("Write `:addchannel NAME` with a new name and no spaces.")
        self.ws.add_channel(name, members=list(self.ws.users))

    def _inbox(self, user: str) -> None:
        dm = self.ws.dm_channel(user)
        mine = [m for m in self.ws.visible_messages(user) if m.channel == dm]
        if not mine:
            self.screen.say("  (no direct messages)")
        for message in mine:
            text = text_of({"type": "mrkdwn", "text": message.text}, self.screen.reader(user))
            first = (text or "(blocks only)").splitlines()[0][:80]
            when = local_label(
                datetime.fromtimestamp(int(message.ts.split(".")[0]), ZoneInfo("UTC")), self.screen.tz(user)
            )
            kind = "ephemeral" if message.ephemeral_to else "DM"
            self.screen.say(f"  #{self.screen.number(message):<4} {when:<26} {kind:<9} {first}")

    def _show(self, user: str, words: str) -> None:
        if not words.lstrip("#").isdigit():
            raise SandboxError("Write `:show K` with a message number from :inbox.")
        message = self.hands._visible(user, int(words.lstrip("#")))
        self.screen.show_message(message, user)

    # ---- the clock ---------------------------------------------------------------------------
    def _now(self) -> None:
        now = self.rt.clock()
        for user in self.ws.users.values():
            self.screen.say(f"  {user['name']:<10} {local_label(now, user['tz'])}")
        self.screen.say(f"  {'UTC':<10} {now:%a %b %d %H:%M}")

    def _advance(self, user: str | None, words: str) -> None:
        now = self.rt.clock()
        tz = self.screen.tz(user)
        if words.lower().startswith("to "):
            target = parse_target(words[3:], now, tz)
        elif words:
            target = now + parse_duration(words)
        else:
            raise SandboxError("Write `:advance 3d`, `:advance 2h30m` or `:advance to 2026-12-01 09:00`.")
        if target <= now:
            raise SandboxError(f"{local_label(target, tz)} has passed: the clock only moves forward.")
        if target - now > MAX_ADVANCE:
            raise SandboxError("Advance at most 400 days at a time.")
        self.screen.say(f"── clock {local_label(now, tz)} → {local_label(target, tz)}")
        self._dispatch_until(target, user)
        self.rt.clock.set(target)

    def _dispatch_until(self, target: datetime, viewer: str | None) -> None:
        """Run every due job in time order, with the clock at each one's due time."""
        passes, last = 0, None
        while (due := self.rt.next_due()) is not None and due <= target:
            at = max(due, self.rt.clock())
            if at == last or passes >= MAX_DISPATCH_PASSES:
                self.screen.hint("the dispatcher keeps finding work due now; moving on")
                break
            self.rt.clock.set(at)
            self.rt.run_due(at)
            self.hands.settle(viewer)
            passes, last = passes + 1, at

    def _catch_up(self, viewer: str | None) -> None:
        """The dispatcher's tick at the current virtual time: anything already due goes out now."""
        now = self.rt.clock()
        due = self.rt.next_due()
        if due is not None and due <= now:
            self.rt.run_due(now)
        self.hands.settle(viewer)  # and whatever else arrived since the last line


def main(db_path: Path | None = None, *, empty: bool = False, start: datetime | None = None) -> int:
    """Run a session on the terminal, or on a script when standard input is not a terminal.

    A script may carry its own start time (`:start 2026-11-23T09:00-06:00` before its first command),
    so it replays the same on any day; `--start` wins over it. Exit status 1 when a line is refused.
    """
    if sys.stdin.isatty():
        with Sandbox(sys.stdout, db_path=db_path, empty=empty, start=start) as sandbox:
            sandbox.run(_typed(sandbox), echo=False)
        return 0
    script = sys.stdin.readlines()
    start = start or script_start(script)
    with Sandbox(sys.stdout, db_path=db_path, empty=empty, start=start) as sandbox:
        refused = sandbox.run(script, echo=True)
    if refused:
        print(f"coachbot sandbox: the script stopped: {refused}", file=sys.stderr)
        return 1
    return 0


def script_start(lines: list[str]) -> datetime | None:
    """The `:start ISO` a script carries before its first command, if any."""
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(":start "):
            return parse_start(line.removeprefix(":start ").strip())
        return None
    return None


def _typed(sandbox: Sandbox) -> Iterable[str]:
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (line editing and history for input())
    while True:
        try:
            yield input(sandbox.prompt())
        except EOFError:
            print()
            return
        except KeyboardInterrupt:
            print()
