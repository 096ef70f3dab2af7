"""Workshop times are read in the creator's own zone unless they name one; repeats keep the program's clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from storage.models.workshops import Occurrence, Workshop
from tests.harness import RunningApp, Slack, block_texts
from tests.workshops.test_workshop_modal import filled
from tests.workshops.workshop_helpers import count


def starts(app: RunningApp) -> list[datetime]:
    with app.services.db.transaction() as s:
        return [
            o.astimezone(UTC) for o in s.scalars(select(Occurrence.starts_at).order_by(Occurrence.starts_at))
        ]


@pytest.fixture
def chicago_admin(slack: Slack) -> str:
    return slack.person("amy", "America/Chicago", is_admin=True)


@pytest.fixture
def channel(slack: Slack, chicago_admin: str) -> str:
    return slack.channel("m1-coaching", [chicago_admin])


def test_a_time_is_read_in_the_creators_own_zone_and_confirmed_in_theirs_and_the_programs(
    slack: Slack, app: RunningApp, chicago_admin: str, channel: str
) -> None:
    reply = slack.workshop('#m1-coaching "Study skills" Dec 10 5pm for 1h', user=chicago_admin).text
    assert starts(app) == [datetime(2026, 12, 10, 23, 0, tzinfo=UTC)]  # 5 PM in Chicago
    assert reply.endswith(
        "\nRead as Thu Dec 10, 2026 5:00 PM CST (your time) · Thu Dec 10, 2026 6:00 PM EST (the program's time)."
    )


@pytest.mark.parametrize(
    ("when", "utc_hour", "read_as"),
    [
        (
            "Dec 10 5pm ET",
            22,
            "Read as Thu Dec 10, 2026 4:00 PM CST (your time) · Thu Dec 10, 2026 5:00 PM EST (the program's time).",
        ),
        (
            "Dec 10 17:00 PT",
            1,
            "Read as Thu Dec 10, 2026 5:00 PM PST (as written) · Thu Dec 10, 2026 7:00 PM CST (your time) · "
            "Thu Dec 10, 2026 8:00 PM EST (the program's time).",
        ),
        (
            "Dec 10 at noon Europe/London",
            12,
            "Read as Thu Dec 10, 2026 12:00 PM GMT (as written) · Thu Dec 10, 2026 6:00 AM CST (your time) · "
            "Thu Dec 10, 2026 7:00 AM EST (the program's time).",
        ),
    ],
)
def test_a_zone_named_after_the_time_is_the_one_it_is_read_in(
    slack: Slack, app: RunningApp, chicago_admin: str, channel: str, when: str, utc_hour: int, read_as: str
) -> None:
    reply = slack.workshop(f'#m1-coaching "Study skills" {when} for 1h', user=chicago_admin).text
    [start] = starts(app)
    assert start.hour == utc_hour and start.minute == 0
    assert reply.splitlines()[-1] == read_as


def test_a_series_read_in_another_zone_keeps_the_programs_wall_clock_across_its_clock_change(
    slack: Slack, app: RunningApp, channel: str
) -> None:
    kolkata = slack.person("ravi", "Asia/Kolkata", is_admin=True)
    slack.workshop('#m1-coaching "Study skills" Mar 4 9pm for 1h weekly, 3 times', user=kolkata)
    # 9 PM in Kolkata is 10:30 AM in New York; the program's clocks go forward on Mar 14, 2027.
    assert starts(app) == [
        datetime(2027, 3, 4, 15, 30, tzinfo=UTC),
        datetime(2027, 3, 11, 15, 30, tzinfo=UTC),
        datetime(2027, 3, 18, 14, 30, tzinfo=UTC),
    ]


def test_a_word_after_the_time_that_names_no_zone_is_refused_and_nothing_is_saved(
    slack: Slack, app: RunningApp, chicago_admin: str, channel: str
) -> None:
    for when in ("Dec 10 5pm Mars", "Dec 10 5pm America/Atlantis"):
        reply = slack.workshop(f'#m1-coaching "Study skills" {when} for 1h', user=chicago_admin).text
        assert reply.startswith("I couldn't read") and when.split()[-1] in reply
    assert count(app, Workshop) == 0


def test_a_time_in_doubt_is_asked_with_yes_and_no_and_yes_saves_and_announces_it_once(
    slack: Slack, app: RunningApp, chicago_admin: str, channel: str
) -> None:
    asked = slack.workshop('#m1-coaching "Study skills" Dec 10 at 7 for 1h', user=chicago_admin)
    assert asked.text.startswith("Did you mean *Thu Dec 10, 2026 7:00 PM CST* for *Study skills*? (")
    assert count(app, Workshop) == 0  # nothing is saved before the answer
    yes = "Yes, Thu Dec 10, 2026 7:00 PM CST"
    slack.click_in_reply(chicago_admin, asked, yes)
    saved = slack.wait_for_response("saved")["text"]
    assert saved.startswith(f"Workshop #1 saved: *Study skills* in <#{channel}>")
    assert "Read as Thu Dec 10, 2026 7:00 PM CST (your time) · Thu Dec 10, 2026 8:00 PM EST" in saved
    [post] = slack.wait_for_post(channel)
    assert "Study skills" in post.text
    slack.click_in_reply(chicago_admin, asked, yes)  # a second click saves and announces nothing more
    app.wait_idle()
    assert count(app, Workshop) == 1 and len(slack.posts(channel)) == 1
    assert starts(app) == [datetime(2026, 12, 11, 1, 0, tzinfo=UTC)]


def test_no_to_a_time_in_doubt_saves_nothing_and_says_how_to_write_it(
    slack: Slack, app: RunningApp, chicago_admin: str, channel: str
) -> None:
    asked = slack.workshop(
        '#m1-coaching "Study skills" Dec 10 at 7 for 1h weekly, 3 times', user=chicago_admin
    )
    slack.click_in_reply(chicago_admin, asked, "No, let me fix it")
    fixed = slack.wait_for_response("Nothing saved")["text"]
    assert fixed == "Nothing saved. Type it again with the date and time in full, e.g. `Dec 10 2026 7:00pm`."
    app.wait_idle()
    assert count(app, Workshop) == 0 and slack.posts(channel) == []


def test_the_form_asks_for_times_in_the_creators_zone_and_the_edit_form_shows_them_there(
    slack: Slack, app: RunningApp, chicago_admin: str, channel: str
) -> None:
    slack.workshop("", user=chicago_admin)
    form = slack.open_modal(chicago_admin, callback="workshop_modal")
    time_block = next(b for b in form["blocks"] if b["block_id"] == "workshop_time")
    assert time_block["element"]["timezone"] == "America/Chicago"
    assert time_block["hint"]["text"] == (
        "In your time zone, America/Chicago (it repeats on the program's clock, America/New_York)."
    )
    values = filled(channel) | {
        "workshop_date": {"type": "datepicker", "selected_date": "2026-12-10"},
        "workshop_time": {"type": "timepicker", "selected_time": "17:00", "timezone": "America/Chicago"},
    }
    saved = block_texts(slack.submit(chicago_admin, form, values).json["view"]["blocks"])
    assert (
        "Read as Thu Dec 10, 2026 5:00 PM CST (your time) · Thu Dec 10, 2026 6:00 PM EST (the program's time)."
        in saved
    )
    assert starts(app)[0] == datetime(2026, 12, 10, 23, 0, tzinfo=UTC)
    slack.ws.open_modals.pop(chicago_admin, None)
    slack.workshop("edit 1", user=chicago_admin)
    edit = slack.open_modal(chicago_admin, callback="workshop_modal")
    edit_time = next(b for b in edit["blocks"] if b["block_id"] == "workshop_time")["element"]
    assert (edit_time["initial_time"], edit_time["timezone"]) == ("17:00", "America/Chicago")
