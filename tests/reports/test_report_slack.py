"""Cohorts and reports through Slack: /coach cohort, the roster, /coach report's CSV, the digest's
chart in the admin's DM and on their App Home, and `coachbot report` (audited)."""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bench.program import build_program
from bot.cli import main
from storage.db import Database
from storage.models import Person
from tests.conftest import FixedClock
from tests.harness import BOT_TOKEN, RunningApp, Slack, block_texts

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def cohort_of(app: RunningApp, user: str) -> str | None:
    with app.services.db.read() as session:
        return session.scalars(select(Person.cohort).where(Person.slack_user_id == user)).one()


def uploaded_to(slack: Slack, user: str, count: int = 1) -> list[dict[str, object]]:
    """The files shared into the user's DM, once `count` of them are there (other people's may come first)."""

    def files(_calls: object) -> list[dict[str, object]]:
        found = [f for f in slack.ws.files.values() if slack.ws.dm_channel(user) in f["channels"]]
        return found if len(found) >= count else []

    return list(slack.emulator.wait_for(files, timeout=60))


def test_an_admin_puts_a_coachee_in_a_cohort_and_the_roster_shows_it(
    slack: Slack, app: RunningApp, dean: str, paired: tuple[str, str]
) -> None:
    coach, coachee = paired
    refusal = slack.command("/coach", "cohort @priya M1 2030", user=coach).text
    assert "Only program admins can set cohorts" in refusal and cohort_of(app, coachee) is None
    assert "is now in cohort *M1 2030*" in slack.command("/coach", "cohort @priya  M1   2030", user=dean).text
    assert cohort_of(app, coachee) == "M1 2030"
    assert "cohort M1 2030" in slack.command("/coach", "roster", user=dean).text
    assert "Name one person and the cohort" in slack.command("/coach", "cohort @priya", user=dean).text
    assert "1 to 64 characters" in slack.command("/coach", "cohort @priya " + "x" * 65, user=dean).text
    assert cohort_of(app, coachee) == "M1 2030"
    assert "no longer in a cohort" in slack.command("/coach", "cohort @priya none", user=dean).text
    assert cohort_of(app, coachee) is None


def test_coach_report_sends_an_admin_the_csv_and_refuses_everyone_else(
    slack: Slack, app: RunningApp, dean: str, paired: tuple[str, str]
) -> None:
    coach, _ = paired
    assert (
        "Only program admins can export program reports" in slack.command("/coach", "report", user=coach).text
    )
    assert "Write both dates" in slack.command("/coach", "report 2026-09-01", user=dean).text
    assert "before it starts" in slack.command("/coach", "report 2026-12-01 2026-09-01", user=dean).text
    reply = slack.command("/coach", "report 2026-09-01 2026-11-22", user=dean).text
    assert "as a CSV file" in reply
    [stored] = uploaded_to(slack, dean)
    rows = list(csv.DictReader(io.StringIO(bytes(stored["data"]).decode())))  # type: ignore[call-overload]
    # One coachee: every figure about them is a figure about fewer than 5 people.
    assert rows and {row["coachees"] for row in rows} == {"fewer than 5 — not shown"}
    assert slack.wait_for_dm(dean, "Your program report").text.startswith("Your program report")
    assert all(slack.ws.dm_channel(coach) not in f["channels"] for f in slack.ws.files.values())


def test_the_digest_carries_a_chart_in_the_dm_and_on_the_admins_home(
    slack: Slack, app: RunningApp, dean: str, clock: FixedClock
) -> None:
    with app.services.db.transaction() as session:
        build_program(session, clock.now, coaches=2, coachees=6, weeks=14, team=slack.ws.team_id,
                      cohorts=["M1 2030", "IM PGY-2"])  # fmt: skip
    assert "sending you the program digest" in slack.command("/coach", "digest", user=dean).text
    # The first chart loads matplotlib: slower than a plain message on a busy machine.
    digest = slack.wait_for_dm(dean, "Your weekly program digest", timeout=60)
    text = block_texts(digest.blocks)
    assert "By cohort, week 2026-W47" in text and "*M1 2030* (6 coachees)" in text
    [chart] = uploaded_to(slack, dean)
    png = bytes(chart["data"])  # type: ignore[call-overload]
    assert png.startswith(PNG_MAGIC) and 20_000 < len(png) < 1_000_000
    # The file's id is recorded when the digest's row is settled, a moment after the upload lands.
    deadline = time.monotonic() + 10
    while True:
        images = [b for b in slack.open_home(dean)["blocks"] if b["type"] == "image"]
        if images or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    [image] = images
    assert image["slack_file"] == {"id": chart["id"]}
    assert "M1 2030: 6 coachees" in image["alt_text"] and "All cohorts: 12 coachees" in image["alt_text"]


def test_coachbot_report_prints_csv_or_json_and_by_person_rows_are_pseudonymous_and_audited(
    slack: Slack,
    app: RunningApp,
    sqlite_db: Database,
    clock: FixedClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with app.services.db.transaction() as session:
        build_program(
            session, clock.now, coaches=1, coachees=5, weeks=6, team=slack.ws.team_id, cohorts=["M1 2030"]
        )
    monkeypatch.setenv("DATABASE_URL", sqlite_db.url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_API_URL", slack.emulator.url)
    monkeypatch.setattr("bot.reports.service.Services.now", lambda self: clock.now)
    since, until = (clock.now - timedelta(weeks=3)).date().isoformat(), clock.now.date().isoformat()
    assert main(["report", "--since", since, "--until", until, "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    cohorts = {row["cohort"] for row in document["rows"]}
    assert cohorts == {"M1 2030", "All cohorts"} and document["min_group"] == 5
    assert main(["report", "--since", since, "--until", until, "--by-person"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len({row["person"] for row in rows}) == 5
    assert all(row["person"].startswith("p-") and "U" not in row["person"] for row in rows)
    assert "wellbeing_1" not in rows[0] and "asked_for_help_pct" not in rows[0]
    assert main(["audit"]) == 0
    log = capsys.readouterr().out
    assert "report.by_person" in log and "report.exported" in log
    assert main(["report", "--since", until, "--until", since]) == 2
    assert "before it starts" in capsys.readouterr().err
