"""TEMPORARY (not committed): the booklet page and PDF written to /tmp/agency_shots for screenshots."""

from __future__ import annotations

import os
import re
from typing import Any

from django.conf import settings
from django.test import Client

from .conftest import Citizen, sign_in
from .test_booklet import _four_installments, rules, _frozen_today  # noqa: F401

OUT = "/tmp/agency_shots"


def _save(html: str, name: str) -> None:
    os.makedirs(OUT, exist_ok=True)
    html = html.replace('"/static/portal/', '"file:///work/wt/agency/portal/static/portal/')
    open(f"{OUT}/{name}.html", "w").write(html)


def test_shots(alpha_client: Client, citizen: Citizen, rules: None) -> None:
    agreement, _b = _four_installments(citizen)
    sign_in(alpha_client, citizen.home, citizen.cpf)
    base = f"/agencia/imoveis/{citizen.home.pk}"
    _save(alpha_client.get(f"{base}/parcelamentos/{agreement.pk}/carne/").content.decode(), "booklet")
    _save(alpha_client.get(f"{base}/carnes/").content.decode(), "booklets")
    _save(alpha_client.get(f"{base}/").content.decode(), "home")
    open(f"{OUT}/booklet.pdf", "wb").write(alpha_client.get(f"{base}/parcelamentos/{agreement.pk}/carne.pdf").content)
    totem = Client(HTTP_HOST="alpha.localhost")
    sign_in(totem, citizen.home, citizen.cpf, prefix="/totem/")
    _save(totem.get(f"/totem/imoveis/{citizen.home.pk}/parcelamentos/{agreement.pk}/carne/").content.decode(), "booklet_totem")


def test_statement_shot(alpha_client: Client, citizen: Citizen, rules: None) -> None:
    from modules.collection.models import PaymentDocument

    agreement, _b = _four_installments(citizen)
    sign_in(alpha_client, citizen.home, citizen.cpf)
    base = f"/agencia/imoveis/{citizen.home.pk}"
    alpha_client.get(f"{base}/parcelamentos/{agreement.pk}/carne/")
    doc = PaymentDocument.objects.filter(kind="statement", property=citizen.home).latest("pk")
    open(f"{OUT}/statement.pdf", "wb").write(alpha_client.get(f"{base}/extrato/{doc.pk}/pdf/").content)


def test_staff_shots(alpha_client: Client, citizen: Citizen, rules: None) -> None:
    from tests.conftest import make_user

    agreement, _b = _four_installments(citizen)
    make_user("alpha", "atendente", "Senha-Forte-123", is_admin=True, full_name="Atendente Teste")
    alpha_client.post("/conta/entrar/", {"username": "atendente", "password": "Senha-Forte-123"})
    for name, url in (("staff_agreement", f"/cobranca/parcelamentos/{agreement.pk}/"), ("staff_numbering", "/cadastro/numeracao/")):
        html = alpha_client.get(url).content.decode().replace('"/static/', '"file:///work/wt/agency/platform/saas/static/')
        open(f"{OUT}/{name}.html", "w").write(html)


def test_consumption_shot(alpha_client: Client, citizen: Citizen) -> None:
    from .test_consumption_table import SEED, _day
    import datetime as dt
    import time_machine
    from tests.collection import factories as f

    with time_machine.travel(dt.datetime(2019, 4, 19, 12, tzinfo=dt.UTC), tick=True):
        for month, read_on, reading, measured, billed in SEED:
            m, y = (int(x) for x in month.split("/"))
            bill = f.bill(citizen.home, "50.00", _day(read_on) + dt.timedelta(days=15), dt.date(y, m, 1))
            bill.read_on, bill.current_reading, bill.measured_m3 = _day(read_on), reading, measured
            bill.consumption_m3 = billed
            bill.save(update_fields=["read_on", "current_reading", "measured_m3", "consumption_m3"])
        sign_in(alpha_client, citizen.home, citizen.cpf)
        _save(alpha_client.get(f"/agencia/imoveis/{citizen.home.pk}/consumo/").content.decode(), "consumption")
