"""The app with COACHBOT_PUBLIC_URL set, as a deployment offering calendar feeds runs it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.emulator import SlackEmulator
from storage.db import Database
from tests.conftest import FixedClock
from tests.harness import RunningApp, settings_for, start_app

PUBLIC_URL = "https://coachbot.example.edu"


@pytest.fixture
def app(emulator: SlackEmulator, sqlite_db: Database, clock: FixedClock) -> Iterator[RunningApp]:
    running = start_app(settings_for(emulator, sqlite_db.url, public_url=PUBLIC_URL), sqlite_db, clock)
    yield running
    running.stop()
