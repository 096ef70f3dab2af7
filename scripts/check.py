"""Lint, format check, types and the whole test suite, in that order; stops at the first failure."""

from __future__ import annotations

import subprocess
import sys

STEPS = [
    ["ruff", "check", "."],
    ["ruff", "format", "--check", "."],
    ["mypy"],
    ["pytest"],
]


def main() -> int:
    for step in STEPS:
        print(f"$ {' '.join(step)}", flush=True)
        code = subprocess.call([sys.executable, "-m", *step])
        if code != 0:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
