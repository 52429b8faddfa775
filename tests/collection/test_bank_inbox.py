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
from tests.conftest import make_user

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
