"""Exceptions and legal processes on a property (TR S10.13, S10.11-02, S10.12-04; ADR 0188).

An exception (exceção) stops one thing for a while: the billing run (impede faturamento), the fine
of a late payment (impede multa) or the cut-off selection (impede corte). A legal process (processo
judicial ou administrativo, execução fiscal, inscrição em dívida ativa) covers the bills linked to
it, or every bill of the property when none is linked: a covered bill is neither cut nor
recalculated, and an execução (or a bill in dívida ativa) locks second copies, statements and
installment agreements to the profiles with the special privilege. `modules/billing/legal.py`
reads them all through one selector (`legal_locks`); the active-debt enrolment (issue #16) creates
a process of kind ACTIVE_DEBT linking the enrolled bills.
"""

from __future__ import annotations

import datetime as dt

from django.db import models


class ExceptionKind(models.TextChoices):
    NO_BILLING = "no_billing", "Impede faturamento"
    NO_FINE = "no_fine", "Impede multa"
    NO_CUT = "no_cut", "Impede corte"


class ProcessKind(models.TextChoices):
    JUDICIAL = "judicial", "Processo judicial"
    ADMINISTRATIVE = "administrative", "Processo administrativo"
    TAX_ENFORCEMENT = "tax_enforcement", "Execução fiscal"
    ACTIVE_DEBT = "active_debt", "Inscrição em dívida ativa"


def _in_force(starts_on: dt.date, ends_on: dt.date | None, on: dt.date) -> bool:
    return starts_on <= on and (ends_on is None or ends_on >= on)


class PropertyException(models.Model):
    """One exception of a property, in force from `starts_on` to `ends_on` (inclusive; open when
    empty). Two of the same kind never overlap on a property (the service refuses it)."""

    property = models.ForeignKey("registry.Property", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("tipo", max_length=20, choices=ExceptionKind.choices)
    starts_on = models.DateField("início")
    ends_on = models.DateField("fim", null=True, blank=True)
    reason = models.TextField("motivo")
    # the acting username (a person, or "sistema:…" for a batch such as the dívida-ativa enrolment)
    created_by = models.CharField("registrada por", max_length=150)
    created_at = models.DateTimeField("registrada em", auto_now_add=True)
    ended_by = models.CharField("encerrada por", max_length=150, blank=True, default="")
    end_reason = models.TextField("motivo do encerramento", blank=True, default="")

    class Meta:
        ordering = ["property_id", "-starts_on", "-id"]
        indexes = [models.Index(fields=["property", "kind"], name="billing_exc_property_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.property_id})"

    def in_force(self, on: dt.date) -> bool:
        return _in_force(self.starts_on, self.ends_on, on)


class LegalProcess(models.Model):
    """A legal process on a property, active from `starts_on` until it is closed (`ends_on`)."""

    property = models.ForeignKey("registry.Property", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("tipo", max_length=20, choices=ProcessKind.choices)
    number = models.CharField("número do processo", max_length=60)
    description = models.TextField("descrição", blank=True, default="")
    starts_on = models.DateField("início")
    ends_on = models.DateField("encerramento", null=True, blank=True)
    # the bills the process is about; none: every bill of the property
    bills = models.ManyToManyField("billing.Bill", blank=True, related_name="legal_processes")
    # the acting username (a person, or "sistema:…" for a batch such as the dívida-ativa enrolment)
    created_by = models.CharField("registrado por", max_length=150)
    created_at = models.DateTimeField("registrado em", auto_now_add=True)
    closed_by = models.CharField("encerrado por", max_length=150, blank=True, default="")
    close_reason = models.TextField("motivo do encerramento", blank=True, default="")

    class Meta:
        ordering = ["property_id", "-starts_on", "-id"]
        indexes = [models.Index(fields=["property", "kind"], name="billing_proc_property_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def in_force(self, on: dt.date) -> bool:
        return _in_force(self.starts_on, self.ends_on, on)
