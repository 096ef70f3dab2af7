"""COACHBOT_PROGRAM_TZ: the zone workshop times are typed and repeated in."""

from __future__ import annotations

import pytest

from bot.platform.settings import SettingsError, load_settings


def test_the_program_zone_defaults_to_new_york_and_can_be_set() -> None:
    assert load_settings({}).program_tz == "America/New_York"
    assert load_settings({"COACHBOT_PROGRAM_TZ": "Europe/Dublin"}).program_tz == "Europe/Dublin"


def test_an_unknown_zone_stops_start_up_with_one_line() -> None:
    with pytest.raises(SettingsError, match="COACHBOT_PROGRAM_TZ must be an IANA time zone"):
        load_settings({"COACHBOT_PROGRAM_TZ": "Eastern"})
