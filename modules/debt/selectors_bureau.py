"""Reads of the credit bureau listing: the policy as rules, what a selection would list on a day
(the preview staff see before committing), and a property's listing history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from modules.billing.models import Bill, BillStatus
from modules.billing.selectors import HELD_BILLS
from modules.registry.models import PropertyRelation

from .domain.bureau import BureauRules, Candidate, OverdueBill, PropertyDebt, select
from .models import AgreementBill
from .models_bureau import BureauListing, BureauMovementLine, BureauPolicy, BureauRecord

ZERO = Decimal("0.00")
OPEN_RECORD = (
    BureauRecord.Status.NOTIFIED,
    BureauRecord.Status.INCLUSION_SENT,
    BureauRecord.Status.LISTED,
    BureauRecord.Status.EXCLUSION_PENDING,
    BureauRecord.Status.EXCLUSION_SENT,
)
POLICY_FIELDS = (
    "min_overdue_count",
    "min_debt",
    "min_days_overdue",
    "group_ids",
    "neighbourhood_ids",
    "localities",
    "notice_days",
    "exclusion_business_days",
)


def bureau_policy() -> BureauPolicy:
    return BureauPolicy.current()


def bureau_rules(values: dict[str, Any] | None = None) -> BureauRules:
    """The rules of the policy in force, or of a listing's stored copy of it."""
    if values is None:
        values = policy_snapshot(bureau_policy())
    return BureauRules(
        min_overdue_count=int(values["min_overdue_count"]),
        min_debt=Decimal(str(values["min_debt"])),
        min_days_overdue=int(values["min_days_overdue"]),
        group_ids=frozenset(int(v) for v in values["group_ids"]),
        neighbourhood_ids=frozenset(int(v) for v in values["neighbourhood_ids"]),
        localities=frozenset(int(v) for v in values["localities"]),
        notice_days=int(values["notice_days"]),
        exclusion_business_days=int(values["exclusion_business_days"]),
    )


def policy_snapshot(policy: BureauPolicy) -> dict[str, Any]:
    return {
        name: str(getattr(policy, name)) if name == "min_debt" else getattr(policy, name)
        for name in POLICY_FIELDS
    }


def open_debt_bill_ids(bill_ids: list[int]) -> set[int]:
    """Of these bills, those still an open debt: released, not held, not folded into a live agreement."""
    open_ids = set(
        Bill.objects.filter(pk__in=bill_ids, status=BillStatus.RELEASED)
        .exclude(HELD_BILLS)
        .values_list("pk", flat=True)
    )
    negotiated = set(
        AgreementBill.objects.filter(bill_id__in=open_ids, active=True).values_list("bill_id", flat=True)
    )
    return open_ids - negotiated


def property_debts(rules: BureauRules, as_of: dt.date) -> list[PropertyDebt]:
    """Every property with an open bill at least `min_days_overdue` late, with what the filters read,
    skipping properties already in an open listing record. Three queries."""
    cutoff = as_of - dt.timedelta(days=rules.min_days_overdue)
    busy = BureauRecord.objects.filter(status__in=OPEN_RECORD).values("property_id")
    rows = list(
        Bill.objects.filter(status=BillStatus.RELEASED, due_date__lte=cutoff)
        .exclude(HELD_BILLS)
        .exclude(pk__in=AgreementBill.objects.filter(active=True).values("bill_id"))
        .exclude(property_id__in=busy)
        .values_list(
            "pk",
            "property_id",
            "due_date",
            "total",
            "property__billing_group_id",
            "property__neighbourhood_id",
            "property__locality",
        )
        .order_by("property_id", "due_date", "pk")
    )
    documents: dict[int, str] = {}
    for prop, document in (
        PropertyRelation.objects.filter(property_id__in={r[1] for r in rows}, end__isnull=True)
        .order_by("property_id", "role")
        .values_list("property_id", "customer__cpf_cnpj")
    ):
        documents.setdefault(prop, document or "")
    grouped: dict[int, list[Any]] = {}
    for row in rows:
        grouped.setdefault(row[1], []).append(row)
    return [
        PropertyDebt(
            property_id=prop,
            group_id=bills[0][4],
            neighbourhood_id=bills[0][5],
            locality=bills[0][6],
            document=documents.get(prop, ""),
            bills=tuple(OverdueBill(pk, due, total) for pk, _, due, total, *_ in bills),
        )
        for prop, bills in grouped.items()
    ]


@dataclass(frozen=True)
class Preview:
    as_of: dt.date
    candidates: tuple[Candidate, ...]

    @property
    def count(self) -> int:
        return len(self.candidates)

    @property
    def amount(self) -> Decimal:
        return sum((c.amount for c in self.candidates), ZERO)


def bureau_preview(as_of: dt.date) -> Preview:
    """What committing a listing on `as_of` would notify (3.2.9.17.4 simulate): read-only."""
    rules = bureau_rules()
    return Preview(as_of, tuple(select(property_debts(rules, as_of), rules, as_of)))


def listings() -> list[BureauListing]:
    return list(BureauListing.objects.all()[:50])


def listing_get(listing_id: int) -> BureauListing | None:
    listing: BureauListing | None = BureauListing.objects.filter(pk=listing_id).first()
    return listing


def property_records(property_id: int) -> list[BureauRecord]:
    return list(
        BureauRecord.objects.filter(property_id=property_id)
        .prefetch_related("lines__movement")
        .order_by("-id")
    )


def record_lines(record_ids: list[int]) -> list[BureauMovementLine]:
    return list(BureauMovementLine.objects.filter(record_id__in=record_ids).select_related("movement"))


def property_bureau_history(property_id: int) -> list[Any]:
    """The audit rows of every bureau action on the property, newest first (the attendant's history)."""
    from modules.common.models import AuditEntry

    return list(
        AuditEntry.objects.filter(
            object_type="registry.property", object_id=str(property_id), action__startswith="debt.bureau_"
        ).order_by("-at", "-id")[:100]
    )


def account_numbers(property_ids: list[int]) -> dict[int, str]:
    from modules.registry.models import Property

    return dict(Property.objects.filter(pk__in=property_ids).values_list("pk", "account_number"))
