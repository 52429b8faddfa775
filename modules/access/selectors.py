from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from modules.common.models import AuditEntry, LegacyAuditEntry

from .models import User


def audit_search(
    *,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    text: str = "",
    field: str = "",
) -> QuerySet[AuditEntry]:
    qs = AuditEntry.objects.select_related("seal")
    if field:  # the field changed: a key of the row's before or after snapshot
        qs = qs.filter(Q(before__has_key=field) | Q(after__has_key=field))
    if actor:
        qs = qs.filter(actor__iexact=actor)
    if action:
        qs = qs.filter(action__startswith=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if since:
        qs = qs.filter(at__gte=since)
    if until:
        qs = qs.filter(at__lt=until)
    if text:
        qs = qs.filter(Q(reason__icontains=text) | Q(action__icontains=text))
    return qs.order_by("-at", "-id")


def legacy_audit_search(
    *,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[LegacyAuditEntry]:
    """The previous system's log rows (kept apart from the chain, S6.2-03), by the same filters."""
    qs = LegacyAuditEntry.objects.select_related("batch")
    if actor:
        qs = qs.filter(actor__iexact=actor)
    if action:
        qs = qs.filter(action__icontains=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if since:
        qs = qs.filter(at__gte=since)
    if until:
        qs = qs.filter(at__lt=until)
    return qs.order_by("-at", "-id")


def user_list(*, active: bool | None = None, text: str = "") -> QuerySet[User]:
    qs = User.objects.prefetch_related("profiles")
    if active is not None:
        qs = qs.filter(is_active=active)
    if text:
        qs = qs.filter(Q(username__icontains=text) | Q(full_name__icontains=text))
    return qs.order_by("username")
