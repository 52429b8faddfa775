"""Branded pt-BR error pages (403, 404, 500) for every host: staff, agency, totem and ops.

Each page names the utility and carries the request id, so a person reporting it gives support
something to find in the logs. The 500 page is rendered without the request's context processors
and without a query: the database may be what failed.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

from modules.common.clock import current_tenant
from modules.common.context import current_request_context

PAGES = {
    403: (
        "Acesso negado",
        "Seu perfil não permite abrir esta página. Se precisar dela, fale com o administrador.",
    ),
    404: ("Página não encontrada", "O endereço procurado não existe ou foi removido."),
    500: (
        "Algo deu errado do nosso lado",
        "A operação não foi concluída e nada foi gravado pela metade. Tente de novo em instantes; "
        "se o problema continuar, informe o código abaixo ao atendimento.",
    ),
}


def _back(path: str) -> tuple[str, str]:
    for prefix, label in (
        ("/agencia/", "Voltar à agência virtual"),
        ("/totem/", "Voltar ao início do totem"),
        ("/ops/", "Voltar ao console de operações"),
    ):
        if path.startswith(prefix):
            return prefix, label
    return "/", "Voltar ao início"


CODES = {403: "permission_denied", 404: "not_found", 500: "server_error"}


def error_page(request: HttpRequest, status: int) -> HttpResponse:
    title, message = PAGES[status]
    ctx = current_request_context()
    if "/api/" in request.path:  # machines get the APIs' error shape, not a page
        return JsonResponse(
            {"code": CODES[status], "detail": title + ".", "request_id": ctx.request_id if ctx else ""},
            status=status,
        )
    tenant = current_tenant()
    back_url, back_label = _back(request.path)
    body = loader.get_template("error.html").render(
        {
            "status": status,
            "title": title,
            "message": message,
            "utility": tenant.name if tenant else "",
            "request_id": ctx.request_id if ctx else "",
            "back_url": back_url,
            "back_label": back_label,
        }
    )
    return HttpResponse(body, status=status)


def forbidden(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return error_page(request, 403)


def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return error_page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return error_page(request, 500)
