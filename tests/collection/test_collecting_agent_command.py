"""`manage.py collecting_agent`: how a utility's bank (agent and convênio) is registered so that its
FEBRABAN return files are accepted; changes only what it is given, audited; bad input refused with
nothing written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from modules.billing.models import BillStatus
from modules.collection import services
from modules.collection.models import CollectingAgent, ReturnFile
from modules.common.audit import SystemActor
from modules.common.errors import ValidationFailed
from modules.common.models import AuditEntry
from modules.common.tenancy import tenant_context
from tests.collection import factories as f

pytestmark = pytest.mark.django_db

ACTOR = SystemActor("tests")
DUE = dt.date(2025, 6, 10)


def _agent(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("collecting_agent", "alpha", *args, stdout=out)
    return out.getvalue()


def test_a_registered_bank_and_convenio_make_its_return_files_importable() -> None:
    with tenant_context("alpha"):
        bill = f.bill(f.prop(), "31.40", DUE)
        data = f.return_file([(bill.barcode, "31.40")], bank="001", agreement="4471")
        with pytest.raises(ValidationFailed, match=r"agente arrecadador desconhecido \(banco 001"):
            services.return_file_import(actor=ACTOR, data=data)

    out = _agent("--code", "001", "--name", "Banco do Brasil", "--agreement", "4471", "--fee", "1,85")

    assert "agente 001 – Banco do Brasil cadastrado (convênio 4471, Banco)" in out
    assert "Arquivos retorno do banco 001 com convênio 4471 serão aceitos." in out
    with tenant_context("alpha"):
        agent = CollectingAgent.objects.get(code="001")
        assert (agent.agreement_code, agent.fee_per_payment, agent.active) == ("4471", Decimal("1.85"), True)
        audit = AuditEntry.objects.get(action="collection.agent_register")
        assert audit.after["agreement_code"] == "4471"
        imported = services.return_file_import(actor=ACTOR, data=data)
        assert imported.payment_count == 1
        bill.refresh_from_db()
        assert bill.status == BillStatus.PAID


def test_a_file_of_another_convenio_is_still_refused_and_disabling_stops_the_bank() -> None:
    _agent("--code", "104", "--name", "Caixa Econômica Federal", "--agreement", "CONV-A")
    with tenant_context("alpha"):
        bill = f.bill(f.prop(), "12.00", DUE)
        with pytest.raises(ValidationFailed, match="não é o convênio cadastrado"):
            services.return_file_import(
                actor=ACTOR, data=f.return_file([(bill.barcode, "12.00")], bank="104", agreement="CONV-B")
            )

    out = _agent("--code", "104", "--credit-days", "2")  # only what is given changes
    assert "alterado (convênio CONV-A" in out
    with tenant_context("alpha"):
        agent = CollectingAgent.objects.get(code="104")
        assert (agent.name, agent.agreement_code, agent.credit_days) == (
            "Caixa Econômica Federal",
            "CONV-A",
            2,
        )

    out = _agent("--code", "104", "--disable")
    assert "serão recusados" in out
    with tenant_context("alpha"):
        assert not CollectingAgent.objects.get(code="104").active
        with pytest.raises(ValidationFailed, match="agente arrecadador desconhecido"):
            services.return_file_import(
                actor=ACTOR, data=f.return_file([(bill.barcode, "12.00")], bank="104", agreement="CONV-A")
            )
        assert AuditEntry.objects.filter(action="collection.agent_change").count() == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--code", "1", "--name", "Banco"), "3 dígitos"),
        (("--code", "0011", "--name", "Banco"), "3 dígitos"),
        (
            (
                "--code",
                "237",
            ),
            "Informe --name",
        ),
        (("--code", "237", "--name", "Bradesco", "--agreement", "X" * 21), "até 20 caracteres"),
        (("--code", "237", "--name", "Bradesco", "--fee", "um real"), "valor em reais"),
        (("--code", "237", "--name", "Bradesco", "--fee", "-1"), "não negativo"),
        (("--code", "237", "--name", "Bradesco", "--credit-days", "-1"), "não negativo"),
        (("--code", "CAI", "--name", "Caixa"), "3 dígitos"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(args: tuple[str, ...], message: str) -> None:
    with tenant_context("alpha"):
        agents, audits = CollectingAgent.objects.count(), AuditEntry.objects.count()
    with pytest.raises(CommandError, match=message):
        _agent(*args)
    with tenant_context("alpha"):
        assert (CollectingAgent.objects.count(), AuditEntry.objects.count()) == (agents, audits)
        assert not ReturnFile.objects.exists()


def test_an_unknown_utility_is_refused() -> None:
    with pytest.raises(CommandError, match="não encontrada"):
        call_command("collecting_agent", "nao_existe", "--code", "001", "--name", "Banco do Brasil")
