"""Notícias e avisos to consumers (3.2.15.13, issue 23): a text with a validity window and an
audience (every consumer, or those of some neighbourhoods or reading routes), shown on the agency's
home, the totem and the app (the citizen API) only inside its window (services/news.py)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

__all__ = ["News"]


class News(models.Model):
    class Kind(models.TextChoices):
        NEWS = "news", "Notícia"
        NOTICE = "notice", "Aviso"

    kind = models.CharField("tipo", max_length=6, choices=Kind.choices, default=Kind.NEWS)
    title = models.CharField("título", max_length=120)
    body = models.TextField("texto", max_length=2000)
    starts_at = models.DateTimeField("publicar a partir de")
    ends_at = models.DateTimeField("retirar em", null=True, blank=True)
    # an empty audience is every consumer; otherwise the properties of these neighbourhoods OR routes
    neighbourhoods = models.ManyToManyField(
        "registry.Neighbourhood", blank=True, related_name="+", verbose_name="bairros"
    )
    routes = models.ManyToManyField("registry.Route", blank=True, related_name="+", verbose_name="rotas")
    on_agency = models.BooleanField("na agência virtual e no aplicativo", default=True)
    on_totem = models.BooleanField("no totem", default=True)
    is_active = models.BooleanField("publicada", default=True)
    created_at = models.DateTimeField("criada em")
    created_by = models.CharField("criada por", max_length=150)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = "notícia ou aviso"
        verbose_name_plural = "notícias e avisos"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="news_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title
