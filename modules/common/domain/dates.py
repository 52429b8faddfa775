"""Calendar values shared by the modules: the reference month (mês de referência)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class YearMonth:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1 <= self.year <= 9998:
            raise ValueError(f"mês inválido: {self.year}-{self.month}")

    @classmethod
    def parse(cls, text: str) -> YearMonth:
        match = _MONTH.match(text or "")
        if match is None:
            raise ValueError(f"mês deve estar no formato AAAA-MM: {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: dt.date) -> YearMonth:
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        """As printed on bills: 07/2026."""
        return f"{self.month:02d}/{self.year:04d}"

    def next(self) -> YearMonth:
        return self.plus(1)

    def previous(self) -> YearMonth:
        return self.plus(-1)

    def plus(self, months: int) -> YearMonth:
        index = self.year * 12 + self.month - 1 + months
        return YearMonth(index // 12, index % 12 + 1)

    def months_until(self, other: YearMonth) -> int:
        """How many months from self to other (negative when other is earlier)."""
        return (other.year * 12 + other.month) - (self.year * 12 + self.month)

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    def last_day(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def day(self, day: int) -> dt.date:
        """Day `day` of the month, clamped to the month's last day (30 → 28 in February)."""
        if day < 1:
            raise ValueError(f"dia inválido: {day}")
        return dt.date(self.year, self.month, min(day, self.last_day().day))
