"""Whether a reference row (a street, a category, a route …) is in use, so it is never removed while
something points at it (seed 001 3.2.2.3, seed 002 S5.1-05).

The registry answers for every foreign key that points at the row (its own tables and every later
module's: a meter, a bill, a reading batch); a later module that names a row without a foreign key
(a tariff names categories by code in its JSON) registers a check here from its `apps.py`, so the
registry learns about it without importing it."""

from __future__ import annotations

from collections.abc import Callable, Collection

from django.db import models

# model label ("registry.category") -> checks answering a pt-BR phrase ("em tarifas") or None
UseCheck = Callable[[models.Model], str | None]
_CHECKS: dict[str, list[UseCheck]] = {}


def register_use_check(model_label: str, check: UseCheck) -> None:
    checks = _CHECKS.setdefault(model_label.lower(), [])
    if check not in checks:
        checks.append(check)


def _label(model: type[models.Model]) -> str:
    """The model's pt-BR plural; a model that names none (Django would invent an English one) is
    called by its module: "registros de Faturamento"."""
    if "verbose_name_plural" in model._meta.original_attrs or "verbose_name" in model._meta.original_attrs:
        return str(model._meta.verbose_name_plural)
    return f"registros de {model._meta.app_config.verbose_name}"


def uses_of(obj: models.Model, *, ignore: Collection[type[models.Model]] = ()) -> list[str]:
    """Where `obj` is used, as pt-BR phrases ("imóveis", "tarifas"); empty when nothing uses it. One
    EXISTS query per relation: never loads the rows that use it. `ignore`: models whose rows are
    not counted as uses (a configuration import checks those on their own)."""
    found: list[str] = []
    for rel in obj._meta.related_objects:
        if not (rel.one_to_many or rel.one_to_one):
            continue
        related = rel.related_model
        if related in ignore:
            continue
        if related._default_manager.filter(**{rel.field.name: obj}).exists():
            found.append(_label(related))
    for check in _CHECKS.get(obj._meta.label_lower, []):
        where = check(obj)
        if where:
            found.append(where)
    return list(dict.fromkeys(found))
