"""Who issues the invoices and reports: the vendor's identity, overridable in settings (SLA_VENDOR)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULT_VENDOR: dict[str, str] = {
    "name": "Manancial",
    "legal_name": "Manancial Sistemas para Saneamento Ltda.",
    "cnpj": "48392157000136",
    "address": "Rua Dr. Álvaro Alvim, 123, sala 45 – Vila Mariana, São Paulo – SP, 04018-010",
    "email": "suporte@manancial.com.br",
    "phone": "(11) 4003-2026",
    "support_hours": "24 horas, 7 dias por semana",
    "bank": "Banco do Brasil (001) · Agência 1234-5 · Conta corrente 98765-4",
    "municipal_registration": "CCM 1.234.567-8",
}


def vendor() -> dict[str, Any]:
    return {**DEFAULT_VENDOR, **getattr(settings, "SLA_VENDOR", {})}


def format_cnpj(value: str) -> str:
    digits = "".join(c for c in value or "" if c.isalnum())
    if len(digits) != 14:
        return value or "—"
    return f"{digits[:2]}.{digits[2:5]}.{digits[5:8]}/{digits[8:12]}-{digits[12:]}"
