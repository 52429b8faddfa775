"""Report runs, and a utility's own report definitions (variants of the built-in catalogue).

A run keeps the parameters it was asked with, so it can be run again as it was; its file stays in
the tenant's storage (the path carries the schema) until somebody deletes the run.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReportDefinition(models.Model):
    """A utility's own definition: the same JSON shape as a built-in one (domain.spec), over one of
    the datasets; a code equal to a built-in one replaces it for this utility."""

    code = models.SlugField("código", max_length=60, unique=True)
    spec = models.JSONField("definição")
    active = models.BooleanField("ativo", default=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ReportRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Na fila"
        RUNNING = "running", "Em processamento"
        DONE = "done", "Concluído"
        FAILED = "failed", "Falhou"

    code = models.CharField("relatório", max_length=60, db_index=True)
    title = models.CharField("título", max_length=200)
    params = models.JSONField("parâmetros", default=dict)
    format = models.CharField("formato", max_length=4)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    rows = models.PositiveIntegerField("linhas", default=0)
    totals = models.JSONField("totais", default=dict)
    file = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        related_name="+",
        verbose_name="solicitado por",
        null=True,
        blank=True,
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rerun_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="report_run_progress_percent")
        ]

    def __str__(self) -> str:
        return f"{self.code} #{self.pk}"

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None
