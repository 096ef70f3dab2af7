"""Per-person nudge settings and the program's quiet periods; every change replans at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.goals.nudge_plan import NUDGE_KIND, replan_people, replan_person
from bot.goals.nudge_schedule import is_quiet_minute, minute_to_time
from bot.platform.dates import DateError, Reader, local_today, read_date, short_date
from bot.platform.errors import UserError
from bot.platform.people import Actor
from bot.platform.roles import require_admin
from bot.platform.services import Services
from bot.platform.text import escape_mrkdwn
from storage import checkins as queries
from storage.models.checkins import QuietPeriod

# People replanned per round of queries (an IN list of this many ids stays well inside SQLite's limits).
REPLAN_BATCH = 500

LABEL_MAX = 200
QUIET_ADD_EXAMPLE = "`/coachbot quiet add Dec 21 to Jan 3 Winter break` or `/coachbot quiet add 2026-12-21 2027-01-03 Winter break`"


@dataclass(frozen=True)
class NudgeSettings:
    nudge_minute: int
    quiet_start_minute: int
    quiet_end_minute: int
    weekends: bool
    paused_until: date | None


@dataclass(frozen=True)
class QuietPeriodInfo:
    number: int
    starts_on: date
    ends_on: date
    label: str

    def describe(self) -> str:
        return f"#{self.number} {escape_mrkdwn(self.label) if self.label else 'Quiet period'}: {short_date(self.starts_on)} – {short_date(self.ends_on)}"


def clock_label(minute: int) -> str:
    """“9:00 AM” for 540."""
    at = minute_to_time(minute)
    return f"{at.hour % 12 or 12}:{at.minute:02d} {'AM' if at.hour < 12 else 'PM'}"


def get_settings(services: Services, actor: Actor) -> NudgeSettings:
    with services.db.transaction() as session:
        p = queries.prefs_for(session, actor.team_id, actor.person_id, services.now())
        return NudgeSettings(
            p.nudge_minute, p.quiet_start_minute, p.quiet_end_minute, p.weekends, p.paused_until
        )


def settings_problems(settings: NudgeSettings, today: date) -> dict[str, str]:
    """Field problems keyed by name (nudge_time, pause_until), in words a person can act on."""
    problems: dict[str, str] = {}
    if is_quiet_minute(settings.nudge_minute, settings.quiet_start_minute, settings.quiet_end_minute):
        problems["nudge_time"] = (
            f"{clock_label(settings.nudge_minute)} is inside your quiet hours "
            f"({clock_label(settings.quiet_start_minute)}–{clock_label(settings.quiet_end_minute)}): "
            "choose a nudge time outside them."
        )
    if settings.paused_until is not None and settings.paused_until <= today:
        problems["pause_until"] = "Choose a date after today, or leave it empty to keep nudges on."
    return problems


def save_settings(services: Services, actor: Actor, settings: NudgeSettings) -> datetime | None:
    """Save and replan in one transaction; returns when the next nudge now falls, if any."""
    now = services.now()
    problems = settings_problems(settings, local_today(now, actor.tz))
    if problems:
        raise UserError(" ".join(problems.values()))
    with services.db.transaction() as session:
        p = queries.prefs_for(session, actor.team_id, actor.person_id, now)
        p.nudge_minute, p.quiet_start_minute, p.quiet_end_minute = (
            settings.nudge_minute,
            settings.quiet_start_minute,
            settings.quiet_end_minute,
        )
        p.weekends, p.paused_until, p.updated_at = settings.weekends, settings.paused_until, now
        session.flush()
        return replan_person(session, actor.person_id, now)


def parse_quiet_period(text: str, reader: Reader) -> tuple[date, date, str]:
    """`2026-12-21 2027-01-03 Winter break` or `Dec 21 to Jan 3 Winter break` → (start, end, label)."""
    words = text.split()
    if len(words) < 2:
        raise UserError(f"Give a first and last date, then a name: {QUIET_ADD_EXAMPLE}.")
    try:
        start, end, label_words = _period_days(words, reader)
    except DateError as error:
        # The reader's error already gives examples of the date; this shows the whole command.
        raise UserError(f"{error}\nThe whole command: {QUIET_ADD_EXAMPLE}.") from None
    if end < start:
        raise UserError(
            f"The last day comes before the first. Write the first day first: {QUIET_ADD_EXAMPLE}."
        )
    label = " ".join(label_words)
    if len(label) > LABEL_MAX:
        raise UserError(f"Please keep the name to {LABEL_MAX} characters.")
    return start, end, label


def _period_days(words: list[str], reader: Reader) -> tuple[date, date, list[str]]:
    """The first and last day (“A to B”, or two one-word dates) and the words left for the name."""
    lowered = [word.lower() for word in words]
    split = next((i for i, word in enumerate(lowered) if word in {"to", "until", "through", "-", "–"}), None)
    if split is None:
        return read_date(words[0], reader).value, read_date(words[1], reader).value, words[2:]
    start = read_date(" ".join(words[:split]), reader).value
    for end_at in range(min(len(words), split + 5), split + 1, -1):  # the longest date after “to”
        try:
            end = read_date(" ".join(words[split + 1 : end_at]), reader).value
        except DateError:
            continue
        return start, end, words[end_at:]
    raise DateError(f"I couldn't read the last day after “{words[split]}”.")


def add_quiet_period(services: Services, actor: Actor, text: str) -> QuietPeriodInfo:
    require_admin(services, actor, "set program quiet periods")
    now = services.now()
    start, end, label = parse_quiet_period(text, services.reader(actor))
    with services.db.transaction() as session:
        period = QuietPeriod(
            team_id=actor.team_id,
            starts_on=start,
            ends_on=end,
            label=label,
            created_by=actor.user_id,
            created_at=now,
        )
        session.add(period)
        session.flush()
        _replan_everyone(session, actor.team_id, now)
        return QuietPeriodInfo(period.id, start, end, label)


def _replan_everyone(session: Session, team_id: str, now: datetime) -> None:
    """Move every pending nudge of the workspace around the quiet periods, in batches of queries
    (one person at a time, a thousand coachees took 4 s: past Slack's 3 s for the ack)."""
    people = queries.people_with_pending_nudges(session, team_id, NUDGE_KIND)
    for start in range(0, len(people), REPLAN_BATCH):
        replan_people(session, people[start : start + REPLAN_BATCH], now)


def list_quiet_periods(services: Services, actor: Actor) -> list[QuietPeriodInfo]:
    with services.db.transaction() as session:
        return [
            QuietPeriodInfo(p.id, p.starts_on, p.ends_on, p.label)
            for p in queries.quiet_periods(session, actor.team_id)
        ]


def remove_quiet_period(services: Services, actor: Actor, number: int) -> QuietPeriodInfo:
    require_admin(services, actor, "remove program quiet periods")
    now = services.now()
    with services.db.transaction() as session:
        period = session.get(QuietPeriod, number)
        if period is None or period.team_id != actor.team_id:
            raise UserError(f"There is no quiet period #{number}. `/coachbot quiet list` shows them.")
        info = QuietPeriodInfo(period.id, period.starts_on, period.ends_on, period.label)
        session.delete(period)
        session.flush()
        _replan_everyone(session, actor.team_id, now)
        return info
