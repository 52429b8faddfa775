"""Loss charges (perdas: fraud, leak, broken seal — seed 001 3.2.7.22, S13.6): the fine table by
type, degree and validity, and the fine a closing posts. No Django."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Nature(StrEnum):
    FRAUD = "fraud"
    LEAK = "leak"
    BROKEN_SEAL = "broken_seal"


NATURE_LABELS = {Nature.FRAUD: "Fraude", Nature.LEAK: "Vazamento", Nature.BROKEN_SEAL: "Lacre rompido"}


class Degree(StrEnum):
    LIGHT = "light"
    MODERATE = "moderate"
    SEVERE = "severe"


DEGREE_LABELS = {Degree.LIGHT: "Leve", Degree.MODERATE: "Moderado", Degree.SEVERE: "Grave"}


@dataclass(frozen=True)
class FineRow:
    loss_type: str  # the type's code
    degree: Degree
    valid_from: dt.date
    amount: Decimal


def fine_in_force(rows: tuple[FineRow, ...], loss_type: str, degree: Degree, on: dt.date) -> FineRow | None:
    """The row of (type, degree) in force on `on`: the one that started last on or before it."""
    candidates = [r for r in rows if r.loss_type == loss_type and r.degree == degree and r.valid_from <= on]
    return max(candidates, key=lambda r: r.valid_from, default=None)


def long_cut(cut_since: dt.date, today: dt.date, days: int) -> bool:
    """Whether a unit cut since `cut_since` has been cut for longer than `days` (0: the rule is off)."""
    return days > 0 and (today - cut_since).days > days
