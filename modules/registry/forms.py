from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from .domain import connections as conn
from .models import (
    BillingGroup,
    Category,
    Customer,
    Neighbourhood,
    PropertyRelation,
    Route,
    Street,
    UsagePlan,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CustomerForm(forms.Form):
    name = forms.CharField(label="Nome", max_length=200)
    cpf_cnpj = forms.CharField(
        label="CPF ou CNPJ",
        max_length=20,
        required=False,
        help_text="CNPJ alfanumérico aceito. Em branco: cliente sem CPF/CNPJ (cadastro legado).",
    )
    kind = forms.ChoiceField(
        label="Tipo",
        choices=Customer.Kind.choices,
        initial=Customer.Kind.PERSON,
        required=False,
        help_text="Com CPF/CNPJ, o tipo segue o documento.",
    )
    email = forms.CharField(label="E-mail", required=False, max_length=254)
    phone = forms.CharField(label="Celular", required=False, max_length=20)
    phone_home = forms.CharField(label="Telefone residencial", required=False, max_length=20)
    phone_work = forms.CharField(label="Telefone comercial", required=False, max_length=20)
    rg = forms.CharField(label="RG", required=False, max_length=20)
    birth_date = forms.DateField(label="Data de nascimento", required=False, widget=DATE)
    mother_name = forms.CharField(label="Nome da mãe", required=False, max_length=200)
    mail_street = forms.CharField(label="Endereço de correspondência", required=False, max_length=200)
    mail_number = forms.CharField(label="Número", required=False, max_length=20)
    mail_neighbourhood = forms.CharField(label="Bairro", required=False, max_length=120)
    mail_city = forms.CharField(label="Município", required=False, max_length=120)
    mail_state = forms.CharField(label="UF", required=False, max_length=2)
    mail_cep = forms.CharField(label="CEP", required=False, max_length=9)


class PropertyForm(forms.Form):
    inscription = forms.CharField(
        label="Inscrição",
        max_length=40,
        required=False,
        help_text="com ou sem os dígitos verificadores (ex.: 001.002.0034.0056.000-95), "
        "ou preencha localidade, setor, quadra e lote",
    )
    locality = forms.IntegerField(label="Localidade", min_value=0, required=False)
    sector = forms.IntegerField(label="Setor", min_value=0, required=False)
    block = forms.IntegerField(label="Quadra", min_value=0, required=False)
    lot = forms.IntegerField(label="Lote", min_value=0, required=False)
    sublot = forms.IntegerField(label="Sublote", min_value=0, initial=0, required=False)
    street = forms.ModelChoiceField(label="Logradouro", queryset=Street.objects.filter(active=True))
    number = forms.CharField(label="Número", max_length=10)
    complement = forms.CharField(label="Complemento", required=False, max_length=60)
    neighbourhood = forms.ModelChoiceField(label="Bairro", queryset=Neighbourhood.objects.filter(active=True))
    cep = forms.CharField(label="CEP", required=False, max_length=9)
    latitude = forms.DecimalField(label="Latitude", required=False, max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(label="Longitude", required=False, max_digits=9, decimal_places=6)
    billing_group = forms.ModelChoiceField(
        label="Grupo de faturamento", queryset=BillingGroup.objects.filter(active=True), required=False
    )
    route = forms.ModelChoiceField(
        label="Rota de leitura",
        queryset=Route.objects.filter(active=True).select_related("group"),
        required=False,
    )
    route_sequence = forms.IntegerField(label="Sequência na rota", required=False, min_value=1)
    holder_cpf_cnpj = forms.CharField(
        label="CPF/CNPJ do titular",
        required=False,
        max_length=20,
        help_text="proprietário e responsável pela conta",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("inscription") or "").strip():
            for name in ("locality", "sector", "block", "lot"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, "Informe a inscrição ou este campo.")
        return data


class EconomiesForm(forms.Form):
    """One economias field per category: a property may mix categories."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        initial = kwargs.pop("shares", None) or {}
        # on a registered property's page: one usage plan choice per category that has plans (S5.3-04)
        plans: dict[str, str] | None = kwargs.pop("plans", None)  # type: ignore[assignment]
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # a deactivated category is offered only to the properties that already have it
        categories = list(Category.objects.filter(Q(active=True) | Q(code__in=list(initial))))
        for category in categories:
            self.fields[f"cat_{category.code}"] = forms.IntegerField(
                label=f"Economias — {category.name}", required=False, initial=initial.get(category.code)
            )
        if plans is None:
            return
        for category in categories:
            held = plans.get(category.code, "")
            offered = UsagePlan.objects.filter(category=category).filter(Q(active=True) | Q(code=held))
            choices = [(plan.code, f"{plan.code} – {plan.name}") for plan in offered]
            if choices:
                self.fields[f"plan_{category.code}"] = forms.ChoiceField(
                    label=f"Plano de utilização — {category.name}",
                    required=False,
                    choices=[("", "nenhum (mínimo da tarifa)"), *choices],
                    initial=held,
                )


class ConnectionForm(forms.Form):
    kind = forms.ChoiceField(label="Tipo", choices=[("water", "Água"), ("sewer", "Esgoto")])
    situation = forms.ChoiceField(label="Situação", choices=list(conn.SITUATIONS.items()))
    since = forms.DateField(label="Desde", widget=DATE)
    diameter_mm = forms.IntegerField(label="Diâmetro do ramal (mm)", required=False, min_value=1)
    material = forms.CharField(label="Material do ramal", required=False, max_length=40)


class SituationForm(forms.Form):
    situation = forms.ChoiceField(label="Nova situação", choices=list(conn.SITUATIONS.items()))
    on = forms.DateField(label="Data", widget=DATE)
    reason = forms.CharField(label="Motivo", required=False, max_length=200)


class TransferForm(forms.Form):
    cpf_cnpj = forms.CharField(label="CPF/CNPJ do novo titular", max_length=20)
    role = forms.ChoiceField(label="Papel", choices=PropertyRelation.Role.choices)
    start = forms.DateField(label="A partir de", widget=DATE)
    reason = forms.CharField(label="Motivo", required=False, max_length=200)
