"""Meters in a tenant schema: install, remove, swap, status trail, calibration with photos, expiry list."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

from modules.common.errors import Conflict, ValidationFailed
from modules.common.models import AuditEntry
from modules.metering import selectors, services
from modules.metering.models import Installation, Meter, MeteringPolicy
from modules.registry import selectors as registry_selectors
from modules.registry.services.connections import connection_create
from tests.registry import factories as f

pytestmark = pytest.mark.usefixtures("tenant_alpha")


def meter(number: str = "Y19A000001", **fields) -> Meter:
    data = {
        "manufacturer": "Elster",
        "model": "S220",
        "capacity": "1.5",
        "diameter_mm": 20,
        "metrological_class": "B",
        "manufacture_year": 2022,
        "calibrated_on": dt.date(2022, 3, 1),
    } | fields
    return services.meter_create(actor=f.ACTOR, number=number, today=f.TODAY, **data)


def water(situation: str = "connected"):
    p = f.prop(holder=f.customer())
    return connection_create(
        actor=f.ACTOR, prop=p, kind="water", situation=situation, since=dt.date(2020, 1, 1), today=f.TODAY
    )


def test_install_remove_and_trail() -> None:
    m, sc = meter(), water()
    trail = AuditEntry.objects.filter(action__in=["metering.meter_install", "metering.meter_remove"])
    audited = trail.count()  # the browser tests' committed (append-only) rows stay in the database
    inst = services.meter_install(
        actor=f.ACTOR,
        meter=m,
        connection_obj=sc,
        installed_on=dt.date(2025, 1, 10),
        initial_reading=0,
        seal="L123",
        today=f.TODAY,
    )
    m.refresh_from_db()
    assert m.status == "installed"
    services.meter_remove(
        actor=f.ACTOR,
        connection_obj=sc,
        removed_on=dt.date(2025, 6, 1),
        final_reading=87,
        destination="maintenance",
        reason="embaçado",
        today=f.TODAY,
    )
    m.refresh_from_db()
    inst.refresh_from_db()
    assert (m.status, inst.final_reading, inst.removal_destination) == ("maintenance", 87, "maintenance")
    assert list(m.movements.order_by("id").values_list("status_from", "status_to")) == [
        ("", "stock"),
        ("stock", "installed"),
        ("installed", "maintenance"),
    ]
    assert trail.count() == audited + 2


def test_swap_records_both_readings_in_one_event() -> None:
    old, new, sc = meter("A0000001"), meter("A0000002"), water()
    services.meter_install(
        actor=f.ACTOR,
        meter=old,
        connection_obj=sc,
        installed_on=dt.date(2024, 1, 1),
        initial_reading=10,
        today=f.TODAY,
    )
    out, into = services.meter_swap(
        actor=f.ACTOR,
        connection_obj=sc,
        new_meter=new,
        on=dt.date(2025, 6, 1),
        final_reading=310,
        initial_reading=0,
        destination="scrapped",
        today=f.TODAY,
    )
    assert (out.final_reading, into.initial_reading, into.meter_id) == (310, 0, new.pk)
    assert list(
        Meter.objects.filter(pk__in=[old.pk, new.pk]).order_by("number").values_list("status", flat=True)
    ) == ["scrapped", "installed"]
    assert selectors.active_installation(connection_id=sc.pk).meter_id == new.pk
    # the meter number is a search key of the property
    assert [p.pk for p in registry_selectors.property_search("a0000002")] == [sc.property_id]
    assert list(registry_selectors.property_search("A0000001")) == []


def test_a_meter_on_two_connections_at_once_is_refused() -> None:
    m, first, second = meter(), water(), water()
    services.meter_install(
        actor=f.ACTOR,
        meter=m,
        connection_obj=first,
        installed_on=dt.date(2025, 1, 1),
        initial_reading=0,
        today=f.TODAY,
    )
    with pytest.raises(ValidationFailed) as err:
        services.meter_install(
            actor=f.ACTOR,
            meter=m,
            connection_obj=second,
            installed_on=dt.date(2025, 2, 1),
            initial_reading=0,
            today=f.TODAY,
        )
    assert err.value.field == "meter"
    assert "já está instalado na matrícula" in err.value.message
    assert Installation.objects.filter(connection=second).count() == 0


def test_removal_before_installation_is_refused_and_nothing_changes() -> None:
    m, sc = meter(), water()
    services.meter_install(
        actor=f.ACTOR,
        meter=m,
        connection_obj=sc,
        installed_on=dt.date(2025, 3, 1),
        initial_reading=0,
        today=f.TODAY,
    )
    with pytest.raises(ValidationFailed) as err:
        services.meter_remove(
            actor=f.ACTOR,
            connection_obj=sc,
            removed_on=dt.date(2025, 2, 28),
            final_reading=5,
            destination="stock",
            today=f.TODAY,
        )
    assert (err.value.field, err.value.message) == (
        "removed_on",
        "A data de retirada (28/02/2025) é anterior à instalação (01/03/2025).",
    )
    m.refresh_from_db()
    assert m.status == "installed"
    assert Installation.objects.get(meter=m).removed_on is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"calibrated_on": dt.date(2026, 1, 1)}, "calibrated_on"),
        ({"manufacture_year": 2031}, "manufacture_year"),
        ({"min_flow": "3", "max_flow": "1"}, "min_flow"),
        ({"metrological_class": "Z"}, "metrological_class"),
    ],
)
def test_bad_meter_fields(fields, field) -> None:
    with pytest.raises(ValidationFailed) as err:
        meter(**fields)
    assert err.value.field == field
    assert Meter.objects.count() == 0


def test_install_in_future_and_on_inactive_connection() -> None:
    m, sc = meter(), water("feasible")
    with pytest.raises(ValidationFailed) as err:
        services.meter_install(
            actor=f.ACTOR,
            meter=m,
            connection_obj=sc,
            installed_on=f.TODAY + dt.timedelta(days=1),
            initial_reading=0,
            activate=True,
            today=f.TODAY,
        )
    assert err.value.field == "installed_on"
    with pytest.raises(Conflict) as conflict:
        services.meter_install(
            actor=f.ACTOR, meter=m, connection_obj=sc, installed_on=f.TODAY, initial_reading=0, today=f.TODAY
        )
    assert conflict.value.code == "requires_activation"
    services.meter_install(
        actor=f.ACTOR,
        meter=m,
        connection_obj=sc,
        installed_on=f.TODAY,
        initial_reading=0,
        activate=True,
        today=f.TODAY,
    )
    sc.refresh_from_db()
    assert (sc.situation, sc.metered) == ("connected", True)


def test_scrapped_meter_cannot_be_installed_or_revived() -> None:
    m = meter()
    services.meter_change_status(actor=f.ACTOR, meter=m, status="scrapped", on=f.TODAY, today=f.TODAY)
    with pytest.raises(Conflict, match="descartado"):
        services.meter_change_status(actor=f.ACTOR, meter=m, status="stock", on=f.TODAY, today=f.TODAY)
    with pytest.raises(ValidationFailed, match="Somente hidrômetros em estoque"):
        services.meter_install(
            actor=f.ACTOR,
            meter=m,
            connection_obj=water(),
            installed_on=f.TODAY,
            initial_reading=0,
            today=f.TODAY,
        )


def test_batch_is_all_or_nothing() -> None:
    meter("A0001100")
    with pytest.raises(Conflict, match="1 código"):
        services.meter_batch_create(
            actor=f.ACTOR,
            first="A0001000",
            last="A0001499",
            manufacturer="Elster",
            capacity="1.5",
            diameter_mm=20,
            metrological_class="B",
            manufacture_year=2024,
            today=f.TODAY,
        )
    assert Meter.objects.count() == 1
    made = services.meter_batch_create(
        actor=f.ACTOR,
        first="A0002000",
        last="A0002499",
        manufacturer="Elster",
        capacity="1.5",
        diameter_mm=20,
        metrological_class="B",
        manufacture_year=2024,
        today=f.TODAY,
    )
    assert len(made) == 500 and Meter.objects.filter(status="stock").count() == 501


def test_calibration_photo_is_reencoded_and_validity_updated() -> None:
    m = meter(calibrated_on=dt.date(2020, 1, 1))
    raw = io.BytesIO()
    Image.effect_noise((4000, 3000), 80).convert("RGB").save(raw, "PNG")
    cal = services.calibration_record(
        actor=f.ACTOR,
        meter=m,
        on=dt.date(2025, 6, 1),
        requester="citizen",
        result="approved",
        photos=[raw.getvalue()],
        error_qt="1.20",
        today=f.TODAY,
    )
    photo = cal.photos.get()
    assert max(photo.width, photo.height) == 1600
    assert photo.size_bytes < len(raw.getvalue())
    m.refresh_from_db()
    assert m.calibrated_on == dt.date(2025, 6, 1)
    with pytest.raises(ValidationFailed) as err:
        services.calibration_record(
            actor=f.ACTOR,
            meter=m,
            on=dt.date(2025, 6, 1),
            requester="citizen",
            result="approved",
            photos=[b"not an image"],
            today=f.TODAY,
        )
    assert err.value.field == "photos"


def test_expiring_list_uses_tenant_policy() -> None:
    MeteringPolicy.objects.update(validity_years=5, alert_days=60)
    due, fine = (
        meter("B0000001", calibrated_on=dt.date(2020, 3, 10)),
        meter("B0000002", calibrated_on=dt.date(2022, 1, 1)),
    )
    for m in (due, fine):
        services.meter_install(
            actor=f.ACTOR,
            meter=m,
            connection_obj=water(),
            installed_on=dt.date(2024, 1, 1),
            initial_reading=0,
            today=f.TODAY,
        )
    assert [x.number for x in selectors.meters_expiring(as_of=dt.date(2025, 1, 9))] == ["B0000001"]
    assert [x.number for x in selectors.meters_expiring(as_of=dt.date(2025, 1, 8))] == []
    MeteringPolicy.objects.update(validity_years=3)
    assert [x.number for x in selectors.meters_expiring(as_of=dt.date(2025, 1, 8))] == [
        "B0000001",
        "B0000002",
    ]
