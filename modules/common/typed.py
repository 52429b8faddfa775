"""Typed faces of the Django parts services use, for the type checker only.

Django is untyped here (no django-stubs), so under `mypy --strict`:

* a member of `models.TextChoices` reads as the `(value, label)` tuple it is written with, and every
  comparison with a str, every `str` parameter and every `dict[..., str]` receiving one is an error;
* `@transaction.atomic(durable=True)` is an untyped decorator, which makes the service it decorates
  untyped for every caller.

At run time these names are Django's own (`TextChoices` is `models.TextChoices`, `transaction` is
`django.db.transaction`); to mypy `TextChoices` is a `StrEnum` (which a member is: a str and an enum
member) with Django's `label`, `values`, `labels` and `choices`, and `transaction.atomic` returns
what it is: a context manager that, used as a decorator, keeps the function's signature. Import
them from here instead of from Django where the module is type-checked.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, ParamSpec, Protocol, TypeVar

from django.db import models
from django.db import transaction as _transaction

P = ParamSpec("P")
R = TypeVar("R")

if TYPE_CHECKING:

    class TextChoices(StrEnum):
        label: str
        values: ClassVar[list[str]]
        labels: ClassVar[list[str]]
        choices: ClassVar[list[tuple[str, str]]]

    class _Atomic(Protocol):
        def __call__(self, func: Callable[P, R], /) -> Callable[P, R]: ...
        def __enter__(self) -> None: ...
        def __exit__(self, *exc_info: object) -> None: ...

    class _Transaction(Protocol):
        def atomic(
            self, using: str | None = None, savepoint: bool = True, durable: bool = False
        ) -> _Atomic: ...
        def on_commit(
            self, func: Callable[[], object], using: str | None = None, robust: bool = False
        ) -> None: ...
        def set_rollback(self, rollback: bool, using: str | None = None) -> None: ...
        def get_connection(self, using: str | None = None) -> Any: ...

    transaction: _Transaction

else:
    TextChoices = models.TextChoices
    transaction = _transaction
