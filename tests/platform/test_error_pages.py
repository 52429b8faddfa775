"""Errors a person meets are pt-BR pages of the utility carrying the request id (not Django's English
"Server Error (500)"); the APIs answer the same as JSON."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import get_resolver

from tests.conftest import TENANTS


@pytest.mark.parametrize("urlconf", ["saas.urls_tenant", "saas.urls_public"])
def test_both_url_confs_use_the_branded_handlers(urlconf: str) -> None:
    resolver = get_resolver(urlconf)

    assert {code: resolver.resolve_error_handler(code).__name__ for code in (403, 404, 500)} == {
        403: "forbidden",
        404: "not_found",
        500: "server_error",
    }


@override_settings(ROOT_URLCONF="tests.platform.error_urls")
@pytest.mark.parametrize(
    ("path", "back"),
    [("/faturamento/boom/", "Voltar ao início"), ("/agencia/boom/", "Voltar à agência virtual")],
)
def test_an_unhandled_error_is_a_branded_page_with_the_request_id(db: None, path: str, back: str) -> None:
    client = Client(HTTP_HOST=TENANTS["alpha"], raise_request_exception=False)

    answer = client.get(path, HTTP_X_REQUEST_ID="req-123abc")

    page = answer.content.decode()
    assert answer.status_code == 500
    assert "Algo deu errado do nosso lado" in page and "Concessionária Alpha" in page
    assert "req-123abc" in page and back in page
    assert "Server Error" not in page and "falha de teste" not in page


@override_settings(ROOT_URLCONF="tests.platform.error_urls")
def test_an_api_error_is_json_with_the_request_id(db: None) -> None:
    client = Client(HTTP_HOST=TENANTS["alpha"], raise_request_exception=False)

    answer = client.get("/api/v1/boom/", HTTP_X_REQUEST_ID="req-456def")

    assert answer.status_code == 500
    assert answer.json() == {
        "code": "server_error",
        "detail": "Algo deu errado do nosso lado.",
        "request_id": "req-456def",
    }


def test_a_missing_page_is_the_utilitys_404_and_the_ops_one_points_back_to_the_console(db: None) -> None:
    staff = Client(HTTP_HOST=TENANTS["alpha"]).get("/nao-existe/", HTTP_X_REQUEST_ID="req-789")
    ops = Client(HTTP_HOST="localhost").get("/ops/nao-existe/")

    assert staff.status_code == 404 and "Página não encontrada" in staff.content.decode()
    assert "Concessionária Alpha" in staff.content.decode() and "req-789" in staff.content.decode()
    assert ops.status_code == 404 and "Voltar ao console de operações" in ops.content.decode()
