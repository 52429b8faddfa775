"""The registry's reference tables ("Tabelas do cadastro", function `registry.reference`): one
description per table, read by the services, the pages, the API and the configuration section, so a
table's fields, labels and parent are written once (ADR 0145)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db import models

from .models import (
    BillingGroup,
    Block,
    Category,
    City,
    Locality,
    Neighbourhood,
    Route,
    Sector,
    Street,
    Subcategory,
    UsagePlan,
)


@dataclass(frozen=True)
class Table:
    key: str  # API path and configuration key: "localities"
    slug: str  # page path: "localidades"
    model: type[models.Model]
    fields: tuple[str, ...]  # editable fields, in form order; a foreign key by its field name
    title: str  # pt-BR plural, the page title
    feminine: bool  # pt-BR agreement: "cadastrada" / "cadastrado"
    columns: tuple[str, ...]  # list page columns
    parent: str = ""  # the foreign key to the table above (offered only among active rows)
    select: tuple[str, ...] = field(default=())  # select_related of the list
    # the town's tables (registry.reference) are kept by the counter too; the billing classification
    # (registry.classification) changes what bills say, so the standard profiles give it to Gestor only
    function: str = "registry.reference"

    @property
    def singular(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def action(self) -> str:
        """Audit action prefix and object type: registry.locality (…_create, …_update …)."""
        return str(self.model._meta.label_lower)

    def article(self) -> str:
        return "a" if self.feminine else "o"


CLASSIFICATION = "registry.classification"
TABLES: dict[str, Table] = {
    t.key: t
    for t in (
        Table("cities", "municipios", City, ("name", "state", "ibge_code"), "Municípios", False,
              ("name", "state", "ibge_code")),
        Table("localities", "localidades", Locality, ("city", "code", "name"), "Localidades", True,
              ("code", "name", "city"), parent="city", select=("city",)),
        Table("sectors", "setores", Sector, ("locality", "code", "name"), "Setores", False,
              ("locality", "code", "name"), parent="locality", select=("locality",)),
        Table("blocks", "quadras", Block, ("sector", "code", "name"), "Quadras", True,
              ("sector", "code", "name"), parent="sector", select=("sector__locality",)),
        Table("neighbourhoods", "bairros", Neighbourhood, ("city", "code", "name"), "Bairros", False,
              ("code", "name", "city"), parent="city", select=("city",)),
        Table("streets", "logradouros", Street, ("city", "street_type", "title", "name"), "Logradouros",
              False, ("street_type", "title", "name", "city"), parent="city", select=("city",)),
        Table("categories", "categorias", Category, ("code", "name"), "Categorias", True, ("code", "name"),
              function=CLASSIFICATION),
        Table("subcategories", "subcategorias", Subcategory, ("category", "code", "name"), "Subcategorias",
              True, ("category", "code", "name"), parent="category", select=("category",),
              function=CLASSIFICATION),
        Table("usage-plans", "planos", UsagePlan,
              ("category", "code", "name", "kind", "minimum_m3_per_unit", "initial_m3_per_unit", "tax_mode",
               "dwelling_unit_mode"),
              "Planos de utilização", False,
              ("category", "code", "name", "kind", "minimum_m3_per_unit", "dwelling_unit_mode"),
              parent="category", select=("category",), function=CLASSIFICATION),
        Table("groups", "grupos", BillingGroup, ("code", "name", "due_days"), "Grupos de faturamento", False,
              ("code", "name", "due_days"), function=CLASSIFICATION),
        Table("routes", "rotas", Route, ("group", "code", "name"), "Rotas de leitura", True,
              ("group", "sequence", "code", "name"), parent="group", select=("group",),
              function=CLASSIFICATION),
    )
}  # fmt: skip
BY_SLUG = {t.slug: t for t in TABLES.values()}


def table_form(table: Table, *, data: Any = None, instance: models.Model | None = None) -> forms.ModelForm:
    """The table's ModelForm: the model's own validation (lengths, choices, unique constraints) with
    its pt-BR messages; the parent is chosen among active rows (or the one the row already has)."""
    form_class = forms.modelform_factory(table.model, fields=table.fields)
    form = form_class(data=data, instance=instance)
    if table.parent:
        parent_field = form.fields[table.parent]
        assert isinstance(parent_field, forms.ModelChoiceField)
        current = getattr(instance, f"{table.parent}_id", None) if instance is not None else None
        active = models.Q(active=True) | models.Q(pk=current)
        parent_field.queryset = parent_field.queryset.filter(active)
    return form
