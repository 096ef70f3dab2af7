"""`coachbot socket`: the real process answers a slash command over Socket Mode's WebSocket."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from websockets.sync.server import ServerConnection, serve

from bot.emulator import SlackDriver, SlackEmulator
from tests.harness import BOT_TOKEN, SIGNING_SECRET
from tests.platform.test_cli import base_env

APP_TOKEN = "xapp-1-A0COACH-0000-socketmodetoken"


def test_socket_mode_acks_a_slash_command_with_the_reply(tmp_path: Path, emulator: SlackEmulator) -> None:
    randy = emulator.workspace.add_user("randy", "America/Chicago")
    form = SlackDriver(emulator, "unused", SIGNING_SECRET).command_form(
        randy, "/goal", "add Practise in Socket Mode"
    )
    envelope = {
        "envelope_id": "env-1",
        "type": "slash_commands",
        "accepts_response_payload": True,
        "payload": form,
    }
    acks: queue.Queue[dict[str, Any]] = queue.Queue()

    def slack_side(connection: ServerConnection) -> None:
        connection.send(
            json.dumps({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0COACH"}})
        )
        connection.send(json.dumps(envelope))
        for message in connection:
            acks.put(json.loads(message))

    with serve(slack_side, "127.0.0.1", 0) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        emulator.workspace.socket_mode_url = f"ws://127.0.0.1:{server.socket.getsockname()[1]}/link"
        emulator.valid_tokens.add(APP_TOKEN)
        env = base_env(
            tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN, SLACK_API_URL=emulator.url
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "socket", "--no-scheduler"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        try:
            ack = acks.get(timeout=60)
        finally:
            process.terminate()
            output, _ = process.communicate(timeout=10)
            server.shutdown()
    assert ack["envelope_id"] == "env-1"
    assert ack["payload"]["text"].startswith("Goal #1 saved: Practise in Socket Mode"), output
    assert APP_TOKEN not in output and BOT_TOKEN not in output
