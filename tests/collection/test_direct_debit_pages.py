"""The direct-debit page (issue #18, ADR 0235) under Arrecadação in the staff menu: an agreement
registered, a property enrolled by matrícula, a remittance generated and downloaded, a bill frozen,
an unidentified enrolment linked; a view-only profile sees the page and cannot post."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from modules.access.models import Profile, ProfileGrant
from modules.collection.domain import direct_debit as layout
from modules.collection.models import (
    DirectDebitAgreement,
    DirectDebitAuthorization,
    DirectDebitBillControl,
    DirectDebitEnrolmentQueue,
    DirectDebitRemittance,
)
from modules.common.audit import SystemActor
from tests.collection import factories as f
from tests.collection.test_direct_debit import _bank_return
from tests.conftest import make_user

pytestmark = pytest.mark.usefixtures("tenant_alpha")
PASSWORD = "Senha-forte-123"
URL = "/arrecadacao/debito-automatico/"


def _client(client: Client, username: str, *, change: bool) -> Client:
    profile = Profile.objects.create(name=f"DA {username}")
    ProfileGrant.objects.create(
        profile=profile, function="collection.direct_debit", can_view=True, can_add=change, can_change=change
    )
    user = make_user("alpha", username, PASSWORD)
    user.profiles.add(profile)
    client.force_login(user)
    return client


def test_a_clerk_runs_direct_debit_from_the_page(alpha_client: Client) -> None:
    c = _client(alpha_client, "clerk", change=True)
    assert f'href="{URL}"' in c.get("/").content.decode()
    agent = f.agent("237")
    r = c.post(URL + "convenios/", {"agent": agent.pk, "code": "da9", "name": "Água", "layout_version": "05"})
    assert r.status_code == 302, r.content.decode()[:2000]
    agreement = DirectDebitAgreement.objects.get(code="DA9")
    p = f.prop()
    r = c.post(
        URL + "autorizacoes/",
        {"account_number": p.account_number, "agreement": agreement.pk, "branch": "1234", "account": "98765"},
    )
    assert r.status_code == 302
    auth = DirectDebitAuthorization.objects.get(property=p)
    assert auth.pending == "include"
    # a matrícula nobody has: the field says so
    r = c.post(
        URL + "autorizacoes/",
        {"account_number": "1-1", "agreement": agreement.pk, "branch": "1", "account": "2"},
    )
    assert r.status_code == 400 and "Nenhum imóvel com esta matrícula" in r.content.decode()
    due = timezone.localdate() + dt.timedelta(days=10)
    f.bill(p, "25.00", due)
    r = c.post(URL + "remessas/", {"agent": agent.pk, "due_until": due.isoformat()})
    assert r.status_code == 302
    first = DirectDebitRemittance.objects.get()
    assert first.enrolment_count == 1 and first.debit_count == 0
    r = c.post(URL + "remessas/", {"agent": agent.pk, "due_until": due.isoformat()})
    second = DirectDebitRemittance.objects.order_by("-id").first()
    assert second is not None and second.debit_count == 1
    download = c.get(f"{URL}remessas/{second.pk}/arquivo/")
    assert download.status_code == 200 and download.content.startswith(b"A1DA9")
    page = c.get(URL).content.decode()
    assert "DA9" in page and "Baixar" in page
    # nothing left: the form says so
    r = c.post(URL + "remessas/", {"agent": agent.pk, "due_until": due.isoformat()})
    assert r.status_code == 400 and "Nenhum débito ou cadastro a enviar" in r.content.decode()
    # freeze a bill
    other = f.bill(p, "26.00", due + dt.timedelta(days=1), due.replace(day=1))
    r = c.post(URL + "faturas/", {"bill": other.pk, "action": "freeze", "reason": "Saldo só para uma"})
    assert r.status_code == 302 and DirectDebitBillControl.objects.get(bill=other).frozen
    # an unidentified enrolment linked by matrícula
    data = _bank_return(agreement, enrolments=[layout.Enrolment("000-0", "1", "2", due, True)], nsa=7)
    from modules.collection import services

    services.bank_file_import(actor=SystemActor("tests"), data=data)
    entry = DirectDebitEnrolmentQueue.objects.get()
    assert "000-0" in c.get(URL).content.decode()
    q = f.prop()
    r = c.post(
        f"{URL}cadastros/{entry.pk}/",
        {"account_number": q.account_number, "reason": "conferido", "action": "link"},
    )
    assert r.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "linked" and DirectDebitAuthorization.objects.filter(property=q).exists()


def test_a_view_only_profile_cannot_post(alpha_client: Client) -> None:
    c = _client(alpha_client, "viewer", change=False)
    assert c.get(URL).status_code == 200
    agent = f.agent("237")
    r = c.post(URL + "remessas/", {"agent": agent.pk, "due_until": "2099-01-01"})
    assert r.status_code == 403
    assert not DirectDebitRemittance.objects.exists()
