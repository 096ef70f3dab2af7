"""Keeping each person's App Home in step: a coach's roster, then their own goals."""

from __future__ import annotations

from bot import goals, pairings
from bot.dates import local_today
from bot.people import Actor
from bot.services import Services
from bot.slack import SlackGateway
from bot.views.home import home_view
from bot.views.roster import roster_home_section


def refresh_home(services: Services, slack: SlackGateway, actor: Actor) -> None:
    """Publish the person's Home tab as it is now."""
    overview = goals.overview(services.db, actor)
    roster = roster_home_section(pairings.roster(services, actor), actor.tz)
    today = local_today(services.now(), actor.tz)
    slack.publish_home(actor.user_id, home_view(overview, today, actor.tz, [roster]))
