from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from modules.common.tenancy import active_tenant_schemas
from tenants.models import Tenant
from tenants.provisioning import tenant_seed


class Command(BaseCommand):
    help = "Recarrega os dados de referência das concessionárias ativas (idempotente; após migrate_schemas)."

    def handle(self, *args: Any, **opts: Any) -> None:
        # a tenant still provisioning is seeded by its own provisioning when it resumes
        for tenant in Tenant.objects.filter(schema_name__in=active_tenant_schemas()).order_by("schema_name"):
            tenant_seed(tenant)
            self.stdout.write(f"{tenant.schema_name}: dados de referência em dia")
