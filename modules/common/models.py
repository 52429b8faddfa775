"""The shared kernel's tables, present in the public schema and in every tenant schema."""

from __future__ import annotations

from typing import Any

from django.db import models


class NamedByKind(models.Model):
    """A row people know by kind and number ("Pagamento 42"): admin lists, audit targets."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class AppendOnlyError(RuntimeError):
    pass


class AuditEntry(models.Model):
    """One write done through a service: who, when, from where, what changed and why.

    Append-only: the application refuses to update or delete a row, and a database trigger refuses
    it too (migration 0002), so not even a raw query can rewrite history.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor = models.CharField(max_length=150, db_index=True)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    # S10.8-03: the workstation (MAC or station id) a local agent at the counter reports (ADR 0187)
    workstation = models.CharField("estação de trabalho", max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]
        verbose_name = "registro de auditoria"
        verbose_name_plural = "registros de auditoria"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Registros de auditoria não podem ser alterados.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("Registros de auditoria não podem ser excluídos.")


class AuditSeal(models.Model):
    """An audit row's place in the utility's hash chain (ADR 0240), written by the database at the
    commit of the row's transaction, never by the application: seq in commit order, the hash of the
    row before and its own. Kept beside the row, not in it, so sealing inserts small rows instead of
    rewriting every audit row (and its eight indexes) a second time."""

    entry = models.OneToOneField(
        AuditEntry, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="seal"
    )
    seq = models.BigIntegerField("sequência", unique=True)
    prev_hash = models.CharField(max_length=64)
    row_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "selo de auditoria"

    def __str__(self) -> str:
        return f"{self.seq}: {self.row_hash[:12]}"


class AuditPending(models.Model):
    """Audit rows of open transactions waiting for their seal (filled by a statement trigger, emptied
    by the sealer at commit): empty whenever no transaction that wrote audit rows is open."""

    entry_id = models.BigIntegerField(primary_key=True)

    def __str__(self) -> str:
        return str(self.entry_id)


class AuditChain(models.Model):
    """The tip of the schema's audit chain and the anchor left by the last retention purge (one row,
    id 1, created by migration 0006). Written only by the database functions of that migration."""

    tip_seq = models.BigIntegerField(default=0)
    tip_hash = models.CharField(max_length=64, blank=True, default="")
    anchor_seq = models.BigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64, blank=True, default="")
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "cadeia de auditoria"

    def __str__(self) -> str:
        return f"cadeia até {self.tip_seq}"


class AuditPolicy(models.Model):
    """How long the utility keeps audit rows (one row per schema; 0 = forever, the default: the tender
    asks for the legacy logs too, so nothing is purged unless the utility decides it)."""

    retention_days = models.PositiveIntegerField(
        "guardar registros de auditoria por (dias, 0 = sempre)", default=0
    )
    legacy_retention_days = models.PositiveIntegerField(
        "guardar registros importados do sistema anterior por (dias, 0 = sempre)", default=0
    )

    class Meta:
        verbose_name = "política de retenção da auditoria"

    def __str__(self) -> str:
        return "Política de retenção da auditoria"

    @classmethod
    def current(cls) -> AuditPolicy:
        return cls.objects.order_by("pk").first() or cls()


class LegacyAuditImport(models.Model):
    """One legacy log file imported (S6.2-03): which system, the file's SHA-256 and row count."""

    source = models.CharField("sistema de origem", max_length=40)
    file_name = models.CharField("arquivo", max_length=255)
    file_sha256 = models.CharField("SHA-256 do arquivo", max_length=64, unique=True)
    rows = models.PositiveIntegerField("linhas", default=0)
    imported_at = models.DateTimeField("importado em", auto_now_add=True)
    imported_by = models.CharField("importado por", max_length=150)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = "importação de log legado"

    def __str__(self) -> str:
        return f"{self.source} {self.file_name}"


class LegacyAuditEntry(models.Model):
    """A row of the previous system's log, kept apart from the live chain and marked as imported:
    it was not written by Manancial, so it is evidence of what the old system said, not of what
    happened here. Every legacy column is kept in `raw`; the mapped ones get columns to search."""

    batch = models.ForeignKey(LegacyAuditImport, on_delete=models.PROTECT, related_name="entries")
    line = models.PositiveIntegerField("linha do arquivo")
    at = models.DateTimeField("quando", db_index=True)
    actor = models.CharField("usuário", max_length=150, db_index=True)
    action = models.CharField("ação", max_length=200, db_index=True)
    object_type = models.CharField("tipo de objeto", max_length=100, blank=True)
    object_id = models.CharField("identificador", max_length=64, blank=True, db_index=True)
    ip = models.CharField("IP", max_length=64, blank=True)
    workstation = models.CharField("estação", max_length=64, blank=True)
    detail = models.TextField("detalhe", blank=True)
    raw = models.JSONField("linha original")

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [models.UniqueConstraint(fields=["batch", "line"], name="legacy_audit_batch_line")]
        verbose_name = "registro de auditoria legado"

    def __str__(self) -> str:
        return f"[legado] {self.at:%Y-%m-%d %H:%M} {self.actor} {self.action}"


class JobRun(models.Model):
    """A background job's run, recorded in the schema it ran in (per-tenant dispatcher pattern)."""

    task = models.CharField(max_length=200, db_index=True)
    key = models.CharField(max_length=200, blank=True, help_text="idempotency key of the run")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=20, default="running")
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "key"], condition=~models.Q(key=""), name="jobrun_task_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task} {self.key} {self.state}"


class StuckWork(models.Model):
    """How much background work of one kind is stuck in one tenant, as its last sweep saw it.

    Written and read only in the public schema (see modules.common.stuck): /readyz, /metrics and the
    ops console read one table instead of every tenant's schema. The copy of this table that every
    tenant schema gets (modules.common is a shared and a tenant app) stays empty.
    """

    schema_name = models.CharField(max_length=63)
    kind = models.CharField(max_length=40)
    count = models.PositiveIntegerField(default=0)
    detail = models.JSONField(default=list, blank=True)
    checked_at = models.DateTimeField()

    class Meta:
        ordering = ["schema_name", "kind"]
        constraints = [models.UniqueConstraint(fields=["schema_name", "kind"], name="stuckwork_schema_kind")]

    def __str__(self) -> str:
        return f"{self.schema_name} {self.kind}: {self.count}"


class Regulation(models.Model):
    """An effective-dated rule set of the utility (tariffs, late charges, installments, due dates …).

    Later modules store their policies here or in their own effective-dated tables; the act
    (ato administrativo) that approved each version is kept with it.
    """

    kind = models.CharField(max_length=60)
    valid_from = models.DateField()
    act = models.CharField(max_length=200, blank=True)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["kind", "valid_from"], name="regulation_kind_from")]

    def __str__(self) -> str:
        return f"{self.kind} desde {self.valid_from}"


class DocumentTemplate(models.Model):
    """The text of a document a module prints (certificate, statement, agreement term …), one row per
    version: `kind` is the module's name for the document, the version in force on a document's date
    is the latest `valid_from` on or before it among the versions saved before the document was made
    (so a new version never rewrites a document already issued). `body_html` is a restricted Django
    template: only the kind's placeholders, a few tags and HTML elements (common.document_templates).
    No row for a kind: the module's default text."""

    kind = models.CharField("documento", max_length=60)
    valid_from = models.DateField("vigência a partir de")
    title = models.CharField("título", max_length=200)
    body_html = models.TextField("texto", blank=True)
    created_at = models.DateTimeField("salvo em", auto_now_add=True)
    created_by = models.CharField("salvo por", max_length=150, blank=True)

    class Meta:
        ordering = ["kind", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["kind", "valid_from"], name="doctemplate_kind_from")]

    def __str__(self) -> str:
        return f"{self.kind} desde {self.valid_from}"
