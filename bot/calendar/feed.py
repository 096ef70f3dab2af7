"""Private feed secrets: long and random, kept only as a SHA-256, checked in constant time."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime

from sqlalchemy.orm import Session

from storage import calendar as queries

# 32 random bytes: 256 bits no one guesses; url-safe base64 makes 43 characters.
SECRET_BYTES = 32
FEED_PATH = "/calendar/"
_SECRET = re.compile(r"^[A-Za-z0-9_-]{43}$")
# What a wrong secret is compared against, so a miss does the same work as a hit.
_NO_MATCH = "0" * 64


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def fingerprint(secret: str) -> str:
    """The SHA-256 we store: enough for a 256-bit random secret, which needs no slow hash."""
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_in_path(path: str) -> str | None:
    """`/calendar/<secret>.ics` → the secret, or None for any other path."""
    if not path.startswith(FEED_PATH) or not path.endswith(".ics"):
        return None
    secret = path[len(FEED_PATH) : -len(".ics")]
    return secret if _SECRET.match(secret) else None


def reset(session: Session, team_id: str, person_id: int, now: datetime) -> str:
    """A new secret for the person's feed; the old URL stops working at once. Only its hash is kept."""
    secret = new_secret()
    queries.set_feed(session, team_id, person_id, fingerprint(secret), now)
    return secret


def person_for(session: Session, secret: str) -> int | None:
    """The person whose feed this secret opens, or None.

    The row is found by the secret's hash, which tells an attacker nothing about a stored one;
    the final comparison is constant-time all the same, and a miss compares too.
    """
    wanted = fingerprint(secret)
    row = queries.feed_by_hash(session, wanted)
    stored = row.secret_hash if row is not None else _NO_MATCH
    if hmac.compare_digest(stored, wanted) and row is not None:
        return row.person_id
    return None
