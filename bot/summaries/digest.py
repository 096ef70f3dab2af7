"""The admins' weekly program digest: counts only, never anyone's words."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.goals.nudge_plan import NUDGE_KIND
from bot.summaries.flags import EMOJI, Flag
from bot.summaries.service import WEEK, week_flags
from bot.summaries.views import Message, legend_footer, pack, sections
from storage import program_counts
from storage import summaries as queries


@dataclass(frozen=True)
class Digest:
    """A workspace's week in numbers; `coaches_to_follow_up` are Slack user ids."""

    active_pairings: int
    counts: program_counts.ProgramCounts
    sessions_held: int
    sessions_unconfirmed: int
    sessions_booked: int
    flags: Counter[Flag]
    coaches_to_follow_up: list[str]

    @property
    def answer_rate(self) -> str:
        if not self.counts.nudges_sent:
            return "no nudges sent"
        share = round(100 * self.counts.nudges_answered / self.counts.nudges_sent)
        return f"{share}% ({self.counts.nudges_answered} of {self.counts.nudges_sent} nudges answered)"


def build_digest(session: Session, team_id: str, now: datetime) -> Digest:
    """The digest for one workspace, in a fixed number of queries whatever its size."""
    since = now - WEEK
    pairs = queries.open_pairs(session, team_id)
    flagged = week_flags(session, pairs, now)
    held, unconfirmed, booked = program_counts.meeting_counts(session, team_id, since, now)
    # A "need help" nobody has a session booked for yet: the coach may not have seen it.
    waiting = {f.pair.coach_user for f in flagged if f.waiting}
    return Digest(
        active_pairings=len(pairs),
        counts=program_counts.program_counts(session, team_id, since, NUDGE_KIND),
        sessions_held=held,
        sessions_unconfirmed=unconfirmed,
        sessions_booked=booked,
        flags=Counter(flag for f in flagged for flag in f.flags),
        coaches_to_follow_up=sorted(waiting),
    )


def digest_messages(digest: Digest, more: Sequence[str] = (), *, with_legend: bool = True) -> list[Message]:
    """The digest as messages, with `more` lines at its end (a long list continues in the thread)."""
    counts = digest.counts
    lines = [
        f"👥 Active pairings: {digest.active_pairings}",
        f"🎯 Goals set: {counts.goals_set} · completed: {counts.goals_done} · "
        f"closed, not achieved: {counts.goals_not_achieved} · dropped: {counts.goals_dropped}",
        f"💬 Check-in answer rate: {digest.answer_rate}",
        f"📅 Sessions held: {digest.sessions_held} (confirmed by their coach; {digest.sessions_unconfirmed} "
        f"not confirmed) · booked ahead: {digest.sessions_booked}",
        f"🤝 Agreements signed: {counts.agreements_signed}",
        "Flags: " + " · ".join(f"{EMOJI[flag]} {flag}: {digest.flags.get(flag, 0)}" for flag in Flag),
    ]
    if digest.coaches_to_follow_up:
        lines.append("Coaches with a “need help” and no session booked yet:")
        lines += [f"• <@{user}>" for user in digest.coaches_to_follow_up]
    else:
        lines.append("No “need help” is waiting without a session booked.")
    lines += more
    groups = [[block] for block in sections(lines)]
    footer = legend_footer(with_legend=with_legend)
    return pack("Your weekly program digest", "The last 7 days across the program.", groups, footer)
