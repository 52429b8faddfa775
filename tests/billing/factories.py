"""Billing fixtures built straight with the ORM (the registry's services are tested elsewhere): a
property ready to bill, its meter, a tariff in force, a reading schedule."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection

from modules.billing.models import Bill, BillingRun, Tariff
from modules.billing.services.tariffs import tariff_approve, tariff_create
from modules.common.audit import SystemActor
from modules.common.domain.dates import YearMonth
from modules.common.tenancy import tenant_context
from modules.metering.models import Installation, Meter
from modules.reading.models import ReadingSchedule
from modules.registry.domain.account_number import next_account_base
from modules.registry.models import (
    BillingGroup,
    Category,
    City,
    Customer,
    Neighbourhood,
    Property,
    PropertyCategory,
    PropertyRelation,
    Route,
    ServiceConnection,
    Street,
)
from tests.registry.factories import cpf

ACTOR = SystemActor("tests")
_last_base = [5_000_000]
_meters = itertools.count(1)


def sorocaba_tariff_json(**overrides: Any) -> dict[str, Any]:
    """The §14.7 tariff of seed 002 (1.07 / 1.61 / 2.33 / 3.37, sewer 92.5 %, truncation)."""
    bands = [
        {"from_m3": 0, "to_m3": 10, "price": "1.07"},
        {"from_m3": 11, "to_m3": 15, "price": "1.61"},
        {"from_m3": 16, "to_m3": 20, "price": "2.33"},
        {"from_m3": 21, "to_m3": 25, "price": "3.37"},
    ]
    return {
        "act": "Ato 14.7",
        "valid_from": "2013-01-01",
        "rounding": "truncate",
        "sewer_rounding": "per_band",
        "categories": [
            {
                "code": "RES",
                "name": "Residencial",
                "minimum_m3_per_unit": 0,
                "sewer_percent": "92.5",
                "bands": bands,
                "fixed_charges": [],
            },
            {
                "code": "COM",
                "name": "Comercial",
                "minimum_m3_per_unit": 10,
                "sewer_percent": "92.5",
                "bands": [
                    {"from_m3": 0, "to_m3": 10, "price": "2.00"},
                    {"from_m3": 11, "to_m3": None, "price": "4.00"},
                ],
                "fixed_charges": [{"name": "Tarifa de disponibilidade", "amount": "5.00"}],
            },
        ],
    } | overrides


def approved_tariff(**overrides: Any) -> Any:
    tariff = tariff_create(actor=ACTOR, data=sorocaba_tariff_json(**overrides))
    return tariff_approve(actor=ACTOR, tariff=tariff, today=dt.date(2025, 1, 1))


def set_company_code(code: str = "0562") -> None:
    tenant = connection.tenant
    tenant.febraban_company_code = code
    tenant.save(update_fields=["febraban_company_code"])  # the save signal drops the host -> tenant cache


def group(code: int = 7) -> BillingGroup:
    g, _ = BillingGroup.objects.get_or_create(code=code, defaults={"name": f"Grupo {code}"})
    Route.objects.get_or_create(group=g, code=1)
    return g


def schedule(g: BillingGroup, month: YearMonth, start_day: int = 2, end_day: int = 28) -> ReadingSchedule:
    row, _ = ReadingSchedule.objects.get_or_create(
        group=g,
        reference=month.first_day(),
        defaults={
            "reading_start": month.day(start_day),
            "reading_end": month.day(end_day),
            "billing_date": month.last_day(),
            "due_date": month.next().day(15),
        },
    )
    return row


def billable(
    g: BillingGroup,
    categories: tuple[tuple[str, int], ...] = (("RES", 1),),
    *,
    sewer: bool = True,
    metered: bool = True,
    initial: int = 0,
    dials: int = 5,
) -> Property:
    city = City.objects.order_by("id").first()
    assert city is not None
    street, _ = Street.objects.get_or_create(city=city, street_type="Rua", name="Tiradentes")
    hood, _ = Neighbourhood.objects.get_or_create(city=city, name="Centro")
    base = _last_base[0] = next_account_base(_last_base[0])
    p = Property.objects.create(
        account_base=base,
        locality=1,
        sector=1,
        block=1,
        lot=base % 30000,
        inscription=f"1.1.1.{base}.0",
        street=street,
        number="100",
        neighbourhood=hood,
        cep="18095340",
        billing_group=g,
        route=g.routes.first(),
        route_sequence=base,
    )
    for code, n in categories:
        PropertyCategory.objects.create(property=p, category=Category.objects.get(code=code), economies=n)
    water = ServiceConnection.objects.create(
        property=p, kind="water", situation="connected", since=dt.date(2020, 1, 1)
    )
    if sewer:
        ServiceConnection.objects.create(
            property=p, kind="sewer", situation="connected", since=dt.date(2020, 1, 1)
        )
    holder = Customer.objects.create(kind="person", name=f"Cliente {base}", cpf_cnpj=cpf())
    PropertyRelation.objects.create(property=p, customer=holder, role="owner", start=dt.date(2020, 1, 1))
    if metered:
        meter = Meter.objects.create(
            number=f"T{next(_meters):09d}",
            manufacturer="Elster",
            capacity="1.50",
            diameter_mm=20,
            metrological_class="B",
            manufacture_year=2020,
            dials=dials,
            status="installed",
        )
        Installation.objects.create(
            meter=meter,
            connection=water,
            installed_on=dt.date(2020, 1, 1),
            initial_reading=initial,
            installed_by="tests",
        )
    return p


@contextmanager
def committed_in_alpha(group_code: int, tariff_act: str) -> Iterator[None]:
    """For tests whose work runs in real worker processes (they only see committed rows): what the
    block commits in the alpha tenant under that group and tariff act is deleted afterwards."""
    with tenant_context("alpha"):
        previous_code = connection.tenant.febraban_company_code
        streets = set(Street.objects.values_list("pk", flat=True))
        hoods = set(Neighbourhood.objects.values_list("pk", flat=True))
    try:
        yield
    finally:
        with tenant_context("alpha"):
            Bill.objects.filter(run__group__code=group_code).delete()
            BillingRun.objects.filter(group__code=group_code).delete()
            ReadingSchedule.objects.filter(group__code=group_code).delete()
            ids = list(Property.objects.filter(billing_group__code=group_code).values_list("pk", flat=True))
            customers = list(
                Customer.objects.filter(relations__property_id__in=ids).values_list("pk", flat=True)
            )
            Property.objects.filter(pk__in=ids).delete()
            Customer.objects.filter(pk__in=customers).delete()
            group_row = group(group_code)
            group_row.routes.all().delete()
            group_row.delete()
            Tariff.objects.filter(act=tariff_act).delete()
            Street.objects.exclude(pk__in=streets).delete()
            Neighbourhood.objects.exclude(pk__in=hoods).delete()
            set_company_code(previous_code)
