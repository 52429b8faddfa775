"""The Central Bank's SGS download of a monthly series (Selic 4390, IPCA 433, …), read into rates.

What the BCB answers for `https://api.bcb.gov.br/dados/serie/bcdata.sgs.<code>/dados?formato=csv`
(and what the SGS page's "CSV" download gives):

    "data";"valor"
    "01/09/2026";"0,84"
    "01/10/2026";"0,93"

`;` separates the fields, the decimal separator is a comma, each value is the month's rate in
percent, the date is the first day of the month (dd/mm/aaaa); quotes are optional (files saved by a
spreadsheet drop them) and the header line too. A blank line is skipped. Every problem names its
line and field, and one bad line refuses the whole file (nothing of it is recorded).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from modules.common.domain.dates import YearMonth

_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
_VALUE = re.compile(r"-?\d{1,3}(\.\d{3})*(,\d+)?|-?\d+(,\d+)?")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class CsvRate:
    line: int
    month: YearMonth
    rate: Decimal  # a fraction: "0,93" (percent) → 0.0093


@dataclass(frozen=True)
class CsvProblem:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"Linha {self.line}, campo {self.field}: {self.message}"


class IndexCsvRejected(ValueError):
    def __init__(self, problems: list[CsvProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1].strip()
    return text


def parse_index_csv(data: bytes) -> list[CsvRate]:
    """The rates of the file, in its order; raises IndexCsvRejected listing every bad line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    rates: list[CsvRate] = []
    problems: list[CsvProblem] = []
    seen: dict[YearMonth, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        fields = [_unquote(f) for f in raw.split(";")]
        if number == 1 and [f.lower() for f in fields[:2]] == ["data", "valor"]:
            continue
        if len(fields) != 2:
            problems.append(CsvProblem(number, "linha", f"esperados 2 campos (data;valor), há {len(fields)}"))
            continue
        month = _month(fields[0])
        if month is None:
            problems.append(
                CsvProblem(number, "data", f"«{fields[0]}» não é o primeiro dia de um mês (dd/mm/aaaa)")
            )
        rate = _rate(fields[1])
        if rate is None:
            problems.append(
                CsvProblem(
                    number,
                    "valor",
                    f"«{fields[1]}» não é uma taxa em percentual entre -100 e 100, com vírgula decimal e "
                    "até 4 casas (ex.: 0,93)",
                )
            )
        if month is None or rate is None:
            continue
        if month in seen:
            problems.append(CsvProblem(number, "data", f"o mês {month.label} já está na linha {seen[month]}"))
            continue
        seen[month] = number
        rates.append(CsvRate(number, month, rate))
    if problems:
        raise IndexCsvRejected(problems)
    if not rates:
        raise IndexCsvRejected([CsvProblem(1, "arquivo", "nenhuma linha data;valor encontrada")])
    return rates


def _month(text: str) -> YearMonth | None:
    match = _DATE.fullmatch(text)
    if match is None:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        dt.date(year, month, day)
        ym = YearMonth(year, month)
    except ValueError:
        return None
    return ym if day == 1 else None


def _rate(text: str) -> Decimal | None:
    if not _VALUE.fullmatch(text):
        return None
    try:
        percent = Decimal(text.replace(".", "").replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern already guarantees a number
        return None
    if not -HUNDRED < percent < HUNDRED or int(percent.as_tuple().exponent) < -4:
        return None
    return percent / HUNDRED
