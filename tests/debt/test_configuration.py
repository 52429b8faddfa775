"""Debt's section of the configuration document: export from alpha, import into beta, export again
gives the same section; plan refuses bad input with the document path and writes nothing; a version
already in force is never changed or removed by an import."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection, transaction

from modules.common.audit import SystemActor
from modules.common.configuration import Section
from modules.common.errors import ValidationFailed
from modules.common.models import AuditEntry, DocumentTemplate
from modules.debt import documents, services, settings_services
from modules.debt.configuration import SECTION
from modules.debt.models import DebtSettings, InstallmentPolicyVersion
from tenants.models import Tenant
from tests.debt.test_installment_policies import VALUES

ACTOR = SystemActor("tests")
TODAY = dt.date(2025, 6, 15)


@pytest.fixture(autouse=True)
def _frozen_today() -> Any:
    with time_machine.travel(dt.datetime(2025, 6, 15, 15, tzinfo=dt.UTC), tick=True):
        yield


def _use(schema: str) -> None:
    connection.set_tenant(Tenant.objects.get(schema_name=schema))


def _alpha_configured() -> dict[str, Any]:
    services.debt_settings_update(actor=ACTOR, statement_valid_days=10, certificate_valid_days=60)
    settings_services.installment_policy_create(
        actor=ACTOR, effective_from=dt.date(2025, 9, 1), today=TODAY, **VALUES
    )
    for valid_from, body in (
        (TODAY, "<p>Hoje {{ cliente.nome }}</p>"),
        (dt.date(2026, 1, 1), "<p>Em 2026</p>"),
    ):
        settings_services.document_template_create(
            actor=ACTOR,
            kind=documents.CERTIFICATE_NEGATIVE,
            valid_from=valid_from,
            title="Certidão negativa de débitos",
            body_html=body,
            today=TODAY,
        )
    return SECTION.export()


def test_the_section_satisfies_the_contract() -> None:
    section: Section = SECTION

    assert section.key == "debt"


def test_export_import_into_beta_and_export_again_gives_the_same_section(tenant_alpha: Any) -> None:
    exported = _alpha_configured()
    _use("beta")

    changes = SECTION.plan(copy.deepcopy(exported))
    with transaction.atomic():
        SECTION.apply(copy.deepcopy(exported), actor=ACTOR)
    again = SECTION.export()

    assert again == exported
    assert {c.path for c in changes} == {
        "debt.settings.statement_valid_days",
        "debt.settings.certificate_valid_days",
        "debt.installment_policies[2025-09-01]",
        f"debt.document_templates[{documents.CERTIFICATE_NEGATIVE}@2025-06-15]",
        f"debt.document_templates[{documents.CERTIFICATE_NEGATIVE}@2026-01-01]",
    }
    assert DebtSettings.current().statement_valid_days == 10
    assert AuditEntry.objects.filter(action="debt.document_template_create").count() == 2
    assert SECTION.plan(copy.deepcopy(exported)) == []  # a second import changes nothing


def test_a_version_to_come_is_changed_in_place_and_one_absent_is_removed(tenant_alpha: Any) -> None:
    exported = _alpha_configured()
    doc = copy.deepcopy(exported)
    future = next(p for p in doc["installment_policies"] if p["effective_from"] == "2025-09-01")
    future["max_installments"] = 48
    doc["document_templates"] = [t for t in doc["document_templates"] if t["valid_from"] != "2026-01-01"]

    with transaction.atomic():
        SECTION.apply(doc, actor=ACTOR)

    assert InstallmentPolicyVersion.objects.get(effective_from=dt.date(2025, 9, 1)).max_installments == 48
    assert list(
        DocumentTemplate.objects.filter(kind__startswith="debt.").values_list("valid_from", flat=True)
    ) == [TODAY]
    assert SECTION.export() == doc


def _refused(doc: dict[str, Any]) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as refused:
        SECTION.plan(doc)
    return refused.value


def test_plan_refuses_changing_the_version_in_force_naming_it_and_apply_writes_nothing(
    tenant_alpha: Any,
) -> None:
    doc = SECTION.export()
    doc["installment_policies"][0]["monthly_rate"] = "0.020000"
    doc["settings"]["statement_valid_days"] = 9
    before = SECTION.export()

    refused = _refused(copy.deepcopy(doc))
    with pytest.raises(ValidationFailed), transaction.atomic():
        SECTION.apply(doc, actor=ACTOR)

    assert refused.field == "debt.installment_policies[2000-01-01]"
    assert "nova versão" in refused.message
    assert SECTION.export() == before


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (lambda d: d["settings"].update(statement_valid_days=0), "debt.settings.statement_valid_days"),
        (lambda d: d["settings"].update(grace=1), "debt.settings.grace"),
        (
            lambda d: d["installment_policies"].append(
                {**VALUES, "effective_from": "2030-01-01", "rounding": "x"}
            ),
            "debt.installment_policies[1].rounding",
        ),
        (
            lambda d: d["installment_policies"].append({**VALUES, "effective_from": "2030-13-01"}),
            "debt.installment_policies[1].effective_from",
        ),
        (
            lambda d: d["document_templates"].append(
                {
                    "kind": documents.STATEMENT,
                    "valid_from": "2030-01-01",
                    "title": "E",
                    "body_html": "{{ x }}",
                }
            ),
            "debt.document_templates[0].body_html",
        ),
        (
            lambda d: d["document_templates"].append(
                {"kind": "debt.nada", "valid_from": "2030-01-01", "title": "E", "body_html": ""}
            ),
            "debt.document_templates[0].kind",
        ),
    ],
)
def test_plan_refuses_bad_input_with_the_document_path(tenant_alpha: Any, edit: Any, field: str) -> None:
    doc = SECTION.export()
    edit(doc)

    refused = _refused(doc)

    assert refused.field == field
    assert not DocumentTemplate.objects.filter(kind__startswith="debt.").exists()
    assert InstallmentPolicyVersion.objects.count() == 1
