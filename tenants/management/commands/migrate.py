"""`migrate` is migrate_schemas here too (as in django-tenants), with the same skip of tenants whose
schema does not exist yet."""

from .migrate_schemas import Command

__all__ = ["Command"]
