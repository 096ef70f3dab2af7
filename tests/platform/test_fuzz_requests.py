"""Hostile, signed requests to every command, button and form the app defines: no 5xx, no traceback,
no half-done change. The ids come from the app's own id enums and manifest, so new ones are fuzzed too."""

from __future__ import annotations

import enum
import hashlib
import importlib
import json
import logging
import os
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import bot
from tests.conftest import FixedClock
from tests.harness import RunningApp, Slack, run_due
from tests.platform.test_manifest import ROOT
from tests.workshops.workshop_helpers import QUICK

EXAMPLES = 100  # per kind of request: four kinds keep the whole file well under a minute


def area_ids_modules() -> list[str]:
    """Every area's ids module (bot/<area>/ids.py), found on disk so a new area is fuzzed too."""
    root = Path(bot.__file__).parent
    return sorted(f"bot.{path.parent.name}.ids" for path in root.glob("*/ids.py"))


def app_ids() -> dict[str, list[str]]:
    """Every value of the StrEnums in the areas' ids modules, by kind (Action, Callback, and
    Field/Block for block ids)."""
    found: dict[str, set[str]] = {"Action": set(), "Callback": set(), "Field": set()}
    for name in area_ids_modules():
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, enum.StrEnum) and value.__module__ == name:
                kind = "Field" if value.__name__.endswith("Block") else value.__name__
                for suffix, ids in found.items():
                    if kind.endswith(suffix):
                        ids.update(member.value for member in value)
    return {kind: sorted(ids) for kind, ids in found.items()}


def manifest_features() -> tuple[list[str], list[str]]:
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    commands = [c["command"] for c in manifest["features"]["slash_commands"]]
    return commands, list(manifest["settings"]["event_subscriptions"]["bot_events"])


IDS = app_ids()
COMMANDS, EVENTS = manifest_features()
ELEMENT_TYPES = [
    "button",
    "plain_text_input",
    "static_select",
    "checkboxes",
    "datepicker",
    "timepicker",
    "users_select",
    "channels_select",
    "radio_buttons",
    "overflow",
    "bogus",
]
WORDS = [
    "add",
    "list",
    "edit",
    "done",
    "delete",
    "cadence",
    "progress",
    "assign",
    "unassign",
    "summary",
    "status",
    "quiet",
    "support",
    "settings",
    "create",
    "cancel",
    "remove",
    "help",
    "note",
    "export",
    "my data",
    "delete my data",
    "lead",
    "import",
    "who",
    "rsvp",
    "book",
    "#1",
    "1",
    "999999999999999999999",
]
HOSTILE = [
    "<!channel>",
    "<!here>",
    "<@U00000001>",
    "<https://evil.example|click>",
    "*bold*",
    "`x`",
    "\u0000",
    "\u202e",
    "9" * 40,
    "-1",
    "0",
    "1e999",
    "nan",
    "null",
    "{}",
    "[]",
    '{"number": 1}',
    "2026-02-30",
    "25:99",
    "a" * 3001,
    "tomorrow",
    "2026-12-01",
    "13:00",
    "on_track",
    "private",
    "Ω≈ç√",
    "",
]
METADATA_KEYS = ["number", "goal_id", "meeting_id", "checkin_id", "ts", "channel", "occurrence_id", "user"]

text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=60),
    st.builds(
        lambda w, t: f"{w} {t}",
        st.sampled_from(WORDS),
        st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40)),
    ),
    st.integers(-3, 10**20).map(str),
)
json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=5,
)
metadata = st.one_of(
    text, st.dictionaries(st.sampled_from(METADATA_KEYS), json_value, max_size=3).map(json.dumps)
)
option = st.fixed_dictionaries({"value": text})


@st.composite
def element(draw: st.DrawFn, action_id: str | None = None) -> dict[str, Any]:
    chosen = {"type": draw(st.sampled_from(ELEMENT_TYPES))}
    if action_id is not None:
        chosen["action_id"] = action_id
    fields = {
        "value": st.none() | text,
        "selected_option": st.none() | option,
        "selected_options": st.lists(option, max_size=3),
        "selected_date": text,
        "selected_time": text,
        "selected_user": text,
        "selected_channel": text,
    }
    for name in draw(st.lists(st.sampled_from(sorted(fields)), max_size=3, unique=True)):
        chosen[name] = draw(fields[name])
    return chosen


@st.composite
def state(draw: st.DrawFn) -> dict[str, Any]:
    blocks = st.sampled_from([*IDS["Field"], "checkin_goal_1", "checkin_goal_99"]) | st.text(max_size=8)
    values = {}
    for block_id in draw(st.lists(blocks, max_size=5, unique=True)):
        values[block_id] = {block_id: draw(element())}
    return {"values": values}


def corrupt(draw: st.DrawFn, payload: dict[str, Any]) -> dict[str, Any]:
    """Now and then, a field of the wrong type or a missing one (what no Slack sends)."""
    if draw(st.integers(0, 3)) == 0:
        key = draw(st.sampled_from(sorted(payload)))
        if draw(st.booleans()):
            payload.pop(key)
        else:
            payload[key] = draw(json_value)
    return payload


class Scene:
    """People, channels and things to point at: a goal, a coach, a meeting, a workshop, a nudge."""

    def __init__(self, slack: Slack, app: RunningApp, clock: FixedClock) -> None:
        self.slack = slack
        dean = slack.person("dean", is_admin=True)
        randy = slack.person("randy")
        coach = slack.person("drlee", "America/New_York")
        self.channel = slack.channel("m1-coaching", [dean, randy, coach])
        assert "now paired" in slack.command("/coach", "assign @drlee @randy", user=dean).text
        slack.goal("add Read the renal chapter", user=randy)
        slack.goal("cadence 1 daily", user=randy)
        slack.command("/meeting", "@randy 2026-12-03 13:00", user=coach)
        slack.workshop(f"create {QUICK}", user=dean)
        # The commands' own follow-ups send what they planned before the clock jumps a day; one
        # still running would send (or skip, a day late) during the first attack, changing the
        # database under a request that must change nothing.
        app.wait_idle()
        clock.advance(days=1)
        run_due(app, slack.emulator)
        other = slack.emulator.add_workspace("T0ELSEWHERE", "Elsewhere")
        self.stranger = other.add_user("stranger", "America/Chicago")
        self.users = [dean, randy, coach, "U0NOBODY"]
        self.channels = [self.channel, slack.ws.dm_channel(randy), "C0NOWHERE", ""]
        self.teams = [slack.ws.team_id, "T0ELSEWHERE", ""]

    def user(self, user_id: str) -> dict[str, Any]:
        return {"id": user_id, "username": "someone", "team_id": self.slack.ws.team_id}

    def messages(self) -> list[Any]:
        with self.slack.ws.lock:
            return list(self.slack.ws.messages[-20:])


@st.composite
def command_request(draw: st.DrawFn, scene: Scene) -> tuple[str, str]:
    user = draw(st.sampled_from(scene.users[:3]))
    form: dict[str, Any] = scene.slack.driver.command_form(user, draw(st.sampled_from(COMMANDS)), draw(text))
    form["channel_id"] = draw(st.sampled_from(scene.channels))
    if draw(st.integers(0, 4)) == 0:
        form["user_id"] = draw(st.sampled_from([*scene.users, scene.stranger]))
        form["team_id"] = draw(st.sampled_from(scene.teams))
    if draw(st.integers(0, 5)) == 0:
        form.pop(draw(st.sampled_from(sorted(form))))
    return urlencode(form), "application/x-www-form-urlencoded"


@st.composite
def action_request(draw: st.DrawFn, scene: Scene) -> tuple[str, str]:
    user = draw(st.sampled_from(scene.users))
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": scene.user(user),
        "team": {"id": draw(st.sampled_from(scene.teams)), "domain": "coaching"},
        "api_app_id": "ACOACHBOT",
        "trigger_id": scene.slack.driver.new_trigger(user) if user != "U0NOBODY" else "1.2.3",
        "actions": [draw(element(draw(st.sampled_from(IDS["Action"]))))],
    }
    payload["actions"][0]["block_id"] = draw(text)
    messages = scene.messages()
    if messages and draw(st.booleans()):
        message = draw(st.sampled_from(messages))
        payload["container"] = {"type": "message", "message_ts": message.ts, "channel_id": message.channel}
        payload["channel"] = {"id": draw(st.sampled_from([message.channel, *scene.channels]))}
        payload["message"] = {
            "type": "message",
            "ts": message.ts,
            "text": message.text,
            "blocks": message.blocks,
        }
        payload["response_url"] = scene.slack.emulator.response_url(payload["trigger_id"])
    else:
        payload["view"] = {
            "id": "V0FORGED",
            "hash": "h",
            "type": "home",
            "callback_id": draw(text),
            "private_metadata": draw(metadata),
            "state": draw(state()),
        }
        payload["container"] = {"type": "view", "view_id": "V0FORGED"}
    return urlencode({"payload": json.dumps(corrupt(draw, payload))}), "application/x-www-form-urlencoded"


@st.composite
def view_request(draw: st.DrawFn, scene: Scene) -> tuple[str, str]:
    user = draw(st.sampled_from(scene.users))
    view = {
        "id": f"V{draw(st.integers(0, 10**6))}",
        "hash": draw(text),
        "type": "modal",
        "callback_id": draw(st.sampled_from(IDS["Callback"])),
        "private_metadata": draw(metadata),
        "state": draw(state()),
        "blocks": [],
    }
    payload = {
        "type": draw(st.sampled_from(["view_submission", "view_submission", "view_closed"])),
        "user": scene.user(user),
        "team": {"id": draw(st.sampled_from(scene.teams))},
        "api_app_id": "ACOACHBOT",
        "trigger_id": scene.slack.driver.new_trigger(user) if user != "U0NOBODY" else "1.2.3",
        "view": corrupt(draw, view),
        "response_urls": [],
    }
    return urlencode({"payload": json.dumps(corrupt(draw, payload))}), "application/x-www-form-urlencoded"


@st.composite
def event_request(draw: st.DrawFn, scene: Scene) -> tuple[str, str]:
    event = {
        "type": draw(st.sampled_from(EVENTS)),
        "user": draw(st.sampled_from([*scene.users, scene.stranger])),
        "channel": draw(st.sampled_from(scene.channels)),
        "tab": draw(st.sampled_from(["home", "messages", "x"])),
        "event_ts": "1.2",
    }
    envelope = {
        "type": "event_callback",
        "team_id": draw(st.sampled_from(scene.teams)),
        "api_app_id": "ACOACHBOT",
        "event": corrupt(draw, event),
        "event_id": f"Ev{draw(st.integers(0, 10**9))}",
        "authorizations": [{"team_id": scene.slack.ws.team_id, "user_id": "UBOTCOACH", "is_bot": True}],
    }
    return json.dumps(corrupt(draw, envelope)), "application/json"


def raw_request() -> st.SearchStrategy[tuple[str, str]]:
    """Bodies that are not what any Slack request looks like."""
    bodies = st.one_of(
        text,
        json_value.map(json.dumps),
        json_value.map(lambda v: urlencode({"payload": json.dumps(v)})),
        st.just("payload=%7Bnot+json"),
    )
    return st.tuples(
        bodies, st.sampled_from(["application/json", "application/x-www-form-urlencoded", "text/plain"])
    )


def fingerprint(path: str) -> dict[str, str]:
    """A digest of every table's rows, by table, read through a connection of its own."""
    digests = {}
    with sqlite3.connect(path) as connection:
        tables = [
            r[0]
            for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        ]
        for table in tables:
            digest = hashlib.sha256()
            for row in connection.execute(f'SELECT * FROM "{table}" ORDER BY 1'):
                digest.update(repr(row).encode())
            digests[table] = digest.hexdigest()
    return digests


@pytest.fixture
def scene(slack: Slack, app: RunningApp, clock: FixedClock) -> Scene:
    return Scene(slack, app, clock)


def attack(scene: Scene, app: RunningApp, caplog: pytest.LogCaptureFixture, request: tuple[str, str]) -> None:
    body, content_type = request
    path = app.services.db.url.removeprefix("sqlite:///")
    before = fingerprint(path)
    first = len(caplog.records)
    reply = scene.slack.driver.post(body, content_type)
    app.wait_idle()
    assert reply.status < 500, (reply, body[:500])
    troubles = [r for r in caplog.records[first:] if r.levelno >= logging.ERROR or r.exc_info]
    assert not troubles, [(r.getMessage(), r.exc_info) for r in troubles]
    if reply.status != 200:
        changed = sorted(table for table, digest in fingerprint(path).items() if before.get(table) != digest)
        assert not changed, (reply, body[:500])


FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", EXAMPLES)),
    phases=[Phase.generate] if os.environ.get("FUZZ_NO_SHRINK") else list(Phase),
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


def test_the_ids_are_found() -> None:
    assert {"checkins", "goals", "meetings", "privacy", "workshops"} <= {
        name.split(".")[1] for name in area_ids_modules()
    }
    assert {"goal_modal", "checkin_modal", "workshop_modal", "meeting_modal"} <= set(IDS["Callback"])
    assert {"nudge_done", "workshop_going", "privacy_delete_confirm", "prep_checklist"} <= set(IDS["Action"])
    assert {"/goal", "/checkin", "/workshop", "/meeting", "/coach", "/coachbot"} <= set(COMMANDS)


@FUZZ
@given(data=st.data())
def test_fuzz_slash_commands(
    scene: Scene, app: RunningApp, caplog: pytest.LogCaptureFixture, data: st.DataObject
) -> None:
    attack(scene, app, caplog, data.draw(command_request(scene)))


@FUZZ
@given(data=st.data())
def test_fuzz_buttons(
    scene: Scene, app: RunningApp, caplog: pytest.LogCaptureFixture, data: st.DataObject
) -> None:
    attack(scene, app, caplog, data.draw(action_request(scene)))


@FUZZ
@given(data=st.data())
def test_fuzz_forms(
    scene: Scene, app: RunningApp, caplog: pytest.LogCaptureFixture, data: st.DataObject
) -> None:
    attack(scene, app, caplog, data.draw(view_request(scene)))


@FUZZ
@given(data=st.data())
def test_fuzz_events_and_raw_bodies(
    scene: Scene, app: RunningApp, caplog: pytest.LogCaptureFixture, data: st.DataObject
) -> None:
    attack(scene, app, caplog, data.draw(st.one_of(event_request(scene), raw_request())))
