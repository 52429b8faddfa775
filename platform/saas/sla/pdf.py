"""The vendor's documents as PDF (WeasyPrint): the monthly invoice with the interruption discount as
its own line, and the monthly SLA report of one utility. Same rows in, same text out."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

from babel.numbers import format_currency, format_decimal
from django.http import HttpResponse
from django.template.loader import render_to_string

from .domain.periods import Interval, YearMonth
from .models import VendorInvoice
from .selectors import BudgetReport, MonthReport, month_report, zone_of
from .vendor import format_cnpj, vendor

# WeasyPrint logs every layout step at INFO: keep the log for what matters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

MONTHS = (
    "janeiro", "fevereiro", "março", "abril", "maio", "junho",
    "julho", "agosto", "setembro", "outubro", "novembro", "dezembro",
)  # fmt: skip


def brl(value: Decimal) -> str:
    """R$ 1.234,56; a credit is shown with a true minus sign before the currency: − R$ 64,55."""
    text = str(format_currency(abs(value), "BRL", locale="pt_BR"))
    return f"− {text}" if value < 0 else text


def num(value: Decimal, pattern: str) -> str:
    return str(format_decimal(value, format=pattern, locale="pt_BR"))


def month_name(month: YearMonth) -> str:
    return f"{MONTHS[month.month - 1]} de {month.year}"


def duration_text(value: dt.timedelta) -> str:
    seconds = int(value.total_seconds())
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h} h {m:02d} min {s:02d} s" if h else f"{m} min {s:02d} s"


def _tenant_block(tenant: Any) -> dict[str, str]:
    return {
        "legal_name": tenant.legal_name or tenant.name,
        "name": tenant.name,
        "cnpj": format_cnpj(tenant.cnpj),
        "address": tenant.address or ", ".join(x for x in (tenant.city, tenant.state) if x),
        "email": tenant.email,
        "phone": tenant.phone,
    }


def _intervals(intervals: list[Interval]) -> list[dict[str, Any]]:
    return [{"start": i.start, "end": i.end, "duration": duration_text(i.duration)} for i in intervals]


def invoice_context(invoice: VendorInvoice) -> dict[str, Any]:
    month = YearMonth(invoice.month.year, invoice.month.month)
    intervals = [
        Interval(dt.datetime.fromisoformat(i["start"]), dt.datetime.fromisoformat(i["end"]))
        for i in invoice.interruptions
    ]
    unavailable = dt.timedelta(seconds=float(invoice.unavailable_seconds))
    hours = (invoice.unavailable_seconds / Decimal(3600)).quantize(Decimal("0.0001"))
    return {
        "vendor": {**vendor(), "cnpj_text": format_cnpj(vendor()["cnpj"])},
        "utility": _tenant_block(invoice.tenant),
        "invoice": invoice,
        "month_name": month_name(month),
        "tz": zone_of(invoice.tenant),
        "lines": [{"description": x.description, "amount": brl(x.amount)} for x in invoice.lines.all()],
        "monthly_value": brl(invoice.monthly_value),
        "discount": brl(invoice.discount),
        "total": brl(invoice.total),
        "hours": num(hours, "#,##0.0000"),
        "unavailable_text": duration_text(unavailable),
        "intervals": _intervals(intervals),
    }


def report_context(report: MonthReport, budget: BudgetReport | None) -> dict[str, Any]:
    contract = report.contract
    return {
        "vendor": {**vendor(), "cnpj_text": format_cnpj(vendor()["cnpj"])},
        "utility": _tenant_block(report.tenant),
        "r": report,
        "tz": zone_of(report.tenant),
        "month_name": month_name(report.month),
        "availability": num(report.availability_percent, "0.000"),
        "target": num(contract.availability_target, "0.000") if contract else "—",
        "unavailable_text": duration_text(report.unavailable),
        "monthly_value": brl(contract.monthly_value) if contract else "—",
        "discount": brl(report.discount),
        "hours": num(report.unavailable_hours.quantize(Decimal("0.0001")), "#,##0.0000"),
        "budget": budget,
        "budget_left": num(budget.budget.left_minutes, "#,##0.0") if budget else "—",
        "budget_used": duration_text(budget.budget.used) if budget else "—",
        "outages": [{"o": row.outage, "in_month": duration_text(row.in_month)} for row in report.outages],
        "intervals": _intervals(report.intervals),
        "incidents": report.incidents,
        "breaches": report.breaches,
    }


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    return bytes(HTML(string=html).write_pdf())


def invoice_pdf(invoice: VendorInvoice) -> bytes:
    return render_pdf("sla/pdf/invoice.html", invoice_context(invoice))


def sla_report_pdf(report: MonthReport, budget: BudgetReport | None) -> bytes:
    return render_pdf("sla/pdf/report.html", report_context(report, budget))


def pdf_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


__all__ = ["invoice_pdf", "month_report", "pdf_response", "sla_report_pdf"]
