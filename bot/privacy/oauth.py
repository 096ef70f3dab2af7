"""The OAuth v2 install flow: GET /slack/install and GET /slack/oauth_redirect, served by Bolt."""

from __future__ import annotations

import logging

from slack_bolt import BoltResponse
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth import OAuthFlow
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from bot.platform.services import Services
from bot.privacy.installations import ROTATE_BEFORE_MINUTES
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
    assert store is not None and settings.client_id and settings.client_secret

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
    oauth_settings.authorize = InstallationStoreAuthorize(
        logger=log,
        installation_store=store,
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        token_rotation_expiration_minutes=ROTATE_BEFORE_MINUTES,
        client=client,
    )
    return OAuthFlow(client=client, settings=oauth_settings)
