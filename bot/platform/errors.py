"""Errors whose message is written for the person who typed the command."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a refused action: the message is shown to the user as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
