"""Thin Bolt listeners, one module per part of coachbot; each parses, calls bot/, and answers."""

from __future__ import annotations

from slack_bolt import App

from bot.services import Services


def register_all(app: App, services: Services) -> None:
    """Register every listener (the only entry point bot/app.py uses)."""
    from handlers import (
        calendar,
        events,
        goals,
        install_events,
        nudges,
        privacy,
        session_actions,
        session_commands,
        workshops,
    )

    for module in (
        goals,
        nudges,
        privacy,
        session_commands,
        session_actions,
        workshops,
        calendar,
        events,
        install_events,
    ):
        module.register(app, services)
