"""Slack's form bodies read in C give what urllib's parse_qsl gives, whatever the text; anything
the fast reading is unsure of falls back to parse_qsl."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, quote, urlencode

from hypothesis import given
from hypothesis import strategies as st

from bot.platform.form_body import FORM, decode_form, form_fields, slack_request

FIELDS = st.dictionaries(st.text(max_size=12), st.text(max_size=60), max_size=6)


@given(FIELDS)
def test_any_fields_slack_sends_read_the_same(fields: dict[str, str]) -> None:
    body = urlencode(fields)
    assert decode_form(body) in (None, dict(parse_qsl(body, keep_blank_values=True)))
    assert form_fields(body) == dict(parse_qsl(body, keep_blank_values=True))


@given(st.text(alphabet="ab=&%+3Fzé\\x", max_size=40))
def test_any_body_at_all_reads_as_parse_qsl_reads_it(body: str) -> None:
    # Broken escapes, stray backslashes, bare names, empty pairs, non-ASCII: never a different answer.
    assert form_fields(body) == dict(parse_qsl(body, keep_blank_values=True))


def test_a_click_is_read_in_c_and_dispatched_with_its_payload() -> None:
    payload = {"type": "block_actions", "user": {"id": "U1"}, "team": {"id": "T1"},
               "actions": [{"action_id": "nudge_on_track", "value": "12"}],
               "message": {"text": "Check-in — “5 goals” 🎯 100%"}}  # fmt: skip
    body = "payload=" + quote(json.dumps(payload), safe="")
    assert decode_form(body) is not None  # the fast reading took it
    request = slack_request(body, "", {"content-type": FORM})
    assert request.body == payload and request.raw_body == body
    assert request.context.user_id == "U1" and request.context.team_id == "T1"


def test_a_command_mentioning_payload_stays_a_command() -> None:
    body = urlencode({"command": "/goal", "text": "add Review the payload", "user_id": "U1", "team_id": "T1"})
    request = slack_request(body, "", {"content-type": FORM})
    assert request.body["text"] == "add Review the payload"
    assert request.context.user_id == "U1"


def test_json_bodies_are_left_to_bolt() -> None:
    body = json.dumps({"type": "event_callback", "team_id": "T1", "event": {"type": "app_home_opened"}})
    request = slack_request(body, "", {"content-type": "application/json"})
    assert request.body["event"]["type"] == "app_home_opened" and request.raw_body == body
