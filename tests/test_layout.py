"""The layout rules of STYLE.md, checked on the source: dependencies run one way
(helpdesk ← sla ← tickets ← surveys ← reports ← demo), and views read only through selectors. It reads
every production module's syntax tree; it runs nothing."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Each app may import its own modules and those of the apps ranked below it.
RANK = {"helpdesk": 0, "sla": 1, "tickets": 2, "surveys": 3, "reports": 4, "demo": 5}


def production_modules(app: str) -> list[Path]:
    return sorted(
        path for path in (ROOT / app).rglob("*.py") if not {"tests", "migrations"} & set(path.relative_to(ROOT).parts)
    )


def _type_checking_only(tree: ast.AST) -> set[int]:
    """ids of the nodes inside `if TYPE_CHECKING:` blocks: imports there are for annotations."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
            if name == "TYPE_CHECKING":
                skipped |= {id(inner) for statement in node.body for inner in ast.walk(statement)}
    return skipped


def imported_modules(source: str) -> list[tuple[int, str]]:
    """(line, module) of every import anywhere in the module, function-level ones too, except those
    under TYPE_CHECKING. Relative imports stay inside their app and are left out."""
    tree = ast.parse(source)
    skipped = _type_checking_only(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def upward_imports(app: str, source: str) -> list[str]:
    return [
        f"line {line}: {module}"
        for line, module in imported_modules(source)
        if RANK.get(module.split(".")[0], -1) > RANK[app]
    ]


@pytest.mark.parametrize("app", list(RANK))
def test_no_module_imports_an_app_above_its_own(app):
    offences = {
        str(path.relative_to(ROOT)): found
        for path in production_modules(app)
        if (found := upward_imports(app, path.read_text()))
    }
    assert offences == {}


def test_the_import_check_sees_function_level_imports_and_spares_type_checking_ones():
    source = (
        "from typing import TYPE_CHECKING\n"
        "from helpdesk.models import Tenant\n"
        "if TYPE_CHECKING:\n"
        "    from tickets.models import Plan\n"
        "def later():\n"
        "    from tickets.services import case_open\n"
        "    import surveys.models\n"
    )
    assert upward_imports("sla", source) == ["line 6: tickets.services", "line 7: surveys.models"]
    assert upward_imports("demo", source) == []


def view_modules() -> list[Path]:
    """Page and API view modules: `views.py`, `*_views.py` and every module of a `views/` package."""
    return sorted(
        path
        for app in RANK
        for path in production_modules(app)
        if path.name == "views.py" or path.name.endswith("_views.py") or path.parent.name == "views"
    )


def manager_reads(source: str) -> list[str]:
    """`Model.objects…` in the module: a read (or write) that bypasses selectors and services."""
    return [f"line {node.lineno}" for node in ast.walk(ast.parse(source)) if _is_objects(node)]


def _is_objects(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "objects"


def test_views_read_only_through_selectors():
    assert len(view_modules()) >= 10  # the scan finds the view modules it is about
    offences = {
        str(path.relative_to(ROOT)): found for path in view_modules() if (found := manager_reads(path.read_text()))
    }
    assert offences == {}


def test_the_view_scan_finds_a_manager_read():
    assert manager_reads("def v(request):\n    return Case.objects.for_tenant(t).first()\n") == ["line 2"]


def test_platform_models_live_in_the_models_package_and_keep_their_tables():
    """helpdesk/models/ is a package of one module per kind; `from helpdesk.models import X` still
    works for each, and the app label (so the table) is the one the single module had."""
    from django.apps import apps

    import helpdesk.models

    assert not (ROOT / "helpdesk" / "models.py").exists()
    models = list(apps.get_app_config("helpdesk").get_models())
    assert len(models) == 11  # ten kinds plus the settings history
    for model in models:
        assert model.__module__.startswith("helpdesk.models."), model
        assert getattr(helpdesk.models, model.__name__) is model
        assert model._meta.db_table == f"helpdesk_{model._meta.model_name}"


def test_the_admin_is_a_package_whose_scoping_every_app_shares():
    from django.contrib import admin

    from helpdesk.admin import scoping
    from helpdesk.models import Account, Tenant, User

    assert not (ROOT / "helpdesk" / "admin.py").exists()
    assert not (ROOT / "helpdesk" / "admin_scoping.py").exists()
    for model in (Tenant, Account, User):
        assert type(admin.site._registry[model]).__module__ == "helpdesk.admin.platform"
    assert issubclass(type(admin.site._registry[User]), scoping.TenantScopedAdmin)
    sources = [path.read_text() for app in RANK for path in production_modules(app)]
    assert not [source for source in sources if "admin_scoping" in source]


def role_literals(source: str) -> list[str]:
    """Each literal tuple, set or list made only of `Role.X` members, and each `require_scope(Role.X,
    ...)`: a set of roles spelled out again instead of named from helpdesk.roles."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Tuple | ast.Set | ast.List):
            members = node.elts
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "require_scope":
            members = node.args
        else:
            continue
        if members and all(
            isinstance(member, ast.Attribute) and isinstance(member.value, ast.Name) and member.value.id == "Role"
            for member in members
        ):
            found.append((node.lineno, f"line {node.lineno}: {ast.unparse(node)}"))
    return [text for _, text in sorted(found)]


def test_role_sets_are_defined_once_in_helpdesk_roles():
    offences = {
        str(path.relative_to(ROOT)): found
        for app in RANK
        for path in production_modules(app)
        if path != ROOT / "helpdesk" / "roles.py" and (found := role_literals(path.read_text()))
    }
    assert offences == {}


def test_the_role_check_sees_tuples_sets_and_decorator_arguments():
    source = (
        "STAFF = frozenset({Role.ANALYST, Role.ADMIN})\n"
        "ok = scope.role in (Role.MANAGER, Role.ADMIN)\n"
        "@require_scope(Role.MERCHANT)\n"
        "def view(request): ...\n"
        "@require_scope(MERCHANT_ROLES)\n"
        "def named(request): ...\n"
        "single = scope.role == Role.MERCHANT\n"
        "mixed = (Role.ADMIN, 'x')\n"
    )
    assert role_literals(source) == [
        "line 1: {Role.ANALYST, Role.ADMIN}",
        "line 2: (Role.MANAGER, Role.ADMIN)",
        "line 3: require_scope(Role.MERCHANT)",
    ]
