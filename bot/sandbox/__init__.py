"""`coachbot sandbox`: the real app offline in a terminal, against the Slack emulator and a virtual clock."""

from bot.sandbox.repl import Sandbox, main

__all__ = ["Sandbox", "main"]
