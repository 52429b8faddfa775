"""Late charges on an overdue bill: fine, then monthly correction (TR Sorocaba §13.9, Tabela 13.1).

"A forma de cálculo começará com a incidência dos 2%, depois incidirá a taxa Selic cadastrada no mês
de referência." Tabela 13.1 fixes the arithmetic (seed 002 §3, example 5):

- fine = rate × original, kept unrounded (1.3938, 0.4118);
- each month's rate applies to original + fine + the earlier months' interest (compounding:
  0.60 % × 21.211818 = 0.127270908);
- the corrected value is rounded once, with the tenant's rule (truncated in Sorocaba: 21.339… → 21.33).

Which month gets the provisional 1 % and which the registered Selic is a calendar rule the document
leaves open (ambiguity A2), so the monthly rates are an input here, as fractions (1 % = 0.01). The
bill shows the fine and the correction on separate lines (§13.9, "rubricas próprias"): the fine line
is the rounded fine and the correction line takes the rest, so the lines add up to the corrected value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from modules.common.domain.money import Rounding, round_money
from modules.common.errors import ValidationFailed

DEFAULT_FINE_RATE = Decimal("0.02")


@dataclass(frozen=True)
class LateCharge:
    original: Decimal
    fine: Decimal  # unrounded, as Tabela 13.1 prints it
    monthly_interest: tuple[Decimal, ...]  # unrounded, one per month
    corrected: Decimal  # the one rounding point
    fine_line: Decimal  # bill line "multa"
    correction_line: (
        Decimal  # bill line "atualização monetária"; fine_line + correction_line = corrected − original
    )


def late_charge(
    original: Decimal,
    monthly_rates: Sequence[Decimal],
    *,
    fine_rate: Decimal = DEFAULT_FINE_RATE,
    rounding: Rounding = Rounding.TRUNCATE,
) -> LateCharge:
    if original < 0:
        raise ValidationFailed(f"O valor original não pode ser negativo ({original}).", field="original")
    if fine_rate < 0:
        raise ValidationFailed(f"A taxa de multa não pode ser negativa ({fine_rate}).", field="fine_rate")
    for index, rate in enumerate(monthly_rates):
        if rate < 0:
            raise ValidationFailed(
                f"A taxa do {index + 1}º mês não pode ser negativa ({rate}).", field=f"monthly_rates[{index}]"
            )
    fine = original * fine_rate
    base = original + fine
    interests: list[Decimal] = []
    for rate in monthly_rates:
        interest = base * rate
        interests.append(interest)
        base += interest
    corrected = round_money(base, rounding)
    fine_line = min(round_money(fine, rounding), corrected - original)
    return LateCharge(
        original=original,
        fine=fine,
        monthly_interest=tuple(interests),
        corrected=corrected,
        fine_line=fine_line,
        correction_line=corrected - original - fine_line,
    )
