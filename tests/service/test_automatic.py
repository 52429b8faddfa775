"""Abertura automática: meter and reading events open one order of the rule's code after they
commit; a replayed event, or the nightly sweep run twice, opens nothing more; no rule, no order; the
sweep opens orders only in the schema its message names."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from modules.common.domain.dates import YearMonth
from modules.common.errors import NotFound, ValidationFailed
from modules.common.models import AuditEntry, JobRun
from modules.common.tenancy import SCHEMA_HEADER, tenant_context
from modules.metering import services as metering
from modules.metering.models import Meter
from modules.reading.services import ReadingInput, reading_register
from modules.registry.services.connections import connection_create
from modules.service.models import AutomaticOpening, AutomaticRule, ServiceOrder
from modules.service.services import automatic
from modules.service.tasks import meters_expiring_open
from tests.billing import factories as bf
from tests.registry import factories as reg

from . import factories as f

NOW = dt.datetime(2025, 6, 15, 15, 0, tzinfo=dt.UTC)
TODAY = reg.TODAY
A = f.ACTOR


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _meter(number: str, calibrated_on: dt.date = dt.date(2024, 3, 1)) -> Meter:
    return metering.meter_create(
        actor=A,
        number=number,
        today=TODAY,
        manufacturer="Elster",
        model="S220",
        capacity="1.5",
        diameter_mm=20,
        metrological_class="B",
        manufacture_year=2022,
        calibrated_on=calibrated_on,
    )


def _water() -> Any:
    return connection_create(
        actor=A,
        prop=reg.prop(holder=reg.customer()),
        kind="water",
        situation="connected",
        since=dt.date(2020, 1, 1),
        today=TODAY,
    )


def _install(meter: Meter, sc: Any, on: dt.date = dt.date(2025, 1, 10)) -> Any:
    return metering.meter_install(
        actor=A, meter=meter, connection_obj=sc, installed_on=on, initial_reading=0, today=TODAY
    )


def _codes() -> None:
    f.code("INS01", description="Conferir instalação", price_from=dt.date(2025, 1, 1))
    f.code("RET01", description="Vistoria de retirada", price_from=dt.date(2025, 1, 1))
    f.code("TRC01", description="Conferir troca", price_from=dt.date(2025, 1, 1))
    f.code("AFR01", description="Trocar hidrômetro vencido", price_from=dt.date(2025, 1, 1))
    f.code("VAZ01", description="Vistoria de vazamento", price_from=dt.date(2025, 1, 1))
    f.code("CRT01", description="Revisão de consumo", price_from=dt.date(2025, 1, 1))


def _auto(prop_id: int) -> list[tuple[str, str]]:
    return list(
        ServiceOrder.objects.filter(property_id=prop_id, automatic_opening__isnull=False)
        .order_by("id")
        .values_list("code__code", "automatic_opening__event")
    )


def test_meter_install_remove_and_swap_each_open_one_order(tenant_alpha, django_capture_on_commit_callbacks):
    _codes()
    automatic.rule_set(actor=A, event="meter_installed", code="INS01")
    automatic.rule_set(actor=A, event="meter_removed", code="RET01")
    automatic.rule_set(actor=A, event="meter_swapped", code="TRC01")
    sc = _water()
    with django_capture_on_commit_callbacks(execute=True):
        inst = _install(_meter("A0000001"), sc)
    with django_capture_on_commit_callbacks(execute=True):
        metering.meter_swap(
            actor=A,
            connection_obj=sc,
            new_meter=_meter("A0000002"),
            on=dt.date(2025, 3, 1),
            final_reading=40,
            initial_reading=0,
            destination="stock",
            today=TODAY,
        )
    with django_capture_on_commit_callbacks(execute=True):
        metering.meter_remove(
            actor=A,
            connection_obj=sc,
            removed_on=dt.date(2025, 5, 1),
            final_reading=30,
            destination="maintenance",
            today=TODAY,
        )
    assert _auto(sc.property_id) == [
        ("INS01", "meter_installed"),
        ("TRC01", "meter_swapped"),
        ("RET01", "meter_removed"),
    ]
    order = ServiceOrder.objects.get(automatic_opening__source=f"metering.installation:{inst.pk}")
    assert order.status == "pending" and order.opened_by == "sistema:service.automatic"
    assert "Hidrômetro instalado" in order.description
    # the same event announced again (a replay) opens nothing more
    again = automatic.on_event(
        "meter_installed", source=f"metering.installation:{inst.pk}", property_id=sc.property_id
    )
    assert again is None
    assert ServiceOrder.objects.count() == 3


def test_no_rule_no_order(tenant_alpha, django_capture_on_commit_callbacks):
    _codes()
    automatic.rule_set(actor=A, event="meter_removed", code="RET01")  # a rule for another event
    sc = _water()
    with django_capture_on_commit_callbacks(execute=True):
        _install(_meter("B0000001"), sc)
    assert not ServiceOrder.objects.exists() and not AutomaticOpening.objects.exists()


def test_reading_occurrence_and_consumption_review_open_their_orders(
    tenant_alpha, django_capture_on_commit_callbacks
):
    _codes()
    automatic.rule_set(actor=A, event="reading_occurrence", occurrence="30", code="VAZ01")
    automatic.rule_set(actor=A, event="consumption_review", code="CRT01")
    g = bf.group()
    month = YearMonth(2025, 5)
    bf.schedule(g, month)
    bf.schedule(g, month.next())
    leak, closed = bf.billable(g), bf.billable(g)
    with django_capture_on_commit_callbacks(execute=True):
        # "30" (vazamento aparente) sends the consumption to review: both rules open
        reading_register(actor=A, data=ReadingInput(leak.account_number, month, month.day(10), 12, "30"))
    with django_capture_on_commit_callbacks(execute=True):
        # "12" has no rule: nothing opens for it
        reading_register(actor=A, data=ReadingInput(closed.account_number, month, month.day(10), None, "12"))
    assert _auto(leak.pk) == [("VAZ01", "reading_occurrence"), ("CRT01", "consumption_review")]
    assert _auto(closed.pk) == []
    with django_capture_on_commit_callbacks(execute=True):  # the batch re-sent: the same reading row
        reading_register(actor=A, data=ReadingInput(leak.account_number, month, month.day(10), 12, "30"))
    assert ServiceOrder.objects.count() == 2


def test_rules_are_audited_replaced_and_refused_with_the_field(tenant_alpha):
    _codes()
    rule = automatic.rule_set(actor=A, event="meter_installed", code="INS01")
    same = automatic.rule_set(actor=A, event="meter_installed", code="TRC01")
    assert same.pk == rule.pk and same.code.code == "TRC01"
    assert AutomaticRule.objects.count() == 1
    for kwargs, field in (
        ({"event": "meteor", "code": "INS01"}, "event"),
        ({"event": "reading_occurrence", "code": "INS01"}, "occurrence"),
        ({"event": "meter_removed", "occurrence": "30", "code": "INS01"}, "occurrence"),
    ):
        with pytest.raises(ValidationFailed) as raised:
            automatic.rule_set(actor=A, **kwargs)
        assert raised.value.field == field
    with pytest.raises(NotFound) as missing:
        automatic.rule_set(actor=A, event="meter_removed", code="NOPE")
    assert missing.value.field == "code"
    assert AutomaticRule.objects.count() == 1
    automatic.rule_delete(actor=A, rule_id=rule.pk)
    assert not AutomaticRule.objects.exists()
    actions = list(
        AuditEntry.objects.filter(action__startswith="service.automatic_rule").values_list(
            "action", flat=True
        )
    )
    assert actions.count("service.automatic_rule_set") == 2 and "service.automatic_rule_delete" in actions


def _expiring_setup(number: str) -> Any:
    """A rule for expiry, one meter calibrated long ago (expiring) and one fresh, both installed."""
    f.code("AFR01", description="Trocar hidrômetro vencido", price_from=dt.date(2025, 1, 1))
    automatic.rule_set(actor=A, event="meter_expiring", code="AFR01")
    old, fresh = _water(), _water()
    _install(_meter(number, calibrated_on=dt.date(2020, 7, 1)), old)  # ends 2025-07-01: within 90 days
    _install(_meter(number[:-1] + "9", calibrated_on=dt.date(2025, 1, 1)), fresh)
    return old


def test_nightly_expiry_opens_one_order_per_meter_and_a_rerun_nothing(tenant_alpha):
    sc = _expiring_setup("C0000001")
    headers = {SCHEMA_HEADER: "alpha"}
    first = meters_expiring_open.apply(headers=headers, throw=True).get()
    again = meters_expiring_open.apply(headers=headers, throw=True).get()
    assert len(first["opened"]) == 1 and again == {"day": "2025-06-15", "opened": []}
    assert _auto(sc.property_id) == [("AFR01", "meter_expiring")]
    assert ServiceOrder.objects.count() == 1
    run = JobRun.objects.get(task="service.meters_expiring_open", key="2025-06-15")
    assert run.detail == {"opened": first["opened"]}


def test_nightly_expiry_without_a_rule_opens_nothing(tenant_alpha):
    _expiring_setup("D0000001")
    AutomaticRule.objects.all().delete()
    assert meters_expiring_open.apply(headers={SCHEMA_HEADER: "alpha"}, throw=True).get()["opened"] == []
    assert not ServiceOrder.objects.exists()


def test_nightly_expiry_opens_orders_only_in_each_tenants_schema(tenant_alpha):
    alpha_sc = _expiring_setup("E0000001")
    with tenant_context("beta"):
        beta_sc = _expiring_setup("F0000001")
        beta_sc_2 = _water()
        _install(_meter("F0000002", calibrated_on=dt.date(2019, 1, 1)), beta_sc_2)
    alpha = meters_expiring_open.apply(headers={SCHEMA_HEADER: "alpha"}, throw=True).get()
    assert len(alpha["opened"]) == 1
    assert _auto(alpha_sc.property_id) == [("AFR01", "meter_expiring")]
    with tenant_context("beta"):
        assert not ServiceOrder.objects.exists()  # alpha's run wrote nothing here
    beta = meters_expiring_open.apply(headers={SCHEMA_HEADER: "beta"}, throw=True).get()
    assert len(beta["opened"]) == 2
    assert ServiceOrder.objects.count() == 1  # and beta's run nothing in alpha
    with tenant_context("beta"):
        assert ServiceOrder.objects.count() == 2
        assert _auto(beta_sc.property_id) == [("AFR01", "meter_expiring")]


def test_beat_dispatches_the_sweep_to_every_tenant(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["service-meters-expiring-open"]
    assert entry["task"] == "modules.common.tasks.dispatch_to_tenants"
    assert entry["args"] == ["modules.service.tasks.meters_expiring_open"]


def test_an_order_that_cannot_open_never_fails_the_committed_event(
    tenant_alpha, django_capture_on_commit_callbacks
):
    from modules.metering.models import Installation
    from modules.service.models import ServiceCode

    _codes()
    automatic.rule_set(actor=A, event="meter_installed", code="INS01")
    ServiceCode.objects.filter(code="INS01").update(is_active=False)  # deactivated after the rule
    sc = _water()
    with django_capture_on_commit_callbacks(execute=True):
        inst = _install(_meter("G0000001"), sc)
    assert Installation.objects.filter(pk=inst.pk).exists()
    assert not ServiceOrder.objects.exists() and not AutomaticOpening.objects.exists()
