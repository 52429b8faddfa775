"""Re-encrypt every stored secret of the public schema and of every utility with the first key of
FIELD_ENCRYPTION_KEYS (ADR 0012).

    FIELD_ENCRYPTION_KEYS=<new>,<old> python manage.py rotate_encryption_key
    # then deploy with FIELD_ENCRYPTION_KEYS=<new>

Idempotent: a value already under the first key is left alone, so a run that stopped half-way
(each schema is one transaction) is finished by running it again. Prints counts, never values.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django_tenants.utils import get_public_schema_name, get_tenant_model

from modules.common.fields import encrypted_columns, fernet, rotate_rows


class Command(BaseCommand):
    help = "Recifra os segredos gravados (todos os schemas) com a primeira chave de FIELD_ENCRYPTION_KEYS."

    def handle(self, *args: Any, **opts: Any) -> None:
        fernet()  # a malformed key fails here, before any schema is touched
        tables = encrypted_columns()
        public = get_public_schema_name()
        schemas = [
            public,
            *get_tenant_model().objects.exclude(schema_name=public).values_list("schema_name", flat=True),
        ]
        total = 0
        for schema in schemas:
            rewritten = current = 0
            with transaction.atomic(), connection.cursor() as cursor:
                for table, columns in sorted(tables.items()):
                    cursor.execute("SELECT to_regclass(%s)", [f'"{schema}"."{table}"'])
                    if cursor.fetchone()[0] is None:
                        continue  # a tenant-only table in the public schema, or a schema not created yet
                    quote = connection.ops.quote_name
                    done, kept = rotate_rows(
                        cursor, f"{quote(schema)}.{quote(table)}", [quote(c) for c in columns]
                    )
                    rewritten, current = rewritten + done, current + kept
            total += rewritten
            self.stdout.write(f"{schema}: {rewritten} segredo(s) recifrado(s), {current} já na chave atual")
        self.stdout.write(f"Total: {total} segredo(s) recifrado(s) em {len(schemas)} schema(s).")
