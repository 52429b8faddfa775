"""The ops console's SLA pages, signed in as a vendor user on the base domain."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from modules.common.audit import SystemActor
from saas.sla import services
from saas.sla.models import Contract, Outage
from tests.conftest import make_user

OPS = SystemActor("tests")


def _sign_in(ops_client) -> None:
    make_user("public", "opsuser", "Senha-forte-123", is_admin=True)
    response = ops_client.post("/ops/conta/entrar/", {"username": "opsuser", "password": "Senha-forte-123"})
    assert response.status_code == 302


def test_overview_lists_health_budget_incidents(ops_client, public_schema) -> None:
    alpha = services.tenant_by_schema("alpha")
    Contract.objects.create(tenant=alpha, monthly_value="10000.00", start_date=dt.date(2026, 1, 1))
    now = timezone.now()
    Outage.objects.create(tenant=alpha, start=now - dt.timedelta(minutes=5), source="probe", recorded_by="x")
    services.incident_open(actor=OPS, tenant=alpha, priority=0, description="Tudo parado", now=now)
    _sign_in(ops_client)
    text = ops_client.get("/ops/sla/").content.decode()
    assert "Concessionária Alpha" in text and "Concessionária Beta" in text
    assert "fora do ar" in text  # alpha has an open outage
    assert "Tudo parado" in text
    assert "sem contrato" in text  # beta


def test_tenant_page_records_and_excludes_an_outage(ops_client, public_schema) -> None:
    _sign_in(ops_client)
    alpha = services.tenant_by_schema("alpha")
    Contract.objects.create(tenant=alpha, monthly_value="10000.00", start_date=dt.date(2026, 1, 1))
    response = ops_client.post(
        "/ops/concessionarias/alpha/sla/",
        {
            "action": "outage",
            "start": "2026-03-10T10:00",
            "end": "2026-03-10T09:00",
            "cause": "x",
            "month": "2026-03",
        },
        follow=True,
    )
    assert "O fim da indisponibilidade não pode ser anterior ao início." in response.content.decode()
    ops_client.post(
        "/ops/concessionarias/alpha/sla/",
        {
            "action": "outage",
            "start": "2026-03-10T10:00",
            "end": "2026-03-10T14:00",
            "cause": "Banco",
            "month": "2026-03",
        },
    )
    outage = Outage.objects.get(tenant=alpha)
    assert outage.start == dt.datetime(
        2026, 3, 10, 13, tzinfo=dt.UTC
    )  # form fields are the utility's local time
    text = ops_client.get("/ops/concessionarias/alpha/sla/?month=2026-03").content.decode()
    assert "55,56" in text and "99,462%" in text


def test_the_ops_api_schema_documents_the_sla_endpoints(ops_client, vendor) -> None:
    response = ops_client.get("/ops/api/v1/schema/", **vendor)
    assert response.status_code == 200
    text = response.content.decode()
    assert "/ops/api/v1/tenants/{schema}/sla" in text and "/ops/api/v1/incidents" in text
