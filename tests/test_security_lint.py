"""The security lint that `make lint` and scripts/test.sh run: bandit with the project's configuration.

The clean run proves every accepted finding is justified inline; the planted finding proves the
configuration still looks at application code (an exclude that swallowed everything would also be clean).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BANDIT = [sys.executable, "-m", "bandit", "-q", "-c", str(ROOT / "pyproject.toml")]

pytestmark = pytest.mark.slow


def run_bandit(*targets: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*BANDIT, *targets], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_the_code_base_has_no_unjustified_findings():
    result = run_bandit("-r", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_planted_finding_in_application_code_fails_the_lint(tmp_path):
    # A copy of the layout outside the repository, so a parallel clean run never sees the plant.
    package = tmp_path / "helpdesk"
    package.mkdir()
    (package / "planted.py").write_text(
        "import subprocess\n\n\ndef run(command):\n    subprocess.call(command, shell=True)\n"
    )
    result = subprocess.run([*BANDIT, "-r", "."], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "B602" in result.stdout
    assert "planted.py" in result.stdout
