"""Reads of the notices: what was sent to whom, and the consent trail (staff page and API)."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import ConsentRecord, Delivery


def delivery_list(
    *, account: str = "", event: str = "", channel: str = "", status: str = ""
) -> QuerySet[Delivery]:
    rows = Delivery.objects.select_related("property").order_by("-created_at", "-id")
    if account:
        rows = rows.filter(property__account_number=account)
    if event:
        rows = rows.filter(event=event)
    if channel:
        rows = rows.filter(channel=channel)
    if status:
        rows = rows.filter(status=status)
    return rows


def consent_list(*, account: str = "") -> QuerySet[ConsentRecord]:
    rows = ConsentRecord.objects.select_related("property").order_by("-at", "-id")
    if account:
        rows = rows.filter(property__account_number=account)
    return rows
