"""Opening terms (3.2.11.7, 3.2.11.1.18): the texts a service code's opening generates, edited by the
utility as versioned DocumentTemplate rows (common.document_templates: whitelisted placeholders and
markup, autoescaped). A code names its term in `opening_term` ("Termo de ligação"); the template kind
is "service.term:" + the name's slug, so two codes naming the same term share its text."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import mark_safe
from django.utils.text import slugify

from modules.common.clock import current_tenant, tenant_zone
from modules.common.document_templates import Placeholder, Text, render, template_in_force

from .models import ServiceCode, ServiceOrder

PREFIX = "service.term:"

PLACEHOLDERS = (
    Placeholder("os.numero", "número da ordem de serviço (2026/000123)"),
    Placeholder("os.servico", "código e descrição do serviço"),
    Placeholder("os.abertura", "data e hora da abertura"),
    Placeholder("os.prazo", "data e hora do prazo de execução"),
    Placeholder("os.descricao", "descrição da solicitação"),
    Placeholder("imovel.matricula", "matrícula do imóvel"),
    Placeholder("imovel.endereco", "endereço do imóvel"),
    Placeholder("imovel.bairro", "bairro do imóvel"),
    Placeholder("cliente.nome", "nome do titular do imóvel"),
    Placeholder("concessionaria.nome", "nome da concessionária"),
)

DEFAULT_BODY = (
    "<p>Pelo presente termo, fica registrada a abertura da ordem de serviço <b>{{ os.numero }}</b>, "
    "serviço <b>{{ os.servico }}</b>, para o imóvel de matrícula <b>{{ imovel.matricula }}</b>, situado em "
    "{{ imovel.endereco }}, {{ imovel.bairro }}.</p>"
    "<p>O serviço será executado por {{ concessionaria.nome }} até {{ os.prazo }}. "
    "O titular, {{ cliente.nome|default:'o responsável pelo imóvel' }}, declara estar ciente.</p>"
)


def kind_for(name: str) -> str:
    return PREFIX + slugify(name)[:40]


@dataclass(frozen=True)
class TermInfo:
    name: str
    kind: str
    codes: list[str]
    in_force: Any  # DocumentTemplate | None


def terms_in_use(today: dt.date) -> list[TermInfo]:
    """Every term a code names, with the codes naming it and the version in force."""
    by_kind: dict[str, TermInfo] = {}
    for code in ServiceCode.objects.exclude(opening_term="").order_by("code"):
        kind = kind_for(code.opening_term)
        info = by_kind.setdefault(kind, TermInfo(code.opening_term, kind, [], template_in_force(kind, today)))
        info.codes.append(code.code)
    return sorted(by_kind.values(), key=lambda i: i.name)


def term_name(kind: str) -> str | None:
    for info in terms_in_use(dt.date.max):
        if info.kind == kind:
            return info.name
    return None


def _holder_name(order: ServiceOrder) -> str:
    if order.property is None:
        return ""
    relation = (
        order.property.relations.filter(end__isnull=True).select_related("customer").order_by("role").first()
    )
    return relation.customer.name if relation else ""


def order_context(order: ServiceOrder) -> dict[str, Any]:
    zone = tenant_zone()
    prop = order.property
    tenant = current_tenant()
    return {
        "os": {
            "numero": order.label,
            "servico": f"{order.code.code} — {order.code.description}",
            "abertura": f"{order.opened_at.astimezone(zone):%d/%m/%Y %H:%M}",
            "prazo": f"{order.due_at.astimezone(zone):%d/%m/%Y %H:%M}",
            "descricao": order.description,
        },
        "imovel": {
            "matricula": prop.account_number if prop else "",
            "endereco": f"{prop.street}, {prop.number}" + (f" – {prop.complement}" if prop.complement else "")
            if prop
            else "",
            "bairro": str(prop.neighbourhood) if prop else "",
        },
        "cliente": {"nome": _holder_name(order)},
        "concessionaria": {"nome": getattr(tenant, "name", "")},
    }


SAMPLE_CONTEXT = {
    "os": {
        "numero": "2026/000123",
        "servico": "LIG01 — Ligação de água",
        "abertura": "17/04/2026 10:00",
        "prazo": "22/04/2026 10:00",
        "descricao": "Ligação nova solicitada no balcão",
    },
    "imovel": {"matricula": "1234-5", "endereco": "Rua das Flores, 100", "bairro": "Centro"},
    "cliente": {"nome": "Maria da Silva"},
    "concessionaria": {"nome": "Concessionária de exemplo"},
}


def term_text(kind: str, title_default: str, context: dict[str, Any], on: dt.date) -> Text:
    version = template_in_force(kind, on)
    title = version.title if version else title_default
    body = version.body_html if version else DEFAULT_BODY
    return Text(title, mark_safe(render(body, context)), version)  # noqa: S308 - checked, autoescaped
