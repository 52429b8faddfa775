"""The print-shop file of a run (arquivo para a gráfica, seed 001 3.2.7.6, ADR 0226): one line per
issued bill of the run, in delivery order — the group's routes in their sequence, then each route's
sequence — with what the printer puts on paper and envelope: the holder the bill was issued to, the
unit's address and its delivery address when it has one, the figures and the typeable line and
barcode. Bills still in critique are not in it (they are not issued). Semicolon CSV, UTF-8, the
money with a decimal comma as the printer's Brazilian tools read it."""

from __future__ import annotations

import csv
import io

from .models import Bill, BillingRun, BillStatus
from .pdf_reads import deliveries

COLUMNS = (
    "grupo",
    "rota",
    "sequencia",
    "matricula",
    "nome",
    "endereco",
    "endereco_entrega",
    "referencia",
    "vencimento",
    "consumo_m3",
    "valor",
    "linha_digitavel",
    "codigo_barras",
)


def run_print_bills(run: BillingRun) -> list[Bill]:
    return list(
        Bill.objects.filter(run=run)
        .exclude(status__in=[BillStatus.DRAFT, BillStatus.CANCELLED])
        .select_related("property__street", "property__route")
        .order_by(
            "property__route__sequence",
            "property__route__code",
            "property__route_sequence",
            "property__account_number",
        )
    )


def run_print_file(run: BillingRun) -> str:
    bills = run_print_bills(run)
    delivery = deliveries([b.property_id for b in bills])
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(COLUMNS)
    for b in bills:
        p = b.property
        address = " ".join(x for x in (str(p.street), p.number, p.complement) if x)
        writer.writerow(
            (
                run.group.code,
                p.route.code if p.route_id else "",
                p.route_sequence or "",
                p.account_number,
                b.payer_name,
                address,
                delivery.get(b.property_id, ""),
                f"{b.reference:%m/%Y}",
                f"{b.due_date:%d/%m/%Y}",
                "" if b.consumption_m3 is None else b.consumption_m3,
                f"{b.total:.2f}".replace(".", ","),
                b.typeable_line,
                b.barcode,
            )
        )
    return out.getvalue()
