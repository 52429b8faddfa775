"""Rental contracts (contrato de locação, seed 002 §10.15) and a unit's alternative addresses
(seed 001 3.2.13.10.3).

A contract names the tenant who answers for the unit from its start to its end (both inclusive): while
it is in force the tenant holds the unit's USER relation, so the payer rule (domain/payer.py) issues the
bills in the tenant's name; the daily job ends it and closes that relation, and responsibility falls
back to the owner. Dates of a contract are never edited: an extension is a new contract (§10.15).

The unit's main address is the property's own (street, number, complement, neighbourhood, CEP); the
rows here are the alternative ones (correspondence), one of which may be where the bills are delivered.
"""

from __future__ import annotations

import builtins
import datetime as dt

from django.db import models
from django.db.models import Q

from .models import Customer, Neighbourhood, Property, PropertyRelation, Street

property_ = builtins.property  # the "property" fields shadow the builtin in the class bodies


class RentalContract(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "vigente", "Vigente"
        ENDED = "encerrado", "Encerrado"

    property = models.ForeignKey(
        Property, on_delete=models.PROTECT, related_name="rental_contracts", verbose_name="imóvel"
    )
    tenant = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="rental_contracts", verbose_name="inquilino"
    )
    start = models.DateField("início da vigência")
    end = models.DateField("fim da vigência")
    status = models.CharField("situação", max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # the last day the tenant answered for the unit: `end`, or the day it was ended early
    ended_on = models.DateField("encerrado em", null=True, blank=True)
    end_reason = models.CharField("motivo do encerramento", max_length=200, blank=True)
    documents = models.JSONField("documentos conferidos", default=list, blank=True)
    relation = models.ForeignKey(
        PropertyRelation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="vínculo de inquilino",
    )
    notes = models.CharField("observações", max_length=300, blank=True)
    created_by = models.CharField("registrado por", max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="rental_contract_dates"),
            models.UniqueConstraint(
                fields=["property"], condition=Q(status="vigente"), name="rental_contract_one_active"
            ),
        ]
        verbose_name = "contrato de locação"
        verbose_name_plural = "contratos de locação"

    def __str__(self) -> str:
        return f"Contrato {self.pk} ({self.start:%d/%m/%Y} a {self.end:%d/%m/%Y})"

    @property_
    def last_day(self) -> dt.date:
        return self.ended_on or self.end


class PropertyAddress(models.Model):
    """An alternative (correspondence) address of a unit. In town it names the street and the
    neighbourhood rows, and may then become the unit's main address (swap); elsewhere it is text."""

    property = models.ForeignKey(
        Property, on_delete=models.CASCADE, related_name="addresses", verbose_name="imóvel"
    )
    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="logradouro"
    )
    street_name = models.CharField("logradouro (texto)", max_length=200, blank=True)
    number = models.CharField("número", max_length=10, blank=True)
    complement = models.CharField("complemento", max_length=60, blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="bairro",
    )
    neighbourhood_name = models.CharField("bairro (texto)", max_length=120, blank=True)
    city = models.CharField("município", max_length=120, blank=True)
    state = models.CharField("UF", max_length=2, blank=True)
    cep = models.CharField("CEP", max_length=8, blank=True)
    delivery = models.BooleanField("entregar as faturas aqui", default=False)
    active = models.BooleanField("ativo", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    deactivated_at = models.DateTimeField("desativado em", null=True, blank=True)

    class Meta:
        ordering = ["-active", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["property"], condition=Q(delivery=True, active=True), name="address_one_delivery"
            ),
            models.CheckConstraint(
                condition=Q(delivery=False) | Q(active=True), name="address_delivery_only_active"
            ),
        ]
        verbose_name = "endereço alternativo"
        verbose_name_plural = "endereços alternativos"

    def __str__(self) -> str:
        return self.text

    @property_
    def text(self) -> str:
        street = str(self.street) if self.street_id else self.street_name
        hood = str(self.neighbourhood) if self.neighbourhood_id else self.neighbourhood_name
        line = f"{street}, {self.number or 'S/N'}"
        if self.complement:
            line += f" – {self.complement}"
        if hood:
            line += f" – {hood}"
        if self.city:
            line += f" – {self.city}" + (f"/{self.state}" if self.state else "")
        if self.cep:
            line += f" – CEP {self.cep[:5]}-{self.cep[5:]}"
        return line

    @property_
    def in_town(self) -> bool:
        return bool(self.street_id and self.neighbourhood_id)
