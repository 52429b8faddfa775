"""The one read every legal check uses (ADR 0188): what a property's exceptions and legal processes
lock on a date. The billing run, late charges, the cut-off selection, rebill, the 2ª via, debt
statements, installment agreements and the debt listings all ask `legal_locks` (or
`legal_locks_for`, its many-properties form); none reads the tables itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from modules.common.errors import PermissionDenied

from .errors import ErrorCode
from .models_legal import ExceptionKind, LegalProcess, ProcessKind, PropertyException

# the privilege that lets a profile handle debts under execução fiscal or dívida ativa (TR S10.13-03);
# service registers it with the access catalogue, next to "service.legal"
OVERRIDE_FUNCTION = "service.legal_override"
OVERRIDE_ACTION = "change"  # "view" of every function is the consult profile's; the privilege is more
LEGAL_FUNCTION = "service.legal"


@dataclass(frozen=True)
class ProcessLock:
    process_id: int
    kind: str
    number: str
    bill_ids: frozenset[int]  # empty: every bill of the property

    def covers(self, bill_id: int) -> bool:
        return not self.bill_ids or bill_id in self.bill_ids

    @property
    def label(self) -> str:
        return f"{ProcessKind(self.kind).label} nº {self.number}"


@dataclass(frozen=True)
class LegalLocks:
    property_id: int
    on: dt.date
    exceptions: frozenset[str] = frozenset()  # ExceptionKind values in force
    processes: tuple[ProcessLock, ...] = field(default=())

    @property
    def no_billing(self) -> bool:
        return ExceptionKind.NO_BILLING in self.exceptions

    @property
    def no_fine(self) -> bool:
        return ExceptionKind.NO_FINE in self.exceptions

    @property
    def no_cut(self) -> bool:
        """The whole property is out of the cut-off selection: an "impede corte" exception, or a
        process about all of its bills."""
        return ExceptionKind.NO_CUT in self.exceptions or any(not p.bill_ids for p in self.processes)

    @property
    def execution(self) -> ProcessLock | None:
        """The active execução fiscal: every debt of the property is locked."""
        return next((p for p in self.processes if p.kind == ProcessKind.TAX_ENFORCEMENT), None)

    def process_over(self, bill_id: int) -> ProcessLock | None:
        """A process covering the bill: it is neither cut nor recalculated."""
        return next((p for p in self.processes if p.covers(bill_id)), None)

    def active_debt(self, bill_id: int) -> ProcessLock | None:
        """The bill's inscription in dívida ativa (a process of that kind linking it)."""
        return next(
            (p for p in self.processes if p.kind == ProcessKind.ACTIVE_DEBT and bill_id in p.bill_ids), None
        )

    def lock_of(self, bill_id: int) -> ProcessLock | None:
        """Why the bill is locked to profiles without the privilege: dívida ativa or execução."""
        return self.active_debt(bill_id) or self.execution

    @property
    def active_debt_bills(self) -> frozenset[int]:
        return frozenset(b for p in self.processes if p.kind == ProcessKind.ACTIVE_DEBT for b in p.bill_ids)

    def locked(self, bill_ids: Iterable[int]) -> list[int]:
        return [b for b in bill_ids if self.lock_of(b) is not None]


def may_override(user: Any) -> bool:
    """The acting profile holds the special privilege (a citizen or a system actor never does)."""
    can = getattr(user, "can", None)
    return bool(can is not None and can(OVERRIDE_FUNCTION, OVERRIDE_ACTION))


def legal_locks_for(property_ids: Iterable[int], on: dt.date) -> dict[int, LegalLocks]:
    """Every property's locks on `on` (a property without any still gets an empty LegalLocks).
    Three queries whatever the number of properties."""
    ids = sorted(set(property_ids))
    kinds: dict[int, set[str]] = {pid: set() for pid in ids}
    for pid, kind in (
        PropertyException.objects.filter(property_id__in=ids, starts_on__lte=on)
        .exclude(ends_on__lt=on)
        .values_list("property_id", "kind")
    ):
        kinds[pid].add(kind)
    processes = list(
        LegalProcess.objects.filter(property_id__in=ids, starts_on__lte=on)
        .exclude(ends_on__lt=on)
        .order_by("starts_on", "id")
        .values_list("id", "property_id", "kind", "number")
    )
    bills: dict[int, set[int]] = {}
    for process_id, bill_id in LegalProcess.bills.through.objects.filter(
        legalprocess_id__in=[p[0] for p in processes]
    ).values_list("legalprocess_id", "bill_id"):
        bills.setdefault(process_id, set()).add(bill_id)
    locks: dict[int, list[ProcessLock]] = {pid: [] for pid in ids}
    for process_id, pid, kind, number in processes:
        locks[pid].append(ProcessLock(process_id, kind, number, frozenset(bills.get(process_id, ()))))
    return {pid: LegalLocks(pid, on, frozenset(kinds[pid]), tuple(locks[pid])) for pid in ids}


def properties_with_locks(on: dt.date) -> set[int]:
    """The properties with any exception or process in force on `on` (two queries): a batch asks
    `legal_locks_for` about these only."""
    return set(
        PropertyException.objects.filter(starts_on__lte=on)
        .exclude(ends_on__lt=on)
        .values_list("property_id", flat=True)
    ) | set(
        LegalProcess.objects.filter(starts_on__lte=on)
        .exclude(ends_on__lt=on)
        .values_list("property_id", flat=True)
    )


def legal_locks(property_id: int, *, on: dt.date) -> LegalLocks:
    return legal_locks_for([property_id], on)[property_id]


def refuse_locked(
    *, property_id: int, bill_ids: Iterable[int], on: dt.date, allowed: bool, what: str
) -> None:
    """Refuse `what` (a 2ª via, a debt statement, an installment agreement) over these bills of the
    property to a profile without the special privilege (`allowed`), when the property has an
    active execução fiscal or a bill is inscribed in dívida ativa (TR S10.13-03, S10.12-04).
    Raises PermissionDenied (403) with the process that locks it."""
    if allowed:
        return
    locks = legal_locks(property_id, on=on)
    execution = locks.execution
    if execution is not None:
        raise PermissionDenied(
            f"O imóvel está em execução fiscal ({execution.label}): {what} apenas por perfil com "
            "privilégio especial.",
            field="property",
            code=ErrorCode.LEGAL_LOCKED,
        )
    inscribed = [(b, p) for b in bill_ids if (p := locks.active_debt(b)) is not None]
    if inscribed:
        bill, process = inscribed[0]
        raise PermissionDenied(
            f"A fatura {bill} está inscrita em dívida ativa ({process.label}): {what} apenas por perfil "
            "com privilégio especial.",
            field="bills",
            code=ErrorCode.LEGAL_LOCKED,
        )
