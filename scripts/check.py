"""Lint, format check, types, the layering contracts and the whole test suite, in order; stops at the first failure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PYTHON = [sys.executable, "-m"]
STEPS = [
    [*PYTHON, "ruff", "check", "."],
    [*PYTHON, "ruff", "format", "--check", "."],
    [*PYTHON, "mypy"],
    # import-linter has no `python -m` entry point: its script sits beside this interpreter.
    [str(Path(sys.executable).with_name("lint-imports"))],
    [*PYTHON, "pytest"],
]


def main() -> int:
    for step in STEPS:
        print(f"$ {' '.join(step)}", flush=True)
        code = subprocess.call(step)
        if code != 0:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
