"""VA-02: the agency's data and actions are REST web services with restricted, secure access. Every
agency service (the menu of VA-08) has its endpoints in the citizen OpenAPI schema; every endpoint of
that schema is one the agency declares (a service's, or one always on); every protected operation
answers 401 without a token; plain HTTP is redirected with 301 to HTTPS and HSTS is sent with the
production settings; another citizen's property is a 404 (another utility's: the isolation suite)."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, resolve
from rest_framework.permissions import AllowAny

from portal import api_urls, domain
from portal.apis.base import PublicView
from tests import apischema

from .conftest import Citizen
from .test_api import _token

PREFIX = "/agencia/api/v1/"


def _routes() -> dict[str, str]:
    """URL name → the schema's path ("/agencia/api/v1/properties/{property_id}/bills")."""
    found: dict[str, str] = {}
    for entry in api_urls.urlpatterns:
        if isinstance(entry, URLPattern) and entry.name:
            route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(entry.pattern))
            found[entry.name] = PREFIX + route
        assert not isinstance(entry, URLResolver)
    return found


def test_every_agency_service_has_its_endpoints_in_the_citizen_schema(tenant_alpha: Any) -> None:
    paths = set(apischema.citizen_schema()["paths"])
    routes = _routes()
    without_api = [s.code for s in domain.AGENCY_SERVICES if not s.api]
    assert without_api == [], f"serviços da agência sem API REST: {without_api}"
    for service in domain.AGENCY_SERVICES:
        for name in service.api:
            assert routes[name] in paths, (service.code, name)
    # and the reverse: the schema has nothing the agency does not declare
    declared = {n for s in domain.AGENCY_SERVICES for n in s.api} | set(domain.ALWAYS_ON_API)
    declared |= set(domain.SHARED_API)
    for name, path in routes.items():
        if path in paths:
            assert name in declared, name
    assert len(paths) >= 45


def _protected_operations() -> list[Any]:
    schema = apischema.citizen_schema()
    cases = []
    for method, path, _op in apischema.operations(schema):
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        view = resolve(concrete).func
        cls = getattr(view, "view_class", None) or getattr(
            getattr(view, "__wrapped__", None), "view_class", None
        )
        if cls is not None and (
            issubclass(cls, PublicView) or any(p is AllowAny for p in cls.permission_classes)
        ):
            continue  # public: the sign-in, the tariffs, the news, a problem report
        cases.append(pytest.param(method, concrete, id=f"{method.upper()} {path}"))
    return cases


@pytest.mark.parametrize(("method", "path"), _protected_operations())
def test_every_protected_operation_answers_401_without_a_token(
    alpha_client: Client, tenant_alpha: Any, method: str, path: str
) -> None:
    answer = getattr(alpha_client, method)(path, {}, content_type="application/json")
    assert answer.status_code == 401, (method, path, answer.content[:200])


def _production_security() -> dict[str, Any]:
    """The HTTPS settings production.py sets (read, not imported: it refuses to start without secrets)."""
    source = Path(__file__).resolve().parents[2] / "platform/saas/settings/production.py"
    names = {
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_PROXY_SSL_HEADER",
    }
    values: dict[str, Any] = {}
    for node in ast.parse(source.read_text()).body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id in names
        ):
            values[node.targets[0].id] = ast.literal_eval(node.value)
    assert set(values) == names
    return values


def test_plain_http_is_redirected_to_https_and_hsts_is_sent(alpha_client: Client, citizen: Citizen) -> None:
    with override_settings(**_production_security()):
        plain = alpha_client.get("/agencia/api/v1/news")
        assert plain.status_code == 301 and plain["Location"].startswith("https://")
        secure = alpha_client.get("/agencia/api/v1/news", secure=True)
        assert secure.status_code == 200
        assert secure["Strict-Transport-Security"].startswith("max-age=31536000")
        page = alpha_client.get("/agencia/", secure=True)
        assert "max-age=31536000" in page["Strict-Transport-Security"]


def test_another_citizens_property_is_404_on_every_property_endpoint(
    alpha_client: Client, citizen: Citizen, stranger: Citizen
) -> None:
    auth = _token(alpha_client, citizen)
    other = stranger.home.pk
    for path in sorted(p for p in apischema.citizen_schema()["paths"] if "{property_id}" in p):
        item = apischema.citizen_schema()["paths"][path]
        if "get" not in item or path.count("{") > 1:
            continue
        answer = alpha_client.get(path.replace("{property_id}", str(other)), **auth)
        assert answer.status_code == 404, (path, answer.status_code)


def test_due_day_ombudsman_and_problem_report_through_the_api(alpha_client: Client, citizen: Citizen) -> None:
    auth = _token(alpha_client, citizen)
    base = f"/agencia/api/v1/properties/{citizen.home.pk}"
    current = alpha_client.get(f"{base}/due-day", **auth)
    assert current.status_code == 200
    options = current.json()["options"]
    chosen = alpha_client.put(
        f"{base}/due-day", {"day": options[-1]}, content_type="application/json", **auth
    )
    assert chosen.status_code == 200 and chosen.json()["current"] == options[-1]
    wrong = alpha_client.put(f"{base}/due-day", {"day": 31}, content_type="application/json", **auth)
    assert wrong.status_code == 400 and "dias de vencimento oferecidos" in wrong.content.decode()
    manifest = alpha_client.post(
        f"{base}/ombudsman",
        {
            "type": domain.OMBUDSMAN_TYPES[0].code,
            "name": "Maria",
            "email": "maria@example.com",
            "description": "Atendimento demorado.",
        },
        content_type="application/json",
        **auth,
    )
    assert manifest.status_code == 201 and manifest.json()["kind"] == "ombudsman"
    problem = alpha_client.post(
        "/agencia/api/v1/problem-reports",
        {"name": "Visitante", "description": "O botão de entrar não responde.", "page": "/agencia/"},
        content_type="application/json",
    )
    assert problem.status_code == 201 and problem.json()["protocol"]
