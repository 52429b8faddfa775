"""A paging alert about a utility opens one chamado; re-sent alerts and bad callers change nothing."""

from __future__ import annotations

from django.test import override_settings

from saas.sla.models import Incident, IncidentChannel

URL = "/ops/api/v1/alerts/alertmanager/"
TOKEN = "alertas-secretos-123"


def _alert(status: str = "firing", **labels: str) -> dict[str, object]:
    base = {
        "alertname": "ManancialAvailabilityFastBurn",
        "severity": "page",
        "tenant": "alpha",
        "priority": "0",
    }
    return {
        "status": status,
        "labels": {**base, **labels},
        "annotations": {"summary": "Indisponibilidade consumindo o orçamento 14,4x mais rápido"},
        "fingerprint": "f00dfeed12345678",
    }


def _post(client, alerts, token: str | None = TOKEN):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(
        URL,
        {"version": "4", "status": "firing", "alerts": alerts},
        content_type="application/json",
        **headers,
    )


@override_settings(ALERTMANAGER_WEBHOOK_TOKEN=TOKEN)
def test_a_paging_alert_opens_one_p0_chamado_for_the_tenant(ops_client) -> None:
    first = _post(ops_client, [_alert()])
    assert first.status_code == 200
    assert len(first.json()["opened"]) == 1
    incident = Incident.objects.get(protocol=first.json()["opened"][0])
    assert incident.tenant.schema_name == "alpha" and incident.priority == 0
    assert incident.channel == IncidentChannel.MONITORING
    assert incident.description.startswith("[ManancialAvailabilityFastBurn] Indisponibilidade")
    assert (incident.response_due - incident.opened_at).total_seconds() == 15 * 60
    again = _post(ops_client, [_alert()])  # Alertmanager repeats firing alerts
    assert again.json()["opened"] == []
    assert again.json()["ignored"] == [{"fingerprint": "f00dfeed12345678", "reason": "already_open"}]
    assert Incident.objects.filter(alert_fingerprint="f00dfeed12345678").count() == 1


@override_settings(ALERTMANAGER_WEBHOOK_TOKEN=TOKEN)
def test_tickets_resolved_alerts_and_unknown_tenants_open_nothing(ops_client) -> None:
    response = _post(
        ops_client,
        [
            {**_alert(severity="ticket"), "fingerprint": "a1"},
            {**_alert(status="resolved"), "fingerprint": "a2"},
            {**_alert(tenant="nao_existe"), "fingerprint": "a3"},
        ],
    )
    assert response.status_code == 200
    assert [i["reason"] for i in response.json()["ignored"]] == ["not_paging", "resolved", "no_tenant"]
    assert not Incident.objects.filter(alert_fingerprint__in=["a1", "a2", "a3"]).exists()


@override_settings(ALERTMANAGER_WEBHOOK_TOKEN=TOKEN)
def test_a_caller_without_the_token_is_refused(ops_client) -> None:
    assert _post(ops_client, [_alert()], token=None).status_code == 401
    assert _post(ops_client, [_alert()], token="errado").status_code == 401
    assert not Incident.objects.filter(alert_fingerprint="f00dfeed12345678").exists()


def test_with_no_token_configured_every_call_is_refused(ops_client) -> None:
    incidents = Incident.objects.count()

    assert _post(ops_client, [_alert()]).status_code == 401
    assert Incident.objects.count() == incidents


@override_settings(ALERTMANAGER_WEBHOOK_TOKEN=TOKEN)
def test_a_malformed_body_is_a_400_naming_the_field(ops_client) -> None:
    incidents = Incident.objects.count()
    response = ops_client.post(
        URL,
        {"alerts": [{"status": "firing"}]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {TOKEN}",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "alerts"
    assert Incident.objects.count() == incidents
