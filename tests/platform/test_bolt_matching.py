"""Finding a request's listener: Bolt's matchers, handed only what they read (bot/platform/bolt_matching.py)."""

from __future__ import annotations

from typing import Any

import pytest
from slack_bolt import BoltContext, BoltRequest, BoltResponse
from slack_bolt.listener_matcher import builtins, custom_listener_matcher
from slack_bolt.middleware import custom_middleware

from bot.platform.bolt_matching import NamedArgumentsMatcher, lean
from storage.people import find_person
from tests.harness import RunningApp, Slack


def test_no_request_pays_for_bolts_full_argument_set_to_find_its_listener(
    slack: Slack, randy: str, app: RunningApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []
    for module in (builtins, custom_listener_matcher, custom_middleware):
        original = module.build_required_kwargs

        def counted(_original: Any = original, **arguments: Any) -> dict[str, Any]:
            built.append(str(arguments.get("this_func")))
            return _original(**arguments)

        monkeypatch.setattr(module, "build_required_kwargs", counted)
    reply = slack.goal("add Read a chapter by Dec 20", user=randy)
    # An event: Bolt asks more than 60 listeners before the one for user_change.
    assert slack.driver.change_user(randy, tz="Europe/Berlin").status == 200
    app.wait_idle()
    assert "Goal #1" in reply.text
    with app.services.db.read() as session:
        person = find_person(session, slack.ws.team_id, randy)
        assert person is not None and person.tz == "Europe/Berlin"
    assert built == []


def test_a_matcher_gets_the_arguments_it_names_as_bolt_would_give_them() -> None:
    body = {"type": "block_actions", "actions": [{"action_id": "nudge_on_track", "value": "7"}]}
    request = BoltRequest(body="", context=BoltContext({"user_id": "U1"}))
    request.body = body
    seen: list[tuple[Any, ...]] = []

    def matcher(action: dict[str, Any], body: dict[str, Any], context: BoltContext, command: Any) -> bool:
        seen.append((action, body, context.user_id, command))
        return action["action_id"] == "nudge_on_track"

    bolts = custom_listener_matcher.CustomListenerMatcher(app_name="test", func=matcher)
    leaner = lean(bolts)
    assert isinstance(leaner, NamedArgumentsMatcher)
    response = BoltResponse(status=200)
    assert leaner.matches(request, response) is True and bolts.matches(request, response) is True
    assert seen[0] == seen[1] == ({"action_id": "nudge_on_track", "value": "7"}, body, "U1", None)


def test_a_matcher_naming_anything_else_keeps_bolts_own() -> None:
    def matcher(payload: dict[str, Any], say: Any) -> bool:
        return True

    bolts = custom_listener_matcher.CustomListenerMatcher(app_name="test", func=matcher)
    assert lean(bolts) is bolts
