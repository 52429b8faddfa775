"""Service documents as PDF (WeasyPrint), branded with the tenant: the order form in one of the
code's print layouts (3.2.11.1.16), the opening term as stored on the order (3.2.11.1.18), a term's
preview while it is edited (3.2.11.7), and a contract's monthly measurement (3.2.11.26.4). Same rows
in, same text out; WeasyPrint fetches nothing but `data:` URLs."""

from __future__ import annotations

import datetime as dt
import logging
import unicodedata
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from modules.common.clock import current_tenant, tenant_zone
from modules.common.document_templates import render
from modules.common.domain.documents import format_document
from modules.common.errors import NotFound

from . import terms
from .errors import ErrorCode
from .models import ServiceOrder
from .models_orders import Measurement, OrderTerm

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# Which blocks each known layout prints; a layout the utility named otherwise prints them all.
ALL_SECTIONS = (
    "imovel",
    "cliente",
    "ligacao",
    "hidrometro",
    "corte",
    "vistoria",
    "servicos",
    "materiais",
    "observacoes",
)
LAYOUT_SECTIONS: dict[str, tuple[str, ...]] = {
    "completo": ALL_SECTIONS,
    "resumido": ("imovel", "observacoes"),
    "corte": ("imovel", "cliente", "hidrometro", "corte", "observacoes"),
    "ligacao": ("imovel", "cliente", "ligacao", "servicos", "materiais", "observacoes"),
    "vistoria": ("imovel", "cliente", "vistoria", "observacoes"),
    "hidrometro": ("imovel", "hidrometro", "servicos", "materiais", "observacoes"),
}
DEFAULT_LAYOUTS = ["Completo"]


def _key(name: str) -> str:
    """ "Ligação" → "ligacao"."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return text.strip().lower()


def layouts_of(order: ServiceOrder) -> list[str]:
    return list(order.code.print_layouts or DEFAULT_LAYOUTS)


def layout_sections(name: str) -> tuple[str, ...]:
    return LAYOUT_SECTIONS.get(_key(name), ALL_SECTIONS)


def _brand() -> dict[str, Any]:
    tenant = current_tenant()
    return {
        "name": getattr(tenant, "name", ""),
        "legal_name": getattr(tenant, "legal_name", "") or getattr(tenant, "name", ""),
        "cnpj": format_document(getattr(tenant, "cnpj", "") or ""),
        "address": getattr(tenant, "address", ""),
        "phone": getattr(tenant, "phone", ""),
        "logo_svg": getattr(tenant, "logo_svg", ""),
        "colour": getattr(tenant, "primary_color", "#1351B4"),
        "city": getattr(tenant, "city", ""),
        "state": getattr(tenant, "state", ""),
    }


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return dict(default_url_fetcher(url, *args, **kwargs))
    raise ValueError(f"fetch refused: {url[:80]}")


def _render(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, {"brand": _brand(), **context})
    return bytes(HTML(string=html, url_fetcher=_no_fetch).write_pdf())


def render_document(template: str, context: dict[str, Any]) -> bytes:
    """A service document on the tenant's letterhead (the consumption review's form and laudo)."""
    return _render(template, context)


def _holder(order: ServiceOrder) -> Any:
    if order.property is None:
        return None
    relation = (
        order.property.relations.filter(end__isnull=True).select_related("customer").order_by("role").first()
    )
    return relation.customer if relation else None


def _water(order: ServiceOrder) -> tuple[Any, Any]:
    """The property's water connection and the meter installed on it, if any."""
    if order.property is None:
        return None, None
    connection = order.property.connections.filter(kind="water").first()
    if connection is None:
        return None, None
    installation = (
        connection.installations.filter(removed_on__isnull=True)
        .select_related("meter")
        .order_by("-installed_on")
        .first()
    )
    return connection, installation


def order_form_pdf(order: ServiceOrder, layout: str) -> bytes:
    """The order form in `layout`, one of the code's print layouts (refused otherwise)."""
    names = layouts_of(order)
    chosen = next((n for n in names if _key(n) == _key(layout)), None)
    if chosen is None:
        raise NotFound(
            f"O código {order.code.code} não tem o layout de impressão “{layout}”. "
            f"Layouts: {', '.join(names)}.",
            field="layout",
            code=ErrorCode.LAYOUT_UNKNOWN,
        )
    zone = tenant_zone()
    connection, installation = _water(order)
    kit = list(order.code.kit.items.select_related("material")) if order.code.kit_id else []
    return _render(
        "service/orders/pdf/order_form.html",
        {
            "o": order,
            "layout": chosen,
            "sections": set(layout_sections(chosen)),
            "holder": _holder(order),
            "connection": connection,
            "installation": installation,
            "kit": kit,
            "opened": order.opened_at.astimezone(zone),
            "due": order.due_at.astimezone(zone),
            "blank_rows": range(max(0, 4 - len(kit))),
        },
    )


def term_pdf(term: OrderTerm) -> bytes:
    order = term.order
    return _render(
        "service/orders/pdf/term.html",
        {
            "o": order,
            "title": term.title,
            "body": mark_safe(term.body_html),  # noqa: S308 - rendered from a checked template, autoescaped
            "made": term.created_at.astimezone(tenant_zone()),
            "holder": _holder(order),
        },
    )


def term_preview_pdf(title: str, body_html: str) -> bytes:
    """A term being edited, with invented data (the caller checked the text)."""
    body = mark_safe(render(body_html, terms.SAMPLE_CONTEXT))  # noqa: S308 - checked, autoescaped
    return _render(
        "service/orders/pdf/term.html",
        {"o": None, "title": title, "body": body, "made": None, "holder": None, "preview": True},
    )


def measurement_lines(measurement: Measurement) -> list[dict[str, Any]]:
    """The stored lines with their figures as Decimal, for pt-BR formatting on the page and the PDF."""
    return [
        line
        | {
            "quantity": Decimal(line["quantity"]),
            "unit_price": Decimal(line["unit_price"]) if line.get("unit_price") is not None else None,
            "amount": Decimal(line["amount"]),
        }
        for line in measurement.lines
    ]


def measurement_pdf(measurement: Measurement, today: dt.date) -> bytes:
    contract = measurement.contract
    return _render(
        "service/orders/pdf/measurement.html",
        {
            "m": measurement,
            "lines": measurement_lines(measurement),
            "cnpj": format_document(contract.contractor.cnpj) if contract.contractor.cnpj else "",
            "c": contract,
            "penalties": measurement.penalty_delay + measurement.penalty_late_share,
            "computed": measurement.computed_at.astimezone(tenant_zone()),
            "today": today,
        },
    )
