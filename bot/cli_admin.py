"""Admin subcommands of `coachbot`: people remove, retention, audit, report, deliveries."""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Callable
from datetime import date

from bot.platform.audit import audit_lines
from bot.platform.delivery import admin as delivery_admin
from bot.platform.delivery import dispatcher as dispatch
from bot.platform.errors import UserError
from bot.platform.services import Services
from bot.platform.settings import Settings, SettingsError
from bot.platform.slack import make_web_client
from bot.privacy.jobs import run_retention
from bot.privacy.service import remove_person
from bot.reports.service import period, report

COMMANDS = {"people", "retention", "audit", "report", "deliveries"}


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the admin subcommands to the `coachbot` parser."""
    people = sub.add_parser("people", help="people in the program").add_subparsers(
        dest="people_command", required=True
    )
    remove = people.add_parser(
        "remove", help="delete all data about someone who left (graduation, withdrawal)"
    )
    remove.add_argument("user", help="their Slack user id, like U0123ABCD")
    remove.add_argument("--team", help="workspace id (needed with OAuth installs)")
    remove.add_argument("--yes", action="store_true", help="do not ask to confirm")
    sub.add_parser(
        "retention", help="delete delivery logs, check-ins and audit entries past COACHBOT_RETENTION_DAYS"
    )
    audit = sub.add_parser("audit", help="who looked at whose data, newest first")
    audit.add_argument("--user", help="only entries about this Slack user id")
    audit.add_argument("--team", help="only this workspace")
    audit.add_argument("--limit", type=int, default=200)
    delivery_admin.add_parser(sub)
    report = sub.add_parser("report", help="program figures per cohort and ISO week (small groups not shown)")
    report.add_argument("--since", required=True, type=_date, help="first day, YYYY-MM-DD")
    report.add_argument("--until", required=True, type=_date, help="last day, YYYY-MM-DD")
    report.add_argument("--cohort", help="only this cohort")
    report.add_argument("--format", choices=["csv", "json"], default="csv")
    report.add_argument(
        "--by-person", action="store_true", help="one row per person and week, under pseudonyms (audited)"
    )
    report.add_argument("--team", help="workspace id (needed with OAuth installs)")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-09-01") from None


def run(
    settings: Settings,
    args: argparse.Namespace,
    services_for: Callable[[Settings], Services],
    team_for: Callable[[Settings], str],
) -> int:
    """Carry out one admin subcommand; prints what it did and returns the exit status."""
    services = services_for(settings)
    if args.command == "retention":
        report = run_retention(services, services.now())
        print("\n".join(report.lines()))
        return 0
    if args.command == "deliveries":
        return delivery_admin.run(services, args)
    if args.command == "audit":
        for line in audit_lines(services, args.team, args.user, args.limit):
            subject = f" about {line.subject}" if line.subject else ""
            detail = f" ({line.detail})" if line.detail else ""
            print(f"{line.at:%Y-%m-%d %H:%M}Z {line.team_id} {line.actor} {line.action}{subject}{detail}")
        return 0
    if args.command == "report":
        return _report(settings, services, args, team_for)
    return _remove(settings, services, args, team_for)


def _report(
    settings: Settings, services: Services, args: argparse.Namespace, team_for: Callable[[Settings], str]
) -> int:
    if settings.oauth_enabled and not args.team:
        raise SettingsError("with OAuth installs, say which workspace: coachbot report … --team T…")
    team_id = args.team or team_for(settings)
    try:
        when = period(args.since, args.until, args.cohort)
    except UserError as error:
        raise SettingsError(error.message) from None
    by = f"cli:{getpass.getuser()}"
    print(report(services, team_id, by, when, args.format, by_person=args.by_person), end="")
    return 0


def _confirmed(question: str) -> bool:
    """Ask on the terminal; anything but yes, or no answer at all (end of input), is no."""
    try:
        answer = input(question)
    except EOFError:
        print()
        return False
    return answer.strip().lower() in {"y", "yes"}


def _remove(
    settings: Settings, services: Services, args: argparse.Namespace, team_for: Callable[[Settings], str]
) -> int:
    if settings.oauth_enabled and not args.team:
        raise SettingsError("with OAuth installs, say which workspace: coachbot people remove USER --team T…")
    team_id = args.team or team_for(settings)
    question = (
        f"Delete everything coachbot holds about {args.user} in {team_id} and tell their coach? "
        "This cannot be undone. [y/N] "
    )
    if not args.yes and not _confirmed(question):
        print("Nothing removed.")
        return 1
    try:
        removal = remove_person(services, team_id, args.user, by=f"cli:{getpass.getuser()}"[:32])
    except UserError as error:
        raise SettingsError(error.message) from None
    # Their coaches hear now rather than at the worker's next pass.
    dispatch.run_due(services, make_web_client(settings.bot_token, settings.api_url), services.now())
    for table, count in sorted(removal.rows.items()):
        print(f"{table}: {count} deleted")
    print(
        f"{args.user} removed: {removal.total} records deleted, {removal.coaches_told} coach(es) told, "
        f"{removal.notes_kept} coach note(s) kept for their coach"
    )
    return 0
