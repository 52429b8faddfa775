"""Issue #13, point 4 and its "Done when": a utility whose every section differs from a new
utility's (registry tables, metering policy, consumption regulation and schedule settings, tariffs,
projections, messages, water quality, billing settings, collecting agents, index rates, late-charge
and installment policy versions, debt parameters and document texts, the service catalogue, the
agency) is the template of a new utility: the new one exports the same document (ids aside) and,
for the same readings, issues the same bills.

The per-section round trips live with their modules (tests/<module>/test_configuration.py); this one
takes the whole document through provisioning at once, so a section that reads another's rows in
the wrong order, or a setting the document forgets, fails here."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine

from modules.billing.models import Bill
from modules.billing.services import runs
from modules.billing.services.settings import billing_settings_update
from modules.billing.services.tariffs import tariff_create
from modules.billing.services.texts import QualityRow, bill_message_create, quality_table_save
from modules.common.clock import tenant_today
from modules.common.domain.dates import YearMonth
from modules.common.tenancy import tenant_context
from modules.configuration import sections
from modules.configuration.selectors import document_export
from modules.debt import documents, settings_services
from modules.debt import services as debt_services
from modules.metering.services.policy import metering_policy_update
from modules.reading.services import ReadingInput, reading_register
from modules.registry.models import Category
from tenants import provisioning
from tenants.models import ProvisioningState
from tests.billing import factories as bf
from tests.collection.test_configuration import _alpha_settings as collection_settings
from tests.debt.test_installment_policies import VALUES as INSTALLMENT_VALUES
from tests.reading.test_configuration import _alpha_settings as reading_settings
from tests.registry.test_configuration import _shape_alpha as registry_tables
from tests.service.test_configuration import _alpha_catalogue as service_catalogue

from .helpers import ACTOR, customise_agency, without_timestamp

MONTH = YearMonth(2025, 5)


def _billing_settings() -> None:
    billing_settings_update(actor=ACTOR, min_days_after_issue=8, history_months=18, m3_per_outlet=7)
    bf.approved_tariff()
    tariff_create(actor=ACTOR, data=bf.sorocaba_tariff_json(act="Rascunho 2026", valid_from="2026-01-01"))
    tariff_create(
        actor=ACTOR,
        data=bf.sorocaba_tariff_json(act="Projeção +8 %", valid_from="2026-01-01", category_split="equal"),
        projection=True,
    )
    bill_message_create(
        actor=ACTOR,
        title="Recadastramento do grupo 7",
        body="Atualize seus dados.",
        valid_from=YearMonth(2025, 5),
        valid_until=YearMonth(2025, 8),
        billing_group=bf.group(7),
        category=Category.objects.get(code="RES"),
    )
    bill_message_create(
        actor=ACTOR, title="Débitos vencidos", valid_from=YearMonth(2025, 1), condition="overdue_debts"
    )
    quality_table_save(
        actor=ACTOR,
        month=YearMonth(2025, 4),
        title="Qualidade da água",
        rows=[QualityRow("Turbidez (uT)", "30", "31", "30", "≤ 5")],
    )


def _debt_settings() -> None:
    today = tenant_today()
    debt_services.debt_settings_update(actor=ACTOR, statement_valid_days=10, certificate_valid_days=60)
    settings_services.installment_policy_create(
        actor=ACTOR, effective_from=today + dt.timedelta(days=40), today=today, **INSTALLMENT_VALUES
    )
    settings_services.document_template_create(
        actor=ACTOR,
        kind=documents.CERTIFICATE_NEGATIVE,
        valid_from=today + dt.timedelta(days=10),
        title="Certidão negativa de débitos",
        body_html="<p>Certificamos que {{ cliente.nome }} nada deve.</p>",
        today=today,
    )


def _configure_every_section() -> None:
    registry_tables()
    metering_policy_update(actor=ACTOR, validity_years=6, photo_quality=70)
    reading_settings()
    _billing_settings()
    collection_settings()
    _debt_settings()
    # the service catalogue's prices start on dates of its own test's calendar
    with time_machine.travel(dt.datetime(2026, 4, 17, 16, 0, tzinfo=dt.UTC), tick=False):
        service_catalogue()
    customise_agency()


def _bills_for_the_same_readings() -> dict[str, Any]:
    """Bill group 7 for May 2025 from the same properties and readings: metered one and eight
    economias, water only, unmetered (by its outlets), mixed categories and one without a reading."""
    bf.set_company_code("0562")
    group = bf.group(7)
    bf.schedule(group, MONTH)
    made = {
        "one": bf.billable(group),
        "eight": bf.billable(group, (("RES", 8),)),
        "water_only": bf.billable(group, sewer=False),
        "mixed": bf.billable(group, (("RES", 1), ("COM", 2))),
        "unmetered": bf.billable(group, metered=False),
        "unread": bf.billable(group),
    }
    made["unmetered"].water_outlets = 3
    made["unmetered"].save(update_fields=["water_outlets"])
    for name, m3 in (("one", 16), ("eight", 94), ("water_only", 16), ("mixed", 41)):
        reading_register(
            actor=ACTOR,
            data=ReadingInput(made[name].account_number, MONTH, MONTH.day(10), m3, ""),
        )
    run = runs.run_create(
        actor=ACTOR, group=group, reference=MONTH, enqueue=False, today=dt.date(2025, 5, 31)
    )
    for chunk in run.chunks.order_by("number"):
        runs.chunk_process(chunk_id=chunk.pk)
    bills = {b.property_id: b for b in Bill.objects.filter(run=run).prefetch_related("items")}
    return {
        name: (
            bills[p.pk].total,
            bills[p.pk].due_date,
            sorted(
                (i.kind, i.description, i.category, i.quantity_m3, str(i.amount))
                for i in bills[p.pk].items.all()
            ),
        )
        if p.pk in bills
        else None
        for name, p in made.items()
    }


def _differences(got: Any, want: Any, path: str = "") -> list[str]:
    """Where two documents differ, as paths, so a failure names the setting the copy lost."""
    if isinstance(got, dict) and isinstance(want, dict):
        return [
            d
            for key in sorted(set(got) | set(want), key=str)
            for d in _differences(got.get(key, "<ausente>"), want.get(key, "<ausente>"), f"{path}.{key}")
        ]
    if isinstance(got, list) and isinstance(want, list) and len(got) == len(want):
        return [
            d
            for i, (g, w) in enumerate(zip(got, want, strict=True))
            for d in _differences(g, w, f"{path}[{i}]")
        ]
    return [] if got == want else [f"{path}: {got!r} != {want!r}"]


def test_a_utility_from_the_template_of_a_fully_configured_one_exports_and_bills_the_same(
    public_schema: None,
) -> None:
    with tenant_context("beta"):
        fresh = document_export()["sections"]  # what a utility nobody configured exports
    with tenant_context("alpha"):
        _configure_every_section()
        alpha_bills = _bills_for_the_same_readings()
        alpha = document_export()  # with the street and neighbourhood the billed properties are on

    differing = {key for key in alpha["sections"] if alpha["sections"][key] != fresh[key]}
    assert differing == {s.key for s in sections.all_sections()}, "a section still at its defaults"
    assert all(value is not None for value in alpha_bills.values()), alpha_bills
    assert alpha_bills["unmetered"][0] > 0
    assert len({total for total, _, _ in alpha_bills.values()}) >= 5  # different bands, not one total

    tenant = provisioning.tenant_provision(
        tenant_id=provisioning.tenant_request(
            actor=ACTOR,
            request=provisioning.TenantRequest("gemea", "SAAE Gêmea", "gemea.localhost", template="alpha"),
            enqueue=False,
        ).pk
    )

    assert tenant.provisioning_state == ProvisioningState.ACTIVE
    with tenant_context("gemea"):
        twin = document_export()
        assert _differences(twin["sections"], alpha["sections"]) == []
        assert without_timestamp(twin) == without_timestamp(alpha)
        assert _bills_for_the_same_readings() == alpha_bills


def test_an_import_leaving_out_a_category_a_tariff_still_prices_is_refused_naming_it(
    alpha_client: Any, audits: Any
) -> None:
    """Issue #13 "Bad input": a document without a category a tariff still uses is refused with the
    field path and a pt-BR reason, in the dry run and in the import, and nothing is written."""
    from modules.registry.services.reference import reference_create

    from .helpers import api_user

    headers = api_user(alpha_client, "alpha", "gestora", change=True)
    reference_create(actor=ACTOR, table="categories", data={"code": "ASS", "name": "Associação"})
    priced = bf.sorocaba_tariff_json()
    priced["categories"].append(priced["categories"][0] | {"code": "ASS", "name": "Associação"})
    bf.approved_tariff(categories=priced["categories"])
    document = document_export()
    registry = document["sections"]["registry"]
    registry["categories"] = [c for c in registry["categories"] if c["code"] != "ASS"]
    for name in ("subcategories", "usage_plans"):
        registry[name] = [row for row in registry[name] if row.get("category") != "ASS"]
    document["sections"]["agency"]["web_idle_minutes"] = 44  # a valid change the refusal must undo

    for query in ("?dry_run=1", ""):
        response = alpha_client.post(
            f"/api/v1/settings/import{query}", document, content_type="application/json", **headers
        )
        assert response.status_code == 400, response.content
        body = response.json()
        assert (body["field"], body["code"]) == ("registry.categories[ASS]", "reference_in_use")
        assert "tarifas" in body["detail"] and "não está no documento" in body["detail"]
    assert Category.objects.filter(code="ASS").exists()
    assert document_export()["sections"]["agency"]["web_idle_minutes"] != 44
    assert not audits("configuration.import").exists()
