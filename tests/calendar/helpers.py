"""Reading the calendar files the app shared in a DM, with vobject: a parser that is not ours."""

from __future__ import annotations

from typing import Any

import vobject

from tests.harness import Slack


def ics_files(slack: Slack, user: str) -> list[tuple[str, bytes]]:
    """(file name, bytes) of every .ics shared into the person's DM, oldest first."""
    ws = slack.emulator.workspace
    found = []
    with ws.lock:
        for message in ws.messages:
            if ws.dm_user(message.channel) != user:
                continue
            for file_id in message.files:
                stored = ws.files[file_id]
                if stored["name"].endswith(".ics") and stored["data"] is not None:
                    found.append((stored["name"], bytes(stored["data"])))
    return found


def wait_for_ics(slack: Slack, user: str, count: int, timeout: float = 5.0) -> list[Any]:
    """The person's first `count` calendar files, each parsed by vobject into a VCALENDAR."""

    def enough(_calls: object) -> list[tuple[str, bytes]] | None:
        files = ics_files(slack, user)
        return files if len(files) >= count else None

    files: list[tuple[str, bytes]] = slack.emulator.wait_for(enough, timeout)
    return [vobject.readOne(data.decode()) for _, data in files[:count]]


def text_of(component: Any, name: str) -> str:
    """A property's value, "" when it is absent."""
    found = component.contents.get(name.lower())
    return str(found[0].value) if found else ""
