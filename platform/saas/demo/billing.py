"""Demo billing: a tariff per demo utility, bill texts, a year of reading schedules and readings, and
a released billing run of the last month for every group. Idempotent: a second run adds nothing.

The eleven older months of readings are written in bulk (demo history, deterministic); the last month
goes through `reading_register`, so its consumption rules, flags and review are the real ones.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from modules.billing.models import BillingRun, BillText, RunChunk, RunStatus, Tariff, TariffStatus
from modules.billing.services import runs
from modules.billing.services.tariffs import tariff_approve, tariff_create
from modules.common.audit import SystemActor
from modules.common.clock import current_tenant
from modules.common.domain.dates import YearMonth
from modules.common.errors import ValidationFailed
from modules.metering.models import Installation
from modules.reading.models import Reading, ReadingSchedule
from modules.reading.services import ReadingInput, reading_register, schedule_generate
from modules.registry.models import BillingGroup

ACTOR = SystemActor("seed_demo")


def _band(start: int, end: int | None, price: str) -> dict[str, Any]:
    return {"from_m3": start, "to_m3": end, "price": price}


def sorocaba_tariff() -> dict[str, Any]:
    """Seed 002 §14: cascade bands of §14.7 (1.07 / 1.61 / 2.33 / 3.37), an open last band added so the
    demo never stops at 25 m³, sewer 92.5 % per band line, truncation (§14.5)."""
    res = [
        _band(0, 10, "1.07"),
        _band(11, 15, "1.61"),
        _band(16, 20, "2.33"),
        _band(21, 25, "3.37"),
        _band(26, None, "4.52"),
    ]
    com = [_band(0, 10, "2.14"), _band(11, 20, "3.22"), _band(21, 50, "4.66"), _band(51, None, "6.74")]
    return {
        "act": "Decreto nº 28.412/2024 (demonstração)",
        "valid_from": "2020-01-01",
        "rounding": "truncate",
        "sewer_rounding": "per_band",
        "categories": [
            {
                "code": "RES",
                "name": "Residencial",
                "minimum_m3_per_unit": 10,
                "sewer_percent": "92.5",
                "bands": res,
            },
            {
                "code": "RES/2",
                "name": "Residencial social",
                "minimum_m3_per_unit": 10,
                "sewer_percent": "92.5",
                "social": True,
                "bands": [_band(0, 10, "0.53"), _band(11, 15, "0.80"), *res[2:]],
            },
            {
                "code": "COM",
                "name": "Comercial",
                "minimum_m3_per_unit": 10,
                "sewer_percent": "92.5",
                "bands": com,
            },
            {
                "code": "IND",
                "name": "Industrial",
                "minimum_m3_per_unit": 10,
                "sewer_percent": "92.5",
                "bands": com,
            },
            {
                "code": "PUB",
                "name": "Pública",
                "minimum_m3_per_unit": 10,
                "sewer_percent": "92.5",
                "bands": com,
            },
            # the three associações of §14.1 (saas.demo.registry.SOROCABA.categories): the residential
            # bands, the beneficent and special ones at the social price of the first two bands
            {
                "code": "ASS",
                "name": "Associação",
                "minimum_m3_per_unit": 10,
                "sewer_percent": "92.5",
                "bands": res,
            },
            {
                "code": "ASB",
                "name": "Associação Beneficente",
                "minimum_m3_per_unit": 10,
                "sewer_percent": "92.5",
                "bands": [_band(0, 10, "0.53"), _band(11, 15, "0.80"), *res[2:]],
            },
            {
                "code": "ASE",
                "name": "Associação Especial",
                "minimum_m3_per_unit": 10,
                "sewer_percent": "92.5",
                "bands": [_band(0, 10, "0.53"), _band(11, 15, "0.80"), *res[2:]],
            },
        ],
    }


def querencia_tariff() -> dict[str, Any]:
    """Seed 001 gives no figures: a plausible DAE structure (minimum 10 m³, sewer 80 %, half-up, a fixed
    availability charge per economia); a property of two or more categories splits its consumption
    equally between them (seed 001 3.2.7.8.7)."""
    res = [_band(0, 10, "3.10"), _band(11, 20, "4.20"), _band(21, 30, "5.60"), _band(31, None, "7.40")]
    com = [_band(0, 10, "4.60"), _band(11, 30, "6.30"), _band(31, None, "8.90")]
    fixed = [{"name": "Tarifa de disponibilidade", "amount": "4.50"}]
    return {
        "act": "Resolução DAE nº 12/2024 (demonstração)",
        "valid_from": "2020-01-01",
        "rounding": "half_up",
        "category_split": "equal",
        "sewer_rounding": "per_band",
        "categories": [
            {
                "code": "RES",
                "name": "Residencial",
                "minimum_m3_per_unit": 10,
                "sewer_percent": "80",
                "bands": res,
                "fixed_charges": fixed,
            },
            {
                "code": "COM",
                "name": "Comercial",
                "minimum_m3_per_unit": 10,
                "sewer_percent": "80",
                "bands": com,
                "fixed_charges": fixed,
            },
            {
                "code": "IND",
                "name": "Industrial",
                "minimum_m3_per_unit": 10,
                "sewer_percent": "80",
                "bands": com,
                "fixed_charges": fixed,
            },
            {
                "code": "PUB",
                "name": "Pública",
                "minimum_m3_per_unit": 10,
                "sewer_percent": "80",
                "bands": com,
                "fixed_charges": fixed,
            },
        ],
    }


QUALITY_ROWS = [
    ["Cor aparente (uH)", "30", "31", "31", "≤ 15"],
    ["Turbidez (uT)", "30", "31", "30", "≤ 5"],
    ["Cloro residual livre (mg/L)", "30", "31", "31", "0,2 a 2,0"],
    ["Coliformes totais", "30", "31", "31", "ausência em 100 mL"],
    ["Escherichia coli", "30", "31", "31", "ausência em 100 mL"],
    ["Fluoreto (mg/L)", "10", "10", "10", "0,6 a 0,85"],
]


def _texts() -> None:
    if not BillText.objects.exists():
        BillText.objects.create(
            kind=BillText.Kind.MESSAGE,
            valid_from=dt.date(2020, 1, 1),
            title="Economize água",
            body="Verifique vazamentos: feche as torneiras e observe se o hidrômetro continua girando.\n"
            "Atualize seu cadastro e receba a fatura por e-mail na agência virtual.",
        )
        BillText.objects.create(
            kind=BillText.Kind.WATER_QUALITY,
            valid_from=dt.date(2020, 1, 1),
            title="Qualidade da água distribuída (Decreto 5.440/2005, Portaria GM/MS 888/2021)",
            body="Amostras do mês anterior ao da leitura. Relatório anual no site da concessionária.",
            rows=QUALITY_ROWS,
        )


def _tariff(schema: str) -> None:
    if Tariff.objects.filter(status=TariffStatus.APPROVED).exists():
        return
    data = sorocaba_tariff() if schema == "sorocaba" else querencia_tariff()
    with transaction.atomic():
        tariff = tariff_create(actor=ACTOR, data=data)
        tariff_approve(actor=ACTOR, tariff=tariff, today=dt.date(2020, 1, 1))


def _history(last: YearMonth) -> None:
    """Bulk readings for the 11 months before `last` (one per metered property and month)."""
    first = last.plus(-11)
    installs = list(
        Installation.objects.filter(removed_on__isnull=True, connection__kind="water")
        .select_related("connection")
        .values_list(
            "pk", "connection__property_id", "connection__property__billing_group_id", "initial_reading"
        )
    )
    done = set(
        Reading.objects.filter(reference__gte=first.first_day(), reference__lt=last.first_day()).values_list(
            "property_id", "reference"
        )
    )
    schedules = {(s.group_id, s.reference): s for s in ReadingSchedule.objects.all()}
    rows: list[Reading] = []
    for inst_id, pid, group_id, initial in installs:
        rng = random.Random(pid)  # noqa: S311 - demo data
        base = rng.choice((6, 8, 10, 12, 14, 16, 18, 22, 30))
        value = initial
        for i in range(11):
            month = first.plus(i)
            m3 = max(0, int(base * (0.8 + rng.random() * 0.4)))
            value += m3
            schedule = schedules.get((group_id, month.first_day()))
            if (pid, month.first_day()) in done or schedule is None:
                continue
            rows.append(
                Reading(
                    property_id=pid,
                    reference=month.first_day(),
                    read_on=schedule.reading_start,
                    previous_value=value - m3,
                    value=value,
                    installation_id=inst_id,
                    consumption_kind="measured",
                    consumption_m3=m3,
                    source="seed",
                    actor=ACTOR.get_username(),
                )
            )
    Reading.objects.bulk_create(rows, batch_size=2000)


def _last_month(last: YearMonth) -> int:
    count = 0
    schedules = {s.group_id: s for s in ReadingSchedule.objects.filter(reference=last.first_day())}
    for reading_row in Reading.objects.filter(reference=last.plus(-1).first_day()).select_related("property"):
        prop = reading_row.property
        if Reading.objects.filter(property=prop, reference=last.first_day()).exists():
            continue
        schedule = schedules.get(prop.billing_group_id)
        if schedule is None or reading_row.value is None:
            continue
        rng = random.Random(prop.pk * 31 + last.month)  # noqa: S311 - demo data
        roll = rng.random()
        m3 = reading_row.consumption_m3
        value, occurrence = reading_row.value + max(0, int(m3 * (0.8 + rng.random() * 0.4))), ""
        if roll < 0.03:
            value = reading_row.value + m3 * 3  # a leak: high consumption, sent to review
        elif roll < 0.06:
            value, occurrence = None, "10"  # closed house: billed by the average
        try:
            reading_register(
                actor=ACTOR,
                source="seed",
                data=ReadingInput(prop.account_number, last, schedule.reading_start, value, occurrence),
            )
        except ValidationFailed:
            # the demo registry has meters installed or removed around the reading date, as a real
            # one does: the reading service refuses those, and the run bills them by its own rules
            continue
        count += 1
    return count


def seed_demo_billing(*, today: dt.date) -> list[str]:
    """Run inside the tenant after the registry demo. Returns lines for the command's output."""
    from modules.billing.seed import seed_reference_data as billing_seed
    from modules.reading.seed import seed_reference_data as reading_seed

    with transaction.atomic():
        reading_seed()
        billing_seed()
        _texts()
    schema = connection.schema_name
    _tariff(schema)
    last = YearMonth.of(today).previous()
    for group in BillingGroup.objects.all():
        schedule_generate(actor=ACTOR, group=group, first_month=last.plus(-11), months=14)
    _history(last)
    read = _last_month(last)
    out = [f"  leituras de {last.label}: {read} registradas"]
    if not getattr(current_tenant(), "febraban_company_code", ""):
        return [*out, "  faturamento: sem código FEBRABAN, não executado"]
    for group in BillingGroup.objects.all():
        run = BillingRun.objects.filter(group=group, reference=last.first_day()).first()
        if run is None:
            run = runs.run_create(actor=ACTOR, group=group, reference=last, chunk_size=500, enqueue=False)
        for chunk_id in RunChunk.objects.filter(run=run).exclude(status="done").values_list("id", flat=True):
            runs.chunk_process(chunk_id=chunk_id, stale_after=dt.timedelta(0))
        run.refresh_from_db()
        if run.status == RunStatus.DONE:
            # the worker renders the PDFs in the background; in-process tasks (embedded demo) would
            # render all of them here, so the first download renders each one instead
            runs.run_release(
                actor=ACTOR, run=run, reason="demonstração", render_pdfs=not settings.CELERY_TASK_ALWAYS_EAGER
            )
            run.refresh_from_db()
        # held bills (a reading under review, no reading…) wait for a person: say so, or "Liberado"
        # reads as if every bill had gone out
        held = runs.held_in_critique(run)
        out.append(
            f"  faturamento {group} {last.label}: {run.bills_count} faturas, "
            f"{run.bills_count - held} emitidas, {held} retidas na crítica, "
            f"{run.errors_count} não faturados ({run.get_status_display()})"
        )
    return out
