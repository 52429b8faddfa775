"""`make test` is what CI runs: a failing line anywhere in a recipe must fail it."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_recipe_stops_at_its_first_failing_line() -> None:
    result = subprocess.run(
        ["make", "--no-print-directory", "-s", "_selfcheck-first-line-fails"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "unreachable" not in result.stdout


def test_the_test_target_runs_every_check() -> None:
    makefile = (ROOT / "Makefile").read_text()
    test_line = next(line for line in makefile.splitlines() if line.startswith("test:"))

    assert test_line.split(":", 1)[1].split() == [
        "install",
        "lint",
        "typecheck",
        "contracts",
        "migrations-check",
        "deploy-check",
        "pytest",
    ]
    assert ".SHELLFLAGS := -ec" in makefile
