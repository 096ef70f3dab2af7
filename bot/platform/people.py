"""Who is asking: the person behind a Slack user id, with their cached time zone."""

from __future__ import annotations

import contextvars
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.platform.slack import Profile, SlackGateway
from storage.db import Database
from storage.models import Person
from storage.people import StoredProfile, stored_profile, upsert_person

log = logging.getLogger(__name__)

PROFILE_MAX_AGE = timedelta(hours=24)
# users.info is Tier 4 (100+ a minute): a handful at once keeps a long list inside the 3 s ack.
PROFILES_AT_ONCE = 8


@dataclass(frozen=True)
class Actor:
    """The person a request or a delivery is about, as services need them."""

    team_id: str
    user_id: str
    person_id: int
    display_name: str
    tz: str
    is_workspace_admin: bool
    tz_known: bool = True
    locale: str = ""  # Slack's, e.g. en-GB: whether they write the day first
    home_opened: bool = False  # whether they ever opened App Home (then it is kept fresh)


class ActorCache:
    """Recently resolved actors, so a busy user's requests skip the database lookup.

    Entries live briefly: a profile refreshed elsewhere (another process) shows up within a minute.
    """

    TTL = timedelta(seconds=60)
    MAX_ENTRIES = 10_000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, str], tuple[datetime, Actor]] = {}

    def get(self, team_id: str, user_id: str, now: datetime) -> Actor | None:
        with self._lock:
            entry = self._entries.get((team_id, user_id))
        if entry is None or now - entry[0] > self.TTL or now < entry[0]:
            return None
        return entry[1]

    def put(self, actor: Actor, now: datetime) -> None:
        with self._lock:
            if len(self._entries) >= self.MAX_ENTRIES:
                self._entries.clear()
            self._entries[(actor.team_id, actor.user_id)] = (now, actor)

    def forget(self, team_id: str, user_id: str) -> None:
        with self._lock:
            self._entries.pop((team_id, user_id), None)


class ProfileRefresher:
    """Refreshes stale profiles after the request that found them, one person at a time.

    A known person's day-old profile is still good enough to answer with: the nudge wave at 9:00
    should not wait on one users.info per click. Created lazily, so a forked worker makes its own.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: set[tuple[str, str]] = set()
        self._pool: ThreadPoolExecutor | None = None

    def submit(self, key: tuple[str, str], refresh: Callable[[], None]) -> None:
        with self._lock:
            if key in self._pending:
                return
            self._pending.add(key)
            if self._pool is None:
                self._pool = ThreadPoolExecutor(1, thread_name_prefix="profile-refresh")
            pool = self._pool
        pool.submit(self._run, key, refresh)

    def _run(self, key: tuple[str, str], refresh: Callable[[], None]) -> None:
        try:
            refresh()
        except Exception as error:  # the next stale look-up tries again
            log.warning("refreshing a profile failed: %s", type(error).__name__)
        finally:
            with self._lock:
                self._pending.discard(key)

    def wait_idle(self) -> None:
        """For tests and shutdown: every refresh asked for so far has finished."""
        with self._lock:
            pool = self._pool
            self._pool = None
        if pool is not None:
            pool.shutdown(wait=True)


def resolve_actor(
    db: Database,
    slack: SlackGateway,
    team_id: str,
    user_id: str,
    now: datetime,
    cache: ActorCache | None = None,
    refresher: ProfileRefresher | None = None,
) -> Actor:
    """The person for (team, user), asking users.info only when we know nothing or it is stale.

    With a `refresher`, a stale profile answers this request and is refreshed after it; without
    one, or for a person never seen, users.info is asked now. When Slack cannot answer, a cached
    profile is used as it is; a person never seen gets UTC until the next request refreshes them.
    """
    if cache is not None and (cached := cache.get(team_id, user_id, now)) is not None:
        return cached
    with db.read() as session:
        stored = stored_profile(session, team_id, user_id)
    known = None if stored is None else actor_from_stored(team_id, user_id, stored)
    refreshed_at = stored.refreshed_at if stored else None
    fresh = refreshed_at is not None and now - refreshed_at < PROFILE_MAX_AGE
    if known is not None and refreshed_at is not None and not fresh and refresher is not None:

        def refresh() -> None:
            _refresh(db, slack, team_id, user_id, now, known)
            if cache is not None:
                cache.forget(team_id, user_id)  # the next request reads the new profile

        refresher.submit((team_id, user_id), refresh)
        return known
    actor = known if known is not None and fresh else _refresh(db, slack, team_id, user_id, now, known)
    if cache is not None and actor.tz_known:
        cache.put(actor, now)
    return actor


def resolve_all(resolve: Callable[[str], Actor], user_ids: list[str]) -> list[Actor]:
    """Several people in the order named, their unknown profiles asked of Slack a few at a time
    (one after another, 40 profiles at 100 ms each would miss Slack's 3 seconds)."""
    unique = list(dict.fromkeys(user_ids))
    if len(unique) <= 1:
        return [resolve(user_id) for user_id in user_ids]
    with ThreadPoolExecutor(min(PROFILES_AT_ONCE, len(unique)), thread_name_prefix="profiles") as pool:
        # Each look-up carries this request's context (its deadline) onto the pool's thread.
        futures = {
            user_id: pool.submit(contextvars.copy_context().run, resolve, user_id) for user_id in unique
        }
        found = {user_id: future.result() for user_id, future in futures.items()}
    return [found[user_id] for user_id in user_ids]


def _refresh(
    db: Database, slack: SlackGateway, team_id: str, user_id: str, now: datetime, known: Actor | None
) -> Actor:
    """users.info, stored; `known` (the stored profile) stands in when Slack cannot answer."""
    try:
        profile = slack.profile(user_id)
    except (SlackApiError, SlackRequestError, OSError) as error:
        log.warning("users.info failed for %s: %s", user_id, getattr(error, "response", error))
        if known is not None:
            return known
        name, tz, is_admin, deleted, refreshed, locale = user_id, "UTC", False, False, None, ""
    else:
        name, tz, deleted = profile.display_name, profile.tz, profile.is_deleted
        is_admin = _admin_here(profile, team_id)
        locale = profile.locale
        refreshed = now
    with db.transaction() as session:
        person = upsert_person(
            session,
            team_id=team_id,
            slack_user_id=user_id,
            display_name=name,
            tz=tz,
            is_workspace_admin=is_admin,
            is_deleted=deleted,
            now=now,
            locale=locale,
        )
        if refreshed is None:
            person.profile_refreshed_at = None
            return replace(actor_from_person(team_id, person), tz_known=False)
        return actor_from_person(team_id, person)


def _admin_here(profile: Profile, team_id: str) -> bool:
    # Slack's is_admin is about the user's own team: a guest from another organisation (Slack
    # Connect) or another workspace of a Grid is never an admin here.
    return profile.is_admin and profile.team_id == team_id


def apply_profile_change(
    db: Database, team_id: str, profile: Profile, now: datetime, cache: ActorCache | None = None
) -> bool:
    """Slack says someone's profile changed (user_change): a person we keep is stored as they are
    now, so a demoted admin, a deactivated account or a new time zone counts from their next
    request, not after the day a stored profile is trusted. Someone we do not keep stays unknown
    (we store no one who has not used the app). True if a stored person was changed."""
    with db.read() as session:  # most events are about people who never used the app: no writer
        if stored_profile(session, team_id, profile.user_id) is None:
            return False
    with db.transaction() as session:
        stored = stored_profile(session, team_id, profile.user_id)
        if stored is None:
            return False  # deleted meanwhile: an upsert would bring them back
        upsert_person(
            session,
            team_id=team_id,
            slack_user_id=profile.user_id,
            display_name=profile.display_name,
            tz=profile.tz,
            is_workspace_admin=_admin_here(profile, team_id),
            is_deleted=profile.is_deleted,
            now=now,
            locale=profile.locale or stored.locale,  # events carry no locale: keep what users.info said
        )
    if cache is not None:
        cache.forget(team_id, profile.user_id)  # other processes' caches let it go within a minute
    return True


def actor_from_stored(team_id: str, user_id: str, stored: StoredProfile) -> Actor:
    return Actor(
        team_id=team_id,
        user_id=user_id,
        person_id=stored.person_id,
        display_name=stored.display_name,
        tz=stored.tz,
        is_workspace_admin=stored.is_workspace_admin,
        locale=stored.locale,
        home_opened=stored.home_opened,
    )


def actor_from_person(team_id: str, person: Person) -> Actor:
    """The Actor for a stored person (a coachee seen by their coach, a recipient of a delivery)."""
    return Actor(
        team_id=team_id,
        user_id=person.slack_user_id,
        person_id=person.id,
        display_name=person.display_name,
        tz=person.tz,
        is_workspace_admin=person.is_workspace_admin,
        locale=person.locale or "",
        home_opened=person.home_opened_at is not None,
    )
