"""A test asserts the exact status code an answer has (issue #12): `status_code in (401, 403)` passes
whether the client was not signed in or was refused, so it cannot tell a broken sign-in from a missing
grant, and `in (200, 302)` cannot tell a page from a redirect to the sign-in form."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def _loose_checks(tree: ast.AST, relative: str) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
            if (
                isinstance(op, ast.In | ast.NotIn)
                and isinstance(left, ast.Attribute)
                and left.attr in {"status_code", "status"}
                and isinstance(right, ast.Tuple | ast.List | ast.Set)
                and all(isinstance(e, ast.Constant) and isinstance(e.value, int) for e in right.elts)
            ):
                found.append(f"{relative}:{node.lineno}")
    return found


def test_every_status_code_assertion_names_one_code() -> None:
    loose = [
        where
        for path in sorted(TESTS.rglob("*.py"))
        if "__pycache__" not in path.parts
        for where in _loose_checks(ast.parse(path.read_text(), str(path)), path.relative_to(TESTS).as_posix())
    ]

    assert loose == [], "assert the one status code the answer must have"


def test_the_checker_sees_a_loose_check() -> None:
    code = (
        "assert r.status_code in (401, 403)\n"
        "assert c.get('/x').status_code in [200, 302]\n"
        "assert r.status_code == 403\n"
        "assert r.status in ('paid', 'open')\n"
    )

    assert _loose_checks(ast.parse(code), "x.py") == ["x.py:1", "x.py:2"]
