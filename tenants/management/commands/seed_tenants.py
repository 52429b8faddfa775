from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tenants.models import ProvisioningState, Tenant
from tenants.provisioning import tenant_seed


class Command(BaseCommand):
    help = "Recarrega os dados de referência das concessionárias ativas (idempotente; após migrate_schemas)."

    def handle(self, *args: Any, **opts: Any) -> None:
        for tenant in Tenant.objects.exclude(schema_name="public").filter(
            provisioning_state=ProvisioningState.ACTIVE
        ):
            tenant_seed(tenant)
            self.stdout.write(f"{tenant.schema_name}: dados de referência em dia")
