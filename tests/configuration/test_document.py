"""The configuration document (issue #13 point 4): `GET /api/v1/settings/export` answers every
setting of the utility as one versioned document; `POST /api/v1/settings/import?dry_run=1` answers the
differences and writes nothing; without dry_run every section is applied in one transaction, audited,
or nothing is (a refusal names the document path, in the last section too)."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client

from modules.common.configuration import Change
from modules.common.errors import Conflict, ValidationFailed
from modules.common.errors import ErrorCode as CommonCode
from modules.common.tenancy import tenant_context
from modules.configuration import sections, selectors, services
from portal.configuration import SECTION as AGENCY

from .helpers import ACTOR, AGENCY_CHANGES, api_user, customise_agency, without_timestamp

pytestmark = pytest.mark.usefixtures("tenant_alpha")

# the dependency order of the sections (modules/configuration/sections.py); a module that brings a
# section takes its place here
ORDER = ["registry", "metering", "reading", "billing", "collection", "debt", "service", "agency"]


def _agency() -> dict[str, Any]:
    return AGENCY.export()


IMPORT_ACTIONS = ("configuration.import", "portal.settings_update")


def test_the_sections_come_in_dependency_order() -> None:
    keys = [s.key for s in sections.all_sections()]
    assert "agency" in keys
    assert set(keys) <= set(ORDER), f"a section without its place in ORDER: {set(keys) - set(ORDER)}"
    assert keys == [k for k in ORDER if k in keys]


@time_machine.travel("2026-03-10 12:00:00+00:00", tick=False)
def test_the_export_is_one_versioned_document_of_every_section(tenant_alpha: Any) -> None:
    customise_agency()
    document = selectors.document_export()
    assert document["format"] == "manancial.settings"
    assert document["version"] == 1
    assert document["exported_at"] == "2026-03-10T12:00:00+00:00"
    assert list(document["sections"]) == [s.key for s in sections.all_sections()]
    agency = document["sections"]["agency"]
    assert {k: agency[k] for k in AGENCY_CHANGES} == AGENCY_CHANGES
    assert "id" not in agency and "updated_at" not in agency


def test_export_alpha_import_beta_export_beta_gives_alpha(tenant_alpha: Any) -> None:
    customise_agency()
    alpha = selectors.document_export()
    with tenant_context("beta"):
        before = _agency()
        result = services.settings_import(actor=ACTOR, document=alpha)
        beta = selectors.document_export()
        again = services.settings_import(actor=ACTOR, document=alpha)

    assert without_timestamp(beta) == without_timestamp(alpha)
    assert before != alpha["sections"]["agency"]
    assert {c.path for c in result.changes} == {f"agency.{k}" for k in AGENCY_CHANGES}
    assert again.changes == ()  # importing the same document twice changes nothing the second time


def test_a_dry_run_answers_the_differences_and_writes_nothing(alpha_client: Client, audits: Any) -> None:
    headers = api_user(alpha_client, "alpha", "gestora", change=True)
    document = selectors.document_export()
    document["sections"]["agency"]["units"] = ["Atendimento", "Ouvidoria"]
    document["sections"]["agency"]["web_idle_minutes"] = 45
    before = _agency()

    response = alpha_client.post(
        "/api/v1/settings/import?dry_run=1", document, content_type="application/json", **headers
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["applied"] is False
    assert body["sections"] == {"agency": 2} | {k: 0 for k in body["sections"] if k != "agency"}
    assert sorted(body["changes"], key=lambda c: c["path"]) == [
        {
            "section": "agency",
            "path": "agency.units",
            "kind": "change",
            "before": before["units"],
            "after": ["Atendimento", "Ouvidoria"],
        },
        {
            "section": "agency",
            "path": "agency.web_idle_minutes",
            "kind": "change",
            "before": 15,
            "after": 45,
        },
    ]
    assert _agency() == before
    assert not audits(*IMPORT_ACTIONS).exists()


def test_the_import_applies_every_section_in_one_transaction_audited(
    alpha_client: Client, audits: Any
) -> None:
    headers = api_user(alpha_client, "alpha", "gestora", change=True)
    document = selectors.document_export()
    document["sections"]["agency"].update(AGENCY_CHANGES)

    response = alpha_client.post(
        "/api/v1/settings/import", document, content_type="application/json", **headers
    )

    assert response.status_code == 200, response.content
    assert response.json()["applied"] is True
    assert {k: _agency()[k] for k in AGENCY_CHANGES} == AGENCY_CHANGES
    entry = audits("configuration.import").get()
    assert entry.actor == "gestora"
    assert entry.object_type == "configuration.document"
    assert entry.after["changes"] == len(AGENCY_CHANGES)
    assert entry.after["sections"]["Agência virtual"] == len(AGENCY_CHANGES)
    section_audit = audits("portal.settings_update").get()
    assert section_audit.after["units"] == AGENCY_CHANGES["units"]


def test_the_export_over_the_api_is_the_document(alpha_client: Client) -> None:
    headers = api_user(alpha_client, "alpha", "consulta", change=False)
    response = alpha_client.get("/api/v1/settings/export", **headers)
    assert response.status_code == 200
    assert without_timestamp(response.json()) == without_timestamp(selectors.document_export())


def test_a_profile_that_only_views_downloads_but_cannot_import(alpha_client: Client, audits: Any) -> None:
    headers = api_user(alpha_client, "alpha", "consulta", change=False)
    document = selectors.document_export()
    document["sections"]["agency"]["web_idle_minutes"] = 45
    for query in ("?dry_run=1", ""):
        response = alpha_client.post(
            f"/api/v1/settings/import{query}", document, content_type="application/json", **headers
        )
        assert response.status_code == 403
    assert _agency()["web_idle_minutes"] == 15
    assert not audits(*IMPORT_ACTIONS).exists()


def test_without_the_function_nothing_is_exported(alpha_client: Client) -> None:
    from tests.conftest import bearer, make_user

    make_user("alpha", "semfuncao", "Senha-forte-123")
    headers = bearer(alpha_client, "semfuncao", "Senha-forte-123")
    assert alpha_client.get("/api/v1/settings/export", **headers).status_code == 403


def _with(**changes: Any) -> dict[str, Any]:
    document = selectors.document_export()
    document["sections"]["agency"]["web_idle_minutes"] = 45  # a valid change the refusal must undo
    for path, value in changes.items():
        target: Any = document
        *parents, last = path.split("__")
        for key in parents:
            target = target[key]
        target[last] = value
    return document


@pytest.mark.parametrize(
    ("changes", "field", "code", "message"),
    [
        ({"format": "outro.sistema"}, "format", "wrong_format", "não é um documento de configuração"),
        ({"version": 2}, "version", "newer_version", "versão 2 do formato, mais nova"),
        ({"version": "1"}, "version", "invalid", "Versão do documento inválida"),
        ({"sections": []}, "sections", "invalid", "lista de seções"),
        ({"sections__cobranca": {}}, "cobranca", "unknown_section", "Seção desconhecida: cobranca"),
        ({"sections__agency__units": []}, "agency.units", "invalid", "Informe ao menos um setor."),
        (
            {"sections__agency__due_day_options": [10]},
            "agency.due_day_options",
            "invalid",
            "Lei 9.791/1999",
        ),
        (
            {"sections__agency__totem_idle_seconds": "90"},
            "agency.totem_idle_seconds",
            "invalid",
            "deve ser número inteiro",
        ),
        (
            {"sections__agency__web_idle_minutes": 500},
            "agency.web_idle_minutes",
            "invalid",
            "entre 5 e 120 minutos",
        ),
        ({"sections__agency__logo": "<svg/>"}, "agency.logo", "invalid", "Campo desconhecido"),
        ({"sections__agency": "tudo"}, "agency", "invalid", "deve ser um objeto"),
    ],
)
def test_a_refused_document_names_its_path_and_nothing_is_written(
    alpha_client: Client, changes: dict[str, Any], field: str, code: str, message: str, audits: Any
) -> None:
    headers = api_user(alpha_client, "alpha", "gestora", change=True)
    before = _agency()
    for query in ("?dry_run=1", ""):
        response = alpha_client.post(
            f"/api/v1/settings/import{query}", _with(**changes), content_type="application/json", **headers
        )
        assert response.status_code == 400, response.content
        body = response.json()
        assert (body["field"], body["code"]) == (field, code)
        assert message in body["detail"]
    assert _agency() == before
    assert not audits(*IMPORT_ACTIONS).exists()


def test_a_body_that_is_no_document_is_refused(alpha_client: Client, audits: Any) -> None:
    headers = api_user(alpha_client, "alpha", "gestora", change=True)
    response = alpha_client.post(
        "/api/v1/settings/import", [1, 2], content_type="application/json", **headers
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "parse_error"  # the API's JSON parser wants an object
    assert not audits(*IMPORT_ACTIONS).exists()


class _LastSection:
    """A section after the agency's that refuses its part: in plan or only when applying."""

    key = "zz_last"
    title = "Última"

    def __init__(self, *, refuse_in: str) -> None:
        self.refuse_in = refuse_in

    def export(self) -> dict[str, Any]:
        return {"rows": []}

    def _refuse(self) -> None:
        raise ValidationFailed(
            "Código repetido na linha 2.", field="zz_last.rows[1].code", code=CommonCode.INVALID
        )

    def plan(self, data: dict[str, Any]) -> list[Change]:
        if self.refuse_in == "plan":
            self._refuse()
        return [Change("zz_last.rows[0]", None, data["rows"][0])]

    def apply(self, data: dict[str, Any], *, actor: Any) -> None:
        self._refuse()


@pytest.mark.parametrize("refuse_in", ["plan", "apply"])
def test_a_refusal_in_the_last_section_leaves_the_sections_before_it_untouched(
    tenant_alpha: Any, monkeypatch: pytest.MonkeyPatch, refuse_in: str, audits: Any
) -> None:
    last = _LastSection(refuse_in=refuse_in)
    monkeypatch.setattr(sections, "all_sections", lambda: [AGENCY, last])
    document = selectors.document_export()
    document["sections"]["agency"].update(AGENCY_CHANGES)
    document["sections"]["zz_last"] = {"rows": [{"code": "A"}, {"code": "A"}]}
    before = _agency()

    with pytest.raises(ValidationFailed) as refused:
        services.settings_import(actor=ACTOR, document=document)

    assert refused.value.field == "zz_last.rows[1].code"
    assert _agency() == before
    assert not audits(*IMPORT_ACTIONS).exists()
    assert connection.schema_name == "alpha"


def test_a_section_the_document_leaves_out_stays_as_it_is(tenant_alpha: Any) -> None:
    customise_agency()
    before = _agency()
    document = selectors.document_export()
    document["sections"].pop("agency")
    result = services.settings_import(actor=ACTOR, document=document)
    assert "agency" not in result.sections
    assert _agency() == before


def test_a_confirmation_of_an_outdated_preview_applies_nothing(tenant_alpha: Any, audits: Any) -> None:
    document = selectors.document_export()
    document["sections"]["agency"]["web_idle_minutes"] = 45
    preview = services.settings_import(actor=ACTOR, document=document, dry_run=True)
    customise_agency()  # someone changed the settings since (web_idle_minutes 15 -> 30, and more)
    changed = _agency()

    with pytest.raises(Conflict) as refused:
        services.settings_import(actor=ACTOR, document=document, expected=preview.fingerprint)

    assert refused.value.code == "preview_outdated"
    assert _agency() == changed
    assert not audits("configuration.import").exists()
