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
from storage.models import Person
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


def test_a_file_with_problems_is_reported_whole_and_nobody_in_slack_is_contacted(
    cli_env: Database, emulator: SlackEmulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_file = tmp_path / "pairs.csv"
    csv_file.write_text(
        "Coach,Coachee\n"
        "drlee@example.edu,priya@example.edu\n"
        ",priya2@example.edu\n"
        "dr lee,randy@example.edu\n"
        "drkim@example.edu,PRIYA@example.edu\n"
    )
    assert main(["roster", "import", str(csv_file)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "row 3: both a coach and a coachee are needed",
        "row 4: “dr lee” is neither a Slack user id (U…) nor an email address",
        "row 5: PRIYA@example.edu is already in row 2 (one coach each)",
        f"nothing imported: 3 problem(s) in {csv_file} to fix first",
    ]
    assert emulator.calls == []  # not even auth.test: the file is checked before Slack is
    assert open_pairs(cli_env) == []


def test_import_names_people_counts_already_paired_apart_and_reports_rows_slack_refuses(
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
        "UNOSUCH1,sam@example.edu\n"
        "drlee@example.edu,drlee@example.edu\n"
        "nobody@example.edu,ann@example.edu\n"
        f"{kim},randy@example.edu\n"
    )
    assert main(["roster", "import", str(csv_file)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "row 2: priya is now paired with coach drlee.",
        "row 3: not imported: Slack has no user UNOSUCH1 (user_not_found)",
        "row 4: not imported: drlee can't be their own coach.",
        "row 5: not imported: Slack has no user nobody@example.edu (users_not_found)",
        "row 6: randy is now paired with coach drkim.",
        "2 imported, 0 already paired, 3 not imported",
    ]
    first = open_pairs(cli_env)
    assert len(first) == 2
    assert main(["roster", "import", str(csv_file)]) == 1
    again = capsys.readouterr().out.splitlines()
    assert again[0] == "row 2: priya is already paired with drlee."
    assert again[-1] == "0 imported, 2 already paired, 3 not imported"
    assert open_pairs(cli_env) == first


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_excel_csv_files_are_read_in_utf_8_with_or_without_bom_and_in_windows_1252(
    cli_env: Database,
    emulator: SlackEmulator,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    encoding: str,
) -> None:
    ws = emulator.workspace
    ws.add_user("drlee", "America/New_York")
    ws.add_user("josé", "America/Chicago", email="jose@example.edu")
    csv_file = tmp_path / "pairs.csv"
    csv_file.write_bytes(
        "Coach,Coachee,Cohort\r\ndrlee@example.edu,jose@example.edu,Année 1 – 2030\r\n".encode(encoding)
    )
    assert main(["roster", "import", str(csv_file)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "row 2: josé is now paired with coach drlee. josé is now in cohort Année 1 – 2030.",
        "1 imported, 0 already paired, 0 not imported",
    ]
    with cli_env.read() as session:
        assert session.scalar(select(Person.cohort).where(Person.display_name == "josé")) == "Année 1 – 2030"


def test_a_file_in_neither_encoding_is_refused_without_contacting_slack(
    cli_env: Database, emulator: SlackEmulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_file = tmp_path / "pairs.csv"
    csv_file.write_bytes(b"coach,coachee\nU1,U2\x81\n")  # 0x81 is undefined in Windows-1252 too
    assert main(["roster", "import", str(csv_file)]) == 2
    assert "neither UTF-8 nor Windows-1252" in capsys.readouterr().err
    assert emulator.calls == []


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
