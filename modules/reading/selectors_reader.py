"""Reads of the reader's phone app (ADR 0227): the routes a signed-in reader holds in open batches,
and what the app adds to a route's package — the card of each property (account holder, block,
category names, the 12-month average), the app's settings and the rules it checks on the spot
(excess %, the meter's turnover window), and billing's section for on-site bills."""

from __future__ import annotations

import datetime as dt
from typing import Any

from modules.registry.models import Category, Property, PropertyRelation

from . import hooks
from .models import BatchItem, BatchRoute, Reader, ReaderAppSettings, ReadingBatch
from .services.regulation import consumption_policy


def reader_of(user_id: int) -> Reader | None:
    reader: Reader | None = Reader.objects.filter(user_id=user_id, active=True).first()
    return reader


def reader_routes(reader: Reader) -> list[dict[str, Any]]:
    """The open batches' routes handed to the reader, with the device each was handed to."""
    rows = (
        BatchRoute.objects.filter(reader=reader, batch__status=ReadingBatch.Status.OPEN)
        .select_related("batch__group", "device")
        .order_by("batch__reference", "batch_id", "code")
    )
    return [
        {
            "batch": r.batch_id,
            "route": r.code,
            "group": r.batch.group.code,
            "reference": f"{r.batch.reference:%Y-%m}",
            "items": r.items_count,
            "device": r.device.code if r.device else None,
            "package": f"/api/v1/reading/batches/{r.batch_id}/routes/{r.code}/package",
        }
        for r in rows
    ]


def _holders(property_ids: list[int], on: dt.date) -> dict[int, str]:
    """The account holder's name: the bill payer, else the user (tenant), else the owner."""
    rank = {
        PropertyRelation.Role.BILL_PAYER: 0,
        PropertyRelation.Role.USER: 1,
        PropertyRelation.Role.OWNER: 2,
    }
    best: dict[int, tuple[int, str]] = {}
    for pid, role, name in PropertyRelation.objects.filter(
        property_id__in=property_ids, start__lte=on, end__isnull=True
    ).values_list("property_id", "role", "customer__name"):
        r = rank.get(role, 9)
        if pid not in best or r < best[pid][0]:
            best[pid] = (r, name)
    return {pid: name for pid, (_, name) in best.items()}


def package_extras(route: BatchRoute) -> dict[str, Any]:
    """The app's additions to the package (keys `app`, `cards`, `billing`)."""
    batch = route.batch
    settings = ReaderAppSettings.current()
    items = list(BatchItem.objects.filter(route=route).values_list("property_id", "average_m3", "categories"))
    ids = [pid for pid, _, _ in items]
    blocks = dict(Property.objects.filter(pk__in=ids).values_list("pk", "block"))
    holders = _holders(ids, batch.reference)
    names = dict(Category.objects.values_list("code", "name"))
    policy = consumption_policy(batch.reference)
    cards = {
        str(pid): {
            "holder": holders.get(pid, ""),
            "block": blocks.get(pid),
            "average": str(average) if average is not None else None,
            "category_names": [f"{names.get(code, code)} ({n})" for code, n in (categories or [])],
        }
        for pid, average, categories in items
    }
    billing = (
        hooks.package_billing(batch.group_id, batch.reference, ids) if settings.on_site_billing else None
    )
    return {
        "app": {
            "on_site_billing": billing is not None,
            "paper_mm": settings.paper_mm,
            "roll_length_m": settings.roll_length_m,
            "upload_every": settings.upload_every,
            "track_every_s": settings.track_every_s,
            "excess_percent": str(policy.high_percent),
            "rollover_window_percent": str(policy.rollover_window_percent),
        },
        "cards": cards,
        "billing": billing,
    }
