"""The shared `extensions` schema and its extensions (pg_trgm), before any tenant's migrations.

`tenants` is a shared app only: this runs once, in the public schema, during `migrate_schemas
--shared`, which every deploy runs before the tenants. See tenants/extensions.py.
"""

from django.db import migrations

from tenants.extensions import INSTALL_SQL


class Migration(migrations.Migration):
    dependencies = [("tenants", "0001_initial")]
    # Leaving the extensions in place on the way back: a tenant's indexes still use them.
    operations = [migrations.RunSQL(INSTALL_SQL, reverse_sql=migrations.RunSQL.noop)]
