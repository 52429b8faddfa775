"""Late charges of bills paid after their due date, offered to the next bill (billing's item source).

A bill paid late at its face value (banks accept it) still owes the fine, interest and correction
up to the payment day (§13.9: "rubricas próprias" on the next bill). Bills settled through a document
(debt statement) already paid their charges, so they are left out.
"""

from __future__ import annotations

from django.db.models import F

from modules.billing.hooks import PendingItem, already_billed
from modules.billing.legal import legal_locks_for
from modules.common.domain.dates import YearMonth
from modules.common.domain.money import format_brl

from .models import Settlement
from .policies import late_charge_rule
from .selectors import price_bill, without_fine

SOURCE = "collection.late_charge"


def late_charge_items(property_ids: list[int], reference: YearMonth) -> dict[int, list[PendingItem]]:
    rows = list(
        Settlement.objects.filter(
            bill__property_id__in=property_ids,
            reversed=False,
            payment__document__isnull=True,
            paid_on__gt=F("bill__due_date"),
            paid_on__lt=reference.first_day(),
        )
        # a bill held when it was paid (payment proven at an agent, a proceeding) owes no charges
        .exclude(bill__hold__gt="")
        .values(
            "id", "bill_id", "bill__property_id", "bill__reference", "bill__due_date", "amount", "paid_on"
        )
    )
    done = already_billed(SOURCE, [str(r["id"]) for r in rows])
    # an "impede multa" exception in force on the payment day: interest and correction only
    locks = {
        paid_on: legal_locks_for({r["bill__property_id"] for r in rows if r["paid_on"] == paid_on}, paid_on)
        for paid_on in {r["paid_on"] for r in rows}
    }
    result: dict[int, list[PendingItem]] = {}
    for row in rows:
        if str(row["id"]) in done:
            continue
        rule = late_charge_rule(row["paid_on"])
        priced = price_bill(
            row["bill_id"], row["bill__reference"], row["bill__due_date"], row["amount"], row["paid_on"], rule
        )
        if locks[row["paid_on"]][row["bill__property_id"]].no_fine:
            priced = without_fine(priced)
        charges = priced.fine + priced.interest + priced.correction
        if charges <= 0:
            continue
        result.setdefault(row["bill__property_id"], []).append(
            PendingItem(
                kind="late_charge",
                description=(
                    f"Acréscimos da fatura {row['bill__reference']:%m/%Y} paga em {row['paid_on']:%d/%m/%Y} "
                    f"(multa {format_brl(priced.fine)}, juros {format_brl(priced.interest)}, "
                    f"correção {format_brl(priced.correction)})"
                ),
                amount=charges,
                source=SOURCE,
                source_id=str(row["id"]),
            )
        )
    return result
