"""A sandbox session for tests: type lines, read back what the terminal would show."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from bot.app import AREAS
from bot.platform.areas import Area
from bot.sandbox import Sandbox


class Session:
    def __init__(self, sandbox: Sandbox, out: io.StringIO) -> None:
        self.sandbox = sandbox
        self.out = out
        self._read = 0

    def type(self, *lines: str) -> str:
        """Type each line (asserting the session goes on); the output they produced."""
        for line in lines:
            assert self.sandbox.handle(line), line
        return self.new_output()

    def new_output(self) -> str:
        text = self.out.getvalue()[self._read :]
        self._read = len(self.out.getvalue())
        return text

    def user(self, name: str) -> str:
        user_id = self.sandbox.ws.user_by_name(name)
        assert user_id
        return user_id


@contextmanager
def session(
    tmp_path: Path, start: datetime, *, empty: bool = False, areas: tuple[Area, ...] = AREAS
) -> Iterator[Session]:
    out = io.StringIO()
    with Sandbox(out, db_path=tmp_path / "sandbox.db", start=start, empty=empty, areas=areas) as sandbox:
        yield Session(sandbox, out)
