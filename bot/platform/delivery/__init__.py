"""Sending what the bot planned: the registry of kinds, the dispatcher, pacing and failures."""
