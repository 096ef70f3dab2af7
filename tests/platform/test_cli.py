"""The `coachbot` command line: clear one-line errors with exit status 2, and a real server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot.emulator import SlackEmulator
from tests.harness import BOT_TOKEN, SIGNING_SECRET, wait_until
from tests.platform.test_checkpoints import rows_in_the_file_alone


def run(args: list[str], env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def base_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "COACHBOT_")) and k != "DATABASE_URL"
    }
    return {**keep, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", **extra}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({}, "SLACK_BOT_TOKEN is not set"),
        ({"SLACK_BOT_TOKEN": "xoxp-user-token"}, "must be a bot token"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET is not set"),
        (
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "COACHBOT_TICK_SECONDS": "soon"},
            "COACHBOT_TICK_SECONDS",
        ),
        (
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "COACHBOT_ADMIN_IDS": "dean"},
            "COACHBOT_ADMIN_IDS",
        ),
        (
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "slack.com"},
            "SLACK_API_URL",
        ),
    ],
)
def test_a_missing_or_wrong_setting_stops_serve_with_one_line_and_status_2(
    tmp_path: Path, extra: dict[str, str], message: str
) -> None:
    result = run(["serve"], base_env(tmp_path, **extra))
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("coachbot:")]
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_a_token_slack_refuses_stops_start_up_without_showing_it(
    tmp_path: Path, emulator: SlackEmulator
) -> None:
    secret_token = "xoxb-wrong-token-123"
    env = base_env(
        tmp_path, SLACK_BOT_TOKEN=secret_token, SLACK_SIGNING_SECRET="s", SLACK_API_URL=emulator.url
    )
    result = run(["serve"], env)
    assert result.returncode == 2 and "invalid_auth" in result.stderr
    assert secret_token not in result.stderr + result.stdout


def test_an_unreachable_database_is_one_clear_line(tmp_path: Path, emulator: SlackEmulator) -> None:
    env = base_env(tmp_path, DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none")
    result = run(["db", "upgrade"], env)
    assert (
        result.returncode == 2
        and "cannot open DATABASE_URL" in result.stderr
        and "Traceback" not in result.stderr
    )


def test_db_upgrade_reports_what_it_applied_then_that_it_is_already_up_to_date(tmp_path: Path) -> None:
    first = run(["db", "upgrade"], base_env(tmp_path))
    lines = first.stdout.splitlines()
    assert first.returncode == 0 and (tmp_path / "cli.db").exists()
    assert (
        lines[0] == "applied 0001: people goals and progress notes" and lines[1] == "applied 0002: deliveries"
    )
    assert all(line.startswith("applied ") for line in lines[:-1]) and len(lines) > 10
    assert lines[-1].startswith("database is up to date (revision ")
    again = run(["db", "upgrade"], base_env(tmp_path))
    assert again.returncode == 0
    assert again.stdout == lines[-1].replace("database is up to date", "already up to date") + "\n"
    for result in (first, again):  # Alembic's own INFO narration stays out of an admin's terminal
        assert "alembic" not in result.stderr and "INFO" not in result.stderr, result.stderr


def test_help_says_plain_coachbot_starts_the_sandbox(tmp_path: Path) -> None:
    result = run(["--help"], base_env(tmp_path))
    assert result.returncode == 0
    assert "Plain `coachbot` (no command) starts the sandbox when no Slack tokens are set" in " ".join(
        result.stdout.split()
    )


def test_people_remove_asks_first_and_no_answer_means_no(tmp_path: Path, emulator: SlackEmulator) -> None:
    ws = emulator.workspace
    ws.add_user("drlee", "America/New_York")
    priya = ws.add_user("priya", "Asia/Kolkata")
    env = base_env(tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=emulator.url)
    roster = tmp_path / "pairs.csv"
    roster.write_text("coach,coachee\ndrlee@example.edu,priya@example.edu\n")
    imported = run(["roster", "import", str(roster)], env)
    assert imported.returncode == 0 and imported.stdout.endswith(
        "1 imported, 0 already paired, 0 not imported\n"
    )
    assert "INFO" not in imported.stderr, imported.stderr
    for answer in ("", "n\n", "maybe\n"):  # end of input, no, anything but yes
        kept = subprocess.run(
            [sys.executable, "-m", "bot", "people", "remove", priya],
            env=env, input=answer, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert kept.returncode == 1 and "This cannot be undone. [y/N]" in kept.stdout
        assert kept.stdout.rstrip().endswith("Nothing removed."), kept.stdout
    removed = subprocess.run(
        [sys.executable, "-m", "bot", "people", "remove", priya],
        env=env, input="y\n", capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert removed.returncode == 0 and f"{priya} removed:" in removed.stdout
    again = run(["people", "remove", priya, "--yes"], env)
    assert again.returncode == 2 and "holds nothing about" in again.stderr
    assert "[y/N]" not in again.stdout  # --yes asks nothing


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_health_checks_and_signed_slack_requests(
    tmp_path: Path, emulator: SlackEmulator
) -> None:
    from bot.emulator import SlackDriver

    port = free_port()
    env = base_env(
        tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=emulator.url
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as reply:
                    assert reply.status == 200
                    break
            except OSError:
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                assert time.monotonic() < deadline, "serve did not come up"
                time.sleep(0.1)
        randy = emulator.workspace.add_user("randy", "America/Chicago")
        driver = SlackDriver(emulator, f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET)
        # A date relative to today: this runs on the real clock.
        assert driver.command(randy, "/goal", "add Run the CLI in 3 days").text.startswith("Goal #1 saved")
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=10)
    assert BOT_TOKEN not in output and SIGNING_SECRET not in output
    # SIGTERM (a deploy) unwinds it: the dispatcher stops cleanly and the process exits 0.
    assert server.returncode == 0, output


def test_serve_in_two_workers_shares_one_sqlite_file_safely_and_stops_on_sigterm(
    tmp_path: Path, emulator: SlackEmulator
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from bot.emulator import SlackDriver

    port = free_port()
    env = base_env(
        tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=emulator.url
    )
    command = [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--workers", "2"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as reply:
                    assert reply.status == 200
                    break
            except OSError:
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                assert time.monotonic() < deadline, "serve did not come up"
                time.sleep(0.1)
        workers = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        assert len(workers) == 2
        randy = emulator.workspace.add_user("randy", "America/Chicago")
        driver = SlackDriver(emulator, f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET)
        with ThreadPoolExecutor(8) as pool:  # both workers write to the one SQLite file at once
            replies = list(
                pool.map(lambda n: driver.command(randy, "/goal", f"add Set {n} by Dec 20").text, range(40))
            )
        numbers = sorted(int(text.split("#", 1)[1].split()[0]) for text in replies)
        assert numbers == list(range(1, 41))
        # The workers copy SQLite's log back into the file from a thread of their own, soon after
        # (40 goals are far below the 1,000 pages at which a commit would do it itself).
        wait_until(
            lambda: rows_in_the_file_alone(tmp_path / "cli.db", "goals") == 40, 10, "the log copied back"
        )
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=15)
    assert server.returncode == 0, output
    assert all(not Path(f"/proc/{pid}").exists() for pid in workers)
