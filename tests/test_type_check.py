"""The type check and lint rules that `make lint` and scripts/test.sh run, with the project's configuration.

The clean run proves the production code type-checks; the planted mistakes prove the configuration
still catches what the house style forbids (an untyped `case` parameter, a naive datetime, a loop
that should be a comprehension), so a loosened setting cannot pass unnoticed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def run(*command: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *command], cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=600
    )


def test_the_production_code_type_checks() -> None:
    result = run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout


def test_an_untyped_case_parameter_fails_the_type_check(tmp_path: Path) -> None:
    planted = tmp_path / "planted_untyped.py"
    planted.write_text("def case_touch(*, case):\n    return case.number\n")
    result = run("mypy", str(planted))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "[no-untyped-def]" in result.stdout


def test_a_wrong_type_fails_the_type_check(tmp_path: Path) -> None:
    planted = tmp_path / "planted_wrong.py"
    planted.write_text("from tickets.models import Case\n\n\ndef number(case: Case) -> int:\n    return case.number\n")
    result = run("mypy", str(planted))
    assert result.returncode == 1, result.stdout + result.stderr
    assert '"str", expected "int"' in result.stdout


def test_a_naive_datetime_fails_the_lint() -> None:
    planted = "from datetime import datetime\n\nNOW = datetime.now()\n"
    result = run("ruff", "check", "--stdin-filename", "helpdesk/planted.py", "-", stdin=planted)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "DTZ005" in result.stdout


def test_a_loop_that_builds_a_list_fails_the_lint() -> None:
    planted = "def evens(numbers: list[int]) -> list[int]:\n    found = []\n    for n in numbers:\n"
    planted += "        if n % 2 == 0:\n            found.append(n)\n    return found\n"
    result = run("ruff", "check", "--stdin-filename", "helpdesk/planted.py", "-", stdin=planted)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "PERF401" in result.stdout
