"""OAuth installs into many workspaces: tokens encrypted at rest, one Web API client per workspace.

slack_sdk's SQLAlchemy installation store does the queries on our engine and our migrated tables
(storage/oauth_tables.py); the wrapper here seals every token with Fernet before it is saved and
opens it after it is found, so the database only ever holds ciphertext.
"""

from __future__ import annotations

import copy
import logging
import threading
from typing import Any, TypeVar

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import Engine, MetaData, Table

from bot.platform.settings import Settings
from bot.platform.slack import make_web_client
from storage.models.oauth import slack_bots, slack_installations

log = logging.getLogger(__name__)

INSTALLATION_SECRETS = (
    "bot_token",
    "bot_refresh_token",
    "user_token",
    "user_refresh_token",
    "incoming_webhook_url",
)
BOT_SECRETS = ("bot_token", "bot_refresh_token")
# Bolt rotates a token that expires within this many minutes (Slack's rotating tokens last 12 hours).
ROTATE_BEFORE_MINUTES = 120

Sealed = TypeVar("Sealed", Installation, Bot)


class TokenCipher:
    """Fernet with key rotation: the first key encrypts, every key decrypts."""

    def __init__(self, keys: tuple[str, ...]) -> None:
        if not keys:
            raise ValueError("at least one encryption key is needed")
        self._fernet = MultiFernet([Fernet(key.encode()) for key in keys])

    def seal(self, value: str | None) -> str | None:
        return None if value is None else self._fernet.encrypt(value.encode()).decode()

    def open(self, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return self._fernet.decrypt(value.encode()).decode()
        except InvalidToken:
            # A key was removed or the column was tampered with: treat it as not installed, say so once.
            log.error("a stored Slack token cannot be decrypted with COACHBOT_ENCRYPTION_KEY")
            return None

    def rotate(self, value: str) -> str:
        """Re-encrypt with the newest key (after a new key is put first)."""
        return self._fernet.rotate(value.encode()).decode()


class _OurTablesStore(SQLAlchemyInstallationStore):
    """slack_sdk's store on the tables our migrations create (Text token columns for ciphertext)."""

    @classmethod
    def build_installations_table(cls, metadata: MetaData, table_name: str) -> Table:
        return slack_installations

    @classmethod
    def build_bots_table(cls, metadata: MetaData, table_name: str) -> Table:
        return slack_bots


class EncryptedInstallationStore(InstallationStore):
    """An installation store whose rows hold only Fernet ciphertext where Slack's tokens go."""

    def __init__(self, client_id: str, engine: Engine, cipher: TokenCipher) -> None:
        self.inner = _OurTablesStore(client_id=client_id, engine=engine, logger=log)
        self.cipher = cipher
        # Slack accepts a refresh token once: a request's authorize and the dispatcher rotate in turn,
        # each reading the token the other one saved.
        self.rotation_lock = threading.Lock()

    @property
    def logger(self) -> logging.Logger:
        return log

    def _apply(self, item: Sealed, fields: tuple[str, ...], how: Any) -> Sealed:
        changed = copy.copy(item)
        for name in fields:
            if hasattr(changed, name):
                setattr(changed, name, how(getattr(changed, name)))
        return changed

    def save(self, installation: Installation) -> None:
        self.inner.save(self._apply(installation, INSTALLATION_SECRETS, self.cipher.seal))

    def save_bot(self, bot: Bot) -> None:
        self.inner.save_bot(self._apply(bot, BOT_SECRETS, self.cipher.seal))

    def find_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> Bot | None:
        bot = self.inner.find_bot(
            enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=is_enterprise_install
        )
        return None if bot is None else self._apply(bot, BOT_SECRETS, self.cipher.open)

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        found = self.inner.find_installation(
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )
        if found is None:
            return None
        installation = self._apply(found, INSTALLATION_SECRETS, self.cipher.open)
        # The dispatcher rotates with save_bot, which leaves the installation row's bot token (and its
        # spent refresh token) behind: the bots row is always the newest, so it wins.
        bot = self.find_bot(
            enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=is_enterprise_install
        )
        if bot is not None and bot.bot_token != installation.bot_token:
            installation.bot_token = bot.bot_token
            installation.bot_refresh_token = bot.bot_refresh_token
            installation.bot_token_expires_at = bot.bot_token_expires_at
        return installation

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.inner.delete_bot(enterprise_id=enterprise_id, team_id=team_id)

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        self.inner.delete_installation(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id)


def installation_store(settings: Settings, engine: Engine) -> EncryptedInstallationStore:
    """The store for OAuth mode (settings.require_oauth() has checked there is a key)."""
    assert settings.client_id
    return EncryptedInstallationStore(settings.client_id, engine, TokenCipher(settings.encryption_keys))


class TeamClients:
    """A Web API client per workspace for the dispatcher, rotating a token that is about to expire."""

    def __init__(self, settings: Settings, store: EncryptedInstallationStore) -> None:
        assert settings.client_id and settings.client_secret
        self.settings = settings
        self.store = store
        self.rotator = TokenRotator(
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            client=make_web_client(None, settings.api_url),
        )
        # Two dispatcher threads, or one and a request, must not both spend the same refresh token.
        self._lock = store.rotation_lock

    def __call__(self, team_id: str) -> WebClient | None:
        with self._lock:
            bot = self.store.find_bot(enterprise_id=None, team_id=team_id)
            if bot is None or bot.bot_token is None:
                return None
            if bot.bot_refresh_token and bot.bot_token_expires_at is not None:
                fresh = self.rotator.perform_bot_token_rotation(
                    bot=bot, minutes_before_expiration=ROTATE_BEFORE_MINUTES
                )
                if fresh is not None:
                    self.store.save_bot(fresh)
                    bot = fresh
        return make_web_client(bot.bot_token, self.settings.api_url)
