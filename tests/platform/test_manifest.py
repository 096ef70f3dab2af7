"""manifest.yml is valid for Slack and declares exactly what the code uses (least privilege)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.harness import Slack

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = Path(__file__).resolve().parents[1] / "slack_reference"  # see NOTE.md there
CODE_DIRS = ("bot", "handlers")
# Methods that need no scope, or whose scope the spec names under an older label.
LEGACY_SCOPE_NAMES = {"chat:write:bot": "chat:write", "chat:write:user": "chat:write"}


def manifest() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


def code() -> str:
    return "\n".join(
        path.read_text()
        for d in CODE_DIRS
        for path in (ROOT / d).rglob("*.py")
        if "emulator" not in path.parts
    )


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads((REFERENCE / "manifest.schema.1.0.0.json").read_text())


def test_the_manifest_is_valid_against_slacks_schema(schema: dict[str, Any]) -> None:
    jsonschema.validate(manifest(), schema)


def test_the_socket_mode_variant_is_valid_too(schema: dict[str, Any]) -> None:
    socket = manifest()
    socket["settings"]["socket_mode_enabled"] = True
    jsonschema.validate(socket, schema)


def test_every_slash_command_escapes_mentions_and_has_a_usage_hint() -> None:
    for command in manifest()["features"]["slash_commands"]:
        assert command["should_escape"] is True, command["command"]
        assert command.get("usage_hint"), command["command"]


def test_commands_and_events_in_code_match_the_manifest() -> None:
    source = code()
    in_code_commands = set(re.findall(r"app\.command\(\"(/[a-z-]+)\"\)", source))
    in_code_events = set(re.findall(r"app\.event\(\"([a-z_]+)\"\)", source))
    declared = manifest()
    assert in_code_commands == {c["command"] for c in declared["features"]["slash_commands"]}
    assert in_code_events == set(declared["settings"]["event_subscriptions"]["bot_events"])


def test_every_declared_command_is_answered_by_the_app(slack: Slack, randy: str) -> None:
    for command in manifest()["features"]["slash_commands"]:
        reply = slack.command(command["command"], "help", user=randy)
        assert reply.status == 200 and reply.text, command["command"]


# Methods newer than the stored OpenAPI spec, with the scope Slack's method pages name.
SCOPES_NOT_IN_SPEC = {
    "files.getUploadURLExternal": {"files:write"},
    "files.completeUploadExternal": {"files:write"},
}
# slack_sdk helpers that call several Web API methods.
COMPOSITE_METHODS = {"files_upload_v2": {"files.getUploadURLExternal", "files.completeUploadExternal"}}


def _called_methods(source: str) -> set[str]:
    """Web API methods the code calls, from client.<namespace>_<method>( calls."""
    called = {
        f"{ns}.{name}" for ns, name in re.findall(r"\b(?:client|quick)\.([a-z]+)_([A-Za-z]+)\(", source)
    }
    for helper, methods in COMPOSITE_METHODS.items():
        if re.search(rf"\b(?:client|quick)\.{helper}\(", source):
            called |= methods
    return called


def test_every_web_api_method_the_code_calls_is_covered_by_a_declared_scope() -> None:
    scopes_of = json.loads((REFERENCE / "method_scopes.json").read_text())
    declared = set(manifest()["oauth_config"]["scopes"]["bot"])
    used_scopes: set[str] = set()
    for method in sorted(_called_methods(code())):
        if method in SCOPES_NOT_IN_SPEC:
            accepted = SCOPES_NOT_IN_SPEC[method]
        else:
            accepted = {LEGACY_SCOPE_NAMES.get(s, s) for s in scopes_of[method]}
        if accepted == {"none"}:
            continue
        covering = accepted & declared
        assert covering, f"{method} needs one of {sorted(accepted)}"
        used_scopes |= covering
    assert declared - {"commands"} == used_scopes, "declared scopes the code never uses"


def test_no_history_or_admin_scopes_are_requested() -> None:
    for scope in manifest()["oauth_config"]["scopes"]["bot"]:
        assert not scope.endswith(":history") and not scope.startswith("admin"), scope
