"""`/coachbot calendar` where no public address is set, and the setting itself."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.emulator import SlackEmulator
from bot.platform.settings import SettingsError, load_settings
from storage.db import Database
from tests.conftest import FixedClock
from tests.harness import RunningApp, Slack, settings_for, start_app


@pytest.fixture
def app(emulator: SlackEmulator, sqlite_db: Database, clock: FixedClock) -> Iterator[RunningApp]:
    """A deployment without COACHBOT_PUBLIC_URL (the calendar directory's default sets one)."""
    running = start_app(settings_for(emulator, sqlite_db.url), sqlite_db, clock)
    yield running
    running.stop()


def test_without_a_public_url_the_command_says_how_to_set_it_and_makes_no_secret(
    slack: Slack, app: RunningApp, randy: str
) -> None:
    reply = slack.command("/coachbot", "calendar", user=randy)
    assert "COACHBOT_PUBLIC_URL" in reply.text and "/calendar/" not in reply.text
    assert ".ics" in reply.text  # the files still come
    assert "calendar [reset]" in slack.command("/coachbot", "help", user=randy).text
    assert "replaces it" in slack.command("/coachbot", "calendar please", user=randy).text


def test_the_public_url_setting_is_checked_and_tidied() -> None:
    assert load_settings({"COACHBOT_PUBLIC_URL": "https://coach.example.edu/"}).public_url == (
        "https://coach.example.edu"
    )
    assert load_settings({}).public_url is None
    with pytest.raises(SettingsError, match="COACHBOT_PUBLIC_URL"):
        load_settings({"COACHBOT_PUBLIC_URL": "coach.example.edu"})
