"""Tenant context for background jobs.

A task enqueued from inside a tenant carries that tenant's schema in its message headers and runs
inside it; a tenant task that finds no tenant (or the public schema) refuses to run, loudly.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from celery import Task
from django.db import connection
from django_tenants.utils import get_public_schema_name, get_tenant_model

logger = logging.getLogger(__name__)

SCHEMA_HEADER = "tenant_schema"


class TenantContextError(RuntimeError):
    """A tenant task was asked to run with no tenant: a bug, never retried."""


@contextmanager
def tenant_context(schema_name: str) -> Iterator[Any]:
    """Run a block inside a tenant schema, restoring whatever was active before."""
    previous = connection.tenant if hasattr(connection, "tenant") else None
    tenant = get_tenant_model().objects.get(schema_name=schema_name)
    connection.set_tenant(tenant)
    try:
        yield tenant
    finally:
        if previous is not None and previous.schema_name != get_public_schema_name():
            connection.set_tenant(previous)
        else:
            connection.set_schema_to_public()


class TenantTask(Task):  # type: ignore[misc]
    abstract = True
    acks_late = True
    reject_on_worker_lost = True

    def apply_async(self, args: Any = None, kwargs: Any = None, **options: Any) -> Any:
        headers = dict(options.pop("headers", None) or {})
        headers.setdefault(SCHEMA_HEADER, options.pop("schema_name", None) or connection.schema_name)
        return super().apply_async(args, kwargs, headers=headers, **options)

    def _schema_from_request(self) -> str | None:
        request = self.request
        schema = getattr(request, SCHEMA_HEADER, None)
        if schema is None:
            schema = (getattr(request, "headers", None) or {}).get(SCHEMA_HEADER)
        return schema

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        schema = self._schema_from_request()
        if not schema or schema == get_public_schema_name():
            logger.error("tenant task %s refused: no tenant in its message (schema=%r)", self.name, schema)
            raise TenantContextError(
                f"A tarefa {self.name} exige um cliente (schema) e foi enviada sem um: recusada."
            )
        with tenant_context(schema):
            return super().__call__(*args, **kwargs)


def active_tenant_schemas() -> list[str]:
    """Every loop over tenants (beat dispatchers, probes, seeding) starts here. Only active tenants
    whose schema exists: a row whose schema is missing (dropped by hand, a half-done restore) is left
    out with a warning instead of failing the whole loop on its first query."""
    model = get_tenant_model()
    schemas = list(
        model.objects.filter(provisioning_state="active")
        .exclude(schema_name=get_public_schema_name())
        .order_by("schema_name")
        .values_list("schema_name", flat=True)
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname = ANY(%s)", [schemas])
        present = {row[0] for row in cursor.fetchall()}
    for schema in schemas:
        if schema not in present:
            logger.warning("tenant %s is active but its schema does not exist: skipped", schema)
    return [schema for schema in schemas if schema in present]
