"""A definition run over its dataset: the detail rows and the summary, each one query.

The summary is the database's GROUP BY with the definition's measures (conditional sums as
`SUM(...) FILTER (WHERE ...)`); the detail is the same filtered queryset read row by row. The
catalogue test computes every summary figure again from the detail rows in Python, so the two can
never drift apart unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from .datasets import SOURCES, Source
from .domain.spec import Column, Condition, Definition, Layout, Measure, Params

CHUNK = 2000
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Result:
    definition: Definition
    params: Params
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]  # detail (empty for a summary-only layout)
    group_columns: tuple[Column, ...]
    summary: list[dict[str, Any]]
    totals: dict[str, Any]
    labels: dict[str, dict[str, str]]

    def label(self, column: str, value: Any) -> Any:
        return self.labels.get(column, {}).get(value, value) if isinstance(value, str) else value


def source_of(definition: Definition) -> Source:
    return SOURCES[definition.dataset]


def _condition_q(source: Source, c: Condition) -> Q:
    path = source.paths[c.column]
    if not isinstance(path, str):
        raise ValueError(f"condition on computed column {c.column}")
    if c.op == "eq":
        return Q(**{path: c.value})
    if c.op == "ne":
        return ~Q(**{path: c.value})
    if c.op == "in":
        return Q(**{f"{path}__in": list(c.value)})
    if c.op == "not_in":
        return ~Q(**{f"{path}__in": list(c.value)})
    raise ValueError(c.op)


def filtered(definition: Definition, params: Params) -> QuerySet[Any]:
    """The dataset with the definition's fixed conditions and the run's filters applied."""
    source = source_of(definition)
    qs = source.base()
    for c in definition.fixed:
        qs = qs.filter(_condition_q(source, c))
    for name, value in params.values.items():
        spec = source.spec.filter(name)
        assert spec is not None
        if spec.lookup.startswith("@"):
            qs = qs.filter(source.predicates[spec.lookup[1:]](value))
        elif spec.lookup.startswith("="):  # on a computed column, as the report shows it
            column = spec.lookup[1:]
            path = source.paths[column]
            qs = qs.alias(**{f"f_{column}": F(path) if isinstance(path, str) else path}).filter(
                **{f"f_{column}": value}
            )
        else:
            qs = qs.filter(**{spec.lookup: value})
    return qs


def _alias(source: Source, name: str) -> str:
    """The name a column is selected under: its own when it is the model's field, else prefixed,
    since an annotation may not take a field's name (a line's `category` is computed)."""
    return name if source.paths[name] == name else f"c_{name}"


def _values(source: Source, names: tuple[str, ...], qs: QuerySet[Any]) -> QuerySet[Any]:
    plain = [n for n in names if source.paths[n] == n]
    exprs = {
        _alias(source, n): (F(p) if isinstance(p, str) else p) for n in names if (p := source.paths[n]) != n
    }
    return qs.values(*plain, **exprs)


def _unalias(row: dict[str, Any]) -> dict[str, Any]:
    return {(k[2:] if k.startswith(("c_", "m_")) else k): v for k, v in row.items()}


def _aggregate(source: Source, m: Measure) -> Any:
    where = Q()
    for c in m.where:
        where &= _condition_q(source, c)
    if m.agg == "count":
        return Count("pk", filter=where if m.where else None)
    path = source.paths[m.column]
    zero = Value(Decimal("0.00"), output_field=DecimalField(max_digits=16, decimal_places=2))
    if source.spec.column(m.column).kind in {"int", "m3"}:
        zero = Value(0, output_field=IntegerField())
    return Coalesce(Sum(path, filter=where if m.where else None), zero)


def summary_rows(definition: Definition, qs: QuerySet[Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    source = source_of(definition)
    aggs = {f"m_{m.name}": _aggregate(source, m) for m in definition.measures}
    totals = {k[2:]: v for k, v in qs.aggregate(**aggs).items()} if aggs else {}
    if not definition.group_by:
        return [], totals
    keys = [_alias(source, g) for g in definition.group_by]
    grouped = _values(source, definition.group_by, qs).annotate(**aggs)
    if definition.top and definition.measures:
        grouped = grouped.order_by(f"-m_{definition.measures[0].name}", *keys)[: definition.top]
    else:
        grouped = grouped.order_by(*keys)
    rows = [_unalias(r) for r in grouped]
    return rows, totals


def detail_rows(
    definition: Definition, qs: QuerySet[Any], on_progress: Progress | None = None
) -> Iterator[dict[str, Any]]:
    source = source_of(definition)
    names = tuple(c.name for c in definition.detail_columns(source.spec))
    order = [_alias(source, n) for n in (definition.order_by or definition.group_by or names[:1])]
    total = qs.count()
    rows = _values(source, names, qs).order_by(*order, "pk").iterator(chunk_size=CHUNK)
    for seen, row in enumerate(rows, start=1):
        if on_progress and seen % CHUNK == 0:
            on_progress(seen * 100 // max(total, 1))
        yield _unalias(row)


def run(definition: Definition, params: Params, on_progress: Progress | None = None) -> Result:
    source = source_of(definition)
    qs = filtered(definition, params)
    rows: list[dict[str, Any]] = []
    if definition.layout in {Layout.DETAIL, Layout.BOTH}:
        rows = list(
            detail_rows(definition, qs, lambda p: on_progress(min(80, p * 8 // 10)) if on_progress else None)
        )
    if on_progress:
        on_progress(80)
    summary, totals = summary_rows(definition, qs)
    return Result(
        definition=definition,
        params=params,
        columns=definition.detail_columns(source.spec),
        rows=rows,
        group_columns=tuple(source.spec.column(g) for g in definition.group_by),
        summary=summary,
        totals=totals,
        labels=source.labels,
    )
