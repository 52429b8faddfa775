"""The server's price of readings taken in the field (ADR 0200): the bill a reading gives, priced as
the billing run prices it, for the reader's sync to compare with the bill printed on the spot.
Registered with reading's hook at start-up (apps.py); reading may not import billing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from modules.common.domain.dates import YearMonth
from modules.common.errors import DomainError
from modules.reading.models import Reading

from .pricing import context_for, load_facts, price_property


def readings_price(reading_ids: Sequence[int]) -> dict[int, Decimal]:
    """reading id → the total of its bill; a reading the run could not bill (no tariff in force, a
    category the tariff misses, not billable) is left out. One context and one read of the facts per
    group and month."""
    rows = Reading.objects.filter(pk__in=list(reading_ids)).values_list(
        "pk", "property_id", "reference", "consumption_m3", "property__billing_group_id"
    )
    chunks: dict[tuple[object, int | None], list[tuple[int, int, int]]] = defaultdict(list)
    for pk, prop, reference, m3, group in rows:
        chunks[(reference, group)].append((pk, prop, m3))
    out: dict[int, Decimal] = {}
    for (reference, group), readings in chunks.items():
        try:
            ctx = context_for(YearMonth.of(reference), group)  # type: ignore[arg-type]
        except DomainError:
            continue
        facts = load_facts([prop for _pk, prop, _m3 in readings], ctx)
        for pk, prop, m3 in readings:
            try:
                out[pk] = price_property(ctx, facts, prop, consumption_override=m3).total
            except DomainError:
                continue
    return out
