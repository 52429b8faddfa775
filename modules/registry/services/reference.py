"""Writes of the reference tables (tables.TABLES): create, update, deactivate/reactivate, remove, and
the order of a group's routes. Each write validates with the table's form, runs in one durable
transaction and records `registry.<model>_<action>` in it. A row something uses is never removed
(deactivated instead: it stops being offered to new registrations but keeps its history)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import models, transaction
from django.db.models import Max
from django.forms import model_to_dict

from modules.common.audit import Actor, audit_record, snapshot
from modules.common.errors import Conflict, NotFound, ValidationFailed

from ..domain.text import fold
from ..errors import ErrorCode
from ..models import BillingGroup, Neighbourhood, Property, Route, Street
from ..tables import TABLES, Table, table_form
from ..usage import uses_of


def reference_snapshot(row: models.Model) -> dict[str, Any]:
    """The audited state, a parent by its name (the history reads "Categoria: Residencial", not an id)."""
    state = snapshot(row, exclude=("name_search", "id"))
    for field in row._meta.concrete_fields:
        if field.is_relation and field.attname in state:
            del state[field.attname]
            state[field.name] = str(getattr(row, field.name))
    return state


def table_named(key: str) -> Table:
    try:
        return TABLES[key]
    except KeyError:
        raise NotFound(
            f"Tabela do cadastro desconhecida: {key}.", field="table", code=ErrorCode.REFERENCE_NOT_FOUND
        ) from None


def row_of(table: Table, pk: int, *, lock: bool = False) -> Any:
    qs = table.model._default_manager.all()
    if lock:
        qs = qs.select_for_update()
    try:
        return qs.get(pk=pk)
    except (table.model.DoesNotExist, ValueError, TypeError):
        raise NotFound(
            f"{table.singular.capitalize()} não encontrad{table.article()}.",
            field="id",
            code=ErrorCode.REFERENCE_NOT_FOUND,
        ) from None


def _validated(table: Table, data: Mapping[str, Any], instance: models.Model | None) -> models.Model:
    """Run the table's form; the first error becomes a ValidationFailed naming its field."""
    if instance is None:  # a field left out takes the model's default, as on the page's form
        defaults = {}
        for name in table.fields:
            model_field = table.model._meta.get_field(name)
            if name not in data and model_field.has_default():
                defaults[name] = model_field.get_default()
        data = defaults | dict(data)
    form = table_form(table, data=data, instance=instance)
    if form.is_valid():
        return form.save(commit=False)
    for name, errors in form.errors.as_data().items():
        error = errors[0]
        message = " ".join(error.messages)
        duplicate = error.code in ("unique", "unique_together") or "já existe" in message.lower()
        if name == "__all__":
            name = "code" if "code" in table.fields else table.fields[-1]
        else:
            message = f"{form.fields[name].label}: {message}"
        raise ValidationFailed(
            message, field=name, code=ErrorCode.DUPLICATE if duplicate else ErrorCode.REFERENCE_INVALID
        )
    raise AssertionError("an invalid form reports an error")  # pragma: no cover


def _search_keys(row: models.Model) -> None:
    if isinstance(row, Street):
        row.name_search = fold(" ".join(p for p in (row.street_type, row.title, row.name) if p))
    elif isinstance(row, Neighbourhood):
        row.name_search = fold(row.name)


def _refresh_addresses(row: models.Model) -> None:
    """A renamed street or neighbourhood: the properties on it get their address search key again
    (the address itself is read through the foreign key, seed 002 S4.2-03)."""
    if isinstance(row, Street):
        qs = Property.objects.filter(street=row)
    elif isinstance(row, Neighbourhood):
        qs = Property.objects.filter(neighbourhood=row)
    else:
        return
    batch: list[Property] = []
    for prop in (
        qs.select_related("street", "neighbourhood")
        .only("id", "number", "complement", "street", "neighbourhood", "address_search")
        .iterator(chunk_size=2000)
    ):
        prop.address_search = fold(
            f"{prop.street.street_type} {prop.street.name} {prop.number} {prop.complement} "
            f"{prop.neighbourhood.name}"
        )
        batch.append(prop)
        if len(batch) == 2000:
            Property.objects.bulk_update(batch, ["address_search"])
            batch = []
    Property.objects.bulk_update(batch, ["address_search"])


def _next_route_sequence(group_id: int) -> int:
    BillingGroup.objects.select_for_update().filter(pk=group_id).first()  # one writer of the order
    last = Route.objects.filter(group_id=group_id).aggregate(m=Max("sequence"))["m"]
    return (last or 0) + 1


def reference_create_in_transaction(*, actor: Actor, table: Table, data: Mapping[str, Any]) -> Any:
    """Create one row; must run inside the caller's transaction (the configuration import's)."""
    row = _validated(table, data, None)
    _search_keys(row)
    if isinstance(row, Route):
        row.sequence = _next_route_sequence(row.group_id)
    row.save()
    audit_record(actor=actor, action=f"{table.action}_create", target=row, after=reference_snapshot(row))
    return row


def reference_update_in_transaction(*, actor: Actor, table: Table, row: Any, data: Mapping[str, Any]) -> Any:
    """Change fields of one locked row (absent fields keep their value); inside the caller's transaction."""
    before = reference_snapshot(row)
    merged = model_to_dict(row, fields=table.fields) | dict(data)
    group_before = getattr(row, "group_id", None)
    row = _validated(table, merged, row)
    _search_keys(row)
    if isinstance(row, Route) and row.group_id != group_before:
        row.sequence = _next_route_sequence(row.group_id)
    after = reference_snapshot(row)
    if after == before:
        return row
    row.save()
    audit_record(actor=actor, action=f"{table.action}_update", target=row, before=before, after=after)
    _refresh_addresses(row)
    return row


@transaction.atomic(durable=True)
def reference_create(*, actor: Actor, table: str, data: Mapping[str, Any]) -> Any:
    return reference_create_in_transaction(actor=actor, table=table_named(table), data=data)


@transaction.atomic(durable=True)
def reference_update(*, actor: Actor, table: str, pk: int, data: Mapping[str, Any]) -> Any:
    spec = table_named(table)
    return reference_update_in_transaction(
        actor=actor, table=spec, row=row_of(spec, pk, lock=True), data=data
    )


@transaction.atomic(durable=True)
def reference_set_active(*, actor: Actor, table: str, pk: int, active: bool, reason: str = "") -> Any:
    """Deactivate (no longer offered to new registrations, kept on the rows that use it) or reactivate."""
    spec = table_named(table)
    row = row_of(spec, pk, lock=True)
    if row.active == active:
        return row
    if active and spec.parent and not getattr(row, spec.parent).active:
        raise ValidationFailed(
            f"Reative antes {getattr(row, spec.parent)._meta.verbose_name} {getattr(row, spec.parent)}.",
            field=spec.parent,
            code=ErrorCode.REFERENCE_INACTIVE,
        )
    row.active = active
    row.save(update_fields=["active"])
    verb = "reactivate" if active else "deactivate"
    audit_record(
        actor=actor, action=f"{spec.action}_{verb}", target=row,
        before={"active": not active}, after={"active": active}, reason=reason,
    )  # fmt: skip
    return row


def refuse_if_used(table: Table, row: models.Model) -> None:
    uses = uses_of(row)
    if uses:
        a = table.article()
        raise Conflict(
            f"Não é possível remover {a} {table.singular} {row}: está em uso ({', '.join(uses)}). "
            f"Desative-{a} para que não seja mais oferecid{a}.",
            field="id",
            code=ErrorCode.REFERENCE_IN_USE,
        )


def reference_remove_in_transaction(*, actor: Actor, table: Table, row: Any) -> None:
    """Delete a row nothing uses, with its audit row. Runs inside the caller's transaction (the
    configuration import, `reference_remove`)."""
    refuse_if_used(table, row)
    before = reference_snapshot(row)
    object_id = row.pk
    row.delete()
    audit_record(
        actor=actor, action=f"{table.action}_remove", object_type=table.action, object_id=object_id,
        before=before,
    )  # fmt: skip


@transaction.atomic(durable=True)
def reference_remove(*, actor: Actor, table: str, pk: int) -> None:
    """Delete a row nothing uses; refused (409, pt-BR) when anything does."""
    spec = table_named(table)
    reference_remove_in_transaction(actor=actor, table=spec, row=row_of(spec, pk, lock=True))


def route_reorder_in_transaction(*, actor: Actor, group: BillingGroup, route_codes: Sequence[int]) -> None:
    """Give the group's routes the order of `route_codes` (every route of the group, once each);
    inside the caller's transaction, with the group locked."""
    routes = {r.code: r for r in Route.objects.filter(group=group)}
    codes = [int(c) for c in route_codes]
    if sorted(codes) != sorted(routes):
        missing = sorted(set(routes) - set(codes))
        extra = sorted(set(codes) - set(routes))
        detail = "; ".join(
            p for p in (
                f"faltam as rotas {', '.join(map(str, missing))}" if missing else "",
                f"rotas que não são do grupo: {', '.join(map(str, extra))}" if extra else "",
                "rota repetida" if len(codes) != len(set(codes)) else "",
            ) if p
        )  # fmt: skip
        raise ValidationFailed(
            f"Informe cada rota do grupo {group.code} uma vez ({detail}).",
            field="routes",
            code=ErrorCode.ROUTE_ORDER_INVALID,
        )
    before = [r.code for r in sorted(routes.values(), key=lambda r: (r.sequence, r.code))]
    if before == codes:
        return
    changed = []
    for position, code in enumerate(codes, start=1):
        route = routes[code]
        if route.sequence != position:
            route.sequence = position
            changed.append(route)
    Route.objects.bulk_update(changed, ["sequence"])
    audit_record(
        actor=actor, action="registry.route_reorder", target=group,
        before={"routes": before}, after={"routes": codes},
    )  # fmt: skip


@transaction.atomic(durable=True)
def route_reorder(*, actor: Actor, group_id: int, route_codes: Sequence[int]) -> None:
    group = row_of(TABLES["groups"], group_id, lock=True)
    route_reorder_in_transaction(actor=actor, group=group, route_codes=route_codes)
