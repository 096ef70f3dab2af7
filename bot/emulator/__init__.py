"""A Slack emulator: the Web API as a real HTTP server on loopback, and a driver that sends
signed requests to the app as Slack would. Tests and the sandbox both use it."""

from bot.emulator.driver import SlackDriver
from bot.emulator.web_api import Call, SlackEmulator
from bot.emulator.workspace import Message, Workspace

__all__ = ["Call", "Message", "SlackDriver", "SlackEmulator", "Workspace"]
