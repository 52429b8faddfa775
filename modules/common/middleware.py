"""Refuse, at the door, query parameters PostgreSQL cannot hold: a NUL byte in a filter reached the
database as a crash (a 5xx, found by the fuzzer, issue 11). Bodies need nothing here: Django's and
DRF's character fields already refuse NUL with a message for the field."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse


class RejectNulInQueryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get("QUERY_STRING", ""):
            for name, values in request.GET.lists():
                if "\x00" in name or any("\x00" in value for value in values):
                    field = name.replace("\x00", "")
                    message = f"O parâmetro '{field}' contém um caractere nulo (NUL), que não é aceito."
                    return JsonResponse(
                        {"code": "invalid", "detail": message, "field": field, "errors": {field: [message]}},
                        status=400,
                    )
        return self.get_response(request)
