"""The OAuth v2 install flow: GET /slack/install and GET /slack/oauth_redirect, served by Bolt."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import BoltContext, BoltResponse
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth import OAuthFlow
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from bot.platform.services import Services
from bot.privacy.installations import ROTATE_BEFORE_MINUTES, EncryptedInstallationStore
from bot.privacy.jobs import workspace_installed

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_SECONDS = 600


def oauth_flow(services: Services, client: WebClient) -> OAuthFlow:
    """Bolt's OAuth flow on our database: encrypted installations, states in slack_oauth_states.

    `client` carries SLACK_API_URL, so oauth.v2.access (the install and token rotation) goes where
    every other Web API call goes: Slack, or the emulator in tests and the sandbox.
    """
    settings = services.settings
    store = services.installations
    assert isinstance(store, EncryptedInstallationStore) and settings.client_id and settings.client_secret

    def succeeded(args: SuccessArgs) -> BoltResponse:
        team_id = args.installation.team_id or ""
        workspace_installed(services, team_id)
        log.info("coachbot installed in workspace %s", team_id)
        return args.default.success(args)

    def failed(args: FailureArgs) -> BoltResponse:
        # The reason is Slack's error code or ours (invalid_state …): never a code or a token.
        log.warning("an install did not complete: %s", args.reason)
        return args.default.failure(args)

    oauth_settings = OAuthSettings(
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        scopes=list(settings.scopes),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=store,
        state_store=SQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=services.db.engine),
        callback_options=CallbackOptions(success=succeeded, failure=failed),
        token_rotation_expiration_minutes=ROTATE_BEFORE_MINUTES,
    )
    # Bolt's own authorize would rotate tokens against slack.com; ours uses SLACK_API_URL too.
    oauth_settings.authorize = _TakingTurns(
        store,
        logger=log,
        installation_store=store,
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        token_rotation_expiration_minutes=ROTATE_BEFORE_MINUTES,
        client=client,
    )
    return OAuthFlow(client=client, settings=oauth_settings)


class _TakingTurns(InstallationStoreAuthorize):
    """Bolt's authorize, rotating an expiring token only in turn with the dispatcher (see TeamClients)."""

    def __init__(self, store: EncryptedInstallationStore, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._lock = store.rotation_lock

    def __call__(
        self,
        *,
        context: BoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        actor_enterprise_id: str | None = None,
        actor_team_id: str | None = None,
        actor_user_id: str | None = None,
    ) -> AuthorizeResult | None:
        with self._lock:
            return super().__call__(
                context=context,
                enterprise_id=enterprise_id,
                team_id=team_id,
                user_id=user_id,
                actor_enterprise_id=actor_enterprise_id,
                actor_team_id=actor_team_id,
                actor_user_id=actor_user_id,
            )
