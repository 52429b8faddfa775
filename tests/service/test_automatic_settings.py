"""The rules of abertura automática as staff reach them: the settings page under "Configurações",
the API (list, set, delete; refusals name the field and write nothing) and the configuration
document (export → import into beta → export again is the same; a bad rule refused by its path)."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import time_machine
from django.db import transaction

from modules.common.errors import ValidationFailed
from modules.common.models import AuditEntry
from modules.common.tenancy import tenant_context
from modules.service.configuration import SECTION
from modules.service.models import AutomaticRule
from modules.service.services import automatic
from tests.conftest import bearer, make_user

from . import factories as f

PASSWORD = "Senha-forte-123"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 4, 17, 16, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def api(tenant_alpha, alpha_client):
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    headers = bearer(alpha_client, "chefe", PASSWORD)

    class Api:
        def get(self, path: str):
            return alpha_client.get(path, **headers)

        def post(self, path: str, body: dict):
            return alpha_client.post(path, body, content_type="application/json", **headers)

        def delete(self, path: str):
            return alpha_client.delete(path, **headers)

    return Api()


@pytest.fixture
def staff(tenant_alpha, alpha_client):
    make_user("alpha", "supervisora", PASSWORD, full_name="Supervisora", is_admin=True)
    assert (
        alpha_client.post("/conta/entrar/", {"username": "supervisora", "password": PASSWORD}).status_code
        == 302
    )
    return alpha_client


def test_api_sets_lists_replaces_and_deletes_a_rule(api) -> None:
    f.code("VAZ01", description="Vistoria de vazamento")
    f.code("CRT01", description="Revisão de consumo")
    created = api.post(
        "/api/v1/service/automatic-rules",
        {"event": "reading_occurrence", "occurrence": "30", "code": "VAZ01"},
    )
    assert created.status_code == 201, created.content
    assert created.json() | {"id": 0} == {
        "id": 0,
        "event": "reading_occurrence",
        "event_label": "Ocorrência de leitura",
        "occurrence": "30",
        "code": "VAZ01",
        "code_description": "Vistoria de vazamento",
    }
    again = api.post(
        "/api/v1/service/automatic-rules",
        {"event": "reading_occurrence", "occurrence": "30", "code": "CRT01"},
    )
    assert again.json()["id"] == created.json()["id"] and again.json()["code"] == "CRT01"
    listed = api.get("/api/v1/service/automatic-rules").json()["results"]
    assert [(r["event"], r["code"]) for r in listed] == [("reading_occurrence", "CRT01")]
    assert api.delete(f"/api/v1/service/automatic-rules/{created.json()['id']}").status_code == 204
    assert not AutomaticRule.objects.exists()
    assert api.delete(f"/api/v1/service/automatic-rules/{created.json()['id']}").status_code == 404


def test_api_refuses_a_bad_rule_naming_the_field_and_writes_nothing(api) -> None:
    f.code("VAZ01", description="Vistoria de vazamento")
    audits = AuditEntry.objects.count()
    missing = api.post("/api/v1/service/automatic-rules", {"event": "reading_occurrence", "code": "VAZ01"})
    assert missing.status_code == 400
    assert "occurrence" in missing.content.decode()
    unknown = api.post("/api/v1/service/automatic-rules", {"event": "meter_installed", "code": "NADA"})
    assert unknown.status_code == 404 and "code" in unknown.content.decode()
    bad_event = api.post("/api/v1/service/automatic-rules", {"event": "meteoro", "code": "VAZ01"})
    assert bad_event.status_code == 400 and "event" in bad_event.content.decode()
    assert not AutomaticRule.objects.exists() and AuditEntry.objects.count() == audits


def test_the_settings_page_is_reached_sets_and_deletes_a_rule(staff) -> None:
    f.code("INS01", description="Conferir instalação")
    hub = staff.get("/configuracoes/").content.decode()
    assert "/servicos/abertura-automatica/" in hub and "Abertura automática de ordens" in hub
    page = staff.get("/servicos/abertura-automatica/")
    assert page.status_code == 200 and "Nenhuma regra" in page.content.decode()
    bad = staff.post(
        "/servicos/abertura-automatica/", {"action": "set", "event": "reading_occurrence", "code": "INS01"}
    )
    assert bad.status_code == 400 and "Informe o código da ocorrência" in bad.content.decode()
    assert not AutomaticRule.objects.exists()
    done = staff.post(
        "/servicos/abertura-automatica/", {"action": "set", "event": "meter_installed", "code": "INS01"}
    )
    assert done.status_code == 302
    rule = AutomaticRule.objects.get()
    page = staff.get("/servicos/abertura-automatica/").content.decode()
    assert "Hidrômetro instalado" in page and "Regra de abertura automática definida" in page
    assert (
        staff.post("/servicos/abertura-automatica/", {"action": "delete", "rule": rule.pk}).status_code == 302
    )
    assert not AutomaticRule.objects.exists()


def test_configuration_round_trip_carries_the_rules(tenant_alpha) -> None:
    f.code("VAZ01", description="Vistoria de vazamento")
    f.code("AFR01", description="Trocar hidrômetro vencido")
    automatic.rule_set(actor=f.ACTOR, event="reading_occurrence", occurrence="30", code="VAZ01")
    automatic.rule_set(actor=f.ACTOR, event="meter_expiring", code="AFR01")
    exported = SECTION.export()
    assert exported["automatic"] == [
        {"event": "meter_expiring", "occurrence": "", "code": "AFR01"},
        {"event": "reading_occurrence", "occurrence": "30", "code": "VAZ01"},
    ]
    with tenant_context("beta"):
        assert {c.path for c in SECTION.plan(copy.deepcopy(exported))} >= {
            "service.automatic.meter_expiring",
            "service.automatic.reading_occurrence:30",
        }
        with transaction.atomic():
            SECTION.apply(copy.deepcopy(exported), actor=f.ACTOR)
        assert SECTION.export() == exported
        assert SECTION.plan(copy.deepcopy(exported)) == []
        fewer = copy.deepcopy(exported)
        fewer["automatic"] = fewer["automatic"][:1]
        with transaction.atomic():
            SECTION.apply(fewer, actor=f.ACTOR)
        assert list(AutomaticRule.objects.values_list("event", flat=True)) == ["meter_expiring"]


@pytest.mark.parametrize(
    ("rule", "path"),
    [
        ({"event": "meteoro", "code": "VAZ01"}, "service.automatic[0].event"),
        ({"event": "reading_occurrence", "code": "VAZ01"}, "service.automatic[0].occurrence"),
        ({"event": "meter_installed", "code": "SEM01"}, "service.automatic[0].code"),
    ],
)
def test_configuration_refuses_a_bad_rule_by_its_path(tenant_alpha, rule, path) -> None:
    f.code("VAZ01", description="Vistoria de vazamento")
    document = SECTION.export()
    document["automatic"] = [rule]
    with pytest.raises(ValidationFailed) as raised:
        SECTION.plan(document)
    assert raised.value.field == path
    assert not AutomaticRule.objects.exists()
