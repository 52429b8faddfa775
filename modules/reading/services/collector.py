"""A contractor's collector file out and back (S12.3-01, S12.3-02, S12.7-01) and readings from
telemetry (AMR), by file or API: every exchange is logged with the file's hash and counts; a line
stands alone (a bad one is reported with its line and field, the others are stored); sending the
same return again stores nothing twice.

Layouts (CSV, `;`, UTF-8, a header line; ADR 0200):
* load file, one line per property in sequence:
  `carga;rota;sequencia;imovel;matricula;endereco;hidrometro;digitos;leitura_anterior;minima;maxima`
* return file: `carga;imovel;data_hora;leitura;ocorrencia` — `data_hora` ISO 8601
  (`2025-05-10T09:30:00-03:00`, or without offset in the utility's time zone), `leitura` blank with
  an occurrence.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from modules.common.audit import Actor, audit_record
from modules.common.clock import tenant_zone
from modules.common.domain.dates import YearMonth
from modules.common.errors import DomainError

from ..errors import ErrorCode
from ..models import BatchItem, BatchRoute, CollectorExchange, ReadingBatch
from . import ReadingInput, reading_register_in

EXPORT_HEADER = (
    "carga",
    "rota",
    "sequencia",
    "imovel",
    "matricula",
    "endereco",
    "hidrometro",
    "digitos",
    "leitura_anterior",
    "minima",
    "maxima",
)
RETURN_HEADER = ("carga", "imovel", "data_hora", "leitura", "ocorrencia")


def _blank(value: Any) -> str:
    return "" if value is None else str(value)


@transaction.atomic(durable=True)
def collector_export(*, actor: Actor, route: BatchRoute) -> str:
    """The route's load file for a contractor's collector, logged with its hash."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(EXPORT_HEADER)
    rows = BatchItem.objects.filter(route=route).order_by("sequence", "property_id")
    count = 0
    for item in rows:
        writer.writerow(
            (
                route.batch_id,
                route.code,
                item.sequence,
                item.property_id,
                item.account_number,
                item.address,
                item.meter_number,
                _blank(item.dials),
                _blank(item.previous_value),
                _blank(item.expected_low),
                _blank(item.expected_high),
            )
        )
        count += 1
    text = out.getvalue()
    CollectorExchange.objects.create(
        batch_id=route.batch_id,
        route_code=route.code,
        kind=CollectorExchange.Kind.EXPORT,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        records=count,
        accepted=count,
        actor=actor.get_username(),
        at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="reading.collector_export",
        target=route.batch,
        after={"route": route.code, "records": count},
    )
    return text


@dataclass(frozen=True)
class ReturnLine:
    line: int
    property_id: int
    read_at: dt.datetime
    value: int | None
    occurrence: str


@dataclass
class ReturnReport:
    records: int = 0
    accepted: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


def _parse_at(raw: str) -> dt.datetime:
    at = dt.datetime.fromisoformat(raw.replace(" ", "T", 1))
    return at if at.tzinfo else at.replace(tzinfo=tenant_zone())


def parse_return(text: str) -> tuple[list[ReturnLine], list[dict[str, Any]]]:
    """The return file's lines and the errors of those that do not parse (line and field named)."""
    lines: list[ReturnLine] = []
    errors: list[dict[str, Any]] = []
    for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=";"), start=1):
        if not any(c.strip() for c in cells):
            continue
        if number == 1 and cells and cells[0].strip().lower() == "carga":
            continue
        cells = [c.strip() for c in [*cells, "", "", "", "", ""][:5]]
        _batch, prop, at, value, occurrence = cells
        try:
            name = "imovel"
            property_id = int(prop)
            name = "data_hora"
            read_at = _parse_at(at)
            name = "leitura"
            reading = int(value) if value else None
            if reading is not None and reading < 0:
                raise ValueError
        except ValueError:
            errors.append(
                {
                    "line": number,
                    "field": name,
                    "code": ErrorCode.COLLECTOR_FILE,
                    "detail": f"Linha {number}, campo {name}: valor inválido "
                    f"({cells[RETURN_HEADER.index(name)] or 'vazio'}).",
                }
            )
            continue
        lines.append(ReturnLine(number, property_id, read_at, reading, occurrence))
    return lines, errors


@transaction.atomic(durable=True)
def collector_return(*, actor: Actor, batch: ReadingBatch, text: str, source: str = "file") -> ReturnReport:
    """A contractor's return file (or a telemetry file, `source="amr"`) for the batch: each line in
    its own savepoint; the exchange logged with the file's hash and counts."""
    lines, errors = parse_return(text)
    report = returns_apply(actor=actor, batch=batch, lines=lines, source=source)
    report.errors = sorted(errors + report.errors, key=lambda e: e["line"])
    report.records = len(lines) + len(errors)
    CollectorExchange.objects.create(
        batch=batch,
        kind=CollectorExchange.Kind.IMPORT,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        records=report.records,
        accepted=report.accepted,
        errors=report.errors[:500],
        actor=actor.get_username(),
        at=timezone.now(),
    )
    return report


def returns_apply(*, actor: Actor, batch: ReadingBatch, lines: list[ReturnLine], source: str) -> ReturnReport:
    """Store the readings of a return, each in its own savepoint; an identical line already stored
    counts as accepted and adds nothing. Runs inside the caller's transaction."""
    report = ReturnReport(records=len(lines))
    items = {
        i.property_id: i
        for i in BatchItem.objects.filter(batch=batch, property_id__in=[x.property_id for x in lines])
    }
    for line in lines:
        item = items.get(line.property_id)
        if item is None:
            report.errors.append(
                {
                    "line": line.line,
                    "field": "imovel",
                    "code": ErrorCode.OUTSIDE_BATCH,
                    "detail": f"Linha {line.line}, campo imovel: o imóvel {line.property_id} não está "
                    f"na carga {batch.pk}.",
                }
            )
            continue
        try:
            with transaction.atomic():
                reading_register_in(
                    actor=actor,
                    data=ReadingInput(
                        item.account_number,
                        YearMonth.of(batch.reference),
                        line.read_at.astimezone(tenant_zone()).date(),
                        line.value,
                        line.occurrence,
                        read_at=line.read_at,
                    ),
                    source=source,
                )
        except DomainError as exc:
            report.errors.append(
                {
                    "line": line.line,
                    "field": exc.field or "",
                    "code": str(exc.code),
                    "detail": f"Linha {line.line}: {exc.message}",
                }
            )
            continue
        report.accepted += 1
    return report


@transaction.atomic(durable=True)
def amr_apply(*, actor: Actor, batch: ReadingBatch, lines: list[ReturnLine]) -> ReturnReport:
    """Telemetry (AMR) readings sent by API for the batch, each standing alone."""
    return returns_apply(actor=actor, batch=batch, lines=lines, source="amr")
