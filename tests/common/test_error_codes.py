"""Every domain error names a code from its module's enum (ADR 0016): clients switch on the code,
people read the pt-BR message.

The checker walks the syntax tree of every source file and, for each construction of a DomainError
subclass (`raise NotFound(...)`, `return Conflict(...)`, `raise SomeRefusal`), requires one of:

- `code=ErrorCode.X` (any module's `ErrorCode` member; a conditional between two members too);
- `code=exc.code` where `exc` is the exception caught by the enclosing `except ... as exc` (the
  error is translated and keeps the code it already carries);
- no `code=`, and the class is a module's own subclass whose class attribute `code` is an
  `ErrorCode` member (`class ArchiveRefused(ValidationFailed): code = ErrorCode.ARCHIVE_REFUSED`).

It also checks each `errors.py` that defines an `ErrorCode`: members UPPER_SNAKE, values lower_snake
and unique, and no Django import (domain code imports it).
"""

from __future__ import annotations

import ast
import importlib
import re
from enum import StrEnum
from types import ModuleType
from typing import Any

import pytest

from modules.common.errors import DomainError

from .source_tree import Source, sources

NOT_IMPORTED = re.compile(r"^saas\.settings(\.|$)")  # production settings refuse to load without secrets


def _checked() -> list[Source]:
    return [s for s in sources() if not NOT_IMPORTED.match(s.module)]


def _resolve(expr: ast.expr, module: ModuleType) -> Any:
    """The object a dotted name (`NotFound`, `errors.NotFound`, `ErrorCode.X`) denotes in the module;
    None for anything else (calls, subscripts, locals)."""
    if isinstance(expr, ast.Name):
        return vars(module).get(expr.id)
    if isinstance(expr, ast.Attribute):
        base = _resolve(expr.value, module)
        return getattr(base, expr.attr, None) if base is not None else None
    return None


def _is_error_code(value: Any) -> bool:
    return isinstance(value, StrEnum) and type(value).__name__ == "ErrorCode"


def _is_domain_error(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, DomainError)


def _names_a_member(expr: ast.expr, module: ModuleType, caught: set[str]) -> bool:
    if isinstance(expr, ast.IfExp):
        return _names_a_member(expr.body, module, caught) and _names_a_member(expr.orelse, module, caught)
    if (
        isinstance(expr, ast.Attribute)
        and expr.attr == "code"
        and isinstance(expr.value, ast.Name)
        and expr.value.id in caught
    ):
        return True
    return _is_error_code(_resolve(expr, module))


def _own_code(cls: type[DomainError]) -> bool:
    """A module's own subclass that carries its code as a class attribute."""
    return cls.__module__ != "modules.common.errors" and _is_error_code(cls.__dict__.get("code"))


class _Visitor(ast.NodeVisitor):
    def __init__(self, source: Source, module: ModuleType) -> None:
        self.source, self.module = source, module
        self.caught: list[str] = []
        self.problems: list[str] = []

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        self.caught.append(node.name or "")
        self.generic_visit(node)
        self.caught.pop()

    def visit_Raise(self, node: ast.Raise) -> None:
        # `raise SomeRefusal` (the class, not a call)
        if node.exc is not None and not isinstance(node.exc, ast.Call):
            cls = _resolve(node.exc, self.module)
            if _is_domain_error(cls) and not _own_code(cls):
                self._problem(node, cls.__name__)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        cls = _resolve(node.func, self.module)
        if _is_domain_error(cls):
            code = next((k.value for k in node.keywords if k.arg == "code"), None)
            if code is not None:
                if not _names_a_member(code, self.module, set(self.caught)):
                    self._problem(node, cls.__name__)
            elif not _own_code(cls):
                self._problem(node, cls.__name__)
        self.generic_visit(node)

    def _problem(self, node: ast.AST, name: str) -> None:
        self.problems.append(f"{self.source.relative}:{getattr(node, 'lineno', '?')}: {name}")


def _problems(source: Source, module: ModuleType) -> list[str]:
    visitor = _Visitor(source, module)
    visitor.visit(source.tree)
    return visitor.problems


def test_every_domain_error_names_a_code_of_its_modules_enum() -> None:
    problems = [
        problem
        for source in _checked()
        for problem in _problems(source, importlib.import_module(source.module))
    ]

    assert problems == [], "name an ErrorCode member: code=ErrorCode.X (ADR 0016)"


FIXTURE = """
from modules.common.errors import Conflict, ErrorCode, NotFound, ValidationFailed

class Refused(ValidationFailed):
    code = ErrorCode.INVALID

class Plain(ValidationFailed):
    pass

def f(x):
    try:
        x()
    except ValueError as exc:
        raise Conflict(str(exc), code=exc.code) from exc  # ok: translated, same code
    if x:
        raise NotFound("a", code=ErrorCode.NOT_FOUND)  # ok
    if x:
        raise NotFound("b", code=ErrorCode.NOT_FOUND if x else ErrorCode.CONFLICT)  # ok
    if x:
        raise Refused("c")  # ok: the class carries its code
    if x:
        raise NotFound("d")  # bad: no code
    if x:
        raise NotFound("e", code="e")  # bad: a bare string
    if x:
        raise Plain("f")  # bad: a subclass without its own code
    if x:
        raise Plain  # bad
    if x:
        raise Conflict("g", code=x.code)  # bad: x is not a caught exception
    return ValidationFailed("h")  # bad: built here, raised elsewhere
"""


def test_the_checker_finds_what_it_should() -> None:
    module = ModuleType("fixture")
    exec(compile(FIXTURE, "fixture.py", "exec"), module.__dict__)  # noqa: S102 - our own fixture text
    source = Source(sources()[0].path, "fixture", ast.parse(FIXTURE))

    found = [p.split(": ", 1)[1] for p in _problems(source, module)]

    assert found == ["NotFound", "NotFound", "Plain", "Plain", "Conflict", "ValidationFailed"]


def _enum_modules() -> list[Source]:
    return [s for s in _checked() if s.module.endswith("errors") and "ErrorCode" in s.path.read_text()]


@pytest.mark.parametrize("source", _enum_modules(), ids=lambda s: s.module)
def test_each_error_code_enum_is_stable_lower_snake_and_imports_no_django(source: Source) -> None:
    enum = importlib.import_module(source.module).ErrorCode
    names = [m.name for m in enum]
    values = [m.value for m in enum]
    # at import time (a function may import Django lazily: it runs only when a service calls it)
    imports = {
        alias.name.split(".")[0]
        for node in source.tree.body
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        (node.module or "").split(".")[0]
        for node in source.tree.body
        if isinstance(node, ast.ImportFrom) and node.level == 0
    }

    assert [n for n in names if not re.fullmatch(r"[A-Z][A-Z0-9_]*", n)] == []
    assert [v for v in values if not re.fullmatch(r"[a-z][a-z0-9_]*", v)] == []
    assert len(set(values)) == len(values)
    assert {"django", "rest_framework", "celery"} & imports == set()
