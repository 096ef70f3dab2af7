"""Joining a program channel: an ephemeral welcome listing the workshops coming up there."""

from __future__ import annotations

import pytest

from tests.harness import RunningApp, Slack
from tests.workshops.workshop_helpers import QUICK, announced


@pytest.fixture
def dean(slack: Slack) -> str:
    return slack.person("dean", "America/New_York", is_admin=True)


def test_someone_who_joins_sees_the_upcoming_workshops_there_and_only_they_see_it(
    slack: Slack, dean: str, randy: str, app: RunningApp
) -> None:
    channel = slack.channel("m1-coaching", [dean])
    slack.workshop(QUICK, user=dean)
    slack.workshop('#m1-coaching "Study skills" 2026-12-17 17:00', user=dean)
    announced(app, slack, channel, 0)
    announced(app, slack, channel, 1)
    newcomer = slack.person("nia")
    assert slack.join(newcomer, channel).status == 200
    [welcome] = slack.wait_for_ephemeral(newcomer)
    assert welcome.channel == channel
    text = welcome.blocks[0]["text"]["text"]
    assert "Welcome to" in text and "*Appreciative inquiry*" in text and "*Study skills*" in text
    assert slack.ephemerals(dean) == []


def test_a_retried_event_welcomes_once_and_quiet_channels_stay_quiet(
    slack: Slack, dean: str, randy: str, app: RunningApp
) -> None:
    channel = slack.channel("m1-coaching", [dean])
    quiet = slack.channel("random", [dean])
    slack.workshop(QUICK, user=dean)
    announced(app, slack, channel)
    slack.join(randy, channel, event_id="Ev0JOIN")
    slack.join(randy, channel, event_id="Ev0JOIN", retry_num=1)
    slack.join(randy, quiet)
    slack.join("UBOTCOACH", channel)  # the bot itself being added is no newcomer
    app.wait_idle()
    assert len(slack.ephemerals(randy)) == 1
