"""The project's own Python sources, for the tests that read the code itself (ambient tenant reads,
error codes, durable transactions): files, their dotted module names and their syntax trees."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# `platform/` is a source root holding the package `saas` (ADR 0002)
SOURCE_ROOTS = ("modules", "portal", "platform/saas", "tenants")


@dataclass(frozen=True)
class Source:
    path: Path
    module: str  # dotted name as imported: modules.billing.pdf, saas.errors
    tree: ast.Module

    @property
    def relative(self) -> str:
        return self.path.relative_to(ROOT).as_posix()

    def within(self, packages: frozenset[str]) -> bool:
        return any(self.module == p or self.module.startswith(p + ".") for p in packages)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[0] == "platform":
        parts = parts[1:]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


@cache
def sources() -> tuple[Source, ...]:
    """Every .py file under the source roots except migrations (generated, and frozen history)."""
    found: list[Source] = []
    for root in SOURCE_ROOTS:
        for path in sorted((ROOT / root).rglob("*.py")):
            if "migrations" in path.parts or "__pycache__" in path.parts:
                continue
            found.append(Source(path, _module_name(path), ast.parse(path.read_text(), str(path))))
    return tuple(found)


def iter_sources() -> Iterator[Source]:
    yield from sources()
