"""What a report is, as data: a dataset's columns and filters, and a definition that picks among
them (filters allowed, group-by, measures, layout, formats). Pure: no Django, no clock, no tenant.

A definition never carries code. The engine (modules/reports/engine.py) turns one into two queries
over its dataset: the detail rows and the summary (GROUP BY with the measures), which the tests
reconcile with each other for every definition (tests/reports/test_catalogue.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from ..errors import ErrorCode


class ReportInputError(Exception):
    """A parameter a definition refuses; `field` names it, the message is for people (pt-BR)."""

    def __init__(self, message: str, *, field: str, code: ErrorCode) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class Layout(StrEnum):
    DETAIL = "detail"
    SUMMARY = "summary"
    BOTH = "both"


LAYOUT_LABELS = {
    Layout.DETAIL: "analítico",
    Layout.SUMMARY: "sintético",
    Layout.BOTH: "analítico e sintético",
}


class Format(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    PDF = "pdf"


class FilterKind(StrEnum):
    MONTH = "month"  # AAAA-MM, one reference month
    DATE = "date"  # AAAA-MM-DD, one bound of a period (the pair shares a `period` name)
    TEXT = "text"  # an exact code (category, status …)
    INT = "int"
    BOOL = "bool"


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    kind: str = "text"  # text, int, money, date, m3


@dataclass(frozen=True)
class FilterSpec:
    """One filter a dataset offers: its parameter name, its label, and the ORM lookup it applies
    (read by the engine, never here). `period` pairs two DATE filters so a maximum length applies."""

    name: str
    label: str
    kind: FilterKind
    lookup: str
    period: str = ""
    choices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Condition:
    """`column op value` on a detail row: what a conditional measure sums (e.g. kind = water)."""

    column: str
    op: str  # eq, ne, in, not_in
    value: Any

    def holds(self, row: dict[str, Any]) -> bool:
        v = row.get(self.column)
        if self.op == "eq":
            return bool(v == self.value)
        if self.op == "ne":
            return bool(v != self.value)
        if self.op == "in":
            return v in self.value
        if self.op == "not_in":
            return v not in self.value
        raise ValueError(f"unknown op {self.op}")


@dataclass(frozen=True)
class Measure:
    name: str
    label: str
    agg: str  # sum, count
    column: str = ""  # summed column (sum); empty for count
    where: tuple[Condition, ...] = ()
    kind: str = "money"

    def of_rows(self, rows: list[dict[str, Any]]) -> Decimal | int:
        """The measure computed over detail rows in Python: the independent side of the
        reconciliation (the summary's figure comes from the database's GROUP BY)."""
        kept = [r for r in rows if all(c.holds(r) for c in self.where)]
        if self.agg == "count":
            return len(kept)
        return sum((Decimal(r[self.column] or 0) for r in kept), Decimal("0.00"))


@dataclass(frozen=True)
class Dataset:
    name: str
    label: str
    columns: tuple[Column, ...]
    filters: tuple[FilterSpec, ...]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def filter(self, name: str) -> FilterSpec | None:
        return next((f for f in self.filters if f.name == name), None)


@dataclass(frozen=True)
class Definition:
    code: str
    number: str  # the tender's item (3.2.19.79), or "" for a utility's own variant
    family: str  # F1 … F11 (seed 001 part 2, section 3)
    title: str
    dataset: str
    filters: tuple[str, ...]  # the dataset's filters this report accepts
    group_by: tuple[str, ...] = ()
    measures: tuple[Measure, ...] = ()
    layout: Layout = Layout.BOTH
    formats: tuple[Format, ...] = (Format.CSV, Format.XLSX, Format.PDF)
    columns: tuple[str, ...] = ()  # detail columns; empty: all the dataset's
    fixed: tuple[Condition, ...] = ()  # always applied (e.g. kind = service)
    required: tuple[str, ...] = ()  # filters that must be given
    max_period_days: int = 0  # 0: no limit beyond the dataset's
    order_by: tuple[str, ...] = ()
    top: int = 0  # summary keeps only the first `top` groups by the first measure (top-N)
    note: str = ""
    aliases: tuple[str, ...] = field(default=())  # other tender items this definition answers

    def detail_columns(self, dataset: Dataset) -> tuple[Column, ...]:
        names = self.columns or tuple(c.name for c in dataset.columns)
        return tuple(dataset.column(n) for n in names)

    @property
    def numbers(self) -> tuple[str, ...]:
        return ((self.number,) if self.number else ()) + self.aliases


@dataclass(frozen=True)
class Params:
    """Validated parameters: filter name → typed value."""

    values: dict[str, Any]


def _parse_one(spec: FilterSpec, raw: Any) -> Any:
    text = str(raw).strip()
    if spec.kind == FilterKind.MONTH:
        try:
            year, month = text.split("-")
            return dt.date(int(year), int(month), 1)
        except ValueError:
            raise ReportInputError(
                f"{spec.label}: use o formato AAAA-MM (por exemplo 2025-05).",
                field=f"params.{spec.name}",
                code=ErrorCode.FILTER_INVALID,
            ) from None
    if spec.kind == FilterKind.DATE:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ReportInputError(
                f"{spec.label}: use o formato AAAA-MM-DD.",
                field=f"params.{spec.name}",
                code=ErrorCode.FILTER_INVALID,
            ) from None
    if spec.kind == FilterKind.INT:
        if not text.lstrip("-").isdigit():
            raise ReportInputError(
                f"{spec.label}: informe um número inteiro.",
                field=f"params.{spec.name}",
                code=ErrorCode.FILTER_INVALID,
            )
        return int(text)
    if spec.kind == FilterKind.BOOL:
        if text.lower() not in {"true", "false", "1", "0", "sim", "não", "nao"}:
            raise ReportInputError(
                f"{spec.label}: informe sim ou não.",
                field=f"params.{spec.name}",
                code=ErrorCode.FILTER_INVALID,
            )
        return text.lower() in {"true", "1", "sim"}
    if spec.choices and text not in {c for c, _ in spec.choices}:
        allowed = ", ".join(f"{c} ({label})" for c, label in spec.choices)
        raise ReportInputError(
            f"{spec.label}: valor '{text}' inválido; use um de: {allowed}.",
            field=f"params.{spec.name}",
            code=ErrorCode.FILTER_INVALID,
        )
    if len(text) > 60:
        raise ReportInputError(
            f"{spec.label}: no máximo 60 caracteres.",
            field=f"params.{spec.name}",
            code=ErrorCode.FILTER_INVALID,
        )
    return text


def validate(
    definition: Definition, dataset: Dataset, raw: dict[str, Any], fmt: str, *, max_period_days: int
) -> Params:
    """The parameters of one run, typed, or ReportInputError naming the first problem: a format the
    layout cannot give, a filter the definition does not allow, a malformed value, a period longer
    than the definition's (or the utility's) maximum, a required filter missing."""
    if fmt not in {f.value for f in definition.formats}:
        offered = ", ".join(f.value.upper() for f in definition.formats)
        raise ReportInputError(
            f"O formato '{fmt}' não está disponível para o relatório {definition.code} "
            f"(layout {LAYOUT_LABELS[definition.layout]}); formatos disponíveis: {offered}.",
            field="format",
            code=ErrorCode.FORMAT_NOT_AVAILABLE,
        )
    values: dict[str, Any] = {}
    for name, value in raw.items():
        if name not in definition.filters:
            offered = ", ".join(definition.filters) or "nenhum"
            raise ReportInputError(
                f"O filtro '{name}' não é permitido no relatório {definition.code}; "
                f"filtros permitidos: {offered}.",
                field=f"params.{name}",
                code=ErrorCode.FILTER_NOT_ALLOWED,
            )
        if value is None or str(value).strip() == "":
            continue
        spec = dataset.filter(name)
        if spec is None:  # a definition naming a filter its dataset lacks: caught by the catalogue test
            raise ReportInputError(
                f"O filtro '{name}' não existe no conjunto de dados {dataset.label}.",
                field=f"params.{name}",
                code=ErrorCode.FILTER_NOT_ALLOWED,
            )
        values[name] = _parse_one(spec, value)
    for name in definition.required:
        if name not in values:
            spec = dataset.filter(name)
            raise ReportInputError(
                f"Informe o filtro {spec.label if spec else name} ({name}).",
                field=f"params.{name}",
                code=ErrorCode.FILTER_REQUIRED,
            )
    limit = (
        min(x for x in (definition.max_period_days, max_period_days) if x)
        if (definition.max_period_days or max_period_days)
        else 0
    )
    periods: dict[str, dict[str, dt.date]] = {}
    for spec in dataset.filters:
        if spec.period and spec.name in values:
            periods.setdefault(spec.period, {})[spec.name] = values[spec.name]
    for period, bounds in periods.items():
        if len(bounds) != 2:
            continue
        start, end = sorted(bounds.values())
        first, last = bounds[f"{period}_from"], bounds[f"{period}_to"]
        if first > last:
            raise ReportInputError(
                "O início do período é posterior ao fim.",
                field=f"params.{period}_from",
                code=ErrorCode.FILTER_INVALID,
            )
        days = (end - start).days + 1
        if limit and days > limit:
            raise ReportInputError(
                f"O período de {days} dias excede o máximo de {limit} dias deste relatório; "
                "divida-o em períodos menores.",
                field=f"params.{period}_to",
                code=ErrorCode.PERIOD_TOO_LONG,
            )
    return Params(values)


def definition_to_dict(d: Definition) -> dict[str, Any]:
    """A definition as JSON (a utility's own variant is stored this way, models.ReportDefinition)."""
    return {
        "code": d.code,
        "number": d.number,
        "family": d.family,
        "title": d.title,
        "dataset": d.dataset,
        "filters": list(d.filters),
        "group_by": list(d.group_by),
        "measures": [
            {
                "name": m.name,
                "label": m.label,
                "agg": m.agg,
                "column": m.column,
                "kind": m.kind,
                "where": [[c.column, c.op, c.value] for c in m.where],
            }
            for m in d.measures
        ],
        "layout": d.layout.value,
        "formats": [f.value for f in d.formats],
        "columns": list(d.columns),
        "fixed": [[c.column, c.op, c.value] for c in d.fixed],
        "required": list(d.required),
        "max_period_days": d.max_period_days,
        "order_by": list(d.order_by),
        "top": d.top,
        "note": d.note,
        "aliases": list(d.aliases),
    }


def _condition(raw: list[Any]) -> Condition:
    column, op, value = raw
    return Condition(column, op, tuple(value) if isinstance(value, list) else value)


def definition_from_dict(raw: dict[str, Any]) -> Definition:
    return Definition(
        code=raw["code"],
        number=raw.get("number", ""),
        family=raw.get("family", ""),
        title=raw["title"],
        dataset=raw["dataset"],
        filters=tuple(raw.get("filters", ())),
        group_by=tuple(raw.get("group_by", ())),
        measures=tuple(
            Measure(
                m["name"],
                m["label"],
                m["agg"],
                m.get("column", ""),
                tuple(_condition(c) for c in m.get("where", ())),
                m.get("kind", "money"),
            )
            for m in raw.get("measures", ())
        ),
        layout=Layout(raw.get("layout", "both")),
        formats=tuple(Format(f) for f in raw.get("formats", ("csv", "xlsx", "pdf"))),
        columns=tuple(raw.get("columns", ())),
        fixed=tuple(_condition(c) for c in raw.get("fixed", ())),
        required=tuple(raw.get("required", ())),
        max_period_days=int(raw.get("max_period_days", 0)),
        order_by=tuple(raw.get("order_by", ())),
        top=int(raw.get("top", 0)),
        note=raw.get("note", ""),
        aliases=tuple(raw.get("aliases", ())),
    )


def definition_problems(d: Definition, dataset: Dataset) -> list[str]:
    """What makes a definition unusable over its dataset (unknown columns or filters), in pt-BR."""
    problems = []
    names = {c.name for c in dataset.columns}
    filters = {f.name for f in dataset.filters}
    for f in (*d.filters, *d.required):
        if f not in filters:
            problems.append(f"filtro desconhecido: {f}")
    for c in (*d.group_by, *d.columns, *d.order_by, *(x.column for x in d.fixed)):
        if c not in names:
            problems.append(f"coluna desconhecida: {c}")
    for m in d.measures:
        if m.agg not in {"sum", "count"}:
            problems.append(f"medida {m.name}: agregação {m.agg} inválida")
        if m.agg == "sum" and m.column not in names:
            problems.append(f"medida {m.name}: coluna desconhecida {m.column}")
        for cond in m.where:
            if cond.column not in names:
                problems.append(f"medida {m.name}: coluna desconhecida {cond.column}")
    if d.layout != Layout.DETAIL and d.measures == ():
        problems.append("layout sintético sem medidas")
    return problems
