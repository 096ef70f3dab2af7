"""A person's data and the workspace's install: export, delete, the coachee-left notice, daily retention."""

from __future__ import annotations

from bot.platform.areas import Area
from bot.privacy import commands, jobs, service

AREA = Area("privacy", kinds=service.KINDS, planners=jobs.PLANNERS, subcommands=commands.SUBCOMMANDS)
