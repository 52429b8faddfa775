"""What every legacy file shares: reading the CSV, checking each field with its line number, the
report (read, created, updated, unchanged, rejected) and the all-or-nothing rule.

A file is all or nothing: every line is validated, and any rejected line rejects the file, reported
with its line number, field and reason (pt-BR). `Rejected` is how a loader gives up: `load` turns it
into a rollback of the file's transaction and a report with nothing written.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from modules.common.audit import Actor, audit_record
from modules.common.domain.documents import document_kind, strip_document


@dataclass(frozen=True)
class LineError:
    line: int
    field: str
    reason: str


@dataclass
class ImportReport:
    entity: str
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[LineError] = field(default_factory=list)
    details: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "read": self.read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "details": self.details,
            "errors": [e.__dict__ for e in self.errors],
        }


class Rejected(Exception):
    """Rolls back the file's transaction; the report already holds the errors."""


class LineFail(Exception):
    def __init__(self, field_name: str, reason: str) -> None:
        self.field = field_name
        self.reason = reason


@functools.lru_cache(maxsize=16384)
def _day(text: str) -> dt.date:
    """A file repeats its dates (connection dates, holder since …): each distinct text is parsed once."""
    if "/" in text:
        return dt.datetime.strptime(text, "%d/%m/%Y").date()  # noqa: DTZ007 - a calendar date, no time
    return dt.date.fromisoformat(text)


def parse_date(value: str, field_name: str, today: dt.date, *, required: bool = False) -> dt.date | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise LineFail(field_name, "data obrigatória")
        return None
    try:
        day = _day(text)
    except ValueError as exc:
        raise LineFail(field_name, f"data inválida '{text}' (use AAAA-MM-DD ou DD/MM/AAAA)") from exc
    if day > today:
        raise LineFail(field_name, f"data no futuro ({day:%d/%m/%Y})")
    return day


def parse_int(value: str, field_name: str, *, required: bool = False, minimum: int = 0) -> int | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise LineFail(field_name, "valor obrigatório")
        return None
    try:
        number = int(text)
    except ValueError as exc:
        raise LineFail(field_name, f"número inteiro inválido '{text}'") from exc
    if number < minimum:
        raise LineFail(field_name, f"não pode ser menor que {minimum}")
    return number


def parse_decimal(value: str, field_name: str) -> Decimal | None:
    text = (value or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise LineFail(field_name, f"número inválido '{value}'") from exc


def parse_document(value: str, field_name: str) -> str:
    chars = strip_document(value)
    if document_kind(chars) is None:
        raise LineFail(field_name, "CPF/CNPJ inválido: dígito verificador não confere")
    return chars


def read_rows(
    data: bytes | str, required: Iterable[str], report: ImportReport
) -> list[tuple[int, dict[str, str]]]:
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        report.errors.append(
            LineError(1, missing[0], f"coluna obrigatória ausente no cabeçalho: {', '.join(missing)}")
        )
        return []
    return [(reader.line_num, row) for row in reader]


def validate_rows(
    rows: list[tuple[int, dict[str, str]]],
    report: ImportReport,
    parse: Callable[[dict[str, str]], tuple[Any, ...]],
) -> list[tuple[Any, ...]]:
    out = []
    for line, row in rows:
        try:
            out.append((line, *parse(row)))
        except LineFail as fail:
            report.errors.append(LineError(line, fail.field, fail.reason))
    return out


def duplicates(parsed: list[tuple[Any, ...]], key_index: int, field_name: str, report: ImportReport) -> None:
    seen: dict[Any, int] = {}
    for row in parsed:
        key = row[key_index]
        if key in seen:
            report.errors.append(LineError(row[0], field_name, f"repetido no arquivo (linha {seen[key]})"))
        else:
            seen[key] = row[0]


def copy_rows(cursor: Any, table: str, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> None:
    raw = cursor.cursor  # the driver's cursor: COPY is not in Django's API
    with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def sql_errors(cursor: Any, sql: str, field_name: str, reason: str, report: ImportReport) -> None:
    cursor.execute(sql)
    for (line,) in cursor.fetchall():
        report.errors.append(LineError(line, field_name, reason))


def finish(report: ImportReport, actor: Actor, action: str) -> None:
    report.errors.sort(key=lambda e: (e.line, e.field))
    if report.errors:
        report.rejected = len({e.line for e in report.errors})
        raise Rejected
    report.unchanged = report.read - report.created - report.updated
    audit_record(
        actor=actor,
        action=action,
        object_type="registry.import",
        object_id=report.entity,
        after={k: v for k, v in report.as_dict().items() if k != "errors"},
    )


def load(report: ImportReport, body: Callable[[], None]) -> ImportReport:
    """Run a file's loading step; when it gives up (`Rejected`) nothing it wrote is kept.

    Runs inside the caller's transaction (the importer's, durable, one per file), which it marks for
    rollback on a rejection.
    """
    try:
        body()
    except Rejected:
        transaction.set_rollback(True)
        report.created = report.updated = report.unchanged = 0
        report.details = {}
    return report
