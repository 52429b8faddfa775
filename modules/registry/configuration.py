"""The registry's section of the configuration document (key "registry"; contract in
modules/common/configuration.py): the town's reference data and the billing classification, never
customers or properties.

    cities          [{name, state, ibge_code, active}]
    localities      [{city: "Sorocaba/SP", code, name, active}]
    sectors         [{locality, code, name, active}]
    blocks          [{locality, sector, code, name, active}]
    neighbourhoods  [{city, code, name, active}]
    streets         [{city, street_type, title, name, active}]
    categories      [{code, name, active}]
    subcategories   [{category, code, name, active}]
    usage_plans     [{category, code, name, kind, minimum_m3_per_unit, initial_m3_per_unit, tax_mode,
                      dwelling_unit_mode, active}]
    groups          [{code, name, active}]
    routes          [{group, code, name, active}]   the list's order within a group is the reading order

Streets and neighbourhoods are the town's reference data, so a utility created from another's
template in the same town starts with them (ADR 0146). Rows are named by natural keys (codes, names),
never by database ids. A row absent from the document is removed only when nothing uses it: plan
refuses otherwise, naming the row's path."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from modules.common.audit import Actor, audit_record
from modules.common.configuration import Change
from modules.common.errors import ValidationFailed

from .errors import ErrorCode
from .models import BillingGroup, Route
from .services.reference import (
    reference_create_in_transaction,
    reference_remove_in_transaction,
    reference_update_in_transaction,
    route_reorder_in_transaction,
)
from .tables import TABLES, Table
from .usage import uses_of

Key = tuple[Any, ...]


def _city_key(city: Any) -> str:
    return f"{city.name}/{city.state}"


@dataclass(frozen=True)
class Kind:
    """One list of the section: its table, the scalar fields it carries and how a row and a document
    item name their parent(s)."""

    name: str  # the document key
    table: str  # tables.TABLES key
    fields: tuple[str, ...]  # scalar fields, besides `active`
    key_fields: tuple[str, ...]  # the item's natural key, parents included
    row_key: Callable[[Any], Key]
    parent_of: Callable[[dict[str, Any]], tuple[str, Key] | None] = lambda item: None  # (kind, key)
    select: tuple[str, ...] = ()

    @property
    def spec(self) -> Table:
        return TABLES[self.table]


KINDS: tuple[Kind, ...] = (
    Kind("cities", "cities", ("name", "state", "ibge_code"), ("name", "state"), lambda r: (r.name, r.state)),
    Kind("localities", "localities", ("code", "name"), ("code",), lambda r: (r.code,),
         lambda i: ("cities", tuple(str(i.get("city", "")).rsplit("/", 1))), ("city",)),
    Kind("sectors", "sectors", ("code", "name"), ("locality", "code"), lambda r: (r.locality.code, r.code),
         lambda i: ("localities", (i.get("locality"),)), ("locality",)),
    Kind("blocks", "blocks", ("code", "name"), ("locality", "sector", "code"),
         lambda r: (r.sector.locality.code, r.sector.code, r.code),
         lambda i: ("sectors", (i.get("locality"), i.get("sector"))), ("sector__locality",)),
    Kind("neighbourhoods", "neighbourhoods", ("code", "name"), ("city", "name"),
         lambda r: (_city_key(r.city), r.name),
         lambda i: ("cities", tuple(str(i.get("city", "")).rsplit("/", 1))), ("city",)),
    Kind("streets", "streets", ("street_type", "title", "name"), ("city", "street_type", "name"),
         lambda r: (_city_key(r.city), r.street_type, r.name),
         lambda i: ("cities", tuple(str(i.get("city", "")).rsplit("/", 1))), ("city",)),
    Kind("categories", "categories", ("code", "name"), ("code",), lambda r: (r.code,)),
    Kind("subcategories", "subcategories", ("code", "name"), ("category", "code"),
         lambda r: (r.category.code, r.code), lambda i: ("categories", (i.get("category"),)), ("category",)),
    Kind("usage_plans", "usage-plans",
         ("code", "name", "kind", "minimum_m3_per_unit", "initial_m3_per_unit", "tax_mode",
          "dwelling_unit_mode"),
         ("category", "code"), lambda r: (r.category.code, r.code),
         lambda i: ("categories", (i.get("category"),)), ("category",)),
    Kind("groups", "groups", ("code", "name"), ("code",), lambda r: (r.code,)),
    Kind("routes", "routes", ("code", "name"), ("group", "code"), lambda r: (r.group.code, r.code),
         lambda i: ("groups", (i.get("group"),)), ("group",)),
)  # fmt: skip
BY_NAME = {k.name: k for k in KINDS}
REFERENCE_MODELS = frozenset(TABLES[k.table].model for k in KINDS)


def _item(kind: Kind, row: Any) -> dict[str, Any]:
    item: dict[str, Any] = {}
    key = kind.row_key(row)
    for name, value in zip(kind.key_fields, key, strict=True):
        item[name] = value
    if kind.name in ("localities",):
        item["city"] = _city_key(row.city)
    for name in kind.fields:
        item[name] = getattr(row, name)
    item["active"] = row.active
    return item


def _rows(kind: Kind) -> list[Any]:
    qs = kind.spec.model._default_manager.select_related(*kind.select)
    rows = list(qs)
    if kind.name == "routes":
        # the reading order is the document's order within a group
        return sorted(rows, key=lambda r: (r.group.code, r.sequence, r.code))
    return sorted(rows, key=lambda r: tuple(str(p) if p is None else p for p in kind.row_key(r)))


def _key_of(kind: Kind, item: dict[str, Any]) -> Key:
    return tuple(item.get(f) for f in kind.key_fields)


class RegistrySection:
    key = "registry"
    title = "Cadastro: território, categorias, grupos e rotas"

    def export(self) -> dict[str, Any]:
        return {kind.name: [_item(kind, row) for row in _rows(kind)] for kind in KINDS}

    # --- plan -------------------------------------------------------------------------------------

    def _clean(self, data: Any) -> dict[str, list[dict[str, Any]]]:
        """The document's lists with each item's values checked by the model's own fields; raises on
        the first problem with its path (registry.sectors[3].code)."""
        if not isinstance(data, dict):
            raise ValidationFailed("A seção do cadastro deve ser um objeto.", field="registry",
                                   code=ErrorCode.REFERENCE_INVALID)  # fmt: skip
        unknown = sorted(set(data) - set(BY_NAME))
        if unknown:
            raise ValidationFailed(
                f"Lista desconhecida na seção do cadastro: {unknown[0]}.",
                field=f"registry.{unknown[0]}",
                code=ErrorCode.REFERENCE_INVALID,
            )
        out: dict[str, list[dict[str, Any]]] = {}
        known: dict[str, set[Key]] = {}
        for kind in KINDS:
            items = data.get(kind.name, [])
            path = f"registry.{kind.name}"
            if not isinstance(items, list):
                raise ValidationFailed("Deve ser uma lista.", field=path, code=ErrorCode.REFERENCE_INVALID)
            model = kind.spec.model
            cleaned: list[dict[str, Any]] = []
            seen: set[Key] = set()
            for index, raw in enumerate(items):
                at = f"{path}[{index}]"
                if not isinstance(raw, dict):
                    raise ValidationFailed("Deve ser um objeto.", field=at, code=ErrorCode.REFERENCE_INVALID)
                item = dict(raw)
                for name in kind.fields:
                    field = model._meta.get_field(name)
                    value = item.get(name, field.get_default() if field.has_default() else None)
                    if value is None and not field.null:
                        value = "" if isinstance(field, models.CharField) else None
                    try:
                        item[name] = field.clean(value, None)
                    except ValidationError as exc:
                        raise ValidationFailed(
                            f"{str(field.verbose_name).capitalize()}: {' '.join(exc.messages)}",
                            field=f"{at}.{name}",
                            code=ErrorCode.REFERENCE_INVALID,
                        ) from exc
                active = item.get("active", True)
                if not isinstance(active, bool):
                    raise ValidationFailed("Ativo: informe true ou false.", field=f"{at}.active",
                                           code=ErrorCode.REFERENCE_INVALID)  # fmt: skip
                item["active"] = active
                key = _key_of(kind, item)
                if key in seen:
                    raise ValidationFailed(
                        f"{kind.spec.singular.capitalize()} repetid{kind.spec.article()} no documento: "
                        f"{' / '.join(map(str, key))}.",
                        field=at,
                        code=ErrorCode.DUPLICATE,
                    )
                seen.add(key)
                parent = kind.parent_of(item)
                if parent is not None:
                    parent_kind, parent_key = parent
                    if parent_key not in known[parent_kind]:
                        first = "city" if parent_kind == "cities" else BY_NAME[kind.name].key_fields[0]
                        raise ValidationFailed(
                            f"{BY_NAME[parent_kind].spec.singular.capitalize()} "
                            f"{' / '.join(map(str, parent_key))} não está no documento.",
                            field=f"{at}.{first}",
                            code=ErrorCode.REFERENCE_INVALID,
                        )
                cleaned.append(item)
            known[kind.name] = seen
            out[kind.name] = cleaned
        return out

    def plan(self, data: dict[str, Any]) -> list[Change]:
        wanted = self._clean(data)
        changes: list[Change] = []
        for kind in KINDS:
            current = {kind.row_key(r): (r, _item(kind, r)) for r in _rows(kind)}
            items = {_key_of(kind, i): i for i in wanted[kind.name]}
            for index, (key, item) in enumerate(items.items()):
                before = current.get(key)
                path = f"registry.{kind.name}[{index}]"
                if before is None:
                    changes.append(Change(path, None, item))
                elif before[1] != item:
                    changes.append(Change(path, before[1], item))
            for key, (row, item) in current.items():
                if key in items:
                    continue
                path = f"registry.{kind.name}[{' / '.join(map(str, key))}]"
                # its children in these tables are absent too (a present child whose parent is
                # absent was refused above) and are checked on their own
                uses = uses_of(row, ignore=REFERENCE_MODELS)
                if uses:
                    a = kind.spec.article()
                    raise ValidationFailed(
                        f"{kind.spec.singular.capitalize()} {row} não está no documento, mas está em uso "
                        f"({', '.join(uses)}): inclua-{a} (desativad{a}, se for o caso).",
                        field=path,
                        code=ErrorCode.REFERENCE_IN_USE,
                    )
                changes.append(Change(path, item, None))
        if self._route_order_changes(wanted):
            changes.append(Change("registry.routes (ordem)", None, "ordem de leitura das rotas"))
        return changes

    @staticmethod
    def _route_order_changes(wanted: dict[str, list[dict[str, Any]]]) -> bool:
        now: dict[Any, list[Any]] = {}
        for route in _rows(BY_NAME["routes"]):
            now.setdefault(route.group.code, []).append(route.code)
        then: dict[Any, list[Any]] = {}
        for item in wanted["routes"]:
            then.setdefault(item["group"], []).append(item["code"])
        return any(now.get(g, []) != codes for g, codes in then.items())

    # --- apply ------------------------------------------------------------------------------------

    def apply(self, data: dict[str, Any], *, actor: Actor) -> None:
        """Inside the aggregator's transaction: reactivate what the document wants active, create and
        change every row, deactivate, remove (children first) what the document left out, then
        order the routes."""
        self.plan(data)
        wanted = self._clean(data)
        for kind in KINDS:
            current = {kind.row_key(r): r for r in _rows(kind)}
            for item in wanted[kind.name]:
                row = current.get(_key_of(kind, item))
                if row is not None and item["active"] and not row.active:
                    _set_active(kind, row, True, actor)
        pks: dict[str, dict[Key, int]] = {}
        for kind in KINDS:
            table = kind.spec
            current = {kind.row_key(r): r for r in _rows(kind)}
            pks[kind.name] = {}
            for item in wanted[kind.name]:
                values = {name: item[name] for name in kind.fields}
                parent = kind.parent_of(item)
                if parent is not None:
                    values[table.parent] = pks[parent[0]][parent[1]]
                row = current.get(_key_of(kind, item))
                if row is None:
                    row = reference_create_in_transaction(actor=actor, table=table, data=values)
                else:
                    row = reference_update_in_transaction(actor=actor, table=table, row=row, data=values)
                if row.active and not item["active"]:
                    _set_active(kind, row, False, actor)
                pks[kind.name][_key_of(kind, item)] = row.pk
        for kind in reversed(KINDS):
            keep = set(pks[kind.name].values())
            for row in _rows(kind):
                if row.pk not in keep:
                    reference_remove_in_transaction(actor=actor, table=kind.spec, row=row)
        order: dict[Any, list[int]] = {}
        for item in wanted["routes"]:
            order.setdefault(item["group"], []).append(item["code"])
        for group in BillingGroup.objects.filter(code__in=list(order)):
            if list(Route.objects.filter(group=group).values_list("code", flat=True)) != order[group.code]:
                route_reorder_in_transaction(actor=actor, group=group, route_codes=order[group.code])


def _set_active(kind: Kind, row: Any, active: bool, actor: Actor) -> None:
    row.active = active
    row.save(update_fields=["active"])
    audit_record(
        actor=actor, action=f"{kind.spec.action}_{'reactivate' if active else 'deactivate'}", target=row,
        before={"active": not active}, after={"active": active}, reason="importação de configuração",
    )  # fmt: skip


SECTION = RegistrySection()
