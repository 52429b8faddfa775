from __future__ import annotations

from django import template

from modules.common.domain.documents import display_document

from ..domain.connections import SITUATIONS

register = template.Library()


@register.filter
def document(value: str | None) -> str:
    """A customer's document as a person reads it: formatted, or "sem CPF/CNPJ"."""
    return display_document(value)


@register.filter
def situation(value: str | None) -> str:
    return SITUATIONS.get(value or "", value or "—")
