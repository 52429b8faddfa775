"""What a reader's phone needs to price a route's bills on the spot with the server's rules (ADR 0227).

The tariff version in force travels as data (`tariff_json`) and the phone runs a port of the
calculation (`modules/reading/static/reading/reader/tariff.js`), checked against `calculate_bill` and
`price_bill` by one table of cases (tests/reading/test_reader_tariff_matrix.py). Everything of a
property's bill that does not depend on the reading is settled here, by the same functions the run
uses: its economias in the version's categories, the service its connections bill, the sewer share,
other modules' items, exemptions, the due date, the payer. A property the phone must not bill (not
active, a condominium's master, a category the tariff misses, no schedule) carries the reason and is
billed at the office. Registered with reading's hook at start-up; reading may not import billing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Q

from modules.common.clock import tenant_today
from modules.common.domain.dates import YearMonth
from modules.common.errors import DomainError

from ..domain.pricing import NotBillable, PropertyFacts, bill_due_date, dwelling_units, service_type
from ..domain.statuses import BillStatus
from ..domain.tariffs import TariffVersion
from ..errors import ErrorCode
from ..models import Bill, BillText
from .pricing import context_for, load_facts


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def tariff_json(version: TariffVersion) -> dict[str, Any]:
    """The version as the phone's engine reads it; amounts as decimal text (never floats)."""
    return {
        "act": version.act,
        "rounding": str(version.rounding),
        "sewer_rounding": str(version.sewer_rounding),
        "category_split": str(version.category_split),
        "categories": [
            {
                "code": c.code,
                "name": c.name,
                "bands": [[b.from_m3, b.to_m3, str(b.price)] for b in c.bands],
                "minimum_m3_per_unit": c.minimum_m3_per_unit,
                "sewer_percent": _money(c.sewer_percent),
                "special_sewer_amount": _money(c.special_sewer_amount),
                "fixed_charges": [
                    {
                        "code": f.code,
                        "description": f.description,
                        "amount": str(f.amount),
                        "per_dwelling_unit": f.per_dwelling_unit,
                    }
                    for f in c.fixed_charges
                ],
                "social": c.social,
            }
            for c in version.categories
        ],
    }


def property_json(facts: PropertyFacts, version: TariffVersion) -> dict[str, Any]:
    """One property's bill facts for the phone (`calculate` in tariff.js), or why not on the spot.
    Raises NotBillable."""
    if not facts.active:
        raise NotBillable(f"Imóvel com situação {facts.status_label}.", code=ErrorCode.PROPERTY_NOT_ACTIVE)
    if facts.condominium is not None:
        raise NotBillable(
            "Medidor principal de condomínio: a área comum é faturada no escritório.",
            code=ErrorCode.ON_SITE_NOT_ALLOWED,
        )
    units = dwelling_units(facts.units, version)
    service = service_type(
        water_active=facts.water_active, sewer_active=facts.sewer_active, version=version, units=units
    )
    return {
        "units": [[u.category_code, u.count] for u in units],
        "service": str(service),
        "sewer_percent": _money(facts.sewer_percent),
        "pending": [
            {"kind": p.kind, "description": p.description, "amount": str(p.amount)} for p in facts.pending
        ],
        "exempt": sorted(facts.exempt),
        "account_base": facts.account_base,
        "payer": facts.payer.name if facts.payer else "",
    }


def _overdue(property_ids: Sequence[int], today: dt.date) -> dict[int, list[dict[str, str]]]:
    """Released bills past their due date, per property (the debt notice printed after the bill)."""
    out: dict[int, list[dict[str, str]]] = {}
    for pid, reference, due, total in (
        Bill.objects.filter(
            property_id__in=list(property_ids), status=BillStatus.RELEASED, due_date__lt=today
        )
        .order_by("property_id", "reference")
        .values_list("property_id", "reference", "due_date", "total")
    ):
        out.setdefault(pid, []).append(
            {"reference": f"{reference:%m/%Y}", "due": due.isoformat(), "total": str(total)}
        )
    return out


def _texts(group_id: int, reference: dt.date) -> dict[str, Any]:
    """The messages the route's bills may print (its month in their period, its group or none) with
    the category and the condition the phone checks per bill (as `messages_for` does on the server),
    and the latest water-quality table on or before the month (Decreto 5.440; 3.2.5.12.1)."""
    ref = reference.replace(day=1)
    messages = (
        BillText.objects.filter(kind=BillText.Kind.MESSAGE, valid_from__lte=ref)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=ref))
        .filter(Q(billing_group__isnull=True) | Q(billing_group_id=group_id))
        .select_related("category")
        .order_by("valid_from", "id")
    )
    quality = (
        BillText.objects.filter(kind=BillText.Kind.WATER_QUALITY, valid_from__lte=ref)
        .order_by("-valid_from")
        .first()
    )
    return {
        "messages": [
            {
                "title": t.title,
                "body": t.body,
                "category": t.category.code if t.category_id else None,
                "condition": t.condition,
            }
            for t in messages
        ],
        "water_quality": (
            {"title": quality.title, "month": f"{quality.valid_from:%m/%Y}", "rows": quality.rows}
            if quality is not None
            else None
        ),
    }


def package_billing(group_id: int, reference: dt.date, property_ids: Sequence[int]) -> dict[str, Any] | None:
    """The route's on-site billing section; None when no tariff is in force for the month."""
    try:
        ctx = context_for(YearMonth.of(reference), group_id)
    except DomainError:
        return None
    version = ctx.terms.version
    facts = load_facts(property_ids, ctx)
    overdue = _overdue(property_ids, tenant_today())
    properties: dict[str, Any] = {}
    for pid in property_ids:
        found = facts.get(pid)
        if found is None:
            continue
        try:
            row = property_json(found, version)
            row["due"] = bill_due_date(ctx.terms, found.due_day).isoformat()
        except NotBillable as exc:
            properties[str(pid)] = {"office": exc.message}
            continue
        row["overdue"] = overdue.get(pid, [])
        properties[str(pid)] = row
    return {
        "tariff": tariff_json(version),
        "company_code": ctx.company_code,
        "reference": f"{reference:%Y-%m}",
        "properties": properties,
        "texts": _texts(group_id, reference),
    }
