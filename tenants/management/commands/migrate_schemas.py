"""django-tenants' migrate_schemas, minus the tenants whose schema does not exist yet.

A tenant row is written in `requested` before its schema is created (tenants.provisioning); a server
killed in between leaves a row with no schema, and the stock command then dies on it with "no schema
has been selected to create in" — bricking every later deploy's migration job and `make demo`. Such
a tenant has nothing to migrate: it is skipped with one line, and its own provisioning (the beat
sweep, `provision_tenant`, the console's retry) creates and migrates the schema when it resumes.

This app is listed before django_tenants in SHARED_APPS so that this command wins the name.
"""

from __future__ import annotations

from typing import Any

from django.db import connections
from django_tenants.management.commands import SyncCommon
from django_tenants.management.commands.migrate_schemas import GET_EXECUTOR_FUNCTION, MigrateSchemasCommand
from django_tenants.utils import get_public_schema_name, get_tenant_migration_order, get_tenant_model


def existing_schemas(database: str = "default") -> set[str]:
    with connections[database].cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_catalog.pg_namespace")
        return {row[0] for row in cursor.fetchall()}


class Command(MigrateSchemasCommand):
    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("schema_name") or options.get("shared"):
            # one named schema (provisioning's own step, which creates it first) or only public
            super().handle(*args, **options)
            return
        if not options.get("tenant"):
            super().handle(*args, **{**options, "shared": True})
        SyncCommon.handle(self, *args, **{**options, "tenant": True, "shared": False})
        database = self.options.get("database") or "default"
        present = existing_schemas(database)
        tenants = get_tenant_model().objects.exclude(schema_name=get_public_schema_name())
        order = get_tenant_migration_order()
        tenants = tenants.order_by(*order) if order is not None else tenants.order_by("schema_name")
        ready: list[str] = []
        for schema, state in tenants.values_list("schema_name", "provisioning_state"):
            if schema in present:
                ready.append(schema)
            else:
                self.stdout.write(
                    f"{schema}: esquema ainda não existe (implantação em '{state}'); pulado — "
                    "a implantação cria e migra o esquema quando retomar."
                )
        if ready:
            GET_EXECUTOR_FUNCTION(codename=self.executor)(self.args, self.options).run_migrations(
                tenants=ready
            )
