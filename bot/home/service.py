"""Keeping each person's App Home in step: their goals, and for a coach, their roster."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from slack_sdk.models.blocks import Block

from bot.goals import service as goals
from bot.home.views import coach_section, home_view
from bot.meetings import pairings
from bot.platform import roles
from bot.platform.dates import local_today
from bot.platform.people import Actor
from bot.platform.services import Services
from bot.platform.slack import SlackGateway
from bot.reports.views import chart_home_section
from bot.summaries.roster_views import roster_home_section
from bot.summaries.schedule import DIGEST_KIND
from bot.summaries.service import flags_by_coachee
from storage.checkins import open_need_help
from storage.deliveries import latest_file
from storage.people import note_home_opened

# A "need help" stays open on the coach's Home for two weeks, or until the goal is answered on track.
NEED_HELP_OPEN = timedelta(days=14)


def refresh_home(
    services: Services, slack: SlackGateway, actor: Actor, changed_at: float | None = None
) -> None:
    """Publish the person's Home tab after a change, if they have ever opened it.

    Someone who never opened Home gets a fresh one when they do (app_home_opened), so publishing
    before that is wasted work. The actor says so without a query: it is cached for a minute, and
    opening Home (in this process) drops the cached one; in another process the tab they open is
    published fresh anyway. A burst of changes publishes about twice: `changed_at`
    (time.monotonic() after the change committed) lets a publish that started later cover it.
    """
    if not actor.home_opened:
        return
    services.home_refreshes.run(
        (actor.team_id, actor.user_id), _publisher(services, slack, actor), changed_at
    )


def open_home(services: Services, slack: SlackGateway, actor: Actor) -> None:
    """The person opened their Home tab: publish it now, and keep it fresh from now on."""
    with services.db.transaction() as session:
        note_home_opened(session, actor.person_id, services.now())
    services.actors.forget(actor.team_id, actor.user_id)  # the next request sees Home is open
    services.home_refreshes.run((actor.team_id, actor.user_id), _publisher(services, slack, actor))


def _program_chart(services: Services, actor: Actor) -> list[Block]:
    """An admin's Home leads with the chart of their latest digest, once there is one."""
    if not roles.is_admin(services, actor):
        return []
    with services.db.read() as session:
        chart = latest_file(session, actor.person_id, DIGEST_KIND)
    return [] if chart is None else chart_home_section(*chart)


def _publisher(services: Services, slack: SlackGateway, actor: Actor) -> Callable[[], None]:
    def publish() -> None:
        services.db.yield_to_writer()  # a deferred publish starts on a timer's thread
        # Everyone's Home in one read: a coachee (most people) costs two statements.
        with services.db.read() as session:
            overview = goals.overview_in(session, actor.person_id)
            my_coach, coaching = pairings.home_pairings(session, actor, services.now())
        entries = pairings.roster(services, actor) if coaching else []
        flags = {}
        helped: dict[int, list[tuple[int, str, datetime]]] = {}
        if entries:
            with services.db.read() as session:
                flags = flags_by_coachee(session, actor.team_id, actor.person_id, services.now())
                people = [entry.coachee.person_id for entry in entries]
                helped = open_need_help(session, people, services.now() - NEED_HELP_OPEN)
        roster = roster_home_section(entries, actor.tz, flags, helped)
        coach = coach_section(my_coach, actor.tz)
        today = local_today(services.now(), actor.tz)
        slack.publish_home(
            actor.user_id,
            home_view(overview, today, actor.tz, [coach, _program_chart(services, actor), roster]),
        )

    return publish
