"""`coachbot roster import FILE.csv` and `coachbot agreement set FILE.md`: row-by-row reports, safe to run twice."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import build_services
from bot.cli import main
from bot.emulator import SlackEmulator
from bot.meetings.agreement import agreement_text
from storage.db import Database
from storage.models.meetings import Pairing
from tests.conftest import FixedClock
from tests.harness import BOT_TOKEN, settings_for


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, emulator: SlackEmulator, sqlite_db: Database) -> Database:
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_API_URL", emulator.url)
    monkeypatch.setenv("DATABASE_URL", sqlite_db.url)
    return sqlite_db


def open_pairs(db: Database) -> list[tuple[int, int]]:
    with db.transaction() as session:
        rows = session.scalars(select(Pairing).where(Pairing.closed_at.is_(None)).order_by(Pairing.id))
        return [(p.coach_id, p.coachee_id) for p in rows]


def test_import_reports_each_bad_row_changes_nothing_for_it_and_is_safe_twice(
    cli_env: Database, emulator: SlackEmulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = emulator.workspace
    ws.add_user("drlee", "America/New_York")
    ws.add_user("priya", "Asia/Kolkata")
    kim = ws.add_user("drkim", "Europe/London")
    ws.add_user("randy", "America/Chicago")
    csv_file = tmp_path / "pairs.csv"
    csv_file.write_text(
        "Coach,Coachee\n"
        "drlee@example.edu,priya@example.edu\n"
        "UNOSUCH1,priya@example.edu\n"
        "drlee@example.edu,drlee@example.edu\n"
        ",priya@example.edu\n"
        "dr lee,randy@example.edu\n"
        "nobody@example.edu,randy@example.edu\n"
        f"{kim},randy@example.edu\n"
    )
    assert main(["roster", "import", str(csv_file)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("row 2: <@") and "is now paired with coach" in out[0]
    assert out[1] == "row 3: not imported: Slack has no user UNOSUCH1 (user_not_found)"
    assert out[2] == "row 4: not imported: drlee can't be their own coach."
    assert out[3] == "row 5: not imported: both a coach and a coachee are needed"
    assert "“dr lee” is neither a Slack user id" in out[4]
    assert out[5] == "row 7: not imported: Slack has no user nobody@example.edu (users_not_found)"
    assert out[6].startswith("row 8:") and "now paired" in out[6]
    assert out[-1] == "2 rows imported, 5 not imported"
    first = open_pairs(cli_env)
    assert len(first) == 2
    assert main(["roster", "import", str(csv_file)]) == 1
    again = capsys.readouterr().out.splitlines()
    assert "already paired" in again[0] and "already paired" in again[6]
    assert open_pairs(cli_env) == first


def test_a_file_without_the_columns_is_refused(
    cli_env: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_file = tmp_path / "pairs.csv"
    csv_file.write_text("mentor,student\nU1,U2\n")
    assert main(["roster", "import", str(csv_file)]) == 2
    assert "columns coach,coachee" in capsys.readouterr().err


def test_agreement_set_stores_the_programs_text(
    cli_env: Database, emulator: SlackEmulator, clock: FixedClock, tmp_path: Path
) -> None:
    text_file = tmp_path / "agreement.md"
    text_file.write_text("*Our compact*\n\nWe meet every month.\n")
    assert main(["agreement", "set", str(text_file)]) == 0
    services = build_services(settings_for(emulator, cli_env.url), db=cli_env, clock=clock)
    assert agreement_text(services, emulator.workspace.team_id) == "*Our compact*\n\nWe meet every month."
    assert "Our coaching agreement" in agreement_text(
        services, "T_OTHER"
    )  # other workspaces keep the default
