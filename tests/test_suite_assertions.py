"""A test that cannot fail is a defect (STYLE.md): this guards the suite against the usual shapes
of one. It reads every test module's syntax tree; it runs nothing."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {".venv", "node_modules", "var", "bench"}


def suite_modules() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if not SKIPPED_DIRS & set(path.relative_to(ROOT).parts)
        and (path.name.startswith("test_") or path.name == "conftest.py" or "tests" in path.relative_to(ROOT).parts)
    )


def _top_level(node: ast.expr) -> Iterator[ast.expr]:
    """The expression and its operands, not looking into calls, comprehensions, lambdas or
    f-strings (an `or` inside `any(...)` or `f"{a or b}"` is not an assertion joined with `or`)."""
    yield node
    if isinstance(node, ast.Call | ast.Lambda | ast.JoinedStr | ast.GeneratorExp | ast.ListComp | ast.SetComp):
        return
    if isinstance(node, ast.DictComp):
        return
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.expr):
            yield from _top_level(child)


def _is_truthy_constant(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return bool(node.value)
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return bool(node.elts)
    if isinstance(node, ast.Dict):
        return bool(node.keys)
    return isinstance(node, ast.JoinedStr | ast.Lambda)


def _without_calls(node: ast.expr) -> bool:
    return not any(isinstance(n, ast.Call | ast.Await | ast.NamedExpr) for n in ast.walk(node))


def _is_pytest_raises(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and ast.unparse(node.func) == "pytest.raises"


def problems_in(source: str) -> Iterator[tuple[int, str]]:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assert):
            test = node.test
            if _is_truthy_constant(test):
                yield node.lineno, "asserts a value that is always true"
            if any(isinstance(n, ast.BoolOp) and isinstance(n.op, ast.Or) for n in _top_level(test)):
                yield node.lineno, "an assertion joined with `or` passes whenever either side is truthy"
            if isinstance(test, ast.Compare) and len(test.ops) == 1:
                left, right = test.left, test.comparators[0]
                if ast.dump(left) == ast.dump(right) and _without_calls(left):
                    yield node.lineno, "compares a value with itself"
                if isinstance(left, ast.Constant) and isinstance(right, ast.Constant):
                    yield node.lineno, "compares two constants"
        if (
            isinstance(node, ast.With | ast.AsyncWith)
            and any(_is_pytest_raises(i.context_expr) for i in node.items)
            and any(isinstance(s, ast.Assert) for s in node.body[1:])
        ):
            yield node.lineno, "an assert after the raising statement inside `pytest.raises` never runs"


def test_no_test_module_has_an_assertion_that_cannot_fail():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {why}"
        for path in suite_modules()
        for line, why in problems_in(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_guard_recognises_each_shape():
    source = """
def test_examples():
    assert due == "2026-11-22T13:00:00+00:00" or state
    assert "it works"
    assert (value, "message")
    assert count == count
    assert 1 == 1
    with pytest.raises(ValueError):
        parse("x")
        assert parsed is None
    assert any(a or b for a, b in pairs)
    assert f"{a or b}" == text
    assert first() == first()
"""
    assert sorted({line for line, _ in problems_in(source)}) == [3, 4, 5, 6, 7, 8]
