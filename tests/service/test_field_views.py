"""The back office's Campo page and the phone app's shell: the map and list of requested and
scheduled orders filtered by address, team and service, teams' last positions, productivity, the
privacy statement, the settings (retention and sync interval) and badges; the PWA page, its service
worker (scope /campo/) and manifest; field photos and notices on the order's page."""

from __future__ import annotations

import base64
import datetime as dt
import io
import uuid
from decimal import Decimal

import pytest
import time_machine
from PIL import Image

from modules.access.models import Profile, User
from modules.common.models import AuditEntry
from modules.service.models import Badge, FieldSettings
from modules.service.services import catalog, field, orders
from tests.conftest import make_user
from tests.registry import factories as reg

from . import factories as f

PASSWORD = "Senha-forte-123"
NOW = dt.datetime(2026, 4, 17, 16, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 4, 17)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(tenant_alpha, alpha_client):
    boss = make_user("alpha", "chefe", PASSWORD, is_admin=True)
    member = make_user("alpha", "campo1", PASSWORD)
    member.profiles.add(Profile.objects.get(name="Equipe de campo"))
    code = f.code("LIG01")
    other = f.code("VIS01", description="Vistoria")
    north, south = f.team("Equipe Norte"), f.team("Equipe Sul")
    catalog.team_member_add(actor=f.ACTOR, team_id=north.pk, user_id=member.pk, start=TODAY)
    flores = reg.prop(latitude=Decimal("-23.5"), longitude=Decimal("-47.45"))
    palmeiras = reg.prop(
        street=reg.street("das Palmeiras"), latitude=Decimal("-23.51"), longitude=Decimal("-47.46")
    )
    opened = NOW - dt.timedelta(hours=5)
    a = orders.order_open(actor=f.ACTOR, code=code.code, property_id=flores.pk, opened_at=opened)
    b = orders.order_open(actor=f.ACTOR, code=other.code, property_id=palmeiras.pk, opened_at=opened)
    orders.order_schedule(actor=f.ACTOR, order_id=a.pk, team_id=north.pk, day=TODAY)
    orders.order_schedule(actor=f.ACTOR, order_id=b.pk, team_id=south.pk, day=TODAY)
    return {"boss": boss, "member": member, "a": a, "b": b, "north": north, "south": south}


def _login(client, username):
    client.force_login(User.objects.get(username=username))
    return client


def _png() -> str:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 90, 200)).save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


def test_the_campo_page_filters_the_map_by_address_team_and_service(world, alpha_client) -> None:
    client = _login(alpha_client, "chefe")

    page = client.get("/servicos/campo/").content.decode()
    assert world["a"].label in page and world["b"].label in page
    assert page.count("<circle") == 2
    assert "Privacidade das posições (LGPD)" in page and "90 dias" in page

    by_address = client.get("/servicos/campo/", {"address": "palmeiras"}).content.decode()
    assert world["b"].label in by_address and world["a"].label not in by_address
    by_team = client.get("/servicos/campo/", {"team": world["north"].pk}).content.decode()
    assert world["a"].label in by_team and world["b"].label not in by_team
    by_code = client.get("/servicos/campo/", {"code": "VIS01"}).content.decode()
    assert world["b"].label in by_code and world["a"].label not in by_code


def test_settings_and_badges_are_saved_and_audited(world, alpha_client) -> None:
    client = _login(alpha_client, "chefe")

    saved = client.post(
        "/servicos/campo/",
        {"action": "settings", "position_retention_days": "30", "sync_interval_seconds": "120"},
    )
    badge = client.post("/servicos/campo/", {"action": "badge", "code": "CR-7", "user": world["member"].pk})
    bad = client.post(
        "/servicos/campo/",
        {"action": "settings", "position_retention_days": "0", "sync_interval_seconds": "120"},
    )

    assert saved.status_code == 302 and badge.status_code == 302
    row = FieldSettings.objects.get(pk=1)
    assert (row.position_retention_days, row.sync_interval_seconds) == (30, 120)
    assert Badge.objects.get(code="CR-7").user_id == world["member"].pk
    assert bad.status_code == 200 and FieldSettings.objects.get(pk=1).position_retention_days == 30
    assert AuditEntry.objects.filter(action="service.field_settings").count() == 1
    assert "30 dias" in client.get("/servicos/campo/").content.decode()


def test_the_field_profile_gets_the_app_but_not_the_back_office(world, alpha_client) -> None:
    client = _login(alpha_client, "campo1")

    app = client.get("/campo/")
    assert app.status_code == 200 and 'rel="manifest"' in app.content.decode()
    assert client.get("/servicos/campo/").status_code == 403
    worker = client.get("/campo/sw.js")
    assert worker["Content-Type"].startswith("application/javascript")
    assert worker["Service-Worker-Allowed"] == "/campo/"
    assert '"/campo/"' in worker.content.decode()
    manifest = client.get("/campo/manifest.webmanifest").json()
    assert manifest["scope"] == "/campo/" and manifest["start_url"] == "/campo/"


def test_photos_and_the_notice_show_on_the_order_page(world, alpha_client) -> None:
    photo = field.EventIn(uuid.uuid4(), "photo", NOW, world["a"].pk, {"data": _png(), "caption": "Cavalete"})
    notice = field.EventIn(
        uuid.uuid4(), "notice", NOW, world["a"].pk, {"text": "Vazamento.", "photos": [str(photo.id)]}
    )
    results = field.field_sync(actor=world["member"], device_id="pwa-x1", events=[photo, notice])
    assert [r.status for r in results] == ["applied", "applied"]
    client = _login(alpha_client, "chefe")

    page = client.get(f"/servicos/ordens/{world['a'].pk}/").content.decode()

    assert "Fotos de campo" in page and "Cavalete" in page and "Avisos ao cliente" in page
    photo_url = page.split('href="/servicos/campo/fotos/')[1].split('"')[0]
    image = client.get(f"/servicos/campo/fotos/{photo_url}")
    assert image["Content-Type"] == "image/png" and b"".join(image.streaming_content)[:4] == b"\x89PNG"
    notice_url = page.split('href="/servicos/campo/avisos/')[1].split('"')[0]
    pdf = client.get(f"/servicos/campo/avisos/{notice_url}")
    assert pdf["Content-Type"] == "application/pdf"
    feed = client.get("/servicos/campo/").content.decode()
    assert (
        "photofeed" in feed and f'OS <a href="/servicos/ordens/{world["a"].pk}/">{world["a"].label}' in feed
    )
