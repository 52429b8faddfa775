"""Register (or change) a utility's collecting agent: the bank, lottery network or correspondent
whose FEBRABAN return files it imports.

    python manage.py collecting_agent <schema> --code 001 --name "Banco do Brasil" --agreement 123456

A return file is accepted only from a registered, active agent whose code is the file's bank
(header A.05, 3 digits) and, when the agent has a convênio, whose convênio is the file's (A.03, up
to 20 characters); otherwise the import refuses it as `unknown_agent`. Run again with the same
code to change the agent (only the options given change); `--disable` stops accepting its files,
`--enable` accepts them again.
Audited. The same service as the settings pages and the API (`modules.collection.agents`).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import get_tenant_model

from modules.common.audit import SystemActor
from modules.common.errors import DomainError
from modules.common.tenancy import tenant_context


class Command(BaseCommand):
    help = "Cadastra ou altera o agente arrecadador (banco e convênio) dos arquivos retorno FEBRABAN."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("schema", help="schema da concessionária (ex.: querencia)")
        parser.add_argument("--code", required=True, help="código do banco no arquivo (A.05, 3 dígitos)")
        parser.add_argument("--name", help="nome do agente (obrigatório no cadastro)")
        parser.add_argument(
            "--agreement", help="convênio (A.03, até 20 caracteres; vazio aceita qualquer um)"
        )
        parser.add_argument(
            "--kind",
            choices=("bank", "lottery", "correspondent"),
            help="banco (padrão), lotérica ou correspondente",
        )
        parser.add_argument("--contract", help="número do contrato de arrecadação")
        parser.add_argument("--fee", help="tarifa por pagamento, em reais (ex.: 1.85)")
        parser.add_argument("--credit-days", type=int, help="dias até o crédito (float)")
        state = parser.add_mutually_exclusive_group()
        state.add_argument("--disable", action="store_true", help="deixa de aceitar arquivos do agente")
        state.add_argument("--enable", action="store_true", help="volta a aceitar arquivos do agente")

    def handle(self, *args: Any, **opts: Any) -> None:
        from modules.collection.models import CollectingAgent

        code = opts["code"].strip()
        if not (len(code) == 3 and code.isdigit()):
            raise CommandError(f"--code {code!r}: o código do banco no arquivo retorno tem 3 dígitos (A.05).")
        changes = self._changes(opts)
        if not get_tenant_model().objects.filter(schema_name=opts["schema"]).exists():
            raise CommandError(f"Concessionária com schema '{opts['schema']}' não encontrada.")
        from modules.collection import agents

        with tenant_context(opts["schema"]) as tenant:
            existing = CollectingAgent.objects.filter(code=code).first()
            if existing is None and not changes.get("name"):
                raise CommandError(f"Informe --name para cadastrar o agente {code}.")
            created = existing is None
            actor = SystemActor("collecting_agent")
            try:
                if existing is None:
                    agent = agents.agent_create(actor=actor, code=code, **{"kind": "bank", **changes})
                else:
                    agent = agents.agent_update(actor=actor, agent_id=existing.pk, **changes)
            except DomainError as exc:
                raise CommandError(exc.message) from exc
        agreement = f"convênio {agent.agreement_code}" if agent.agreement_code else "qualquer convênio"
        state = "cadastrado" if created else "alterado"
        self.stdout.write(f"{tenant.name}: agente {agent} {state} ({agreement}, {agent.get_kind_display()}).")
        if agent.active:
            self.stdout.write(f"Arquivos retorno do banco {agent.code} com {agreement} serão aceitos.")
        else:
            self.stdout.write(f"Agente desativado: arquivos retorno do banco {agent.code} serão recusados.")

    @staticmethod
    def _changes(opts: dict[str, Any]) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        if opts["name"] is not None:
            changes["name"] = opts["name"].strip()[:120]
        if opts["agreement"] is not None:
            agreement = opts["agreement"].strip()
            if len(agreement) > 20:
                raise CommandError("--agreement: o convênio do arquivo retorno tem até 20 caracteres (A.03).")
            changes["agreement_code"] = agreement
        if opts["kind"] is not None:
            changes["kind"] = opts["kind"]
        if opts["contract"] is not None:
            changes["contract_number"] = opts["contract"].strip()[:40]
        if opts["fee"] is not None:
            try:
                fee = Decimal(opts["fee"].replace(",", "."))
            except InvalidOperation as exc:
                raise CommandError(f"--fee {opts['fee']!r}: informe um valor em reais, como 1.85.") from exc
            if not fee.is_finite() or fee < 0 or fee != fee.quantize(Decimal("0.01")):
                raise CommandError(
                    f"--fee {opts['fee']!r}: um valor em reais, com até 2 casas, não negativo."
                )
            changes["fee_per_payment"] = fee
        if opts["credit_days"] is not None:
            if opts["credit_days"] < 0:
                raise CommandError("--credit-days: um número de dias não negativo.")
            changes["credit_days"] = opts["credit_days"]
        if opts["disable"] or opts["enable"]:
            changes["active"] = bool(opts["enable"])
        return changes
