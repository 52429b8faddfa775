# Django ships no types and django-stubs is not in the pinned tool set: every name is Any, except
# what the services' signatures depend on (typings/django/db/transaction.pyi). See typings/README.md.
from typing import Any

def __getattr__(name: str) -> Any: ...
