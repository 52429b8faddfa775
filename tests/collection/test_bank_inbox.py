"""Bank files without a person (issue #18, ADR 0238): an agent's inbox folder, set on the agent's
settings page, is polled; a collection return and a direct-debit return are imported once each and
moved to processados/; the same file dropped again, and a broken one, go to recusados/ with their
refusal recorded; nothing is settled twice."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client

from modules.billing.models import BillStatus
from modules.collection.inbox import inbox_poll
from modules.collection.models import CollectingAgent, Payment, ReturnFileRefusal, Settlement
from tests.collection import factories as f
from tests.conftest import bearer, make_user

pytestmark = pytest.mark.usefixtures("tenant_alpha")
DUE = dt.date(2025, 6, 5)


def test_the_inbox_imports_each_file_once_and_moves_it(tmp_path: Path, alpha_client: Client) -> None:
    agent = f.agent("237")
    alpha_client.force_login(make_user("alpha", "chefe-inbox", "Senha-forte-123", is_admin=True))
    r = alpha_client.post(
        f"/arrecadacao/configuracoes/agentes/{agent.pk}/",
        {
            "name": agent.name,
            "kind": "bank",
            "agreement_code": "",
            "fee_per_payment": "1,50",
            "credit_days": "1",
            "active": "on",
            "inbox_dir": str(tmp_path),
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    agent.refresh_from_db()
    assert agent.inbox_dir == str(tmp_path)
    bill = f.bill(f.prop(), "57.30", DUE)
    data = f.return_file([(bill.barcode, "57.30")])
    (tmp_path / "a.ret").write_bytes(data)
    (tmp_path / "b-copia.ret").write_bytes(data)
    (tmp_path / "c-quebrado.ret").write_bytes(b"A2 lixo\r\n")
    log = inbox_poll()
    assert [(e["file"], e["result"]) for e in log] == [
        ("a.ret", "importado"),
        ("b-copia.ret", "recusado"),
        ("c-quebrado.ret", "recusado"),
    ]
    assert "já foi importado" in log[1]["detail"]
    assert sorted(p.name for p in (tmp_path / "processados").iterdir()) == ["a.ret"]
    assert sorted(p.name for p in (tmp_path / "recusados").iterdir()) == ["b-copia.ret", "c-quebrado.ret"]
    assert not [p for p in tmp_path.iterdir() if p.is_file()]
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID and Settlement.objects.filter(bill=bill).count() == 1
    assert Payment.objects.count() == 1
    assert ReturnFileRefusal.objects.filter(filename__in=["b-copia.ret", "c-quebrado.ret"]).count() == 2
    # the next pass finds nothing
    assert inbox_poll() == []


def test_a_relative_inbox_path_is_refused_naming_the_field() -> None:
    from modules.collection.agents import agent_update
    from modules.common.audit import SystemActor
    from modules.common.errors import ValidationFailed

    agent = f.agent("237")
    with pytest.raises(ValidationFailed) as exc:
        agent_update(actor=SystemActor("t"), agent_id=agent.pk, inbox_dir="bancos/237")
    assert exc.value.field == "inbox_dir"
    assert CollectingAgent.objects.get(pk=agent.pk).inbox_dir == ""


def test_each_inbox_file_s_result_is_emailed_to_the_agent_s_finance_team(
    tmp_path: Path, alpha_client: Client
) -> None:
    from django.core import mail

    agent = f.agent("237")
    make_user("alpha", "chefe-inbox2", "Senha-forte-123", is_admin=True)
    auth = bearer(alpha_client, "chefe-inbox2", "Senha-forte-123")
    r = alpha_client.patch(
        f"/api/v1/collection/agents/{agent.pk}",
        {"report_emails": "financeiro@agua.example; tesouraria@agua.example"},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 200, r.content.decode()[:2000]
    assert r.json()["report_emails"] == "financeiro@agua.example, tesouraria@agua.example"
    r = alpha_client.patch(
        f"/api/v1/collection/agents/{agent.pk}",
        {"report_emails": "financeiro@agua.example, sem-arroba"},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 400
    assert "2º endereço, «sem-arroba»" in r.content.decode()
    CollectingAgent.objects.filter(pk=agent.pk).update(inbox_dir=str(tmp_path))
    bill = f.bill(f.prop(), "57.30", DUE)
    (tmp_path / "a.ret").write_bytes(f.return_file([(bill.barcode, "57.30")]))
    (tmp_path / "b-quebrado.ret").write_bytes(b"A2 lixo\r\n")
    mail.outbox.clear()
    log = inbox_poll()
    assert [(e["file"], e["result"], e["mail"]) for e in log] == [
        ("a.ret", "importado", "enviado"),
        ("b-quebrado.ret", "recusado", "enviado"),
    ]
    assert [m.to for m in mail.outbox] == [["financeiro@agua.example", "tesouraria@agua.example"]] * 2
    ok, bad = mail.outbox
    assert ok.subject == "Arquivo bancário a.ret (237): importado"
    assert "Agente arrecadador: 237" in ok.body and "Resultado: importado" in ok.body
    assert bad.subject == "Arquivo bancário b-quebrado.ret (237): recusado"
    assert "movido para recusados/" in bad.body and "Detalhe: " + log[1]["detail"] in bad.body


def test_a_mail_server_that_refuses_does_not_undo_the_import(tmp_path: Path) -> None:
    from django.test import override_settings

    agent = f.agent("237")
    CollectingAgent.objects.filter(pk=agent.pk).update(
        inbox_dir=str(tmp_path), report_emails="financeiro@agua.example"
    )
    bill = f.bill(f.prop(), "57.30", DUE)
    (tmp_path / "a.ret").write_bytes(f.return_file([(bill.barcode, "57.30")]))
    # a real SMTP client against a closed local port: the connection is refused
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=9,
        EMAIL_TIMEOUT=5,
    ):
        (entry,) = inbox_poll()
    assert entry["result"] == "importado" and entry["mail"].startswith("não enviado")
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID
    assert [p.name for p in (tmp_path / "processados").iterdir()] == ["a.ret"]
