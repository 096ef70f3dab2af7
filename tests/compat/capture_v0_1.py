"""Capture what version 0.1 stores and sends, for tests/compat/test_stored_and_sent_v0_1.py.

Run from the repository root:  .venv/bin/python -m tests.compat.capture_v0_1

It drives a coaching cycle through the real app (signed HTTP, the Slack emulator, a fixed virtual
clock) and stops when the database holds a pending delivery of every kind the app can plan. Rows
that the app sends at once (notices, alerts, cancellations …) are kept pending the way Slack itself
would leave them: the emulator answers that one send with 429, so the row waits for its retry.
It writes v0_1/coachbot.db (the SQLite file as stored), v0_1/deliveries.json (the pending rows, to
read) and v0_1/messages.json (the workspace: people, channels, every message, the App Home
and the modals as posted).
Not a test: pytest does not collect it (the file name does not start with test_).
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.emulator import Message, SlackDriver, SlackEmulator
from storage.db import Database
from storage.migrate import upgrade
from tests.compat.slack_forms import fill
from tests.harness import SIGNING_SECRET, Slack, run_due, settings_for, start_app

OUT = Path(__file__).parent / "v0_1"
START = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # Monday, 9:00 in Chicago
FILLERS = 50  # coachees of a second coach: a summary long enough to continue in its thread
RETRY_AFTER = 600  # seconds a rate-limited send waits; the rows it leaves are due after that


class Clock:
    """The fixed virtual clock: moves only when the script says so."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def interactive(blocks: list[dict[str, Any]]) -> bool:
    return any(
        block.get("type") == "actions" or "action_id" in (block.get("accessory") or {}) for block in blocks
    )


class FixedDriver(SlackDriver):
    """Trigger ids from a counter and the virtual clock: dedupe keys built from them come out the same."""

    def __init__(self, emulator: SlackEmulator, app_url: str, clock: Clock) -> None:
        super().__init__(emulator, app_url, SIGNING_SECRET)
        self.clock = clock
        self.count = itertools.count(1)

    def new_trigger(self, user_id: str) -> str:
        n = next(self.count)
        trigger_id = f"{n}.{int(self.clock.now.timestamp())}.{n:016x}"
        with self.ws.lock:
            self.ws.triggers[trigger_id] = (user_id, time.monotonic())
        return trigger_id


class Capture:
    def __init__(self, workdir: Path) -> None:
        self.clock = Clock(START)
        self.db = Database(f"sqlite:///{workdir / 'coachbot.db'}")
        upgrade(self.db.engine)
        self.emulator = SlackEmulator(clock=self.clock).start()
        self.app = start_app(settings_for(self.emulator, self.db.url), self.db, self.clock)
        self.slack = Slack(self.emulator, FixedDriver(self.emulator, self.app.url, self.clock))
        self.recorded: list[dict[str, Any]] = []  # extra messages (ephemeral replies on an ack)
        self.views: list[dict[str, Any]] = []

    def close(self) -> None:
        self.app.stop()
        self.emulator.stop()
        self.db.dispose()

    # ---- steps ---------------------------------------------------------------------------------
    def command(self, user: str, name: str, text: str = "", expect: str = "") -> Any:
        reply = self.slack.command(name, text, user=user)
        assert reply.status == 200, reply
        assert expect in reply.text, (name, text, reply.text)
        self.app.wait_idle()
        return reply

    def at(self, when: datetime) -> None:
        """Move the clock and let the dispatcher send what fell due."""
        self.app.wait_idle()
        self.clock.now = when
        run_due(self.app, self.emulator)
        self.app.wait_idle()

    def rate_limited(self, step: Any) -> None:
        """Slack answers the next send with 429: what `step` plans now stays pending for its retry."""
        self.emulator.fail("chat.postMessage", 429, times=None, retry_after=RETRY_AFTER)
        try:
            step()
            self.app.wait_idle()
        finally:
            self.emulator.heal()

    def keep_view(self, user: str, callback: str, answers: dict[str, Any]) -> dict[str, Any]:
        """Record the modal on top of `user`'s stack, with the answers a person would type into it."""
        view = self.slack.open_modal(user, callback=callback)
        self.views.append({"user": user, "view": json.loads(json.dumps(view)), "answers": answers})
        self.slack.ws.open_modals.pop(user, None)  # the person closes it (Slack sends nothing)
        return view

    def keep_reply(self, user: str, reply: Any) -> None:
        """An ephemeral reply carried on a command's ack, as the person sees it."""
        blocks = reply.json.get("blocks") or []
        channel = self.slack.ws.dm_channel(user)
        ts = self.slack.ws.new_ts(self.clock.now)
        self.recorded.append(message_json(Message(channel, ts, reply.text, blocks, ephemeral_to=user)))


def message_json(message: Message) -> dict[str, Any]:
    return {
        "channel": message.channel,
        "ts": message.ts,
        "text": message.text,
        "blocks": message.blocks,
        "thread_ts": message.thread_ts,
        "ephemeral_to": message.ephemeral_to,
    }


def text_value(value: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def drive(c: Capture) -> dict[str, str]:
    s = c.slack
    dean = s.person("dean", "America/Chicago", is_admin=True)
    drlee = s.person("drlee", "America/New_York")
    drkim = s.person("drkim", "America/Los_Angeles")
    randy = s.person("randy", "America/Chicago")
    priya = s.person("priya", "Asia/Kolkata")
    omar = s.person("omar", "Europe/London")
    lena = s.person("lena", "America/Chicago")
    channel = s.channel("m1-coaching", [dean, drlee, randy, priya, omar])
    people = {
        "dean": dean,
        "drlee": drlee,
        "drkim": drkim,
        "randy": randy,
        "priya": priya,
        "omar": omar,
        "lena": lena,
    }
    for coachee in ("randy", "priya", "omar", "lena"):
        c.command(dean, "/coach", f"assign @drlee @{coachee}", "now paired")
    for n in range(1, FILLERS + 1):
        s.person(f"student{n:02d}", "America/Denver")
        c.command(dean, "/coach", f"assign @drkim @student{n:02d}", "now paired")

    # Week 1, Monday 9:00: goals (one due tomorrow, so it is overdue by Wednesday's nudge).
    c.command(randy, "/goal", "add Do 40 practice questions a week by Dec 20")
    c.command(randy, "/goal", "add Finish the renal reading by tomorrow")
    c.command(randy, "/goal", "cadence 1 daily")
    c.command(randy, "/goal", "cadence 2 daily")
    c.command(priya, "/goal", "add Sleep 7 hours on weeknights by Dec 18")
    c.command(randy, "/goal", "new")
    c.keep_view(
        randy,
        "goal_modal",
        {
            "goal_title": text_value("Get better at suturing"),
            "goal_target": {"type": "datepicker", "selected_date": "2026-12-15"},
        },
    )
    # The first session, tomorrow: prep and brief arrive at booking (sooner than 48 hours).
    c.command(drlee, "/meeting", "@randy tomorrow 9am for 45m", "booked")
    c.command(drlee, "/meeting")
    c.keep_view(
        drlee,
        "meeting_modal",
        {
            "meeting_person": {"type": "users_select", "selected_user": priya},
            "meeting_date": {"type": "datepicker", "selected_date": "2026-12-09"},
            "meeting_time": {"type": "timepicker", "selected_time": "10:00"},
        },
    )
    prep = s.wait_for_dm(randy, "Getting ready")
    s.wait_for_dm(drlee, "Prep brief")
    s.click_message(randy, prep, "Add an agenda item")
    c.keep_view(randy, "agenda_modal", {"agenda_text": text_value("Choosing electives")})
    # A weekly workshop with three sessions, announced now; randy is going, omar maybe.
    c.command(dean, "/workshop", '#m1-coaching "Appreciative inquiry" Nov 30 5pm for 90m weekly until Dec 14')
    announcement = s.wait_for_post(channel)[0]
    c.app.wait_idle()
    s.click_message(randy, announcement, "Going")
    s.click_message(omar, announcement, "Maybe")
    c.command(dean, "/workshop", "new")
    c.keep_view(
        dean,
        "workshop_modal",
        {
            "workshop_title": text_value("Study skills"),
            "workshop_date": {"type": "datepicker", "selected_date": "2026-12-10"},
            "workshop_channel": {"type": "conversations_select", "selected_conversation": channel},
        },
    )
    # App Home, its settings and progress forms; the check-in form.
    s.open_home(randy)
    home = s.ws.homes[randy]
    s.click_in_view(randy, home, "Settings")
    c.keep_view(randy, "nudge_settings_modal", {})
    s.click_in_view(randy, home, "Log progress")
    c.keep_view(randy, "progress_modal", {"progress_note": text_value("Did 25 questions on cardio")})
    c.command(randy, "/checkin")
    c.keep_view(
        randy,
        "checkin_modal",
        {
            "checkin_wellbeing": {"type": "static_select", "selected_option": {"value": "2"}},
            "checkin_note": text_value("A hard week"),
        },
    )
    # Well-being 2 brings the support resources and the question whether to tell the coach.
    c.command(priya, "/checkin")
    form = s.open_modal(priya, callback="checkin_modal")
    state = {
        "checkin_wellbeing": {
            "checkin_wellbeing": {"type": "static_select", "selected_option": {"value": "2"}}
        },
        "checkin_note": {"checkin_note": text_value("Struggling to keep up")},
    }
    reply = s.driver.submit(priya, form, state)
    assert reply.json.get("response_action") == "update", reply
    support = {**reply.json["view"], "id": form["id"]}
    s.ws.views[form["id"]] = support
    c.views.append({"user": priya, "view": support, "answers": None})
    # Someone asks to delete their data: the confirmation's buttons (omar will not go through with it).
    c.keep_reply(omar, c.command(omar, "/coachbot", "delete my data"))

    # Tuesday 9:00 Chicago: the session, then its follow-ups; the daily nudges.
    c.at(datetime(2026, 11, 24, 15, 0, tzinfo=UTC))
    c.at(datetime(2026, 11, 24, 16, 5, tzinfo=UTC))
    # Wednesday and Thursday: the nudges, with the overdue goal.
    c.at(datetime(2026, 11, 25, 15, 0, tzinfo=UTC))
    c.at(datetime(2026, 11, 26, 15, 0, tzinfo=UTC))
    # The follow-up forms, from their messages.
    for user, label, callback, answers in (
        (
            randy,
            "Share my reflections",
            "follow_up_modal",
            {"follow_up_takeaways": text_value("Short blocks")},
        ),
        (drlee, "Add a private note", "coach_note_modal", {"coach_note_text": text_value("Ask about sleep")}),
        (randy, "Book the next session", "meeting_modal", {}),
    ):
        message = next(m for m in reversed(s.dms(user)) if label in json.dumps(m.blocks))
        s.click_message(user, message, label)
        c.keep_view(user, callback, answers)
    nudge = next(m for m in reversed(s.dms(randy)) if "Add a note" in json.dumps(m.blocks))
    s.click_message(randy, nudge, "Add a note")
    c.keep_view(randy, "nudge_note_modal", {"checkin_note": text_value("Halfway there")})

    # Now the rows that stay pending. Booked next week: reminders, prep, brief and follow-ups wait.
    c.rate_limited(lambda: c.command(drlee, "/meeting", "@randy Dec 2 2pm for 45m", "booked"))
    c.rate_limited(lambda: c.command(drlee, "/coach", "agreement @priya"))
    prep_for_randy = next(m for m in s.dms(randy) if "I agree" in json.dumps(m.blocks))
    c.rate_limited(lambda: s.click_message(randy, prep_for_randy, "I agree"))
    c.rate_limited(lambda: s.click_in_view(priya, s.ws.views[support["id"]], "Yes, tell my coach"))
    c.command(dean, "/workshop", '#m1-coaching "Mindful studying" Dec 3 5pm for 1h')
    c.app.wait_idle()
    mindful = s.wait_for_post(channel, 2)[-1]
    s.click_message(priya, mindful, "Going")
    c.app.wait_idle()
    c.rate_limited(lambda: c.command(dean, "/workshop", "cancel 2"))
    c.rate_limited(lambda: delete_own_data(c, lena))
    # A workshop whose announcement waits for the day the lead chose.
    c.command(dean, "/workshop", "new")
    later = s.open_modal(dean, callback="workshop_modal")
    answers = fill(
        later,
        {
            "workshop_title": text_value("Writing a personal statement"),
            "workshop_date": {"type": "datepicker", "selected_date": "2026-12-16"},
            "workshop_channel": {"type": "conversations_select", "selected_conversation": channel},
            "workshop_announce": {"type": "radio_buttons", "selected_option": {"value": "later"}},
            "workshop_announce_date": {"type": "datepicker", "selected_date": "2026-12-07"},
            "workshop_announce_time": {"type": "timepicker", "selected_time": "08:00"},
        },
    )
    reply = s.driver.submit(dean, later, answers)
    assert reply.status == 200 and "errors" not in reply.json, reply
    c.app.wait_idle()
    # A long summary: the first message goes now, the rest waits as parts in its thread.
    c.command(drkim, "/coach", "summary")
    s.emulator.wait_for(lambda _calls: any("summary" in m.text for m in s.dms(drkim)))
    c.app.wait_idle()
    return people


def delete_own_data(c: Capture, user: str) -> None:
    reply = c.command(user, "/coachbot", "delete my data")
    c.slack.click_in_reply(user, reply, "Delete my data")


def write(c: Capture, people: dict[str, str], workdir: Path) -> None:
    c.app.wait_idle()
    ws = c.slack.ws
    with ws.lock:
        messages = [message_json(m) for m in ws.messages]
        homes = {user: view for user, view in ws.homes.items() if interactive(view.get("blocks", []))}
        fixture = {
            "captured_at": c.clock.now.isoformat(),
            "team_id": ws.team_id,
            "people": people,
            "users": ws.users,
            "channels": ws.channels,
            "messages": [*messages, *c.recorded],
            "homes": homes,
            "views": c.views,
        }
    c.close()
    OUT.mkdir(exist_ok=True)
    target = OUT / "coachbot.db"
    target.unlink(missing_ok=True)
    with sqlite3.connect(workdir / "coachbot.db") as source, sqlite3.connect(target) as copy:
        source.backup(copy)  # a consistent copy, then compacted
    with sqlite3.connect(target) as compact:
        compact.execute("PRAGMA journal_mode = DELETE")
        compact.execute("PRAGMA page_size = 1024")
        compact.execute("VACUUM")
    rows = pending_rows(target)
    (OUT / "deliveries.json").write_text(json.dumps(rows, indent=1, sort_keys=True) + "\n")
    (OUT / "messages.json").write_text(json.dumps(fixture, indent=1, sort_keys=True) + "\n")
    kinds = sorted({row["kind"] for row in rows})
    print(f"{len(rows)} pending deliveries of {len(kinds)} kinds: {', '.join(kinds)}")
    print(f"{len(fixture['messages'])} messages, {len(homes)} homes, {len(c.views)} modals recorded")


def pending_rows(path: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(path) as connection:
        connection.row_factory = sqlite3.Row
        rows = connection.execute(
            "SELECT id, team_id, kind, recipient, person_id, due_at, dedupe_key, payload, attempts, "
            "last_error FROM deliveries WHERE status = 'pending' ORDER BY due_at, id"
        ).fetchall()
    return [{**dict(row), "payload": json.loads(row["payload"])} for row in rows]


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="coachbot-compat-") as tmp:
        capture = Capture(Path(tmp))
        try:
            people = drive(capture)
        except BaseException:
            capture.close()
            raise
        write(capture, people, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
