"""meters.csv: water meters keyed by number, installed on the water connection of the account number
given (layout in docs/registry-import.md).

Metering's rows are written through metering's models: new rows in bulk as the models describe
them (bulk.py: COPY, their tables, columns and defaults taken from the models), changes with the
ORM's bulk_update and update; the registry's `metered` flag through the registry's model. The
import contracts see both dependencies. What the database holds is read by chunks of the file's
keys (a large file reads the tables whole). A meter is only written when its values differ, so
re-importing the same file changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from django.db import transaction

from modules.common.audit import Actor
from modules.metering.domain.meters import INSTALLED, METROLOGICAL_CLASSES, STOCK
from modules.metering.models import Installation, Meter, Movement
from modules.registry.domain.account_number import AccountRule, InvalidAccountNumber
from modules.registry.models import ServiceConnection
from modules.registry.numbering import account_rule
from modules.registry.numbering import parse_account as parse_account_number

from ..bulk import allocate_ids, insert_rows
from ..files import (
    ImportReport,
    LineError,
    LineFail,
    duplicates,
    finish,
    load,
    parse_date,
    parse_decimal,
    parse_int,
    read_rows,
    validate_rows,
)

REASON = "importação"
CHUNK = 5000  # keys per lookup query or bulk update
CAPACITY_STEP = Decimal("0.01")  # the column is numeric(6, 2)
# what the file says about a meter; an existing meter is updated when one of them differs
DATA_FIELDS = (
    "manufacturer",
    "model",
    "capacity",
    "diameter_mm",
    "metrological_class",
    "manufacture_year",
    "calibrated_on",
)

K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class MeterLine:
    line: int
    number: str
    manufacturer: str
    model: str
    capacity: Decimal
    diameter_mm: int
    metrological_class: str
    manufacture_year: int
    calibrated_on: dt.date | None
    account_base: int | None
    installed_on: dt.date | None
    initial_reading: int | None

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in DATA_FIELDS}


def _chunks(keys: Iterable[K]) -> Iterator[list[K]]:
    batch: list[K] = []
    for key in keys:
        batch.append(key)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def _lookup(
    keys: Iterable[K],
    among: Callable[[list[K]], Iterable[tuple[K, V]]],
    everything: Callable[[], Iterable[tuple[K, V]]],
) -> dict[K, V]:
    """What the database holds for the file's keys: queried by chunks of keys for a small file; for a
    large one, read whole and filtered here (compiling tens of thousands of IN parameters costs more
    than reading a table of the utility's size)."""
    wanted = set(keys)
    if len(wanted) > CHUNK:
        return {key: value for key, value in everything() if key in wanted}
    out: dict[K, V] = {}
    for batch in _chunks(wanted):
        out.update(among(batch))
    return out


def _parse(row: dict[str, str], today: dt.date, rule: AccountRule) -> tuple[Any, ...]:
    number = re.sub(r"[\s\-./]", "", row.get("number") or "").upper()
    if not number or len(number) > 20:
        raise LineFail("number", "número do hidrômetro obrigatório (até 20 caracteres)")
    manufacturer = (row.get("manufacturer") or "").strip()
    if not manufacturer:
        raise LineFail("manufacturer", "fabricante obrigatório")
    capacity = parse_decimal(row.get("capacity", ""), "capacity")
    if capacity is None or capacity <= 0:
        raise LineFail("capacity", "capacidade deve ser maior que zero")
    diameter = parse_int(row.get("diameter_mm", ""), "diameter_mm", required=True, minimum=1)
    klass = (row.get("metrological_class") or "").strip().upper()
    if klass not in METROLOGICAL_CLASSES:
        raise LineFail("metrological_class", "classe metrológica deve ser A, B, C ou D")
    year = parse_int(row.get("manufacture_year", ""), "manufacture_year", required=True)
    if year is None or not 1950 <= year <= today.year:
        raise LineFail("manufacture_year", f"ano de fabricação inválido (1950 a {today.year})")
    calibrated = parse_date(row.get("calibrated_on", ""), "calibrated_on", today)
    account = (row.get("account_number") or "").strip()
    base = None
    if account:
        try:
            base = parse_account_number(account, rule)
        except InvalidAccountNumber as exc:
            raise LineFail("account_number", str(exc)) from exc
    installed = parse_date(row.get("installed_on", ""), "installed_on", today, required=base is not None)
    initial = parse_int(row.get("initial_reading", ""), "initial_reading", required=base is not None)
    # the column is numeric(6, 2): compare what the database would keep (it rounds half away from zero)
    capacity = capacity.quantize(CAPACITY_STEP, rounding=ROUND_HALF_UP)
    return (
        number,
        manufacturer[:60],
        (row.get("model") or "").strip()[:60],
        capacity,
        diameter,
        klass,
        year,
        calibrated,
        base,
        installed,
        initial,
    )


@dataclass(frozen=True)
class _Known:
    """What the database holds about the file's keys, read before anything is written."""

    connection_of: dict[int, int]  # account base -> its water connection
    meters: dict[str, Meter]  # number -> meter already registered
    installed_at: dict[str, int]  # number -> connection where the meter is installed now
    meter_at: dict[int, str]  # connection -> number of the meter installed on it now


BASE_AND_ID = ("property__account_base", "id")


def _known(lines: list[MeterLine]) -> _Known:
    water = ServiceConnection.objects.filter(kind=ServiceConnection.Kind.WATER)
    connection_of = _lookup(
        (m.account_base for m in lines if m.account_base is not None),
        lambda bases: water.filter(property__account_base__in=bases).values_list(*BASE_AND_ID),
        lambda: water.values_list(*BASE_AND_ID),
    )
    numbers = [m.number for m in lines]
    meters = _lookup(
        numbers,
        lambda batch: ((m.number, m) for m in Meter.objects.filter(number__in=batch)),
        lambda: ((m.number, m) for m in Meter.objects.all().iterator(chunk_size=CHUNK)),
    )
    active = Installation.objects.filter(removed_on__isnull=True)
    installed_at = _lookup(
        numbers,
        lambda batch: active.filter(meter__number__in=batch).values_list("meter__number", "connection_id"),
        lambda: active.values_list("meter__number", "connection_id"),
    )
    meter_at = _lookup(
        connection_of.values(),
        lambda batch: active.filter(connection_id__in=batch).values_list("connection_id", "meter__number"),
        lambda: active.values_list("connection_id", "meter__number"),
    )
    return _Known(connection_of, meters, installed_at, meter_at)


def _check(lines: list[MeterLine], known: _Known, report: ImportReport) -> dict[int, int]:
    """The connection of each line that names an account number (by line); the refusals go to the
    report, in the order the checks run."""
    connection_by_line: dict[int, int] = {}
    for m in lines:
        if m.account_base is None:
            continue
        connection_id = known.connection_of.get(m.account_base)
        if connection_id is None:
            report.errors.append(
                LineError(m.line, "account_number", "matrícula inexistente ou sem ligação de água")
            )
        else:
            connection_by_line[m.line] = connection_id
    for m in lines:
        if m.number in known.installed_at and known.installed_at[m.number] != connection_by_line.get(m.line):
            report.errors.append(LineError(m.line, "number", "hidrômetro já instalado em outra ligação"))
    for m in lines:
        connection_id = connection_by_line.get(m.line)
        if connection_id in known.meter_at and known.meter_at[connection_id] != m.number:
            report.errors.append(
                LineError(m.line, "account_number", "a ligação já tem outro hidrômetro instalado")
            )
    first_line: dict[int, int] = {}
    for m in lines:
        connection_id = connection_by_line.get(m.line)
        if connection_id is None:
            continue
        if connection_id in first_line:
            report.errors.append(
                LineError(m.line, "account_number", "dois hidrômetros para a mesma ligação no arquivo")
            )
        else:
            first_line[connection_id] = m.line
    return connection_by_line


@transaction.atomic(durable=True)
def import_meters(*, actor: Actor, data: bytes | str, today: dt.date) -> ImportReport:
    report = ImportReport("meters")
    rows = read_rows(
        data,
        ("number", "manufacturer", "capacity", "diameter_mm", "metrological_class", "manufacture_year"),
        report,
    )
    report.read = len(rows)
    rule = account_rule()  # read once for the file, not once per line
    parsed = validate_rows(rows, report, lambda row: _parse(row, today, rule))
    duplicates(parsed, 1, "number", report)
    lines = [MeterLine(*row) for row in parsed]
    username = actor.get_username()

    def body() -> None:
        if report.errors:
            finish(report, actor, "registry.import_meters")
        known = _known(lines)
        connection_by_line = _check(lines, known, report)
        if report.errors:
            finish(report, actor, "registry.import_meters")
        # a line with a connection installs its meter there, unless it is installed there already
        to_install = [m for m in lines if m.line in connection_by_line and m.number not in known.installed_at]
        installing = {m.number for m in to_install}
        fresh = [m for m in lines if m.number not in known.meters]
        changed = []
        for m in lines:
            meter = known.meters.get(m.number)
            if meter is not None and any(getattr(meter, k) != v for k, v in m.values().items()):
                for k, v in m.values().items():
                    setattr(meter, k, v)
                changed.append(meter)
        fresh_ids = allocate_ids(Meter, len(fresh))
        insert_rows(
            Meter,
            ("id", "number", *DATA_FIELDS, "status"),
            (
                (pk, m.number, *m.values().values(), INSTALLED if m.number in installing else STOCK)
                for m, pk in zip(fresh, fresh_ids, strict=True)
            ),
        )
        Meter.objects.bulk_update(changed, DATA_FIELDS, batch_size=CHUNK)
        report.created, report.updated = len(fresh), len(changed)
        insert_rows(
            Movement,
            ("meter", "status_from", "status_to", "on", "reason", "actor"),
            ((pk, "", STOCK, today, REASON, username) for pk in fresh_ids),
        )
        meter_id = {m.number: pk for m, pk in zip(fresh, fresh_ids, strict=True)} | {
            number: meter.pk for number, meter in known.meters.items()
        }
        installation_ids = allocate_ids(Installation, len(to_install))
        insert_rows(
            Installation,
            ("id", "meter", "connection", "installed_on", "initial_reading", "installed_by"),
            (
                (
                    pk,
                    meter_id[m.number],
                    connection_by_line[m.line],
                    m.installed_on,
                    m.initial_reading,
                    username,
                )
                for m, pk in zip(to_install, installation_ids, strict=True)
            ),
        )
        insert_rows(
            Movement,
            ("meter", "status_from", "status_to", "on", "reason", "installation", "actor"),
            (
                (meter_id[m.number], STOCK, INSTALLED, m.installed_on, REASON, pk, username)
                for m, pk in zip(to_install, installation_ids, strict=True)
            ),
        )
        # meters registered before (in stock) now installed; the new ones were created installed
        for batch in _chunks(known.meters[n].pk for n in installing if n in known.meters):
            Meter.objects.filter(pk__in=batch).update(status=INSTALLED)
        report.details["installations_created"] = len(to_install)
        for batch in _chunks(set(connection_by_line.values())):
            ServiceConnection.objects.filter(pk__in=batch, metered=False).update(metered=True)
        finish(report, actor, "registry.import_meters")

    return load(report, body)
