"""Named reads shared by every module's settings pages: who changed a setting, what and when."""

from __future__ import annotations

from collections.abc import Iterable

from .models import AuditEntry


def change_history(
    *, object_types: Iterable[str], object_id: str | int | None = None, limit: int = 30
) -> list[AuditEntry]:
    """The latest audit rows about objects of these types (one object when `object_id` is given),
    newest first: what a settings page shows under its form."""
    qs = AuditEntry.objects.filter(object_type__in=list(object_types))
    if object_id is not None:
        qs = qs.filter(object_id=str(object_id))
    return list(qs.order_by("-at", "-id")[:limit])
