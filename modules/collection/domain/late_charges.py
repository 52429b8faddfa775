"""Late charges (acréscimos por impontualidade): fine, interest and monetary correction of an overdue debt.

The reference is SAAE Sorocaba's TR §13.9 and its Tabela 13.1, reproduced to the cent by the tests:

    "A forma de cálculo começará com a incidência dos 2%, depois incidirá a taxa Selic cadastrada no mês
    de referência. Se o pagamento for feito nos meses seguintes, a regra será a aplicação de 1% de
    correção até a inclusão da Selic, e após a taxa inclusa."

    | Vencimento | Valor Original | Multa  | J. Selic 1º mês | J. Selic 2º mês | Valor Corrigido |
    | 01/04/2013 | 20,59          | 0,4118 | 0,210018        | 0,127271        | 21,33           |

What the table fixes (ADR 0031): the fine is 2 % of the original; the monthly rates then apply to original
plus fine, compounding month after month (0,127271 = 0,60 % × (20,59 + 0,4118 + 0,210018)); intermediate
values keep full precision; money is cut to the cent only at the end (truncation: 21,339… → 21,33).

The same engine serves utilities that charge a fixed interest pro rata die or per day and correct the
principal by an index (IPCA, IGP-M…): correction first (it updates the principal), then the fine on the
corrected principal, then interest on the corrected principal plus the fine (as in the table).

Which months are charged: every calendar month after the due date's month up to and including the
payment month (the federal-tax convention of Lei 9.430/1996, art. 61 §3º). Each month takes the rate
registered for it, or the provisional rate while it is not registered: the payment month's rate is never
registered yet, so it is always the provisional 1 % — which is also what §13.9 says.

Each component is rounded with the tenant's rule and the total is the original plus the rounded
components, because each one is a bill line of its own (§13.9: "rubricas próprias"); the table is
reproduced either way.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation, localcontext

from modules.common.domain.dates import YearMonth
from modules.common.domain.money import Rounding, parse_money, round_money
from modules.common.errors import ValidationFailed

from ..errors import ErrorCode

ZERO = Decimal("0")


class InterestMethod(enum.StrEnum):
    NONE = "none"
    # Tabela 13.1: month by month, compounding on the running balance; rate per month from a series.
    MONTHLY_SERIES = "monthly_series"
    # Fixed monthly rate × days late ÷ 30, simple, on the base ("1 % a.m. pro rata die").
    PRO_RATA_DIE = "pro_rata_die"
    # Fixed daily rate × days late, simple, on the base (Querência TR 3.2.7.12.2 "juros diários").
    DAILY = "daily"


@dataclass(frozen=True)
class RateSeries:
    """Monthly rates registered by reference month, and the rate used while a month is not registered."""

    registered: Mapping[YearMonth, Decimal] = field(default_factory=dict)
    provisional: Decimal = Decimal("0.01")
    # registered months whose rate is itself an estimate (entered before the official one)
    estimated: frozenset[YearMonth] = frozenset()

    def rate_for(self, month: YearMonth) -> tuple[Decimal, bool]:
        """(rate, provisional?)"""
        if month in self.registered:
            return self.registered[month], month in self.estimated
        return self.provisional, True


@dataclass(frozen=True)
class LateChargePolicy:
    """One tenant's rule for one kind of debt (the rules depend on the bill type, §13.9)."""

    fine_rate: Decimal = Decimal("0.02")
    interest_method: InterestMethod = InterestMethod.MONTHLY_SERIES
    # Monthly for PRO_RATA_DIE, daily for DAILY, and the provisional monthly rate of MONTHLY_SERIES when
    # no series is given.
    interest_rate: Decimal = Decimal("0.01")
    interest_on_fine: bool = True  # Tabela 13.1: 0,710838 = 1 % × (69,69 + 1,3938)
    rounding: Rounding = Rounding.TRUNCATE
    # Interest and correction accrue only from this date on; the fine is always due. SAAE Sorocaba adopted
    # Selic in November 2009 and charged only the fine before (§13.9, BR-21).
    accrues_from: dt.date | None = None


@dataclass(frozen=True)
class MonthRate:
    month: YearMonth
    rate: Decimal
    provisional: bool
    base: Decimal  # the running balance the rate applies to (unrounded)
    amount: Decimal  # rate × base (unrounded)


@dataclass(frozen=True)
class LateCharges:
    amount: Decimal
    due_date: dt.date
    paid_on: dt.date
    days_late: int
    fine: Decimal
    interest: Decimal
    correction: Decimal
    exact_fine: Decimal
    exact_interest: Decimal
    exact_correction: Decimal
    interest_months: tuple[MonthRate, ...] = ()
    correction_months: tuple[MonthRate, ...] = ()

    @property
    def charges(self) -> Decimal:
        return self.fine + self.interest + self.correction

    @property
    def total(self) -> Decimal:
        return self.amount + self.charges

    @property
    def exact_total(self) -> Decimal:
        return self.amount + self.exact_fine + self.exact_interest + self.exact_correction


def charged_months(
    due_date: dt.date, paid_on: dt.date, *, accrues_from: dt.date | None = None
) -> list[YearMonth]:
    """Months that accrue interest and correction: after the due month, through the payment month."""
    months = []
    month = YearMonth.of(due_date).next()
    last = YearMonth.of(paid_on)
    first_accruing = YearMonth.of(accrues_from) if accrues_from else None
    while month <= last:
        if first_accruing is None or month >= first_accruing:
            months.append(month)
        month = month.next()
    return months


def late_charges(
    amount: Decimal,
    due_date: dt.date,
    paid_on: dt.date,
    policy: LateChargePolicy,
    *,
    interest_series: RateSeries | None = None,
    correction_series: RateSeries | None = None,
) -> LateCharges:
    """Charges on `amount` due on `due_date` and paid (or updated) on `paid_on`.

    `interest_series` gives the monthly rates of MONTHLY_SERIES (Selic); without it every month takes the
    policy's rate. `correction_series` (an index such as IPCA) corrects the principal; without it there is
    no correction. A due date on a weekend or holiday must be moved to the next business day by the caller.
    """
    months = charged_months(due_date, paid_on, accrues_from=policy.accrues_from)
    interest_rates = None
    if policy.interest_method is InterestMethod.MONTHLY_SERIES:
        series = interest_series or RateSeries(provisional=policy.interest_rate)
        interest_rates = [(month, *series.rate_for(month)) for month in months]
    correction_rates = None
    if correction_series is not None:
        correction_rates = [(month, *correction_series.rate_for(month)) for month in months]
    return _compute(amount, due_date, paid_on, policy, interest_rates, correction_rates)


def late_charges_with_rates(
    amount: Decimal,
    due_date: dt.date,
    paid_on: dt.date,
    policy: LateChargePolicy,
    monthly_rates: Sequence[Decimal],
) -> LateCharges:
    """MONTHLY_SERIES with the rates given in order, one per charged month (what-if, Tabela 13.1)."""
    months = charged_months(due_date, paid_on, accrues_from=policy.accrues_from)
    if len(monthly_rates) != len(months):
        raise ValidationFailed(
            _rate_count_message(months, len(monthly_rates)), field="monthly_rates", code=ErrorCode.INVALID
        )
    rates = [(month, rate, False) for month, rate in zip(months, monthly_rates, strict=True)]
    return _compute(amount, due_date, paid_on, policy, rates, None)


def _compute(
    amount: Decimal,
    due_date: dt.date,
    paid_on: dt.date,
    policy: LateChargePolicy,
    interest_rates: list[tuple[YearMonth, Decimal, bool]] | None,
    correction_rates: list[tuple[YearMonth, Decimal, bool]] | None,
) -> LateCharges:
    days_late = max((paid_on - due_date).days, 0)
    if days_late == 0:
        return LateCharges(amount, due_date, paid_on, 0, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO)
    with localcontext() as ctx:
        ctx.prec = 50
        correction_months = _compound(amount, correction_rates or [])
        # A falling index never lowers the debt below its original value.
        correction = max(sum((item.amount for item in correction_months), ZERO), ZERO)
        principal = amount + correction
        fine = principal * policy.fine_rate
        base = principal + fine if policy.interest_on_fine else principal
        interest_months: list[MonthRate] = []
        if policy.interest_method is InterestMethod.MONTHLY_SERIES:
            interest_months = _compound(base, interest_rates or [])
            interest = sum((item.amount for item in interest_months), ZERO)
        elif policy.interest_method is InterestMethod.PRO_RATA_DIE:
            interest = base * policy.interest_rate * _accruing_days(due_date, paid_on, policy) / 30
        elif policy.interest_method is InterestMethod.DAILY:
            interest = base * policy.interest_rate * _accruing_days(due_date, paid_on, policy)
        else:
            interest = ZERO
    return LateCharges(
        amount=amount,
        due_date=due_date,
        paid_on=paid_on,
        days_late=days_late,
        fine=round_money(fine, policy.rounding),
        interest=round_money(interest, policy.rounding),
        correction=round_money(correction, policy.rounding),
        exact_fine=fine,
        exact_interest=interest,
        exact_correction=correction,
        interest_months=tuple(interest_months),
        correction_months=tuple(correction_months),
    )


def _compound(base: Decimal, rates: list[tuple[YearMonth, Decimal, bool]]) -> list[MonthRate]:
    running = base
    result = []
    for month, rate, provisional in rates:
        accrued = running * rate
        result.append(MonthRate(month, rate, provisional, running, accrued))
        running += accrued
    return result


def _accruing_days(due_date: dt.date, paid_on: dt.date, policy: LateChargePolicy) -> int:
    start = due_date
    if policy.accrues_from and policy.accrues_from - dt.timedelta(days=1) > start:
        start = policy.accrues_from - dt.timedelta(days=1)
    return max((paid_on - start).days, 0)


def _rate_count_message(months: list[YearMonth], given: int) -> str:
    if not months:
        return (
            f"Pagamento sem meses de atraso a cobrar: não informe taxas mensais (foram informadas {given})."
        )
    span = months[0].label if len(months) == 1 else f"{months[0].label} a {months[-1].label}"
    plural = "taxa mensal" if len(months) == 1 else "taxas mensais"
    return f"São necessárias {len(months)} {plural} ({span}); foram informadas {given}."


# What-if API: {"amount": "20.59", "due_date": "2013-04-01", "paid_on": "2013-06-10",
#               "monthly_rates": ["0.01", "0.006"]} → fine / interest / total as strings.


@dataclass(frozen=True)
class WhatIf:
    amount: Decimal
    due_date: dt.date
    paid_on: dt.date
    monthly_rates: tuple[Decimal, ...]


def parse_what_if(data: Mapping[str, object]) -> WhatIf:
    amount = parse_money(data.get("amount"))
    if amount is None or amount <= 0:
        raise ValidationFailed(
            'Informe o valor como texto com até duas casas decimais, maior que zero (ex.: "20.59").',
            field="amount",
            code=ErrorCode.INVALID,
        )
    due_date = _parse_date(data.get("due_date"), "due_date", "a data de vencimento")
    paid_on = _parse_date(data.get("paid_on"), "paid_on", "a data de pagamento")
    raw_rates = data.get("monthly_rates", [])
    if not isinstance(raw_rates, list):
        raise ValidationFailed(
            'Informe as taxas mensais como uma lista de textos (ex.: ["0.01"]).',
            field="monthly_rates",
            code=ErrorCode.INVALID,
        )
    rates = []
    for position, raw in enumerate(raw_rates, start=1):
        rate = _parse_rate(raw)
        if rate is None:
            raise ValidationFailed(
                f'Taxa mensal {position} inválida: informe um decimal em texto entre 0 e 1 (ex.: "0.006").',
                field="monthly_rates",
                code=ErrorCode.INVALID,
            )
        rates.append(rate)
    return WhatIf(amount, due_date, paid_on, tuple(rates))


def what_if(
    data: Mapping[str, object],
    policy: LateChargePolicy | None = None,
    *,
    interest_series: RateSeries | None = None,
    correction_series: RateSeries | None = None,
) -> dict[str, object]:
    """Explicit `monthly_rates` are the months' interest rates, in order. Without them, and with the
    tenant's series given, each month takes its registered rate, or the provisional one while it is
    not registered, and the answer says which (`provisional`)."""
    request = parse_what_if(data)
    if "monthly_rates" not in data and (interest_series is not None or correction_series is not None):
        return _what_if_series(request, policy or LateChargePolicy(), interest_series, correction_series)
    result = late_charges_with_rates(
        request.amount, request.due_date, request.paid_on, policy or LateChargePolicy(), request.monthly_rates
    )
    return {
        "amount": str(result.amount),
        "days_late": result.days_late,
        "fine": str(result.fine),
        "interest": str(result.interest),
        "correction": str(result.correction),
        "total": str(result.total),
        "months": [
            {"month": str(item.month), "rate": str(item.rate), "interest": str(item.amount)}
            for item in result.interest_months
        ],
    }


def _what_if_series(
    request: WhatIf,
    policy: LateChargePolicy,
    interest_series: RateSeries | None,
    correction_series: RateSeries | None,
) -> dict[str, object]:
    result = late_charges(
        request.amount,
        request.due_date,
        request.paid_on,
        policy,
        interest_series=interest_series,
        correction_series=correction_series,
    )
    return {
        "amount": str(result.amount),
        "days_late": result.days_late,
        "fine": str(result.fine),
        "interest": str(result.interest),
        "correction": str(result.correction),
        "total": str(result.total),
        "months": [
            {
                "month": str(item.month),
                "rate": str(item.rate),
                "provisional": item.provisional,
                "interest": str(item.amount),
            }
            for item in result.interest_months
        ],
        "correction_months": [
            {
                "month": str(item.month),
                "rate": str(item.rate),
                "provisional": item.provisional,
                "correction": str(item.amount),
            }
            for item in result.correction_months
        ],
    }


def _parse_date(raw: object, name: str, label: str) -> dt.date:
    if isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass
    raise ValidationFailed(f"Informe {label} no formato AAAA-MM-DD.", field=name, code=ErrorCode.INVALID)


def _parse_rate(raw: object) -> Decimal | None:
    if not isinstance(raw, str) or not re.fullmatch(r"\d+(\.\d+)?", raw.strip()):
        return None
    try:
        rate = Decimal(raw.strip())
    except InvalidOperation:  # pragma: no cover - the pattern already guarantees a decimal
        return None
    return rate if rate < 1 else None
