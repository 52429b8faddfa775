"""Notícias e avisos (3.2.15.13): staff publish a text with a validity window and an audience;
the agency, the totem and the app show it inside the window only (news_selectors.py).

A window ends at `ends_at` (exclusive) or never; withdrawing keeps the row (it was seen) and hides it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from modules.common.audit import Actor, audit_record, snapshot
from modules.common.errors import NotFound, ValidationFailed, clean_or_fail
from modules.registry.models import Neighbourhood, Route

from ..errors import ErrorCode
from ..models import News

FIELDS = ["kind", "title", "body", "starts_at", "ends_at", "on_agency", "on_totem", "is_active"]


def _audience(neighbourhood_ids: Iterable[int], route_ids: Iterable[int]) -> tuple[list[int], list[int]]:
    hoods, routes = sorted(set(neighbourhood_ids)), sorted(set(route_ids))
    found = set(Neighbourhood.objects.filter(pk__in=hoods).values_list("pk", flat=True))
    if missing := [h for h in hoods if h not in found]:
        raise ValidationFailed(
            f"Bairro não encontrado: {missing[0]}.", field="neighbourhoods", code=ErrorCode.INVALID
        )
    found = set(Route.objects.filter(pk__in=routes).values_list("pk", flat=True))
    if missing := [r for r in routes if r not in found]:
        raise ValidationFailed(f"Rota não encontrada: {missing[0]}.", field="routes", code=ErrorCode.INVALID)
    return hoods, routes


def _check(news: News) -> None:
    if not news.title.strip():
        raise ValidationFailed("Informe o título.", field="title", code=ErrorCode.INVALID)
    if not news.body.strip():
        raise ValidationFailed("Informe o texto.", field="body", code=ErrorCode.INVALID)
    if news.ends_at is not None and news.ends_at <= news.starts_at:
        raise ValidationFailed(
            "A data de retirada deve ser posterior ao início da publicação.",
            field="ends_at",
            code=ErrorCode.INVALID,
        )
    if not (news.on_agency or news.on_totem):
        raise ValidationFailed(
            "Escolha onde publicar: agência virtual e aplicativo, totem ou ambos.",
            field="on_agency",
            code=ErrorCode.INVALID,
        )


def _snapshot(news: News) -> dict[str, Any]:
    data = snapshot(news, FIELDS)
    data["neighbourhoods"] = sorted(news.neighbourhoods.values_list("pk", flat=True))
    data["routes"] = sorted(news.routes.values_list("pk", flat=True))
    return data


@transaction.atomic(durable=True)
def news_create(
    *,
    actor: Actor,
    title: str,
    body: str,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    kind: str = News.Kind.NEWS,
    neighbourhood_ids: Iterable[int] = (),
    route_ids: Iterable[int] = (),
    on_agency: bool = True,
    on_totem: bool = True,
) -> News:
    now = timezone.now()
    news = News(
        kind=kind,
        title=(title or "").strip(),
        body=(body or "").strip(),
        starts_at=starts_at or now,
        ends_at=ends_at,
        on_agency=on_agency,
        on_totem=on_totem,
        created_at=now,
        created_by=actor.get_username(),
    )
    _check(news)
    hoods, routes = _audience(neighbourhood_ids, route_ids)
    clean_or_fail(news)
    news.save()
    news.neighbourhoods.set(hoods)
    news.routes.set(routes)
    audit_record(actor=actor, action="service.news_create", target=news, after=_snapshot(news))
    return news


def _locked(news_id: int) -> News:
    news: News | None = News.objects.select_for_update().filter(pk=news_id).first()
    if news is None:
        raise NotFound("Notícia ou aviso não encontrado.", field="news", code=ErrorCode.NEWS_NOT_FOUND)
    return news


@transaction.atomic(durable=True)
def news_update(
    *,
    actor: Actor,
    news_id: int,
    neighbourhood_ids: Iterable[int] | None = None,
    route_ids: Iterable[int] | None = None,
    **changes: Any,
) -> News:
    news = _locked(news_id)
    before = _snapshot(news)
    for name, value in changes.items():
        if name in FIELDS:
            setattr(news, name, value.strip() if isinstance(value, str) else value)
    _check(news)
    hoods, routes = _audience(
        news.neighbourhoods.values_list("pk", flat=True) if neighbourhood_ids is None else neighbourhood_ids,
        news.routes.values_list("pk", flat=True) if route_ids is None else route_ids,
    )
    clean_or_fail(news)
    news.save()
    news.neighbourhoods.set(hoods)
    news.routes.set(routes)
    audit_record(actor=actor, action="service.news_update", target=news, before=before, after=_snapshot(news))
    return news


@transaction.atomic(durable=True)
def news_withdraw(*, actor: Actor, news_id: int) -> News:
    """Hides it everywhere at once; withdrawing twice changes nothing more."""
    news = _locked(news_id)
    if news.is_active:
        news.is_active = False
        news.save(update_fields=["is_active"])
        audit_record(actor=actor, action="service.news_withdraw", target=news, after={"is_active": False})
    return news
