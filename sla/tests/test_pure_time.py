"""The pure SLA time code (`sla/business_time/`) stays pure: no Django, no database, no settings.

Pure code is what the property tests and the quote can trust to give the same answer anywhere,
so an import of Django, of another app or of a third-party package there is a defect.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import sla.business_time
from sla.business_time import deadlines
from sla.models import Unit

PACKAGE = Path(sla.business_time.__file__).parent


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: relative import"
            names.add(node.module or "")
    return names


def test_pure_modules_import_only_the_standard_library_and_each_other() -> None:
    modules = sorted(PACKAGE.glob("*.py"))
    assert {m.name for m in modules} >= {"__init__.py", "calendar.py", "deadlines.py", "clock_maths.py"}
    for module in modules:
        for name in _imports(module):
            top = name.split(".")[0]
            allowed = top in sys.stdlib_module_names or name.startswith("sla.business_time")
            assert allowed, f"sla/business_time/{module.name} imports {name}"


def test_importing_the_pure_package_loads_no_django() -> None:
    code = (
        "import sys, sla.business_time.calendar, sla.business_time.deadlines, sla.business_time.clock_maths;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'django', 'rest_framework', 'holidays'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.strip() == "[]"


def test_unit_names_are_the_stored_units() -> None:
    pure = {*deadlines.CALENDAR_UNITS, *deadlines.BUSINESS_UNITS, deadlines.BUSINESS_DAYS}
    assert pure == set(Unit.values)
