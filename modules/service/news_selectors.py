"""What news a consumer sees (3.2.15.13): published, inside its window at `now`, on that channel,
and for everyone or for the property's neighbourhood or reading route. Without a property (the
agency's or the totem's sign-in page) only the news for everyone shows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from modules.registry.models import Property

from .models import News

CHANNELS = ("agency", "totem")


def visible_news(
    *, channel: str = "agency", property_id: int | None = None, now: dt.datetime | None = None, limit: int = 5
) -> list[News]:
    if channel not in CHANNELS:
        raise ValueError(channel)
    at = now or timezone.now()
    rows: QuerySet[News] = News.objects.filter(is_active=True, starts_at__lte=at).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=at)
    )
    rows = rows.filter(on_agency=True) if channel == "agency" else rows.filter(on_totem=True)
    everyone = Q(neighbourhoods__isnull=True) & Q(routes__isnull=True)
    place = (
        Property.objects.filter(pk=property_id).values("neighbourhood_id", "route_id").first()
        if property_id is not None
        else None
    )
    if place is None:
        rows = rows.filter(everyone)
    else:
        audience = Q(neighbourhoods=place["neighbourhood_id"])
        if place["route_id"] is not None:
            audience |= Q(routes=place["route_id"])
        rows = rows.filter(everyone | audience)
    # the audience joins can repeat a row; notices (urgent) before news, newest first
    ids = list(rows.values_list("pk", flat=True).distinct())
    return list(News.objects.filter(pk__in=ids).order_by("-kind", "-starts_at", "-id")[:limit])


def news_json(news: News, *, staff: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": news.pk,
        "kind": news.kind,
        "title": news.title,
        "body": news.body,
        "starts_at": news.starts_at.isoformat(),
        "ends_at": news.ends_at.isoformat() if news.ends_at else None,
    }
    if staff:
        data |= {
            "neighbourhoods": sorted(n.pk for n in news.neighbourhoods.all()),
            "routes": sorted(r.pk for r in news.routes.all()),
            "on_agency": news.on_agency,
            "on_totem": news.on_totem,
            "is_active": news.is_active,
            "created_by": news.created_by,
        }
    return data
