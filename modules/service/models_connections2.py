"""New connections, second round (seed002 §8, ADR 0191): the street's sector (S8.1-04), the tenant's
value lists of a connection's attributes (S8.1-06), the services a connection type involves and
charges (S8.2-01), the boletos issued for a request (S8.2-02), the activation's confirmations
(S8.5-05) and a fee spread over several bills (installments of a pending charge)."""

from __future__ import annotations

from django.db import models

__all__ = [
    "ChargeInstallments",
    "ConnectionAttributeValue",
    "ConnectionRequestDocument",
    "ConnectionTypeService",
    "StreetSector",
]


class StreetSector(models.Model):
    """The setor a street lies in: a connection request's execution site takes it from its street."""

    street = models.OneToOneField(
        "registry.Street",
        on_delete=models.CASCADE,
        related_name="connection_sector",
        verbose_name="logradouro",
    )
    sector = models.ForeignKey(
        "registry.Sector", on_delete=models.PROTECT, related_name="+", verbose_name="setor"
    )

    def __str__(self) -> str:
        return f"{self.street_id} no setor {self.sector_id}"


class ConnectionAttributeValue(models.Model):
    """One value of a connection attribute's list, as the utility configures it."""

    class Attribute(models.TextChoices):
        SITUATION = "situation", "Situação"
        TYPE = "type", "Tipo de ligação"
        BILLING = "billing", "Faturamento"
        COLLECTION = "collection", "Forma de cobrança"
        USAGE = "usage", "Utilização"

    attribute = models.CharField("atributo", max_length=12, choices=Attribute.choices)
    code = models.CharField("código", max_length=30)
    label = models.CharField("descrição", max_length=80)
    active = models.BooleanField("ativo", default=True)

    class Meta:
        ordering = ["attribute", "id"]
        constraints = [
            models.UniqueConstraint(fields=["attribute", "code"], name="connection_attribute_value_once")
        ]

    def __str__(self) -> str:
        return self.label


class ConnectionTypeService(models.Model):
    """A service a connection type (its workflow) involves and charges, shown when a request opens."""

    definition = models.ForeignKey(
        "service.WorkflowDefinition", on_delete=models.CASCADE, related_name="services"
    )
    code = models.ForeignKey("service.ServiceCode", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField("ordem", default=1)

    class Meta:
        ordering = ["definition_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["definition", "code"], name="connection_type_service_once")
        ]

    def __str__(self) -> str:
        return f"{self.definition_id}: {self.code_id}"


class ConnectionRequestDocument(models.Model):
    """A boleto issued for one of a request's services (collection's PaymentDocument)."""

    request = models.ForeignKey(
        "service.ConnectionRequest", on_delete=models.CASCADE, related_name="payment_documents"
    )
    document = models.OneToOneField("collection.PaymentDocument", on_delete=models.PROTECT, related_name="+")
    code = models.ForeignKey("service.ServiceCode", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["request_id", "id"]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.document_id}"


class ChargeInstallments(models.Model):
    """A pending charge spread over `count` bills: one installment per bill, to the cent, the last
    absorbing the rounding remainder (billing's source ids "<charge>/<n>")."""

    charge = models.OneToOneField(
        "service.PendingCharge", on_delete=models.CASCADE, related_name="installments"
    )
    count = models.PositiveSmallIntegerField("parcelas")

    def __str__(self) -> str:
        return f"{self.charge_id} em {self.count}x"
