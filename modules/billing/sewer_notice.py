"""The sewer-billing notice (comunicado de cobrança de esgoto, seed 001 3.2.13.10.7): a letter to the
property's holder that its sewer is (or will be) billed, in the utility's own words. The text is a
versioned DocumentTemplate of kind KIND (common.document_templates: whitelisted placeholders and
markup, autoescaped, ADR 0135); provisioning seeds DEFAULT_TITLE/DEFAULT_BODY as its first version, and
staff save new versions on the billing texts page or the API. WeasyPrint fetches nothing but `data:`."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from modules.common.clock import current_tenant
from modules.common.document_templates import Placeholder, Text, render, template_in_force
from modules.common.domain.documents import format_document
from modules.common.errors import DomainError, ValidationFailed
from modules.registry.models import Property, ServiceConnection

from .errors import ErrorCode

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

KIND = "billing.sewer_notice"
DEFAULT_TITLE = "Comunicado de cobrança de esgoto"
DEFAULT_BODY = (
    "<p>Prezado(a) {{ cliente.nome|default:'responsável pelo imóvel' }},</p>"
    "<p>Comunicamos que o imóvel de matrícula <b>{{ imovel.matricula }}</b>, situado em "
    "{{ imovel.endereco }}, {{ imovel.bairro }}, está ligado à rede coletora de esgoto desde "
    "<b>{{ esgoto.desde }}</b>.</p>"
    "<p>A partir da próxima fatura, {{ concessionaria.nome }} passa a cobrar a tarifa de esgoto, "
    "correspondente a <b>{{ esgoto.percentual }}%</b> do valor da água.</p>"
    "<p>Em caso de dúvida, procure o atendimento.</p>"
)
PLACEHOLDERS = (
    Placeholder("imovel.matricula", "matrícula do imóvel"),
    Placeholder("imovel.endereco", "endereço do imóvel"),
    Placeholder("imovel.bairro", "bairro do imóvel"),
    Placeholder("cliente.nome", "nome do titular do imóvel"),
    Placeholder("cliente.documento", "CPF/CNPJ do titular, formatado"),
    Placeholder("esgoto.desde", "data da ligação de esgoto (dd/mm/aaaa)"),
    Placeholder("esgoto.situacao", "situação da ligação de esgoto"),
    Placeholder("esgoto.percentual", "percentual do esgoto sobre a água (92,5)"),
    Placeholder("concessionaria.nome", "nome da concessionária"),
    Placeholder("data", "data do comunicado (dd/mm/aaaa)"),
)
SAMPLE_CONTEXT = {
    "imovel": {"matricula": "1234-5", "endereco": "Rua das Flores, 100", "bairro": "Centro"},
    "cliente": {"nome": "Maria da Silva", "documento": "123.456.789-09"},
    "esgoto": {"desde": "02/03/2026", "situacao": "Ligada", "percentual": "92,5"},
    "concessionaria": {"nome": "Concessionária de exemplo"},
    "data": "07/12/2026",
}


def _percent(prop: Property, sewer: ServiceConnection, on: dt.date) -> Decimal | None:
    """The connection's own share of the water amount, else the tariff in force's for the
    property's first category."""
    if sewer.sewer_share_percent is not None:
        return Decimal(sewer.sewer_share_percent)
    from .services.tariffs import tariff_in_force, tariff_version

    first = prop.categories.select_related("category").order_by("id").first()
    if first is None:
        return None
    try:
        version = tariff_version(tariff_in_force(on))
        return version.category(first.category.code).sewer_percent
    except (DomainError, LookupError):  # no tariff in force, or not for the category: no percent
        return None


def notice_context(prop: Property, on: dt.date) -> dict[str, Any]:
    """The merge fields of `prop`'s notice dated `on`, as plain strings. Raises ValidationFailed
    (field `property`) when the property has no sewer connection."""
    sewer = prop.connections.filter(kind=ServiceConnection.Kind.SEWER).first()
    if sewer is None:
        raise ValidationFailed(
            f"O imóvel {prop.account_number} não tem ligação de esgoto: não há cobrança a comunicar.",
            field="property",
            code=ErrorCode.SEWER_NOTICE_NO_SEWER,
        )
    relation = prop.relations.filter(end__isnull=True).select_related("customer").order_by("role").first()
    customer = relation.customer if relation else None
    percent = _percent(prop, sewer, on)
    tenant = current_tenant()
    address = f"{prop.street}, {prop.number}" + (f" – {prop.complement}" if prop.complement else "")
    return {
        "imovel": {"matricula": prop.account_number, "endereco": address, "bairro": str(prop.neighbourhood)},
        "cliente": {
            "nome": customer.name if customer else "",
            "documento": format_document(customer.cpf_cnpj) if customer and customer.cpf_cnpj else "",
        },
        "esgoto": {
            "desde": f"{sewer.since:%d/%m/%Y}",
            "situacao": sewer.get_situation_display(),
            "percentual": f"{percent.normalize():f}".replace(".", ",") if percent is not None else "",
        },
        "concessionaria": {"nome": getattr(tenant, "name", "")},
        "data": f"{on:%d/%m/%Y}",
    }


def notice_text(context: dict[str, Any], on: dt.date) -> Text:
    version = template_in_force(KIND, on)
    title = version.title if version else DEFAULT_TITLE
    body = version.body_html if version else DEFAULT_BODY
    return Text(title, mark_safe(render(body, context)), version)  # noqa: S308 - checked, autoescaped


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return dict(default_url_fetcher(url, *args, **kwargs))
    raise ValueError(f"fetch refused: {url[:80]}")


def _pdf(title: str, body: str, *, preview: bool, on: dt.date | None = None) -> bytes:
    from weasyprint import HTML

    tenant = current_tenant()
    html = render_to_string(
        "billing/pdf/sewer_notice.html",
        {
            "title": title,
            "body": body,
            "preview": preview,
            "on": on,
            "brand": {
                "name": getattr(tenant, "name", ""),
                "legal_name": getattr(tenant, "legal_name", "") or getattr(tenant, "name", ""),
                "cnpj": format_document(getattr(tenant, "cnpj", "") or ""),
                "address": getattr(tenant, "address", ""),
                "city": getattr(tenant, "city", ""),
                "state": getattr(tenant, "state", ""),
            },
        },
    )
    return bytes(HTML(string=html, url_fetcher=_no_fetch).write_pdf())


def sewer_notice_pdf(prop: Property, on: dt.date) -> bytes:
    """The notice of `prop` dated `on`, in the version of the text in force that day."""
    text = notice_text(notice_context(prop, on), on)
    return _pdf(text.title, text.body_html, preview=False, on=on)


def sewer_notice_preview_pdf(title: str, body_html: str) -> bytes:
    """A text being edited, with invented data (the caller checked the text)."""
    body = mark_safe(render(body_html, SAMPLE_CONTEXT))  # noqa: S308 - checked, autoescaped
    return _pdf(title, body, preview=True)
