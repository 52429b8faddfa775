"""DRF glue shared by every module: error bodies and pagination."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, pagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError

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
