from __future__ import annotations

from django import template

from modules.common.domain.documents import format_document

from ..domain.connections import SITUATIONS

register = template.Library()


@register.filter
def document(value: str | None) -> str:
    return format_document(value) if value else "—"


@register.filter
def situation(value: str | None) -> str:
    return SITUATIONS.get(value or "", value or "—")
