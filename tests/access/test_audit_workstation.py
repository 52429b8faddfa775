"""S10.8-03: the audit row names the user, the IP, the date/time and the counter's workstation, which a
local agent reports in the X-Manancial-Workstation header (a browser cannot read the MAC address)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from modules.common.models import AuditEntry
from tests.conftest import bearer, make_user


def _create_user(client, headers, username: str, workstation: str | None):
    extra = {} if workstation is None else {"HTTP_X_MANANCIAL_WORKSTATION": workstation}
    response = client.post(
        "/api/v1/users",
        {"username": username, "full_name": "Maria da Silva"},
        content_type="application/json",
        REMOTE_ADDR="192.0.2.15",
        **headers,
        **extra,
    )
    assert response.status_code == 201, response.content
    return AuditEntry.objects.get(action="access.user_create", object_id=str(response.json()["id"]))


def test_a_write_through_the_api_records_user_ip_time_and_workstation(alpha_client) -> None:
    admin = make_user("alpha", "admin_a", "Senha-forte-123", is_admin=True)
    headers = bearer(alpha_client, "admin_a", "Senha-forte-123")
    before = timezone.now()
    entry = _create_user(alpha_client, headers, "maria", "00:1A:2B:3C:4D:5E")
    assert entry.actor == "admin_a" and entry.actor_id == admin.pk
    assert entry.ip == "192.0.2.15"
    assert before - dt.timedelta(seconds=1) <= entry.at <= timezone.now()
    assert entry.workstation == "00:1A:2B:3C:4D:5E"
    # the audit API and the audit page show it
    rows = alpha_client.get("/api/v1/audit?action=access.user_create", **headers).json()["results"]
    assert rows[0]["workstation"] == "00:1A:2B:3C:4D:5E" and rows[0]["ip"] == "192.0.2.15"
    alpha_client.force_login(admin)
    page = alpha_client.get("/conta/auditoria/").content.decode()
    assert "<th>Estação</th>" in page and "00:1A:2B:3C:4D:5E" in page


@pytest.mark.parametrize(
    "header",
    ["x" * 65, "guichê-3", "<script>", "a b", "caixa;drop"],
)
def test_a_malformed_workstation_header_is_ignored(alpha_client, header: str) -> None:
    make_user("alpha", "admin_a", "Senha-forte-123", is_admin=True)
    headers = bearer(alpha_client, "admin_a", "Senha-forte-123")
    entry = _create_user(alpha_client, headers, "maria", header)
    assert entry.workstation == "" and entry.ip == "192.0.2.15" and entry.actor == "admin_a"


def test_without_the_header_the_workstation_is_blank(alpha_client) -> None:
    make_user("alpha", "admin_a", "Senha-forte-123", is_admin=True)
    headers = bearer(alpha_client, "admin_a", "Senha-forte-123")
    assert _create_user(alpha_client, headers, "maria", None).workstation == ""
    entry = _create_user(alpha_client, headers, "joao", "GUICHE-03.centro_1")
    assert entry.workstation == "GUICHE-03.centro_1"
