"""Settings read once from the environment (the table in DESIGN.md and README.md)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cryptography.fernet import Fernet

DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///coachbot.db"
DEFAULT_PROGRAM_TZ = "America/New_York"
# Slack allows chat.postMessage "several hundred per minute" per workspace: 4/s stays inside it.
DEFAULT_WORKSPACE_RATE = 4.0
DEFAULT_DATA_GRACE_DAYS = 30
DEFAULT_RETENTION_DAYS = 730
# A dispatcher's claim on a row lasts this long unless its heartbeat renews it: a crashed process's
# rows come back within it. It must outlast the send timeout (a post in flight keeps its claim).
DEFAULT_LEASE_SECONDS = 20.0
DEFAULT_SEND_TIMEOUT_SECONDS = 10.0
DEFAULT_MIN_GROUP = 5
# Below three people, a figure about a group describes one or two of them: never allowed.
LOWEST_MIN_GROUP = 3
# Slack's biggest requests (a view_submission of a full modal) are a few hundred kilobytes.
DEFAULT_MAX_BODY_BYTES = 1_048_576
MAX_BODY_RANGE = (16_384, 67_108_864)


class SettingsError(Exception):
    """A setting is missing or wrong; the message is one line a person can act on."""


@dataclass(frozen=True)
class Settings:
    bot_token: str | None = None
    signing_secret: str | None = None
    app_token: str | None = None
    api_url: str = DEFAULT_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    admin_ids: frozenset[str] = field(default_factory=frozenset)
    tick_seconds: float = 30.0
    # Workshop times are typed and repeated in the program's zone: the room does not travel.
    program_tz: str = DEFAULT_PROGRAM_TZ
    # Messages per second per workspace from one dispatcher process; None lifts the cap (benchmarks).
    workspace_rate: float | None = DEFAULT_WORKSPACE_RATE
    lease_seconds: float = DEFAULT_LEASE_SECONDS
    # How long a chat.postMessage may take before its outcome counts as unknown.
    send_timeout_seconds: float = DEFAULT_SEND_TIMEOUT_SECONDS
    # OAuth install into many workspaces (all three set), with tokens encrypted by encryption_keys.
    client_id: str | None = None
    client_secret: str | None = None
    scopes: tuple[str, ...] = ()
    # Fernet keys, newest first: the first encrypts, every one decrypts (key rotation).
    encryption_keys: tuple[str, ...] = ()
    data_grace_days: int = DEFAULT_DATA_GRACE_DAYS
    retention_days: int = DEFAULT_RETENTION_DAYS
    # A request body larger than this is refused unread (413).
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    # Last days of the program's terms, so "by end of term" can be read.
    term_ends: tuple[date, ...] = ()
    # Where `coachbot serve` is reached from outside (calendar feed URLs); None: no feeds offered.
    public_url: str | None = None
    # The smallest group a program figure about people may describe (reports, digest, charts).
    min_group: int = DEFAULT_MIN_GROUP

    def __repr__(self) -> str:
        # Secrets never reach a log line, even by accident.
        return (
            f"Settings(api_url={self.api_url!r}, database_url={_redact_url(self.database_url)!r}, "
            f"admin_ids={sorted(self.admin_ids)!r}, tick_seconds={self.tick_seconds!r}, "
            f"program_tz={self.program_tz!r}, workspace_rate={self.workspace_rate!r}, oauth={self.oauth_enabled!r}, "
            f"data_grace_days={self.data_grace_days!r}, retention_days={self.retention_days!r}, "
            f"public_url={self.public_url!r}, min_group={self.min_group!r}, max_body_bytes={self.max_body_bytes!r})"
        )

    @property
    def oauth_enabled(self) -> bool:
        """OAuth mode: installed from a link into any number of workspaces, tokens in the database."""
        return bool(self.client_id and self.client_secret and self.scopes)

    @property
    def has_slack_credentials(self) -> bool:
        return bool(self.bot_token or self.signing_secret or self.app_token or self.oauth_enabled)

    def require_http(self) -> None:
        """What `coachbot serve` needs: a bot token, or OAuth with an encryption key."""
        if self.oauth_enabled:
            self.require_oauth()
        else:
            self._require_bot_token()
        if not self.signing_secret:
            raise SettingsError(
                "SLACK_SIGNING_SECRET is not set: copy it from your app's Basic Information page"
            )

    def require_socket(self) -> None:
        """What `coachbot socket` needs."""
        self._require_bot_token()
        if not self.app_token:
            raise SettingsError(
                "SLACK_APP_TOKEN is not set: create an app-level token (xapp-…) with connections:write"
            )
        if not self.app_token.startswith("xapp-"):
            raise SettingsError("SLACK_APP_TOKEN must be an app-level token starting with xapp-")

    def require_worker(self) -> None:
        if self.oauth_enabled:
            self.require_oauth()
        else:
            self._require_bot_token()

    def require_oauth(self) -> None:
        """OAuth mode keeps tokens in the database, so it never runs without the key that encrypts them."""
        if not self.encryption_keys:
            raise SettingsError(
                "COACHBOT_ENCRYPTION_KEY is not set: OAuth mode stores tokens encrypted; make a key with "
                "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
            )

    def _require_bot_token(self) -> None:
        if not self.bot_token:
            raise SettingsError(
                "SLACK_BOT_TOKEN is not set: copy the bot token (xoxb-…) from OAuth & Permissions"
            )
        if not self.bot_token.startswith("xoxb-"):
            raise SettingsError("SLACK_BOT_TOKEN must be a bot token starting with xoxb-")


def _redact_url(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read and check the environment; raises SettingsError naming the variable at fault."""
    env = os.environ if environ is None else environ
    api_url = env.get("SLACK_API_URL", "").strip() or DEFAULT_API_URL
    if not api_url.startswith(("http://", "https://")):
        raise SettingsError(f"SLACK_API_URL must be an http(s) URL, got {api_url!r}")
    if not api_url.endswith("/"):
        api_url += "/"
    tick_raw = env.get("COACHBOT_TICK_SECONDS", "").strip() or "30"
    try:
        tick = float(tick_raw)
    except ValueError:
        raise SettingsError(f"COACHBOT_TICK_SECONDS must be a number of seconds, got {tick_raw!r}") from None
    if not 0.05 <= tick <= 3600:
        raise SettingsError(f"COACHBOT_TICK_SECONDS must be between 0.05 and 3600, got {tick_raw}")
    rate_raw = env.get("COACHBOT_WORKSPACE_RATE", "").strip() or str(DEFAULT_WORKSPACE_RATE)
    try:
        rate = float(rate_raw)
    except ValueError:
        raise SettingsError(
            f"COACHBOT_WORKSPACE_RATE must be messages per second, like 4, got {rate_raw!r}"
        ) from None
    if not 0.1 <= rate <= 1000:
        raise SettingsError(f"COACHBOT_WORKSPACE_RATE must be between 0.1 and 1000, got {rate_raw}")
    admin_ids = frozenset(
        part.strip() for part in env.get("COACHBOT_ADMIN_IDS", "").split(",") if part.strip()
    )
    for admin in admin_ids:
        if admin[:1] not in {"U", "W"} or not admin.isalnum():
            raise SettingsError(
                f"COACHBOT_ADMIN_IDS holds {admin!r}, which is not a Slack user id like U0123ABCD"
            )
    program_tz = env.get("COACHBOT_PROGRAM_TZ", "").strip() or DEFAULT_PROGRAM_TZ
    try:
        ZoneInfo(program_tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"COACHBOT_PROGRAM_TZ must be an IANA time zone like America/New_York, got {program_tz!r}"
        ) from None
    lease, send_timeout = _delivery_timing(env)
    public_url = env.get("COACHBOT_PUBLIC_URL", "").strip().rstrip("/") or None
    if public_url is not None and not public_url.startswith(("https://", "http://")):
        raise SettingsError(
            f"COACHBOT_PUBLIC_URL must be the http(s) address coachbot serve is reached at, got {public_url!r}"
        )
    return Settings(
        **_oauth_settings(env),
        public_url=public_url,
        data_grace_days=_days(env, "COACHBOT_DATA_GRACE_DAYS", DEFAULT_DATA_GRACE_DAYS),
        retention_days=_days(env, "COACHBOT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS),
        min_group=_min_group(env),
        max_body_bytes=_max_body_bytes(env),
        bot_token=env.get("SLACK_BOT_TOKEN", "").strip() or None,
        signing_secret=env.get("SLACK_SIGNING_SECRET", "").strip() or None,
        app_token=env.get("SLACK_APP_TOKEN", "").strip() or None,
        api_url=api_url,
        database_url=env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
        admin_ids=admin_ids,
        tick_seconds=tick,
        program_tz=program_tz,
        workspace_rate=rate,
        lease_seconds=lease,
        send_timeout_seconds=send_timeout,
        term_ends=_term_ends(env.get("COACHBOT_TERM_ENDS", "")),
    )


def _seconds(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    raw = env.get(name, "").strip() or str(default)
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number of seconds, got {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low:g} and {high:g} seconds, got {raw}")
    return value


def _delivery_timing(env: Mapping[str, str]) -> tuple[float, float]:
    """COACHBOT_LEASE_SECONDS and COACHBOT_SEND_TIMEOUT_SECONDS; a lease must outlast a send."""
    lease = _seconds(env, "COACHBOT_LEASE_SECONDS", DEFAULT_LEASE_SECONDS, 2, 600)
    timeout = _seconds(env, "COACHBOT_SEND_TIMEOUT_SECONDS", DEFAULT_SEND_TIMEOUT_SECONDS, 0.2, 60)
    if timeout * 1.5 >= lease:
        raise SettingsError(
            "COACHBOT_LEASE_SECONDS must be more than 1.5 times COACHBOT_SEND_TIMEOUT_SECONDS "
            f"(got {lease:g} and {timeout:g}): a send in flight must keep its claim"
        )
    return lease, timeout


def _term_ends(raw: str) -> tuple[date, ...]:
    """`2026-12-18,2027-05-14` → the days, sorted."""
    try:
        return tuple(sorted(date.fromisoformat(part.strip()) for part in raw.split(",") if part.strip()))
    except ValueError:
        raise SettingsError(
            f"COACHBOT_TERM_ENDS must be dates like 2026-12-18,2027-05-14 (last day of each term), got {raw!r}"
        ) from None


def _days(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip() or str(default)
    if not raw.isdigit() or not 1 <= int(raw) <= 36500:
        raise SettingsError(f"{name} must be a whole number of days (1 or more), got {raw!r}")
    return int(raw)


def _min_group(env: Mapping[str, str]) -> int:
    raw = env.get("COACHBOT_MIN_GROUP", "").strip() or str(DEFAULT_MIN_GROUP)
    if not raw.isdigit() or int(raw) < LOWEST_MIN_GROUP or int(raw) > 1000:
        raise SettingsError(
            f"COACHBOT_MIN_GROUP must be a whole number of people, {LOWEST_MIN_GROUP} or more, got {raw!r}"
        )
    return int(raw)


def _max_body_bytes(env: Mapping[str, str]) -> int:
    raw = env.get("COACHBOT_MAX_BODY_BYTES", "").strip() or str(DEFAULT_MAX_BODY_BYTES)
    low, high = MAX_BODY_RANGE
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise SettingsError(
            f"COACHBOT_MAX_BODY_BYTES must be a number of bytes from {low} to {high}, got {raw!r}"
        )
    return int(raw)


def _oauth_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_SCOPES and COACHBOT_ENCRYPTION_KEY (keys comma-separated)."""
    keys = tuple(k.strip() for k in env.get("COACHBOT_ENCRYPTION_KEY", "").split(",") if k.strip())
    for key in keys:
        try:
            Fernet(key.encode())
        except (ValueError, TypeError):
            # Never echo the key itself: it is a secret even when it is a wrong one.
            raise SettingsError(
                "COACHBOT_ENCRYPTION_KEY must be Fernet keys (32 url-safe base64 bytes), comma-separated"
            ) from None
    return {
        "client_id": env.get("SLACK_CLIENT_ID", "").strip() or None,
        "client_secret": env.get("SLACK_CLIENT_SECRET", "").strip() or None,
        "scopes": tuple(s.strip() for s in env.get("SLACK_SCOPES", "").split(",") if s.strip()),
        "encryption_keys": keys,
    }
