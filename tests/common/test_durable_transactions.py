"""A service that is a unit of work opens the outermost transaction, and says so on its signature:
`@transaction.atomic(durable=True)` (STYLE.md; Django raises RuntimeError if such a block is ever
nested, so a caller that wraps it in its own transaction fails loudly instead of silently turning
the service's commit into a savepoint). A helper that must run inside its caller's transaction says
so in its docstring ("Runs inside the caller's transaction.") and is not durable.

Checked in every `services` module (or `services/` package) of modules/, portal/, platform/saas/
and tenants/: each public function decorated with `transaction.atomic` passes `durable=True`, and a
public function that opens its transaction with a `with transaction.atomic(...)` block instead
(because it must catch an error after the rollback, or commit item by item) makes the outermost
such block durable. A block nested in another is a savepoint and is left alone. A public function that
writes (saves, deletes, creates or updates rows through the ORM) and opens no transaction says which
it is: "Runs inside the caller's transaction", or that each statement commits on its own ("Not one
transaction", "its own statement").
"""

from __future__ import annotations

import ast
import re

from .source_tree import Source, sources

# A docstring that says the function joins its caller's transaction, in either of the two phrasings
# the services use ("runs inside the caller's transaction", "Not durable: <who calls it in theirs>").
INSIDE_CALLER = re.compile(
    r"inside\s+(the|its|a|their)\s+caller'?s\s+transaction|\bNot durable\b|\bNot one transaction\b"
    r"|\bits own statement\b",
    re.I,
)
# ORM calls that write; `create`/`update` only on a manager or queryset chain (not dict.update)
WRITES = {"save", "delete", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
CHAIN_WRITES = {"create", "update"}
QUERYSET = {"objects", "filter", "exclude", "select_for_update", "all"}


def _is_services(source: Source) -> bool:
    return "services" in source.module.split(".")


def _is_atomic(node: ast.expr) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    return (isinstance(target, ast.Attribute) and target.attr == "atomic") or (
        isinstance(target, ast.Name) and target.id == "atomic"
    )


def _is_durable(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and any(
        k.arg == "durable" and isinstance(k.value, ast.Constant) and k.value.value is True
        for k in node.keywords
    )


def _outermost_atomic_blocks(body: list[ast.stmt]) -> list[ast.expr]:
    """The `transaction.atomic(...)` items of `with` statements not nested in another such block
    (nested functions are left out: they are checked, or not, on their own)."""
    found: list[ast.expr] = []

    def walk(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
                continue
            if isinstance(node, ast.With | ast.AsyncWith):
                atomic = [item.context_expr for item in node.items if _is_atomic(item.context_expr)]
                if atomic:
                    found.extend(atomic)
                    continue  # what is inside is a savepoint
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.stmt):
                    walk([child])
                elif isinstance(child, ast.excepthandler):
                    walk(child.body)

    walk(body)
    return found


def _chain(node: ast.expr) -> set[str]:
    names: set[str] = set()
    while isinstance(node, ast.Attribute | ast.Call):
        if isinstance(node, ast.Call):
            node = node.func
            continue
        names.add(node.attr)
        node = node.value
    return names


def _writes(function: ast.FunctionDef) -> bool:
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in WRITES:
                return True
            if node.func.attr in CHAIN_WRITES and _chain(node.func.value) & QUERYSET:
                return True
    return False


def _problems(source: Source) -> list[str]:
    problems: list[str] = []
    for node in source.tree.body:
        if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
            continue
        if INSIDE_CALLER.search(ast.get_docstring(node) or ""):
            continue
        where = f"{source.relative}:{node.lineno}: {node.name}"
        decorators = [d for d in node.decorator_list if _is_atomic(d)]
        if decorators:
            if not any(_is_durable(d) for d in decorators):
                problems.append(f"{where}: @transaction.atomic without durable=True")
            continue
        blocks = _outermost_atomic_blocks(node.body)
        for block in blocks:
            if not _is_durable(block):
                problems.append(f"{where}:{block.lineno}: with transaction.atomic() without durable=True")
        if not blocks and _writes(node):
            problems.append(f"{where}: writes outside a transaction without saying whose it runs in")
    return problems


def test_every_unit_of_work_in_a_service_opens_a_durable_transaction() -> None:
    problems = [problem for source in sources() if _is_services(source) for problem in _problems(source)]

    assert problems == [], (
        "decorate the unit of work @transaction.atomic(durable=True), or say in its docstring that it "
        "runs inside the caller's transaction"
    )


FIXTURE = '''
from django.db import transaction

@transaction.atomic(durable=True)
def good_decorated(): ...

@transaction.atomic
def bare_decorator(): ...

@transaction.atomic()
def not_durable(): ...

@transaction.atomic
def helper():
    """Runs inside the caller's transaction."""

def good_with():
    try:
        with transaction.atomic(durable=True):
            with transaction.atomic():  # a savepoint
                pass
    except ValueError:
        pass

def bad_with():
    for item in range(3):
        with transaction.atomic():
            pass

def _private():
    with transaction.atomic():
        pass

def reads_only():
    return 1

def writes_alone(row):
    row.save()
    Thing.objects.filter(pk=1).update(x=2)

def writes_in_callers(row):
    """Runs inside the caller's transaction."""
    row.save()

def updates_a_dict(d):
    d.update(x=1)
'''


def test_the_checker_finds_what_it_should() -> None:
    source = Source(sources()[0].path, "fixture.services", ast.parse(FIXTURE))

    found = [p.split(": ", 1)[1] for p in _problems(source)]

    assert found == [
        "bare_decorator: @transaction.atomic without durable=True",
        "not_durable: @transaction.atomic without durable=True",
        "bad_with:27: with transaction.atomic() without durable=True",
        "writes_alone: writes outside a transaction without saying whose it runs in",
    ]
