"""The metering policy: a page under "Configurações" and an API, audited with before and after;
the expiring list and the photo size follow it; its configuration section round-trips alpha → beta."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client

from modules.access.models import Profile, ProfileGrant, User
from modules.common.errors import ValidationFailed
from modules.common.models import AuditEntry
from modules.metering.configuration import SECTION
from modules.metering.models import MeteringPolicy
from modules.metering.services import calibration_record, meter_create
from modules.metering.services.policy import metering_policy_update
from tests.billing import factories as f
from tests.conftest import bearer, make_user

PASSWORD = "Senha-forte-123"
pytestmark = pytest.mark.usefixtures("tenant_alpha")
DEFAULTS = {"validity_years": 5, "alert_days": 90, "photo_max_px": 1600, "photo_quality": 80}


def _policy() -> dict[str, int]:
    row = MeteringPolicy.current()
    return {n: getattr(row, n) for n in DEFAULTS}


def test_calibration_photos_are_kept_at_the_policy_size() -> None:
    from PIL import Image

    metering_policy_update(actor=f.ACTOR, photo_max_px=800)
    meter = meter_create(
        actor=f.ACTOR, number="Y26P000001", manufacturer="LAO", capacity="1.5", diameter_mm=20,
        metrological_class="B", manufacture_year=2025,
    )  # fmt: skip
    raw = io.BytesIO()
    Image.new("RGB", (3000, 2000), "blue").save(raw, "JPEG")
    cal = calibration_record(
        actor=f.ACTOR, meter=meter, on=dt.date(2026, 1, 5), requester="utility", result="approved",
        photos=[raw.getvalue()], today=dt.date(2026, 1, 6),
    )  # fmt: skip
    assert max(cal.photos.get().width, cal.photos.get().height) == 800


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"validity_years": 0}, "validity_years"), ({"alert_days": 400}, "alert_days"),
     ({"photo_max_px": 100}, "photo_max_px"), ({"photo_quality": 99}, "photo_quality")],
)  # fmt: skip
def test_values_out_of_range_are_refused_and_nothing_changes(fields: dict[str, int], field: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        metering_policy_update(actor=f.ACTOR, **fields)
    assert (raised.value.field, raised.value.code) == (field, "setting_out_of_range")
    assert _policy() == DEFAULTS
    assert not AuditEntry.objects.filter(action="metering.policy_update").exists()


def _api_user(username: str, *, change: bool) -> None:
    profile = Profile.objects.create(name=f"Hidrometria {username}")
    ProfileGrant.objects.create(profile=profile, function="metering.policy", can_view=True, can_change=change)
    make_user("alpha", username, PASSWORD).profiles.add(profile)


def test_the_api_reads_and_changes_the_policy_audited(alpha_client: Client) -> None:
    _api_user("hidro", change=True)
    _api_user("vista", change=False)
    headers = bearer(alpha_client, "hidro", PASSWORD)
    assert alpha_client.get("/api/v1/settings/metering-policy", **headers).json() == DEFAULTS
    response = alpha_client.put(
        "/api/v1/settings/metering-policy", {"validity_years": 8}, content_type="application/json", **headers
    )
    assert (response.status_code, response.json()) == (200, DEFAULTS | {"validity_years": 8})
    audit = AuditEntry.objects.get(action="metering.policy_update")
    assert (audit.actor, audit.before, audit.after) == ("hidro", {"validity_years": 5}, {"validity_years": 8})

    refused = alpha_client.put(
        "/api/v1/settings/metering-policy", {"alert_days": -1}, content_type="application/json", **headers
    )
    assert (refused.status_code, refused.json()["field"]) == (400, "alert_days")
    viewer = bearer(alpha_client, "vista", PASSWORD)
    forbidden = alpha_client.put(
        "/api/v1/settings/metering-policy", {"alert_days": 30}, content_type="application/json", **viewer
    )
    assert forbidden.status_code == 403
    assert _policy() == DEFAULTS | {"validity_years": 8}
    assert AuditEntry.objects.filter(action="metering.policy_update").count() == 1


def test_the_page_saves_says_what_is_wrong_and_shows_the_history(alpha_client: Client) -> None:
    alpha_client.force_login(make_user("alpha", "gestora", PASSWORD, is_admin=True))
    page = alpha_client.get("/hidrometria/politica/")
    assert page.status_code == 200 and "Validade da aferição (anos)" in page.content.decode()

    form = DEFAULTS | {"alert_days": 60}
    saved = alpha_client.post("/hidrometria/politica/", form)
    assert (saved.status_code, saved["Location"]) == (302, "/hidrometria/politica/")
    wrong = alpha_client.post("/hidrometria/politica/", form | {"validity_years": 20})
    assert wrong.status_code == 400
    assert "A validade da aferição deve ficar entre 1 e 10 anos." in wrong.content.decode()
    assert _policy() == DEFAULTS | {"alert_days": 60}

    expiring = alpha_client.get("/hidrometria/vencendo/").content.decode()
    assert "alerta com 60 dias de antecedência" in expiring
    history = alpha_client.get("/hidrometria/politica/").content.decode()
    history = history[history.index("Histórico de alterações") :]
    assert "gestora" in history and re.search(r"90\s*→\s*60", history)

    User.objects.filter(username="gestora").update(is_admin=False)
    assert alpha_client.post("/hidrometria/politica/", form).status_code == 403


def test_the_section_round_trips_alpha_to_beta(tenant_alpha: Any) -> None:
    metering_policy_update(actor=f.ACTOR, validity_years=6, photo_quality=70)
    exported = SECTION.export()
    assert exported == {"policy": DEFAULTS | {"validity_years": 6, "photo_quality": 70}}

    connection.set_tenant(type(tenant_alpha).objects.get(schema_name="beta"))
    changes = SECTION.plan(exported)
    assert [(c.path, c.before, c.after) for c in changes] == [
        ("metering.policy.validity_years", 5, 6),
        ("metering.policy.photo_quality", 80, 70),
    ]
    assert _policy() == DEFAULTS  # plan writes nothing
    with transaction.atomic():
        SECTION.apply(exported, actor=f.ACTOR)
    assert SECTION.export() == exported
    assert SECTION.plan(exported) == []


@pytest.mark.parametrize(
    ("section", "field"),
    [("x", "metering"), ({"rules": {}}, "metering.rules"), ({}, "metering.policy"),
     ({"policy": {"validity_years": 5}}, "metering.policy.alert_days"),
     ({"policy": DEFAULTS | {"photo_quality": "80"}}, "metering.policy.photo_quality"),
     ({"policy": DEFAULTS | {"validity_years": 11}}, "metering.policy.validity_years")],
)  # fmt: skip
def test_bad_input_is_refused_with_the_document_path(section: Any, field: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        SECTION.plan(section)
    assert raised.value.field == field
    assert _policy() == DEFAULTS


def test_gestor_may_change_the_policy_and_consulta_only_see_it() -> None:
    rows = dict(
        ProfileGrant.objects.filter(
            function="metering.policy", profile__name__in=["Gestor", "Consulta"]
        ).values_list("profile__name", "can_change")
    )
    assert rows == {"Gestor": True, "Consulta": False}
