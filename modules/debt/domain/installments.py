"""Installment agreements (parcelamento): negotiated total, simulation and schedule.

The simulation reproduces DESO's "Simulador de Parcelamento" (seed 003) to the cent for every row:
total 415,29, entry 41,53 (10 %), 1,63 % a month → 379,85 / 191,46 / 128,67 / 97,28 / 78,45 / 65,90.
The matching formula (virtual_agency.md §3) is the Tabela Price annuity on the financed balance, the
first installment one period after the entry, computed at full precision and rounded once:

    PMT = P · i / (1 − (1 + i)^−n),   P = total − entry

The n = 6 value is 65,895044…, 0,000044 above the half-cent: rounding the coefficient, or truncating,
gives 65,89. So nothing is rounded before the installment itself (ADR 0032).

The schedule is the Price amortization table of the agreement term: each period's interest is the
balance times the rate, rounded with the tenant's rule; amortization = installment − interest. Equal
rounded installments leave a few cents of balance (−0,02 for DESO n = 6); the policy puts that leftover
on the first or the last installment, so the installments always add up to the financed balance plus
the schedule's interest and the balance ends at exactly zero. The interest column is always that of
the equal-installment table, so with the leftover on the first installment the printed interest of the
later lines stays what the simulation showed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext

from modules.common.domain.money import Rounding, format_brl, round_money
from modules.common.errors import ValidationFailed

from ..errors import ErrorCode

ZERO = Decimal("0.00")


class LeftoverPlacement(enum.StrEnum):
    FIRST = "first"
    LAST = "last"


@dataclass(frozen=True)
class InstallmentPolicy:
    """A tenant's perfil de parcelamento (Querência TR 3.2.9.1; DESO's resolution)."""

    monthly_rate: Decimal  # 0.0163 for DESO
    max_installments: int  # 3.2.9.1.1
    min_down_payment_rate: Decimal = Decimal("0")  # 3.2.9.1.2; 0.10 for DESO
    down_payment_required: bool = False  # 3.2.9.1.4
    min_installment: Decimal = Decimal("0.01")  # 3.2.9.1.3
    min_debt: Decimal = Decimal("0.01")  # 3.2.9.1.1
    fine_discount_rate: Decimal = Decimal("0")  # share of the fines forgiven
    interest_discount_rate: Decimal = Decimal("0")  # share of the late interest and correction forgiven
    rounding: Rounding = Rounding.HALF_UP  # DESO's table needs half-up (65,895044 → 65,90)
    leftover: LeftoverPlacement = LeftoverPlacement.LAST


@dataclass(frozen=True)
class DebtToNegotiate:
    """What the customer owes, split as the debt summary shows it (seed 003 "Resumo do débito")."""

    bills: Decimal  # contas, original values
    fines: Decimal = ZERO
    interest: Decimal = ZERO  # late interest and monetary correction (acréscimos other than the fine)
    payment_slips: Decimal = ZERO  # guias de pagamento
    services: Decimal = ZERO  # débitos a cobrar: serviços
    previous_agreements: Decimal = ZERO  # débitos a cobrar: parcelamento (re-plans)
    credits: Decimal = ZERO  # créditos a realizar


@dataclass(frozen=True)
class NegotiatedTotal:
    updated: Decimal  # débito total atualizado
    discount: Decimal
    total: Decimal  # what is financed or paid cash


def negotiated_total(debt: DebtToNegotiate, policy: InstallmentPolicy) -> NegotiatedTotal:
    updated = (
        debt.bills
        + debt.fines
        + debt.interest
        + debt.payment_slips
        + debt.services
        + debt.previous_agreements
        - debt.credits
    )
    discount = round_money(debt.fines * policy.fine_discount_rate, policy.rounding) + round_money(
        debt.interest * policy.interest_discount_rate, policy.rounding
    )
    return NegotiatedTotal(updated=updated, discount=discount, total=updated - discount)


def installment_value(financed: Decimal, monthly_rate: Decimal, count: int, rounding: Rounding) -> Decimal:
    """The Price installment, rounded once (no rounded coefficient: see the module docstring)."""
    return round_money(_exact_installment(financed, monthly_rate, count), rounding)


def _exact_installment(financed: Decimal, monthly_rate: Decimal, count: int) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 50
        if monthly_rate == 0:
            return financed / count
        return financed * monthly_rate / (1 - (1 + monthly_rate) ** -count)


def minimum_down_payment(total: Decimal, policy: InstallmentPolicy) -> Decimal:
    return round_money(total * policy.min_down_payment_rate, policy.rounding)


@dataclass(frozen=True)
class InstallmentOption:
    count: int
    down_payment: Decimal
    installment: Decimal
    monthly_rate: Decimal

    @property
    def total_paid(self) -> Decimal:
        return self.down_payment + self.installment * self.count


@dataclass(frozen=True)
class Simulation:
    total: Decimal
    down_payment: Decimal
    financed: Decimal
    options: tuple[InstallmentOption, ...]


def simulate(total: Decimal, policy: InstallmentPolicy, *, down_payment: Decimal | None = None) -> Simulation:
    """Every installment count the policy allows for this debt and entry (the entry defaults to the minimum).

    Counts whose installment would fall below the policy's minimum are left out (3.2.9.1.3: the simulation
    reduces n); when not even one installment is possible the simulation is refused.
    """
    entry = minimum_down_payment(total, policy) if down_payment is None else down_payment
    _check_debt_and_entry(total, entry, policy)
    financed = total - entry
    options = []
    for count in range(1, policy.max_installments + 1):
        value = installment_value(financed, policy.monthly_rate, count, policy.rounding)
        if value < policy.min_installment:
            break
        options.append(InstallmentOption(count, entry, value, policy.monthly_rate))
    if not options:
        raise ValidationFailed(
            f"O saldo a parcelar (R$ {format_brl(financed)}) não alcança a parcela mínima de "
            f"R$ {format_brl(policy.min_installment)}.",
            field="down_payment",
            code=ErrorCode.INSTALLMENT_BELOW_MINIMUM,
        )
    return Simulation(total=total, down_payment=entry, financed=financed, options=tuple(options))


def _check_debt_and_entry(total: Decimal, entry: Decimal, policy: InstallmentPolicy) -> None:
    if total < policy.min_debt:
        raise ValidationFailed(
            f"O débito mínimo para parcelamento é R$ {format_brl(policy.min_debt)}; "
            f"o débito é R$ {format_brl(total)}.",
            field="total",
            code=ErrorCode.DEBT_BELOW_MINIMUM,
        )
    if entry < 0:
        raise ValidationFailed(
            "O valor de entrada não pode ser negativo.",
            field="down_payment",
            code=ErrorCode.INVALID,
        )
    if entry >= total:
        raise ValidationFailed(
            f"O valor de entrada deve ser menor que o débito total (R$ {format_brl(total)}); "
            "para quitar tudo, use o pagamento à vista.",
            field="down_payment",
            code=ErrorCode.DOWN_PAYMENT_NOT_BELOW_DEBT,
        )
    if policy.down_payment_required and entry == 0:
        raise ValidationFailed(
            "A entrada é obrigatória neste parcelamento.",
            field="down_payment",
            code=ErrorCode.DOWN_PAYMENT_REQUIRED,
        )
    minimum = minimum_down_payment(total, policy)
    if entry < minimum:
        percent = f"{(policy.min_down_payment_rate * 100).normalize():f}".replace(".", ",")
        raise ValidationFailed(
            f"O valor de entrada mínimo é R$ {format_brl(minimum)} ({percent}% do débito).",
            field="down_payment",
            code=ErrorCode.DOWN_PAYMENT_BELOW_MINIMUM,
        )


@dataclass(frozen=True)
class ScheduleLine:
    number: int
    due_date: dt.date | None  # None until the bill that will carry it exists (TR §10.11: no fictitious dates)
    amount: Decimal
    interest: Decimal
    amortization: Decimal
    balance: Decimal  # after this installment


@dataclass(frozen=True)
class Schedule:
    financed: Decimal
    monthly_rate: Decimal
    installment: Decimal  # the simulated (equal) value
    lines: tuple[ScheduleLine, ...]

    @property
    def total_interest(self) -> Decimal:
        return sum((line.interest for line in self.lines), ZERO)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)


def schedule(
    total: Decimal,
    down_payment: Decimal,
    count: int,
    policy: InstallmentPolicy,
    *,
    first_due_date: dt.date | None = None,
) -> Schedule:
    """The agreement's installments: Σ amounts = financed + Σ interest, Σ amortization = financed, exactly."""
    _check_debt_and_entry(total, down_payment, policy)
    if count < 1:
        raise ValidationFailed(
            "O número de parcelas deve ser pelo menos 1.", field="count", code=ErrorCode.INVALID
        )
    if count > policy.max_installments:
        raise ValidationFailed(
            f"O número máximo de parcelas é {policy.max_installments}.",
            field="count",
            code=ErrorCode.TOO_MANY_INSTALLMENTS,
        )
    financed = total - down_payment
    value = installment_value(financed, policy.monthly_rate, count, policy.rounding)
    if value < policy.min_installment:
        raise ValidationFailed(
            f"A parcela mínima é R$ {format_brl(policy.min_installment)}; com {count} parcelas, "
            f"a parcela seria R$ {format_brl(value)}.",
            field="count",
            code=ErrorCode.INSTALLMENT_BELOW_MINIMUM,
        )
    interests = []
    balance = financed
    for _ in range(count):
        interest = round_money(max(balance, ZERO) * policy.monthly_rate, policy.rounding)
        interests.append(interest)
        balance -= value - interest
    # `balance` is now what equal installments leave unpaid (negative: paid too much).
    amounts = [value] * count
    adjusted = 0 if policy.leftover is LeftoverPlacement.FIRST else count - 1
    amounts[adjusted] += balance
    if amounts[adjusted] <= 0:
        # Only with tiny installments over very long terms: the half-cent of each rounded installment,
        # compounded, outgrows an installment.
        raise ValidationFailed(
            f"Com {count} parcelas de R$ {format_brl(value)} o arredondamento acumulado supera uma parcela; "
            "reduza o número de parcelas.",
            field="count",
            code=ErrorCode.ROUNDING_EXCEEDS_INSTALLMENT,
        )
    lines = []
    remaining = financed
    for number, (amount, interest) in enumerate(zip(amounts, interests, strict=True), start=1):
        amortization = amount - interest
        remaining -= amortization
        lines.append(
            ScheduleLine(
                number=number,
                due_date=_add_months(first_due_date, number - 1) if first_due_date else None,
                amount=amount,
                interest=interest,
                amortization=amortization,
                balance=remaining,
            )
        )
    return Schedule(
        financed=financed, monthly_rate=policy.monthly_rate, installment=value, lines=tuple(lines)
    )


def _add_months(day: dt.date, months: int) -> dt.date:
    """Same day of the month, or the month's last day when it is shorter (31/01 → 29/02 → 31/03)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def unbilled_present_value(unbilled: Sequence[ScheduleLine]) -> Decimal:
    """What the installments not yet on a bill are worth today, to fold into a re-plan (3.2.9.3.1):
    the installments minus the interest not yet earned, i.e. their amortization — the Price balance
    right before the first of them. Folding their face value would charge the old plan's future
    interest and then the new plan's interest on top of it."""
    return sum((line.amount - line.interest for line in unbilled), ZERO)


@dataclass(frozen=True)
class ReplanPolicy:
    """The re-plan limits of the policy (Querência TR 3.2.9.1.10–13)."""

    max_replans: int  # per customer; the (max + 1)-th is refused
    max_installments: int  # customers without an infraction
    max_installments_infraction: int  # customers with an irregularity fine
    min_down_payment_rate_infraction: Decimal  # only for customers with an infraction


def check_replan(
    rules: ReplanPolicy,
    *,
    replans_so_far: int,
    infraction: bool,
    total: Decimal,
    down_payment: Decimal,
    count: int,
    rounding: Rounding,
) -> None:
    """Refuse a re-plan the policy does not allow, naming the policy field that refuses it."""
    if replans_so_far >= rules.max_replans:
        raise ValidationFailed(
            f"O cliente já tem {replans_so_far} reparcelamento(s); a política permite no máximo "
            f"{rules.max_replans} (máximo de reparcelamentos por cliente).",
            field="property",
            code=ErrorCode.REPLAN_LIMIT_REACHED,
        )
    limit = rules.max_installments_infraction if infraction else rules.max_installments
    if count > limit:
        who = "com infração" if infraction else "sem infração"
        raise ValidationFailed(
            f"No reparcelamento de cliente {who} o máximo é {limit} parcelas "
            f"(máximo de parcelas no reparcelamento, {who}).",
            field="count",
            code=ErrorCode.TOO_MANY_INSTALLMENTS,
        )
    if infraction:
        minimum = round_money(total * rules.min_down_payment_rate_infraction, rounding)
        if down_payment < minimum:
            percent = f"{(rules.min_down_payment_rate_infraction * 100).normalize():f}".replace(".", ",")
            raise ValidationFailed(
                f"No reparcelamento de cliente com infração a entrada mínima é R$ {format_brl(minimum)} "
                f"({percent}% do débito; entrada mínima no reparcelamento com infração).",
                field="down_payment",
                code=ErrorCode.DOWN_PAYMENT_BELOW_MINIMUM,
            )


def early_payoff(unpaid: Sequence[ScheduleLine]) -> Decimal:
    """Paying the rest of a plan today (3.2.9.4): the installments still to come are worth their
    amortization — the Price balance before the first of them — so the interest not yet earned is
    removed. The same value a re-plan folds (3.2.9.3.1)."""
    return unbilled_present_value(unpaid)
