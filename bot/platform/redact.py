"""Slack tokens never reach a log line: every log record is scrubbed as it is made, whoever logs it."""

from __future__ import annotations

import logging
import re
from typing import Any

# xoxb-…, xoxp-…, rotating xoxe.xoxb-…, refresh tokens xoxe-1-…, and the rest of Slack's family.
TOKEN = re.compile(r"xox[a-z]?(?:\.xox[a-z])?-[A-Za-z0-9-]+")
REDACTED = "xox…(redacted)"


def redact(text: str) -> str:
    """`text` with every Slack token replaced."""
    return TOKEN.sub(REDACTED, text)


def install_token_redaction() -> None:
    """Wrap the log record factory once per process (slack_sdk's debug lines include request bodies)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "redacts_tokens", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed format string is logging's own error to report
            return record
        if "xox" in message:
            record.msg, record.args = redact(message), None
        return record

    factory.redacts_tokens = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
