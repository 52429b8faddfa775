"""PostgreSQL extensions live once per database, in one shared schema, before any tenant's migrations.

A tenant schema's dump names what it borrows from an extension by schema (`extensions.gin_trgm_ops`).
When the extension lived in `public` (created by a tenant migration), a schema restored into a fresh
database, whose tenants had not run that migration yet, lost its trigram indexes and name search
failed. The shared migration `tenants.0002_extensions_schema` creates this schema and its extensions
on every database the platform migrates, and `PG_EXTRA_SEARCH_PATHS` puts it on every connection's
search path, so `similarity()`, `%` and `gin_trgm_ops` resolve unqualified in every schema.
"""

from __future__ import annotations

SCHEMA = "extensions"

# Idempotent: creates the schema and pg_trgm in it, or moves pg_trgm from where an older database
# created it (`public`). Indexes and operators refer to an extension's objects by OID, so moving it
# breaks nothing; every deploy runs this again harmlessly.
INSTALL_SQL = """
CREATE SCHEMA IF NOT EXISTS extensions;
GRANT USAGE ON SCHEMA extensions TO PUBLIC;
DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        ALTER EXTENSION pg_trgm SET SCHEMA extensions;
    ELSE
        CREATE EXTENSION pg_trgm SCHEMA extensions;
    END IF;
END $$;
"""
