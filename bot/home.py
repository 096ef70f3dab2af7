"""Keeping each person's App Home in step with their goals."""

from __future__ import annotations

from bot import goals
from bot.dates import local_today
from bot.people import Actor
from bot.services import Services
from bot.slack import SlackGateway
from bot.views.home import home_view


def refresh_home(services: Services, slack: SlackGateway, actor: Actor) -> None:
    """Publish the person's Home tab as it is now."""
    overview = goals.overview(services.db, actor)
    slack.publish_home(actor.user_id, home_view(overview, local_today(services.now(), actor.tz), actor.tz))
