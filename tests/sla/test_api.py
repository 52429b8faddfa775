"""The vendor SLA API's fixed points, the bad-input list and recomputation, on the real database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from modules.common.models import AuditEntry
from saas.sla.models import Contract, Outage, ProbeResult

API = "/ops/api/v1"


def put_contract(client: Any, headers: dict[str, str], schema: str = "alpha", **extra: Any) -> Any:
    body = {"monthly_value": "10000.00", **extra}
    return client.put(f"{API}/tenants/{schema}/contract", body, content_type="application/json", **headers)


def post_outage(client: Any, headers: dict[str, str], schema: str = "alpha", **body: Any) -> Any:
    body.setdefault("cause", "Falha no balanceador")
    body.setdefault("excluded", False)
    body.setdefault("reason", "")
    return client.post(f"{API}/tenants/{schema}/outages", body, content_type="application/json", **headers)


def sla(client: Any, headers: dict[str, str], month: str, schema: str = "alpha") -> Any:
    return client.get(f"{API}/tenants/{schema}/sla", {"month": month}, **headers)


def test_put_contract_with_only_the_monthly_value(ops_client, vendor) -> None:
    response = put_contract(ops_client, vendor)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["monthly_value"] == "10000.00"
    assert body["availability_target"] == "99.982"
    assert body["annual_downtime_minutes"] == 95
    assert body["response_minutes"] == 15
    assert body["resolution_hours"] == {"0": 1, "1": 3, "2": 12, "3": 48, "4": 72, "5": 96, "6": None}
    assert body["start_date"] == "2026-04-15"
    contract = Contract.objects.get(tenant__schema_name="alpha")
    assert AuditEntry.objects.filter(action="sla.contract_set", object_id=str(contract.pk)).count() == 1
    # a second PUT changes the value and is audited with before/after
    response = put_contract(ops_client, vendor, monthly_value="12000.50", reason="aditivo 1")
    assert response.json()["monthly_value"] == "12000.50"
    entry = AuditEntry.objects.filter(action="sla.contract_set").order_by("-id").first()
    assert entry.before == {"monthly_value": "10000.00"} and entry.after == {"monthly_value": "12000.50"}


@pytest.mark.parametrize("value", ["0", "-5.00", "10.001", "dez mil"])
def test_contract_value_must_be_positive_reais(ops_client, vendor, value) -> None:
    response = put_contract(ops_client, vendor, monthly_value=value)
    assert response.status_code == 400
    assert response.json()["field"] == "monthly_value"


def test_four_hours_down_in_march_cost_55_56(ops_client, vendor) -> None:
    put_contract(ops_client, vendor, start_date="2026-01-01")
    created = post_outage(
        ops_client, vendor, start="2026-03-10T10:00:00-03:00", end="2026-03-10T14:00:00-03:00"
    )
    assert created.status_code == 201, created.content
    assert created.json()["source"] == "manual"

    body = sla(ops_client, vendor, "2026-03").json()

    assert body["discount"] == "55.56"
    assert body["unavailable_minutes"] == 240
    assert body["availability_percent"] == "99.462"  # 4 h of 744 h, truncated
    assert body["closed"] is True
    assert [o["minutes_in_month"] for o in body["outages"]] == ["240.00"]
    assert body["incidents"] == []


def test_overlapping_outages_are_counted_once(ops_client, vendor) -> None:
    put_contract(ops_client, vendor)
    post_outage(ops_client, vendor, start="2026-03-10T10:00:00Z", end="2026-03-10T12:00:00Z")
    post_outage(ops_client, vendor, start="2026-03-10T11:00:00Z", end="2026-03-10T13:00:00Z")
    body = sla(ops_client, vendor, "2026-03").json()
    assert body["unavailable_minutes"] == 180
    assert body["discount"] == "41.67"
    assert len(body["outages"]) == 2
    assert body["unavailable_intervals"] == [
        {"start": "2026-03-10T10:00:00+00:00", "end": "2026-03-10T13:00:00+00:00", "minutes": "180.00"}
    ]


def test_an_outage_across_the_end_of_march_is_split_at_the_utilitys_midnight(ops_client, vendor) -> None:
    put_contract(ops_client, vendor)  # alpha runs on America/Sao_Paulo (UTC-3)
    post_outage(ops_client, vendor, start="2026-03-31T23:00:00-03:00", end="2026-04-01T01:30:00-03:00")
    march = sla(ops_client, vendor, "2026-03").json()
    april = sla(ops_client, vendor, "2026-04").json()
    assert march["unavailable_minutes"] == 60 and march["discount"] == "13.89"
    assert april["unavailable_minutes"] == 90 and april["discount"] == "20.83"


def test_an_excluded_outage_does_not_count_and_the_exclusion_is_audited(ops_client, vendor) -> None:
    put_contract(ops_client, vendor)
    post_outage(
        ops_client,
        vendor,
        start="2026-03-02T10:00:00Z",
        end="2026-03-02T11:00:00Z",
        cause="Link de internet da concessionária",
        excluded=True,
        reason="Falha no link do SAAE (item 2.1)",
    )
    counted = post_outage(ops_client, vendor, start="2026-03-03T10:00:00Z", end="2026-03-03T11:00:00Z").json()
    assert sla(ops_client, vendor, "2026-03").json()["unavailable_minutes"] == 60

    response = ops_client.post(
        f"{API}/outages/{counted['id']}/exclusion",
        {"excluded": True, "reason": "Janela aprovada pelo SAAE"},
        content_type="application/json",
        **vendor,
    )
    assert response.status_code == 200 and response.json()["excluded"] is True
    body = sla(ops_client, vendor, "2026-03").json()
    assert body["unavailable_minutes"] == 0 and body["discount"] == "0.00"
    entry = AuditEntry.objects.get(action="sla.outage_exclude", object_id=str(counted["id"]))
    assert entry.reason == "Janela aprovada pelo SAAE" and entry.actor == "opsuser"
    assert entry.before == {"excluded": False, "exclusion_reason": ""}


def test_an_open_outage_counts_until_now_in_the_current_month(ops_client, vendor) -> None:
    put_contract(ops_client, vendor)
    Outage.objects.create(
        tenant=Contract.objects.get().tenant,
        start=dt.datetime(2026, 4, 15, 11, tzinfo=dt.UTC),
        source="probe",
        recorded_by="sistema:probe",
    )
    body = sla(ops_client, vendor, "2026-04").json()  # the clock stands at 15/04 12:00 UTC
    assert body["closed"] is False
    assert body["unavailable_minutes"] == 60
    assert body["outages"][0]["end"] is None


def test_recomputing_a_month_gives_the_same_figures(ops_client, vendor, clock) -> None:
    put_contract(ops_client, vendor)
    post_outage(ops_client, vendor, start="2026-03-10T10:00:00Z", end="2026-03-10T10:07:13Z")
    first = sla(ops_client, vendor, "2026-03").json()
    clock.shift(dt.timedelta(minutes=10))
    second = sla(ops_client, vendor, "2026-03").json()
    first.pop("as_of"), second.pop("as_of")
    assert first == second
    assert first["discount"] == "1.67" and first["unavailable_seconds"] == "433"


# --- bad input ---------------------------------------------------------------------------------------


def test_an_outage_ending_before_it_starts_is_refused(ops_client, vendor) -> None:
    response = post_outage(ops_client, vendor, start="2026-03-10T12:00:00Z", end="2026-03-10T11:00:00Z")
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "O fim da indisponibilidade não pode ser anterior ao início.",
        "field": "end",
        "errors": {"end": ["O fim da indisponibilidade não pode ser anterior ao início."]},
    }
    assert not Outage.objects.exists()


def test_an_excluded_outage_without_a_reason_is_refused(ops_client, vendor) -> None:
    outages = Outage.objects.count()
    response = post_outage(
        ops_client,
        vendor,
        start="2026-03-10T10:00:00Z",
        end="2026-03-10T11:00:00Z",
        excluded=True,
        reason=" ",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "reason"
    assert response.json()["detail"] == "Uma indisponibilidade excluída do contrato exige o motivo."
    assert Outage.objects.count() == outages


def test_an_outage_without_time_zone_or_in_the_future_is_refused(ops_client, vendor) -> None:
    outages = Outage.objects.count()
    naive = post_outage(ops_client, vendor, start="2026-03-10T10:00:00", end="2026-03-10T11:00:00Z")
    assert naive.status_code == 400 and naive.json()["field"] == "start"
    future = post_outage(ops_client, vendor, start="2026-04-15T11:00:00Z", end="2026-04-15T13:00:00Z")
    assert future.status_code == 400 and future.json()["field"] == "end"
    assert Outage.objects.count() == outages


def test_a_probe_result_for_an_unknown_tenant_is_refused(ops_client, vendor) -> None:
    results, outages = ProbeResult.objects.count(), Outage.objects.count()
    response = ops_client.post(
        f"{API}/probes",
        {"tenant": "atlantida", "at": "2026-04-15T11:59:00Z", "ok": False},
        content_type="application/json",
        **vendor,
    )
    assert response.status_code == 400
    assert response.json()["field"] == "tenant"
    assert (
        response.json()["detail"] == "Resultado de sonda recusado: concessionária 'atlantida' desconhecida."
    )
    assert (ProbeResult.objects.count(), Outage.objects.count()) == (results, outages)


def test_an_incident_with_an_unknown_priority_is_refused(ops_client, vendor) -> None:
    for priority in (7, -1):
        response = ops_client.post(
            f"{API}/incidents",
            {"tenant": "alpha", "priority": priority, "description": "Lento"},
            content_type="application/json",
            **vendor,
        )
        assert response.status_code == 400
        assert response.json()["field"] == "priority"
        assert response.json()["detail"] == "Prioridade desconhecida: use 0 (Inoperante) a 6 (Baixa)."


def test_a_month_in_the_future_is_refused(ops_client, vendor) -> None:
    response = sla(ops_client, vendor, "2026-05")
    assert response.status_code == 400
    assert response.json()["field"] == "month"
    assert sla(ops_client, vendor, "2026-13").json()["field"] == "month"


def test_unknown_tenant_and_anonymous_calls(ops_client, vendor) -> None:
    assert sla(ops_client, vendor, "2026-03", schema="atlantida").status_code == 404
    contracts = Contract.objects.count()

    assert ops_client.get(f"{API}/tenants/alpha/sla").status_code == 401
    assert put_contract(ops_client, {}).status_code == 401
    assert Contract.objects.count() == contracts


# --- incidents --------------------------------------------------------------------------------------


def open_incident(client: Any, headers: dict[str, str], priority: int = 1, **extra: Any) -> Any:
    body = {"tenant": "alpha", "priority": priority, "description": "Faturamento não gera arquivo", **extra}
    return client.post(f"{API}/incidents", body, content_type="application/json", **headers)


def test_opening_an_incident_answers_protocol_and_deadlines(ops_client, vendor) -> None:
    response = open_incident(ops_client, vendor, priority=1)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["protocol"].startswith("2026") and len(body["protocol"]) == 10
    assert body["opened_at"] == "2026-04-15T12:00:00+00:00"
    assert body["response_due"] == "2026-04-15T12:15:00+00:00"
    assert body["resolution_due"] == "2026-04-15T15:00:00+00:00"
    assert body["tenant"] == "alpha" and body["status"] == "open"
    other = open_incident(ops_client, vendor, priority=6).json()
    assert other["protocol"] != body["protocol"] and other["resolution_due"] is None


def test_incident_lifecycle_closing_needs_the_utilitys_acceptance(ops_client, vendor, clock) -> None:
    protocol = open_incident(ops_client, vendor, priority=0).json()["protocol"]
    clock.shift(dt.timedelta(minutes=20))  # attended after the 15 minutes
    ack = ops_client.post(f"{API}/incidents/{protocol}/acknowledge", **vendor).json()
    assert ack["status"] == "acknowledged" and ack["response"] == "breached"
    clock.shift(dt.timedelta(minutes=30))
    missing = ops_client.post(
        f"{API}/incidents/{protocol}/resolve",
        {"solution": "Reiniciado", "root_cause": ""},
        content_type="application/json",
        **vendor,
    )
    assert missing.status_code == 400 and missing.json()["field"] == "root_cause"
    resolved = ops_client.post(
        f"{API}/incidents/{protocol}/resolve",
        {"solution": "Pool de conexões ampliado", "root_cause": "Esgotamento do pool de conexões"},
        content_type="application/json",
        **vendor,
    ).json()
    assert resolved["status"] == "resolved" and resolved["resolution"] == "met"  # 50 min < 1 h
    refused = ops_client.post(f"{API}/incidents/{protocol}/close", **vendor)
    assert refused.status_code == 409
    assert refused.json()["code"] == "acceptance_required"

    april = sla(ops_client, vendor, "2026-04").json()
    assert april["breaches"] == [protocol]
    assert april["incidents"][0]["response"] == "breached" and april["incidents"][0]["resolution"] == "met"


def test_incident_list_filters_open_and_breached(ops_client, vendor, clock) -> None:
    late = open_incident(ops_client, vendor, priority=0).json()["protocol"]
    clock.shift(dt.timedelta(minutes=20))  # past the 15-minute response deadline, unattended
    fresh = open_incident(ops_client, vendor, priority=5).json()["protocol"]
    rows = ops_client.get(f"{API}/incidents", {"open": "1", "breached": "1"}, **vendor).json()
    assert [r["protocol"] for r in rows] == [late]
    assert {
        r["protocol"] for r in ops_client.get(f"{API}/incidents", {"tenant": "alpha"}, **vendor).json()
    } == {late, fresh}


# --- invoices -----------------------------------------------------------------------------------------


def test_invoice_of_march_carries_the_discount_as_its_own_line(ops_client, vendor) -> None:
    put_contract(ops_client, vendor, start_date="2026-01-01")
    post_outage(ops_client, vendor, start="2026-03-10T10:00:00-03:00", end="2026-03-10T14:00:00-03:00")

    response = ops_client.post(
        f"{API}/tenants/alpha/invoices", {"month": "2026-03"}, content_type="application/json", **vendor
    )

    assert response.status_code == 201, response.content
    invoice = response.json()
    assert invoice["monthly_value"] == "10000.00"
    assert invoice["discount"] == "55.56"
    assert invoice["total"] == "9944.44"
    assert [line["amount"] for line in invoice["lines"]] == ["10000.00", "-55.56"]
    assert invoice["lines"][1]["description"].startswith("Desconto por interrupções (item 1.8)")
    again = ops_client.post(
        f"{API}/tenants/alpha/invoices", {"month": "2026-03"}, content_type="application/json", **vendor
    )
    assert again.status_code == 200 and again.json()["number"] == invoice["number"]

    pdf = ops_client.get(invoice["pdf"], **vendor)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")


def test_the_running_month_cannot_be_invoiced(ops_client, vendor) -> None:
    put_contract(ops_client, vendor)
    response = ops_client.post(
        f"{API}/tenants/alpha/invoices", {"month": "2026-04"}, content_type="application/json", **vendor
    )
    assert response.status_code == 400 and response.json()["field"] == "month"


def test_sla_report_pdf(ops_client, vendor) -> None:
    put_contract(ops_client, vendor)
    post_outage(ops_client, vendor, start="2026-03-10T10:00:00Z", end="2026-03-10T11:00:00Z")
    response = ops_client.get(f"{API}/tenants/alpha/sla/report.pdf", {"month": "2026-03"}, **vendor)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
