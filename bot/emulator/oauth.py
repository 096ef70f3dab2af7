"""The emulator's side of OAuth v2: install codes, oauth.v2.access, rotating tokens, revocation."""

from __future__ import annotations

import base64
import itertools
import threading
from dataclasses import dataclass, field
from typing import Any

from bot.emulator.methods import ApiError
from bot.emulator.workspace import Workspace

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "emulator-client-secret"
APP_ID = "ACOACHBOT"
BOT_USER_ID = "UBOTCOACH"
# Slack's rotating bot tokens live 12 hours.
ROTATING_TOKEN_SECONDS = 43_200


@dataclass
class OAuthIssuer:
    """Issues per-workspace bot tokens; with `rotation`, tokens expire and refresh tokens renew them."""

    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    rotation: bool = False
    scopes: str = "channels:read,chat:write,commands,files:write,users:read,users:read.email"
    # How long a rotating token lives (Slack: 12 hours); tests shorten it to make rotation due.
    token_seconds: int = ROTATING_TOKEN_SECONDS
    token_teams: dict[str, str] = field(default_factory=dict)
    # Every access and refresh token handed out, so tests can look for them where they must not be.
    issued: list[str] = field(default_factory=list)
    _codes: dict[str, tuple[str, str]] = field(default_factory=dict)
    _refresh: dict[str, str] = field(default_factory=dict)
    _seq: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def approve(self, ws: Workspace, user_id: str) -> str:
        """`user_id` clicks Allow on Slack's install page for `ws`: the code Slack puts in the redirect."""
        with self._lock:
            code = f"code-{ws.team_id}-{next(self._seq)}"
            self._codes[code] = (ws.team_id, user_id)
        return code

    def revoke(self, team_id: str) -> None:
        """The workspace uninstalled the app: every token it had stops working."""
        with self._lock:
            for token in [t for t, team in self.token_teams.items() if team == team_id]:
                del self.token_teams[token]
            for refresh in [r for r, team in self._refresh.items() if team == team_id]:
                del self._refresh[refresh]

    def access(
        self, args: dict[str, Any], authorization: str, workspaces: dict[str, Workspace]
    ) -> dict[str, Any]:
        """oauth.v2.access: a code (the install) or a refresh token (rotation) for a new bot token."""
        client_id, client_secret = _client_credentials(args, authorization)
        if client_id != self.client_id:
            raise ApiError("invalid_client_id")
        if client_secret != self.client_secret:
            raise ApiError("bad_client_secret")
        with self._lock:
            if args.get("grant_type") == "refresh_token":
                team_id = self._refresh.pop(args.get("refresh_token") or "", None)
                if team_id is None:
                    raise ApiError("invalid_refresh_token")
                user_id = None
            else:
                team_id, user_id = self._codes.pop(args.get("code") or "", (None, None))
                if team_id is None:
                    raise ApiError("invalid_code")
            return self._issue(workspaces[team_id], user_id)

    def _issue(self, ws: Workspace, user_id: str | None) -> dict[str, Any]:
        n = next(self._seq)
        token = f"xoxe.xoxb-{ws.team_id}-{n}" if self.rotation else f"xoxb-{ws.team_id}-{n}"
        if self.rotation:
            # The token it replaces stops working, as Slack's do once the new one is issued.
            for old in [t for t, team in self.token_teams.items() if team == ws.team_id]:
                del self.token_teams[old]
        self.token_teams[token] = ws.team_id
        self.issued.append(token)
        answer: dict[str, Any] = {
            "access_token": token,
            "token_type": "bot",
            "scope": self.scopes,
            "bot_user_id": BOT_USER_ID,
            "app_id": APP_ID,
            "team": {"id": ws.team_id, "name": ws.team_name},
            "enterprise": None,
            "is_enterprise_install": False,
        }
        if user_id is not None:
            answer["authed_user"] = {"id": user_id}
        if self.rotation:
            refresh = f"xoxe-1-{ws.team_id}-{n}"
            self._refresh[refresh] = ws.team_id
            self.issued.append(refresh)
            answer.update(expires_in=self.token_seconds, refresh_token=refresh)
        return answer


def _client_credentials(args: dict[str, Any], authorization: str) -> tuple[str, str]:
    """HTTP Basic auth (what slack_sdk sends) or client_id/client_secret form fields."""
    if authorization.startswith("Basic "):
        decoded = base64.b64decode(authorization.removeprefix("Basic ")).decode()
        client_id, _, secret = decoded.partition(":")
        return client_id, secret
    return str(args.get("client_id") or ""), str(args.get("client_secret") or "")
