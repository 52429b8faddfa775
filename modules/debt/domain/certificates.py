"""Debt certificates: which one a property can get, their public authentication codes, and the annual
debt-clearance declaration of Lei 12.007/2009.

Kinds (SAAE Sorocaba TR §11.2–§11.4; the concept comes from the Código Tributário Nacional, arts. 205
and 206):

* negativa — no overdue debt and no unfinished installment agreement;
* positiva com efeito de negativa — no overdue debt, but an agreement still running (even if up to date)
  or a debt whose collection is suspended (contested in court, CTN art. 206);
* recusada — some debt is overdue: no clearance certificate; the overdue debts are listed so that a
  positive certificate (§11.3) or a statement can show them.

Debts without a due date yet (an installment waiting for the bill that will carry it) are never overdue
(§10.11: no fictitious dates). The tenant may tolerate some days past the due date (GSAN's
numeroDiasVencimentoDebitoGeracaoCertidaoNegativaDebitos; VA-18).

Authentication codes (VA-19: at least 80 bits, checkable): 18 random Crockford base-32 characters
(90 bits) and two check characters that make the whole code, read as a base-32 number, a multiple of the
prime 1021; shown as five groups of four. A wrong character changes the number by d·32^k and a swap of
neighbours by (a − b)·31·32^k, never a multiple of 1021, so both are caught before any database lookup.
The authenticity itself is the stored code, not the check.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from modules.common.domain.money import format_brl
from modules.common.errors import Conflict, ValidationFailed

from ..errors import ErrorCode

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
_VALUE = {char: index for index, char in enumerate(ALPHABET)}
_CONFUSABLE = {"O": "0", "I": "1", "L": "1"}
CODE_RANDOM_LENGTH = 18
CODE_LENGTH = CODE_RANDOM_LENGTH + 2
CHECK_PRIME = 1021  # the largest prime below 32²


def _value(code: str) -> int:
    number = 0
    for char in code:
        number = number * 32 + _VALUE[char]
    return number


def _check_characters(payload: str) -> str:
    """Two characters making the whole code, read as a base-32 number, a multiple of the prime 1021."""
    check = -_value(payload) * 1024 % CHECK_PRIME
    return ALPHABET[check // 32] + ALPHABET[check % 32]


def _group(code: str) -> str:
    return "-".join(code[start : start + 4] for start in range(0, len(code), 4))


def new_authentication_code(random_bytes: Callable[[int], bytes] = secrets.token_bytes) -> str:
    """A fresh code such as '7QK2-M9XA-3HDP-W4TR-ZB1C' (the last two characters are the check)."""
    number = int.from_bytes(random_bytes(12), "big") >> 6  # 90 bits
    chars = []
    for _ in range(CODE_RANDOM_LENGTH):
        number, digit = divmod(number, 32)
        chars.append(ALPHABET[digit])
    payload = "".join(chars)
    return _group(payload + _check_characters(payload))


def normalize_code(typed: str) -> str:
    """The canonical grouped form of a typed code, or ValidationFailed in pt-BR.

    Case, spaces, dots and hyphens do not matter; O is read as 0, and I and L as 1.
    """
    compact = re.sub(r"[\s.\-]", "", typed or "").upper()
    if not compact:
        raise ValidationFailed("Informe o código de autenticação.", field="code", code=ErrorCode.INVALID)
    compact = "".join(_CONFUSABLE.get(char, char) for char in compact)
    invalid = sorted({char for char in compact if char not in _VALUE})
    if invalid:
        raise ValidationFailed(
            f"O código contém caracteres que não existem nos códigos de autenticação: {', '.join(invalid)}.",
            field="code",
            code=ErrorCode.INVALID,
        )
    if len(compact) != CODE_LENGTH:
        raise ValidationFailed(
            f"O código de autenticação tem {CODE_LENGTH} caracteres; foram digitados {len(compact)}.",
            field="code",
            code=ErrorCode.INVALID,
        )
    if _value(compact) % CHECK_PRIME != 0:
        raise ValidationFailed(
            "Código de autenticação inválido: confira os caracteres digitados.",
            field="code",
            code=ErrorCode.INVALID,
        )
    return _group(compact)


class DebtStatus(enum.StrEnum):
    OPEN = "open"
    PAID = "paid"
    CANCELLED = "cancelled"
    IN_AGREEMENT = "in_agreement"  # an original bill folded into an agreement: its installments are the debt
    SUSPENDED = "suspended"  # collection suspended (contested in court)


@dataclass(frozen=True)
class DebtItem:
    reference: str  # "07/2018", "NFA 1234", "parcela 2/6"
    amount: Decimal
    due_date: dt.date | None
    status: DebtStatus
    agreement: str | None = None  # the agreement an installment belongs to
    paid_on: dt.date | None = None


class CertificateKind(enum.StrEnum):
    NEGATIVE = "negativa"
    POSITIVE_WITH_NEGATIVE_EFFECT = "positiva_com_efeito_de_negativa"
    REFUSED = "recusada"


@dataclass(frozen=True)
class CertificatePolicy:
    tolerance_days: int = 0  # days past the due date before a debt counts as overdue


@dataclass(frozen=True)
class CertificateDecision:
    kind: CertificateKind
    reason: str
    overdue: tuple[DebtItem, ...] = ()
    open_agreements: tuple[str, ...] = ()
    suspended: tuple[DebtItem, ...] = ()

    @property
    def overdue_total(self) -> Decimal:
        return sum((item.amount for item in self.overdue), Decimal("0.00"))


def is_overdue(item: DebtItem, as_of: dt.date, policy: CertificatePolicy) -> bool:
    return (
        item.status is DebtStatus.OPEN
        and item.due_date is not None
        and as_of > item.due_date + dt.timedelta(days=policy.tolerance_days)
    )


def decide_certificate(
    debts: Iterable[DebtItem], as_of: dt.date, policy: CertificatePolicy | None = None
) -> CertificateDecision:
    policy = policy or CertificatePolicy()
    items = list(debts)
    overdue = tuple(sorted((i for i in items if is_overdue(i, as_of, policy)), key=_by_due_date))
    if overdue:
        oldest = overdue[0]
        noun = "débito vencido" if len(overdue) == 1 else "débitos vencidos"
        assert oldest.due_date is not None
        total = format_brl(sum((i.amount for i in overdue), Decimal("0")))
        return CertificateDecision(
            kind=CertificateKind.REFUSED,
            reason=(
                f"Certidão negativa recusada: há {len(overdue)} {noun}, total R$ {total}; "
                f"o mais antigo, {oldest.reference}, venceu em {oldest.due_date:%d/%m/%Y}."
            ),
            overdue=overdue,
        )
    agreements = tuple(sorted({i.agreement for i in items if i.agreement and i.status is DebtStatus.OPEN}))
    suspended = tuple(i for i in items if i.status is DebtStatus.SUSPENDED)
    if agreements or suspended:
        causes = []
        if agreements:
            causes.append(
                "parcelamento em andamento"
                if len(agreements) == 1
                else f"{len(agreements)} parcelamentos em andamento"
            )
        if suspended:
            causes.append("débito com exigibilidade suspensa")
        return CertificateDecision(
            kind=CertificateKind.POSITIVE_WITH_NEGATIVE_EFFECT,
            reason=f"Não há débitos vencidos, mas há {' e '.join(causes)}.",
            open_agreements=agreements,
            suspended=suspended,
        )
    return CertificateDecision(
        kind=CertificateKind.NEGATIVE, reason="Não há débitos vencidos nem parcelamentos em andamento."
    )


def _by_due_date(item: DebtItem) -> tuple[dt.date, str]:
    return (item.due_date or dt.date.max, item.reference)


# Lei 12.007/2009: the annual debt-clearance declaration. Art. 2º: the bills due from January to December
# of the year; §1º only when all of them are paid; §2º a customer not billed every month gets it for the
# billed months; §3º debts contested in court are left out and the declaration covers the other months.
# Art. 4º requires the sentence that it replaces the monthly receipts (a template concern).


@dataclass(frozen=True)
class DeclarationLine:
    reference: str
    due_date: dt.date
    paid_on: dt.date
    amount: Decimal


@dataclass(frozen=True)
class AnnualDeclaration:
    year: int
    lines: tuple[DeclarationLine, ...]
    contested: tuple[str, ...]  # references left out under §3º

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))


def annual_declaration(year: int, bills: Iterable[DebtItem], *, strict: bool = False) -> AnnualDeclaration:
    """The declaration for `year`, or Conflict (pt-BR) when the law does not grant it.

    `strict` also refuses a year with a bill paid after its due date (SAAE Sorocaba §11.1 reads "qualquer
    dívida não paga até seu vencimento"); the law itself only asks that all the year's debts be paid.
    """
    of_year = sorted(
        (
            b
            for b in bills
            if b.due_date is not None and b.due_date.year == year and b.status is not DebtStatus.CANCELLED
        ),
        key=_by_due_date,
    )
    contested = tuple(b.reference for b in of_year if b.status is DebtStatus.SUSPENDED)
    considered = [b for b in of_year if b.status is not DebtStatus.SUSPENDED]
    if not considered:
        raise Conflict(
            f"Não há faturas com vencimento em {year} para declarar.",
            field="year",
            code=ErrorCode.NO_BILLS_IN_YEAR,
        )
    unpaid = [b.reference for b in considered if b.status is not DebtStatus.PAID or b.paid_on is None]
    if unpaid:
        noun = "a fatura" if len(unpaid) == 1 else "as faturas"
        verb = "está" if len(unpaid) == 1 else "estão"
        raise Conflict(
            f"Declaração anual de {year} recusada: {noun} {', '.join(unpaid)} {verb} em aberto.",
            field="year",
            code=ErrorCode.YEAR_NOT_PAID,
        )
    late = [b.reference for b in considered if b.paid_on and b.due_date and b.paid_on > b.due_date]
    if strict and late:
        raise Conflict(
            f"Declaração anual de {year} recusada: pagamento após o vencimento em {', '.join(late)}.",
            field="year",
            code=ErrorCode.YEAR_PAID_LATE,
        )
    lines = tuple(
        DeclarationLine(b.reference, b.due_date, b.paid_on, b.amount)
        for b in considered
        if b.due_date is not None and b.paid_on is not None
    )
    return AnnualDeclaration(year=year, lines=lines, contested=contested)
