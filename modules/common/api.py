"""DRF glue shared by every module: error bodies, pagination and input fields that
refuse with a 400 naming the field what would otherwise reach the code as a crash (a 5xx)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.plumbing import build_array_type, build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, pagination, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .domain.dates import YearMonth
from .errors import DomainError

# PostgreSQL's smallint, behind every PositiveSmallIntegerField: an input above it is a 400, not a
# DataError from the database
SMALL_INT_MAX = 32767

# The schema of an answer that is a JSON list of objects without a serializer of its own
LIST_OF_OBJECTS = build_array_type(build_basic_type(OpenApiTypes.OBJECT))

_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    429: "throttled",
}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every error body is {"code", "detail"} plus {"errors": {field: [messages]}} for fields."""
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        first_field = next(iter(errors), None)
        response.data = {
            "code": "invalid",
            "detail": "Dados inválidos." + (f" Verifique o campo '{first_field}'." if first_field else ""),
            "field": first_field,
            "errors": errors,
        }
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        code = getattr(getattr(exc, "detail", None), "code", None) or _CODES.get(
            response.status_code, "error"
        )
        response.data = {"code": code, "detail": str(detail)}
    return response


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$", "example": "2026-03"})
class YearMonthField(serializers.CharField):
    """A reference month as "AAAA-MM" with the month 01 to 12, read as a YearMonth."""

    def to_internal_value(self, data: Any) -> YearMonth:
        text = super().to_internal_value(data)
        try:
            return YearMonth.parse(text)
        except ValueError:
            raise serializers.ValidationError(
                f"Mês inválido: {text!r}. Use AAAA-MM, com o mês de 01 a 12 (ex.: 2026-03)."
            ) from None

    def to_representation(self, value: Any) -> str:
        return f"{value:%Y-%m}" if hasattr(value, "strftime") else str(value)
