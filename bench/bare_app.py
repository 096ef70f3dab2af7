"""A bare Bolt app that only acks `/goal` and any button, served by waitress like `coachbot serve`.

python bench/bare_app.py PORT [--default-mode] [--threads N]; --default-mode keeps Bolt's default
(process_before_response=False: the listener runs on a thread pool, the ack is polled for).
"""

from __future__ import annotations

import os
import re
import sys

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress import serve

from bot.platform.slack import make_web_client
from bot.server import HTTP_THREADS


def main() -> None:
    port = int(sys.argv[1])
    threads = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else HTTP_THREADS
    app = App(
        token=os.environ["SLACK_BOT_TOKEN"],
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        client=make_web_client(os.environ["SLACK_BOT_TOKEN"], os.environ["SLACK_API_URL"]),
        process_before_response="--default-mode" not in sys.argv,
        token_verification_enabled=False,
    )

    @app.command("/goal")
    def ack_only(ack: Ack) -> None:
        ack(text="ok")

    @app.action(re.compile(".*"))
    def ack_click(ack: Ack) -> None:
        ack()

    serve(SlackRequestHandler(app), host="127.0.0.1", port=port, threads=threads, _quiet=True)


if __name__ == "__main__":
    main()
