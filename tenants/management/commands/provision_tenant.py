from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from modules.common.audit import SystemActor
from modules.common.errors import DomainError
from tenants import provisioning
from tenants.models import Tenant


class Command(BaseCommand):
    help = "Provisiona uma concessionária (esquema, migrações, dados iniciais) e espera terminar."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--schema", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--domain", required=True)
        parser.add_argument("--timezone", default="America/Sao_Paulo")
        parser.add_argument("--cnpj", default="")
        parser.add_argument(
            "--template",
            default="",
            help="esquema de uma concessionária ativa cuja configuração a nova recebe",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        actor = SystemActor("provision_tenant")
        tenant = Tenant.objects.filter(schema_name=opts["schema"]).first()
        if tenant is None:
            try:
                tenant = provisioning.tenant_request(
                    actor=actor,
                    enqueue=False,
                    request=provisioning.TenantRequest(
                        opts["schema"],
                        opts["name"],
                        opts["domain"],
                        opts["timezone"],
                        opts["cnpj"],
                        template=opts["template"],
                    ),
                )
            except DomainError as exc:
                raise CommandError(f"{exc.field}: {exc.message}" if exc.field else exc.message) from exc
        try:
            tenant = provisioning.tenant_provision(tenant_id=tenant.pk)
        except Exception as exc:
            raise CommandError(f"Falha na implantação: {exc}. Rode de novo para retomar.") from exc
        self.stdout.write(f"{tenant.schema_name}: {tenant.provisioning_state}")
