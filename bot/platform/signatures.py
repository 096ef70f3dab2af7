"""Slack's v0 request signature, checked strictly: any odd timestamp or signature is simply a no."""

from __future__ import annotations

import hashlib
import hmac
import re

# Slack refuses requests older than five minutes; so do we (replays).
MAX_SIGNATURE_AGE_SECONDS = 300
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


def plausible_signature_headers(timestamp: str | None, signature: str | None, now: float) -> bool:
    """The headers could belong to a genuine, recent request (checked before any body is read)."""
    if not timestamp or not signature:
        return False
    if not _TIMESTAMP.fullmatch(timestamp) or not _SIGNATURE.fullmatch(signature):
        return False
    return abs(now - int(timestamp)) <= MAX_SIGNATURE_AGE_SECONDS


def signature_matches(
    secret: str, body: bytes, timestamp: str | None, signature: str | None, now: float
) -> bool:
    """Whether `signature` is Slack's signature of `body` at a recent `timestamp` with `secret`."""
    if not plausible_signature_headers(timestamp, signature, now):
        return False
    base = b"v0:" + str(timestamp).encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, str(signature))
