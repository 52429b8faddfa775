"""CSV downloads as Brazilian Excel opens them: UTF-8 with a byte-order mark (without it Excel reads
the accents as Latin-1), `;` between fields (the comma is the decimal separator in pt-BR), decimal
commas in numbers and every line ending in CRLF."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse

BOM = "\ufeff"
Cell = str | int | Decimal | None


def cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    return str(value)


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return BOM + out.getvalue()


def csv_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> HttpResponse:
    response = HttpResponse(csv_text(headers, rows).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
