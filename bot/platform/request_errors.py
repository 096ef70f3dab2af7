"""What a failed request leaves in the log and on the wire: its kind and where it failed, never its words."""

from __future__ import annotations

import functools
import json
import logging
import re
import threading
import traceback
from collections.abc import Callable
from typing import Any
from urllib.error import URLError

from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient
from sqlalchemy.exc import DBAPIError, OperationalError

from storage.db import DatabaseBusy, is_lock_wait

SORRY = "Sorry, something went wrong on our side and nothing was changed. Please try again in a moment."
BUSY = "coachbot is busy right now and nothing was changed. Please try again in a moment."
# Ids the app itself defines look like this; anything else in a log line is shown as "?".
_ID = re.compile(r"[A-Za-z0-9_./:-]{1,60}")
STACK_FRAMES = 6


def request_kind(body: Any) -> str:
    """`/goal`, `block_actions nudge_done`, `view_submission goal_modal`, `event_callback app_home_opened`."""
    if not isinstance(body, dict):
        return "?"
    if "command" in body:
        return _id(body.get("command"))
    kind = _id(body.get("type"))
    detail: Any = None
    actions = body.get("actions")
    view = body.get("view")
    event = body.get("event")
    if isinstance(actions, list) and actions and isinstance(actions[0], dict):
        detail = actions[0].get("action_id")
    elif isinstance(view, dict):
        detail = view.get("callback_id")
    elif isinstance(event, dict):
        detail = event.get("type")
    return f"{kind} {_id(detail)}" if detail is not None else kind


def failure_summary(error: BaseException) -> str:
    """The error's class and where it was raised; its message may quote what a person typed, so it is left out."""
    name = type(error).__name__
    if isinstance(error, DBAPIError) and error.orig is not None:
        code = getattr(error.orig, "sqlite_errorname", None) or getattr(error.orig, "sqlstate", None)
        name += f" ({type(error.orig).__name__}{f' {code}' if code else ''})"
    frames = traceback.extract_tb(error.__traceback__)[-STACK_FRAMES:]
    where = " < ".join(f"{_module(frame.filename)}:{frame.lineno} {frame.name}" for frame in reversed(frames))
    return f"{name} at {where or '?'}"


def is_busy(error: BaseException) -> bool:
    """The request ran out of time waiting (a locked database, a slow Slack): nothing was changed."""
    if isinstance(error, URLError):
        return isinstance(error.reason, TimeoutError)
    if isinstance(error, OperationalError):  # outside Database (the OAuth installation store)
        return is_lock_wait(error)
    return isinstance(error, DatabaseBusy | TimeoutError)


def sorry_response(body: Any, text: str = SORRY) -> tuple[int, dict[str, Any] | None]:
    """What Slack gets for a signed request that failed: a kind word, never a 500 (nothing was changed)."""
    if isinstance(body, dict) and "command" in body:
        return 200, {"response_type": "ephemeral", "text": text}
    if isinstance(body, dict) and body.get("type") == "view_submission":
        # Pushed on top, so the form underneath keeps what the person typed.
        return 200, {"response_action": "push", "view": _sorry_view(text)}
    return 200, None


def tell_busy_later(body: Any, log: logging.Logger) -> None:
    """A click's ack carries no text: say "busy" through its response_url, after the ack."""
    url = body.get("response_url") if isinstance(body, dict) and body.get("type") == "block_actions" else None
    if not isinstance(url, str) or not url:
        return  # a click in App Home or a modal: nothing to answer in

    def send() -> None:
        try:
            WebhookClient(url, timeout=5).send(text=BUSY, response_type="ephemeral", replace_original=False)
        except Exception as error:
            log.warning("could not say busy: %s", type(error).__name__)

    threading.Thread(target=send, name="tell-busy", daemon=True).start()


def _sorry_view(text: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Not saved"},
        "close": {"type": "plain_text", "text": "Back"},
        "blocks": [{"type": "section", "text": {"type": "plain_text", "text": text}}],
    }


def encode(payload: dict[str, Any] | None) -> str:
    return "" if payload is None else json.dumps(payload)


def _id(value: Any) -> str:
    return value if isinstance(value, str) and _ID.fullmatch(value) else "?"


def _module(filename: str) -> str:
    parts = filename.replace("\\", "/").split("/")
    return "/".join(parts[-2:])


def report_failure(log: logging.Logger, what: str, error: Exception) -> None:
    """Log a failure without its message: Slack's refusal as a warning with its code, anything else
    as an error with where it failed."""
    if isinstance(error, SlackApiError):
        code = error.response.get("error") if error.response is not None else None
        log.warning("%s: Slack answered %s", what, _id(code))
    else:
        log.error("%s failed: %s", what, failure_summary(error))


def guard_follow_up(function: Callable[..., None], log: logging.Logger) -> Callable[..., None]:
    """A lazy listener whose failure is logged by report_failure (Bolt's own log line quotes the message)."""

    @functools.wraps(function)  # Bolt reads the wrapped function's argument names
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            function(*args, **kwargs)
        except Exception as error:
            report_failure(log, f"follow-up {function.__name__}", error)

    return run
