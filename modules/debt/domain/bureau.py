"""Credit bureau listing (negativação no SPC/Serasa): who is selected, when a listing may be sent and
when it must be lifted, and the movement/return file layout. No Django, no clock.

Legal basis kept here, next to the rules:
* CDC art. 43 §2: the consumer is told in writing before the listing; the listing goes out only after
  the utility's notice period (`notice_days`, 10 by default) has passed since the notice.
* STJ Súmula 548: once the debt is paid (or negotiated), the creditor asks for the exclusion within
  5 business days counted from the payment — the utility's calendar, holidays included.

Movement file (what the utility sends; UTF-8 text, one record a line, fields split by ";"):

    H;<movement id>;<AAAAMMDD generated on>
    I;<line>;<record id>;<cpf/cnpj digits>;<name>;<account number>;<amount 0.00>;<oldest due AAAAMMDD>
    E;<line>;<record id>;<cpf/cnpj digits>;<name>;<account number>;<amount 0.00>;<oldest due AAAAMMDD>
    T;<lines>;<sum of the amounts 0.00>

Return file (what the bureau answers for one movement):

    H;<movement id>
    <line>;A;<bureau protocol>        accepted
    <line>;R;<reason>                 refused
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from modules.common.domain.calendar import Holidays, add_business_days
from modules.common.errors import ValidationFailed

from ..errors import ErrorCode

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class BureauRules:
    """The utility's negativação policy (3.2.9.16)."""

    min_overdue_count: int = 1  # 3.2.9.16.1: overdue bills (an installment on a bill counts as a bill)
    min_debt: Decimal = Decimal("50.00")  # 3.2.9.16.2
    min_days_overdue: int = 30  # 3.2.9.16.3: the oldest bill at least this late
    group_ids: frozenset[int] = frozenset()  # 3.2.9.16.4: empty = every billing group
    neighbourhood_ids: frozenset[int] = frozenset()
    localities: frozenset[int] = frozenset()
    notice_days: int = 10  # CDC art. 43 §2
    exclusion_business_days: int = 5  # STJ Súmula 548


@dataclass(frozen=True)
class OverdueBill:
    bill_id: int
    due_date: dt.date
    amount: Decimal


@dataclass(frozen=True)
class PropertyDebt:
    """What one property owes that could be listed, with what the filters look at."""

    property_id: int
    group_id: int | None
    neighbourhood_id: int
    locality: int
    document: str  # the responsible customer's cpf/cnpj (digits); "" when there is none
    bills: tuple[OverdueBill, ...]


@dataclass(frozen=True)
class Candidate:
    property_id: int
    document: str
    bill_ids: tuple[int, ...]
    amount: Decimal
    oldest_due: dt.date


def overdue_bills(debt: PropertyDebt, rules: BureauRules, as_of: dt.date) -> tuple[OverdueBill, ...]:
    """The bills at least `min_days_overdue` days past due on `as_of`."""
    return tuple(b for b in debt.bills if (as_of - b.due_date).days >= rules.min_days_overdue)


def select(debts: Iterable[PropertyDebt], rules: BureauRules, as_of: dt.date) -> list[Candidate]:
    """Properties the policy lists on `as_of`: in the filters, with a document, at least
    `min_overdue_count` bills late enough adding up to at least `min_debt`."""
    out = []
    for debt in debts:
        if rules.group_ids and debt.group_id not in rules.group_ids:
            continue
        if rules.neighbourhood_ids and debt.neighbourhood_id not in rules.neighbourhood_ids:
            continue
        if rules.localities and debt.locality not in rules.localities:
            continue
        if not debt.document:
            continue
        late = overdue_bills(debt, rules, as_of)
        amount = sum((b.amount for b in late), ZERO)
        if len(late) < rules.min_overdue_count or not late or amount < rules.min_debt:
            continue
        out.append(
            Candidate(
                property_id=debt.property_id,
                document=debt.document,
                bill_ids=tuple(sorted(b.bill_id for b in late)),
                amount=amount,
                oldest_due=min(b.due_date for b in late),
            )
        )
    return sorted(out, key=lambda c: c.property_id)


def listable_on(notified_on: dt.date, rules: BureauRules) -> dt.date:
    """The first day the listing may be sent: the notice period has fully passed (CDC art. 43 §2)."""
    return notified_on + dt.timedelta(days=rules.notice_days)


def exclusion_due(settled_on: dt.date, rules: BureauRules, holidays: Holidays) -> dt.date:
    """The last day to ask the bureau to lift the listing (STJ Súmula 548: 5 business days)."""
    return add_business_days(settled_on, rules.exclusion_business_days, holidays)


class LineKind(enum.StrEnum):
    INCLUSION = "I"
    EXCLUSION = "E"


@dataclass(frozen=True)
class MovementLine:
    kind: LineKind
    record_id: int
    document: str
    name: str
    account_number: str
    amount: Decimal
    oldest_due: dt.date


def movement_file(movement_id: int, generated_on: dt.date, lines: Sequence[MovementLine]) -> str:
    def clean(text: str) -> str:
        return " ".join(text.replace(";", " ").split())

    rows = [f"H;{movement_id};{generated_on:%Y%m%d}"]
    for number, line in enumerate(lines, start=1):
        rows.append(
            ";".join(
                [
                    line.kind.value,
                    str(number),
                    str(line.record_id),
                    line.document,
                    clean(line.name)[:60],
                    line.account_number,
                    f"{line.amount:.2f}",
                    f"{line.oldest_due:%Y%m%d}",
                ]
            )
        )
    total = sum((line.amount for line in lines), ZERO)
    rows.append(f"T;{len(lines)};{total:.2f}")
    return "\n".join(rows) + "\n"


def parse_movement(content: str) -> tuple[int, list[MovementLine]]:
    """The fake bureau's reading of a movement file (and the check of what we build)."""
    rows = [r for r in content.splitlines() if r.strip()]
    head = rows[0].split(";")
    lines = []
    for row in rows[1:-1]:
        kind, _, record, document, name, account, amount, due = row.split(";")
        lines.append(
            MovementLine(
                LineKind(kind),
                int(record),
                document,
                name,
                account,
                Decimal(amount),
                dt.datetime.strptime(due, "%Y%m%d").date(),  # noqa: DTZ007 - a date, no time
            )
        )
    return int(head[1]), lines


@dataclass(frozen=True)
class ReturnLine:
    line: int
    accepted: bool
    protocol: str = ""
    reason: str = ""


@dataclass(frozen=True)
class ReturnFile:
    movement_id: int
    lines: tuple[ReturnLine, ...] = field(default_factory=tuple)


def _bad(message: str, line: int) -> ValidationFailed:
    return ValidationFailed(f"Linha {line}: {message}", field="content", code=ErrorCode.BUREAU_RETURN_INVALID)


def parse_return(content: str) -> ReturnFile:
    """A return file, or ValidationFailed naming the line at fault."""
    rows = [(n, r.strip()) for n, r in enumerate(content.splitlines(), start=1) if r.strip()]
    if not rows:
        raise _bad("arquivo de retorno vazio.", 1)
    number, head = rows[0]
    parts = head.split(";")
    if len(parts) != 2 or parts[0] != "H" or not parts[1].isdecimal():
        raise _bad("o cabeçalho deve ser H;<número do movimento>.", number)
    movement_id = int(parts[1])
    lines = []
    for number, row in rows[1:]:
        parts = row.split(";", 2)
        if len(parts) != 3 or not parts[0].isdecimal() or parts[1] not in ("A", "R"):
            raise _bad("esperado <linha>;A;<protocolo> ou <linha>;R;<motivo>.", number)
        accepted = parts[1] == "A"
        if not parts[2].strip():
            raise _bad("informe o protocolo (A) ou o motivo da recusa (R).", number)
        lines.append(
            ReturnLine(
                int(parts[0]),
                accepted,
                protocol=parts[2].strip() if accepted else "",
                reason="" if accepted else parts[2].strip(),
            )
        )
    return ReturnFile(movement_id, tuple(lines))
