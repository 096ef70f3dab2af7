"""Bolt's listener matchers and our middleware, handed only the arguments they name.

Bolt asks each listener in turn whether a request is theirs, until one says yes, and before each
question it builds every argument it could offer a function: the body read eight ways, the
context's utilities (10-15 µs of CPU a question). A nudge click was asked of 17 listeners before its
own, a Slack event of over 60. A matcher here builds only what its function names, read the way
Bolt reads it; a function naming anything else keeps Bolt's own matcher.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.listener_matcher import ListenerMatcher
from slack_bolt.listener_matcher.builtins import BuiltinListenerMatcher
from slack_bolt.listener_matcher.custom_listener_matcher import CustomListenerMatcher
from slack_bolt.request.payload_utils import to_action, to_command, to_event, to_view

ARGUMENTS: dict[str, Callable[[BoltRequest], Any]] = {
    "body": lambda request: request.body,
    "command": lambda request: to_command(request.body),
    "action": lambda request: to_action(request.body),
    "view": lambda request: to_view(request.body),
    "event": lambda request: to_event(request.body),
    "context": lambda request: request.context,
    "client": lambda request: request.context.client,
}


class NamedArgumentsMatcher(ListenerMatcher):
    """A matcher function called with the arguments it names, and no others."""

    def __init__(self, func: Callable[..., Any], names: Sequence[str]) -> None:
        self.func = func
        self._arguments = [(name, ARGUMENTS[name]) for name in names]

    def matches(self, req: BoltRequest, resp: BoltResponse) -> bool:
        return bool(self.func(**{name: argument(req) for name, argument in self._arguments}))


def match_with_named_arguments(app: App) -> None:
    """Every listener's matchers (Bolt's own and ours) replaced by ones that build only what they read."""
    for listener in app._listeners:  # Bolt keeps them here, each with its list of matchers
        listener.matchers = [lean(matcher) for matcher in listener.matchers]


def lean(matcher: ListenerMatcher) -> ListenerMatcher:
    """The matcher itself when its function names an argument not in ARGUMENTS."""
    if (
        isinstance(matcher, BuiltinListenerMatcher | CustomListenerMatcher)
        and set(matcher.arg_names) <= ARGUMENTS.keys()
    ):
        return NamedArgumentsMatcher(matcher.func, list(matcher.arg_names))
    return matcher
